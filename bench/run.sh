#!/usr/bin/env bash
# The bench, one command: starts the local stack with production JVM options (or uses a running one), sets up its own
# data through the public API and prints every figure against its baseline, as medians of rounds, with ratios.
# Results: bench/results/<date>.md (also printed). What each figure means: docs/performance.md.
#
#   bench/run.sh [--use-running] [--port-base N] [--quick] [--rounds N] [--duration S] [--wrk-duration S]
#                [--rates 50,200,500] [--skip gateway,saga,audit,restart,noisy,revocation] [--out FILE] [--note TEXT]
#                [--noisy-seconds S] [--noisy-flood API/s,APPS/s,STREAMS] [--revocation-grants N]
#
# --use-running   measure the stack already running from this checkout (its home: --stack-home, default .local-stack);
#                 start it with `deploy/run-local-stack.sh --jvm production --restart-crashed 3` for comparable figures
# --port-base N   start the stack on ports N..N+10 (home .local-stack-bench-N) instead of the documented ones
# --quick         a short smoke run (one round, short loads): checks the harness, figures are not comparable
# noisy           the noisy-neighbour part runs under the gateway's default fair-share limits; when it is skipped, the
#                 stack this script starts gets them raised, so the throughput parts measure capacity, not policy
set -euo pipefail
cd "$(dirname "$0")/.."

use_running=""
skip_list=""
port_base=""
stack_home=""
harness_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --use-running) use_running=1 ;;
    --port-base) port_base="$2"; shift ;;
    --stack-home) stack_home="$2"; shift ;;
    --skip) skip_list="$2"; harness_args+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) harness_args+=("$1") ;;
  esac
  shift
done
if [ -z "$stack_home" ]; then
  stack_home=.local-stack
  [ -n "$port_base" ] && stack_home=".local-stack-bench-$port_base"
fi

say() { echo "[bench] $*"; }

# wrk and nginx-light from Debian packages, if missing (the output and the results say so)
installed=""
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} with apt-get (missing on this machine) ..."
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  installed="${missing[*]}"
  say "installed: $installed"
fi

harness=bench/harness/target/bench-harness.jar
stack_pid=""
stop_stack() {
  if [ -n "$stack_pid" ] && kill -0 "$stack_pid" 2>/dev/null; then
    say "stopping the local stack (pid $stack_pid) ..."
    kill -TERM "$stack_pid" 2>/dev/null || true
    wait "$stack_pid" 2>/dev/null || true
  fi
}
trap stop_stack EXIT
trap 'exit 130' INT TERM

# fair-share limits (docs/architecture.md "Fair sharing"): one bench caller (bob under wrk, the partner under the
# saga) far exceeds a caller's default rate. The throughput parts measure capacity, the noisy part measures the limits.
skipped() { [[ ",$skip_list," == *",$1,"* ]]; }
if skipped noisy; then
  if [ -z "$use_running" ]; then
    for limit in API APPS; do
      for kind in CALLER_PER_SECOND CALLER_BURST TENANT_PER_SECOND TENANT_BURST; do
        export "CROSSTENANT_GATEWAY_FAIR_SHARE_${limit}_${kind}=1000000"
      done
    done
    export CROSSTENANT_GATEWAY_FAIR_SHARE_UPSTREAM_CONCURRENT_PER_TENANT=1000
    say "noisy skipped: the gateway's rate limits and upstream quota are raised for this stack (capacity, not policy)"
  fi
elif ! { skipped gateway && skipped saga && skipped audit && skipped restart; }; then
  say "note: the throughput parts run under the gateway's default fair-share limits here (one bench caller exceeds"
  say "      them); for capacity figures run them with --skip noisy, and the noisy part on its own"
fi

if [ -z "$use_running" ]; then
  mkdir -p "$stack_home/logs"
  stack_log="$stack_home/logs/bench-launcher.log"
  stack_args=(--home "$stack_home" --jvm production --restart-crashed 3)
  [ -n "$port_base" ] && stack_args+=(--port-base "$port_base")
  say "starting the local stack (${stack_args[*]}); its output: $stack_log"
  rm -f "$stack_home/run/stack.properties"
  # the launcher builds whatever is stale first (the whole reactor, the harness included)
  deploy/run-local-stack.sh "${stack_args[@]}" >"$stack_log" 2>&1 &
  stack_pid=$!
  deadline=$((SECONDS + 900))
  until grep -q "ready in" "$stack_log" 2>/dev/null; do
    if ! kill -0 "$stack_pid" 2>/dev/null; then
      say "the local stack did not start:"; tail -30 "$stack_log"; exit 1
    fi
    if [ $SECONDS -gt $deadline ]; then say "the local stack was not ready within 15 minutes"; exit 1; fi
    sleep 1
  done
  say "$(grep 'ready in' "$stack_log")"
else
  [ -f "$stack_home/run/stack.properties" ] || { say "no running stack found ($stack_home/run/stack.properties is missing)"; exit 1; }
  [ -f "$harness" ] || mvn -B -q package -DskipTests -Dcrosstenant.images.skip=true -pl bench/harness -am
fi

[ -n "$installed" ] && harness_args=(--installed "$installed" "${harness_args[@]}")
java -Xmx1g -cp "$harness:bench/harness/target/lib/*" org.crosstenant.bench.Bench --stack-home "$stack_home" "${harness_args[@]}"
