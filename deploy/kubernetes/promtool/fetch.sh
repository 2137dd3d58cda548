#!/bin/bash
# Prints the path of a promtool binary (Prometheus' rules checker) for AlertRulesTest, taken from Debian's
# `prometheus` package of the machine's configured apt sources (apt-get download: no install, nothing else of the
# package is used) and cached outside the work tree in ${CROSSTENANT_CACHE:-~/.cache/crosstenant}/promtool.
# Idempotent: a cached binary is printed at once. Exit 2 with a message on stderr when it cannot be had.
set -euo pipefail
CACHE=${CROSSTENANT_CACHE:-$HOME/.cache/crosstenant}/promtool
BIN=$CACHE/bin/promtool
die() { echo "promtool/fetch.sh: $*" >&2; exit 2; }

if [ -x "$BIN" ] && "$BIN" --version >/dev/null 2>&1; then
  echo "$BIN"
  exit 0
fi
command -v apt-get >/dev/null || die "apt-get is missing: promtool comes from Debian's prometheus package"
command -v dpkg-deb >/dev/null || die "dpkg-deb is missing"
mkdir -p "$CACHE/download" "$CACHE/bin"
cd "$CACHE/download"
rm -f prometheus_*.deb
if ! apt-get download prometheus >&2; then
  # a fresh machine may have no package lists yet
  [ "$(id -u)" = 0 ] || die "apt-get download prometheus failed and 'apt-get update' needs root"
  apt-get update >&2 || die "apt-get update failed"
  apt-get download prometheus >&2 || die "apt-get download prometheus failed (is it in /etc/apt/sources.list.d?)"
fi
deb=$(ls prometheus_*.deb)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" ./usr/bin/promtool || die "no usr/bin/promtool in $deb"
mv "$tmp/usr/bin/promtool" "$BIN.new" && mv "$BIN.new" "$BIN"
rm -f "$deb"
"$BIN" --version >&2 || die "the unpacked promtool does not run"
echo "$BIN"
