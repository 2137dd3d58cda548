#!/usr/bin/env bash
# Stops the servers that start.sh started (by the pids in $RUN_DIR/*.pid, API servers before their etcd), waits until
# each has exited (SIGKILL after 20 s), and removes the run directory (ephemeral PKI and etcd data).
# Idempotent: nothing running is fine. Usage: stop.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
[ -d "$RUN_DIR" ] || { log "stop.sh: nothing to stop ($RUN_DIR absent)"; exit 0; }
stop_one() {
  local f=$RUN_DIR/$1.pid pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    local deadline=$(( $(date +%s) + 20 ))
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$(date +%s)" -ge "$deadline" ]; then kill -9 "$pid" 2>/dev/null || true; fi
      sleep 0.2
    done
    log "stopped $1 (pid $pid)"
  fi
  rm -f "$f"
}
for s in kube-apiserver apiext kube-etcd apiext-etcd; do stop_one "$s"; done
if [ -f "$RUN_DIR/apiext-etcd.datadir" ]; then rm -rf "$(cat "$RUN_DIR/apiext-etcd.datadir")"; fi
rm -rf "$RUN_DIR"
