#!/usr/bin/env bash
# Makes sure podman and runc (Debian packages) are installed, for the images' smoke test (deploy/images): installs the
# missing ones with apt-get from this machine's configured apt sources, or says what to install when not root.
set -euo pipefail
missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "[images] missing: ${missing[*]}; install them (apt-get install ${missing[*]}) or run the build as root" >&2
  exit 1
fi
echo "[images] installing ${missing[*]} with apt-get (missing on this machine) ..." >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
echo "[images] installed: ${missing[*]}" >&2
