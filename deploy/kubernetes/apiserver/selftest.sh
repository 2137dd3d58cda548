#!/usr/bin/env bash
# Proves the validator both passes and fails: with the servers of start.sh running, samples/good.yaml must give only
# OK lines and exit 0, samples/bad.yaml only FAIL lines and exit 1. Prints "selftest: N passed, N failed"; exit 1 on
# any mismatch. Usage: selftest.sh (start.sh first).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
passed=0; failed=0
check() {  # $1 label, $2 expected exit, $3 line prefix that every object line must have, $4 file
  local out rc
  out=$("$HERE/validate.sh" "$4" 2>&1); rc=$?
  printf '%s\n' "$out"
  local objects wrong
  objects=$(printf '%s\n' "$out" | grep -cE '^(OK|FAIL) ')
  wrong=$(printf '%s\n' "$out" | grep -E '^(OK|FAIL) ' | grep -cv "^$3 ")
  if [ "$rc" = "$2" ] && [ "$objects" -gt 0 ] && [ "$wrong" = 0 ]; then passed=$((passed + 1)); echo "selftest $1: as expected";
  else failed=$((failed + 1)); echo "selftest $1: UNEXPECTED (exit $rc, want $2; $wrong of $objects lines not $3)"; fi
}
check good 0 OK "$HERE/samples/good.yaml"
check bad 1 FAIL "$HERE/samples/bad.yaml"
echo "selftest: $passed passed, $failed failed"
[ "$failed" = 0 ]
