#!/usr/bin/env bash
# Builds the suite's base image from Debian packages, without a Docker engine and without pulling from any registry:
# debootstrap (minbase) of bookworm with openjdk-17-jre-headless from the mirror this machine's apt sources name,
# plus one non-root user (uid/gid 10001, "app"), written as a docker-archive tar that Jib reads as `tar://...`.
#
#   deploy/images/base-image.sh            builds (or reuses) the image; prints the path of the tar
#
# Another base from the same recipe (the Testcontainers profile's Keycloak needs Java 21+, which bookworm lacks):
#   CROSSTENANT_BASE_NAME=base-jre21 CROSSTENANT_BASE_SUITE=trixie \
#   CROSSTENANT_BASE_PACKAGES=openjdk-21-jre-headless deploy/images/base-image.sh
# (a suite the apt sources do not name is fetched from the same mirror as the suites they do name)
#
# Cache: ${CROSSTENANT_IMAGES_CACHE:-$HOME/.cache/crosstenant/images}/base-jre17-<key>.tar, <key> a hash of what goes
# into the image (recipe version, suite, packages, uid, mirror), and the link base-jre17.tar to the latest one built,
# which the Maven profile `images` hands to Jib. A second run with the same inputs returns at once.
# Needs root (debootstrap); installs the Debian package debootstrap with apt-get when it is missing.
set -euo pipefail

suite="${CROSSTENANT_BASE_SUITE:-bookworm}"
packages="${CROSSTENANT_BASE_PACKAGES:-openjdk-17-jre-headless}"
name="${CROSSTENANT_BASE_NAME:-base-jre17}"
app_uid=10001
# bump when the recipe below changes what goes into the image (it is part of the cache key)
recipe=1
cache="${CROSSTENANT_IMAGES_CACHE:-$HOME/.cache/crosstenant/images}"
sources=/etc/apt/sources.list.d/debian.sources

say() { echo "[base-image] $*" >&2; }
fail() { say "ERROR: $*"; exit 1; }

# the first URI of the deb822 stanza whose Suites name $suite (not the security one)
mirror="${CROSSTENANT_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  [ -r "$sources" ] || fail "no $sources to read the Debian mirror from; set CROSSTENANT_DEBIAN_MIRROR"
  mirror=$(awk -v s="$suite" '
    /^URIs:/ { uri=$2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) { print uri; exit } }' "$sources")
  if [ -z "$mirror" ] && [ "$suite" != bookworm ]; then
    # a suite the sources do not list: the same archive as bookworm's (one mirror serves every suite)
    mirror=$(awk '/^URIs:/ { uri=$2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") { print uri; exit } }' \
      "$sources")
  fi
  [ -n "$mirror" ] || fail "no stanza for suite $suite in $sources; set CROSSTENANT_DEBIAN_MIRROR"
fi

key=$(echo "recipe=$recipe suite=$suite packages=$packages uid=$app_uid mirror=$mirror" | sha256sum | cut -c1-16)
out="$cache/$name-$key.tar"
mkdir -p "$cache"
# one build at a time per cache (two worktrees building at once wait for each other, then reuse the result)
exec 9>"$cache/.lock"
flock 9
if [ -s "$out" ]; then
  ln -sfn "$(basename "$out")" "$cache/$name.tar"
  say "cached: $out"
  echo "$out"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || fail "debootstrap needs root (building $out)"
if ! command -v debootstrap >/dev/null 2>&1; then
  say "installing the Debian package debootstrap with apt-get (missing on this machine) ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

work=$(mktemp -d "$cache/.build-XXXXXX")
# debootstrap mounts proc (and sys) in the root while it installs: unmount whatever is left before deleting
cleanup() {
  # (|| true: grep finds nothing in the usual case, and set -e/pipefail would end the trap before the rm)
  { grep -o " $work/[^ ]*" /proc/mounts 2>/dev/null || true; } | sort -r | while read -r mount; do
    umount "$mount" || true
  done
  if grep -q " $work/" /proc/mounts 2>/dev/null; then
    say "not deleting $work: something is still mounted under it (umount it, then delete it)"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
root="$work/root"
say "debootstrap --variant=minbase --include=$packages $suite from $mirror (about 2 minutes) ..."
debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log above)"; }

# the only addition: the user the suite's images run as (home /tmp: the only writable place of a read-only root)
echo "app:x:$app_uid:$app_uid:crosstenant:/tmp:/usr/sbin/nologin" >>"$root/etc/passwd"
echo "app:x:$app_uid:" >>"$root/etc/group"
echo "app:!:19000::::::" >>"$root/etc/shadow"
# what a container does not need: package caches and lists, device nodes (the runtime mounts /dev), logs
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/dev/* "$root"/var/log/* \
  "$root"/debootstrap

# JAVA_HOME as the image sees it: follow usr/bin/java's links inside the root (they are absolute, e.g.
# /etc/alternatives/java; readlink -f would follow them on this machine instead)
java=/usr/bin/java
for _ in 1 2 3 4 5 6 7 8; do
  target=$(readlink "$root$java") || break
  case "$target" in /*) java="$target" ;; *) java="$(dirname "$java")/$target" ;; esac
done
java_home=$(dirname "$(dirname "$java")")
case "$java_home" in /usr/lib/jvm/*) ;; *) fail "no java in the image (usr/bin/java -> $java_home)";; esac

# docker-archive: manifest.json, the image config and one uncompressed layer (what `docker save` writes)
say "writing the docker-archive ..."
tar --numeric-owner --sort=name --one-file-system --mtime='2000-01-01 00:00:00Z' -C "$root" -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
mkdir -p "$work/image/$diff_id"
mv "$work/layer.tar" "$work/image/$diff_id/layer.tar"
cat >"$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"2000-01-01T00:00:00Z",
 "config":{"User":"$app_uid","WorkingDir":"/tmp",
  "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home","LANG=C.UTF-8"],
  "Labels":{"org.opencontainers.image.title":"crosstenant $name","org.opencontainers.image.description":"Debian $suite minbase with $packages and user $app_uid","org.opencontainers.image.version":"$key"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"2000-01-01T00:00:00Z","created_by":"deploy/images/base-image.sh: debootstrap --variant=minbase --include=$packages $suite"}]}
JSON
config_id=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/image/$config_id.json"
cat >"$work/image/manifest.json" <<JSON
[{"Config":"$config_id.json","RepoTags":["localhost/crosstenant/$name:$key"],"Layers":["$diff_id/layer.tar"]}]
JSON
tar -C "$work/image" -cf "$out.partial" manifest.json "$config_id.json" "$diff_id"
mv "$out.partial" "$out"
ln -sfn "$(basename "$out")" "$cache/$name.tar"
say "built: $out ($(du -h "$out" | cut -f1))"
echo "$out"
