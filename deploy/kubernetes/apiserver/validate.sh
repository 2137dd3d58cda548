#!/usr/bin/env bash
# Sends every object of one or more multi-document YAML files to the API servers started by start.sh, as a
# server-side dry run, and prints one line per object: "OK" or "FAIL" with the server's (or kubectl's) message.
#   - custom resources (a group/version/kind the apiextensions server serves: Strimzi, Keycloak, CloudNativePG) go to
#     the apiextensions-apiserver by REST: POST /apis/G/V[/namespaces/NS]/PLURAL?dryRun=All&fieldValidation=Strict
#     (unknown or duplicate fields, wrong types, OpenAPI and CEL rules are all rejected by the server);
#   - everything else goes to kube-apiserver 1.20.2 with `kubectl apply --dry-run=server --validate=true`: the server
#     checks the object (required fields, selectors, quantities, admission), kubectl's client-side validation against
#     the server's OpenAPI catches unknown fields and wrong types (1.20 has no server-side strict field validation).
#     1.20 serves neither policy/v1 nor autoscaling/v2: such objects are validated as policy/v1beta1 and
#     autoscaling/v2beta2 (same fields) and their line says so.
#   - Namespaces: those the objects name (and -n's) are created for real first, so namespaced objects can be checked.
# Input: YAML in block style as Helm, Kustomize and kubectl write it (top-level keys in column 0, documents separated
# by "---"). Exit status: 0 when every object is OK, 1 when any fails, 2 on a usage or setup error.
# Usage: validate.sh [-n DEFAULT_NAMESPACE] FILE.yaml...
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
DEFAULT_NS=default
while getopts "n:" o; do case $o in n) DEFAULT_NS=$OPTARG ;; *) exit 2 ;; esac; done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: validate.sh [-n DEFAULT_NAMESPACE] FILE.yaml..." >&2; exit 2; }
for f in "$@"; do [ -r "$f" ] || { echo "ERROR: cannot read $f" >&2; exit 2; }; done
[ -f "$RUN_DIR/servers.env" ] || { echo "ERROR: $RUN_DIR/servers.env missing: run start.sh first" >&2; exit 2; }
# shellcheck disable=SC1091
. "$RUN_DIR/servers.env"
[ -n "${KUBE_APISERVER_URL:-}" ] || { echo "ERROR: kube-apiserver not started (start.sh all)" >&2; exit 2; }
[ -n "${APIEXT_URL:-}" ] || echo "WARNING: apiextensions-apiserver not started: custom resources go to kube-apiserver and fail" >&2

WORK=$(mktemp -d "$RUN_DIR/validate.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
CURL=(curl -s --cacert "$CA_CERT" --cert "$CLIENT_CERT" --key "$CLIENT_KEY")
KUBECTL_CMD=("$KUBECTL" --kubeconfig "$KUBE_APISERVER_KUBECONFIG" --cache-dir "$RUN_DIR/kubectl-cache")

# 1. Split into one file per document; index.tsv: n|source file|apiVersion|kind|namespace|name (a tab would let
#    read merge empty fields).
awk -v out="$WORK" '
  function clean(v) { sub(/[ \t]+#.*$/, "", v); gsub(/^[ \t]+|[ \t]+$/, "", v); gsub(/^["\x27]|["\x27]$/, "", v); return v }
  function flush() {
    if (content) {
      n++; fn = sprintf("%s/%04d.yaml", out, n); printf "%s", body > fn; close(fn)
      printf "%d|%s|%s|%s|%s|%s\n", n, src, av, kd, ns, nm >> (out "/index.tsv")
    }
    body = ""; av = ""; kd = ""; ns = ""; nm = ""; inmeta = 0; mind = -1; content = 0
  }
  FNR == 1 { flush(); src = FILENAME }
  /^---([ \t].*)?$/ || /^\.\.\.[ \t]*$/ { flush(); next }
  { body = body $0 "\n" }
  /^[^ \t#]/ { content = 1; inmeta = 0 }
  /^apiVersion:/ { v = $0; sub(/^apiVersion:/, "", v); av = clean(v) }
  /^kind:/ { v = $0; sub(/^kind:/, "", v); kd = clean(v) }
  /^metadata:[ \t]*$/ { inmeta = 1; next }
  inmeta && /^ +[A-Za-z]/ {
    match($0, /^ +/); if (mind < 0) mind = RLENGTH
    if (RLENGTH == mind && $0 ~ /^ +name:/) { v = $0; sub(/^ +name:/, "", v); nm = clean(v) }
    if (RLENGTH == mind && $0 ~ /^ +namespace:/) { v = $0; sub(/^ +namespace:/, "", v); ns = clean(v) }
  }
  END { flush() }
' "$@"
[ -s "$WORK/index.tsv" ] || { echo "ERROR: no objects found in $*" >&2; exit 2; }

# 2. Which group/versions does the apiextensions server serve? "G/V KIND PLURAL NAMESPACED" per custom kind.
discover() {  # $1 = G/V -> lines "KIND PLURAL NAMESPACED" (empty when the apiextensions server does not serve it)
  local gv=$1 cache=$WORK/disc.${1//\//_}
  if [ ! -f "$cache" ] && [ -n "${APIEXT_URL:-}" ]; then
    "${CURL[@]}" -f "$APIEXT_URL/apis/$gv" 2>/dev/null | tr -d ' \n' \
      | grep -o '{"name":"[a-z0-9.-]*","singularName":"[^"]*","namespaced":\(true\|false\),"kind":"[A-Za-z0-9]*"' \
      | sed 's/{"name":"\([^"]*\)","singularName":"[^"]*","namespaced":\([a-z]*\),"kind":"\([^"]*\)"/\3 \1 \2/' > "$cache"
  fi
  cat "$cache" 2>/dev/null
}
one_line() { tr '\n' ' ' | sed 's/[[:space:]]\+/ /g; s/ $//'; }
status_message() {  # the "message" of a Kubernetes Status JSON on stdin
  tr '\n' ' ' | sed -n 's/.*"message": *"\(.*\)", *"reason".*/\1/p; t; s/.*"message": *"\([^"]*\)".*/\1/p' | sed 's/\\"/"/g; s/\\n/ /g'
}

# 3. Namespaces first, for real (kube-apiserver; the apiextensions server runs without NamespaceLifecycle).
namespaces=$( { echo "$DEFAULT_NS"; cut -d'|' -f5 "$WORK/index.tsv"; awk -F'|' '$4=="Namespace" && $3=="v1" {print $6}' "$WORK/index.tsv"; } | grep -v '^$' | sort -u)
for ns in $namespaces; do
  out=$("${KUBECTL_CMD[@]}" create namespace "$ns" 2>&1) || case $out in *AlreadyExists*|*"already exists"*) ;; *)
    echo "ERROR: creating namespace $ns on kube-apiserver failed: $out" >&2; exit 2 ;; esac
done

# 4. Each object.
ok=0; failed=0
while IFS='|' read -r n src av kd ns nm; do
  doc=$WORK/$(printf '%04d' "$n").yaml
  where="${ns:+$ns/}${nm:-<no name>}"
  label="$kd $where ($(basename "$src")#$n)"
  if [ -z "$av" ] || [ -z "$kd" ]; then
    echo "FAIL  $label: no apiVersion or kind"; failed=$((failed + 1)); continue
  fi
  gv=$av; group=${av%/*}; [ "$group" = "$av" ] && group=""
  custom=""
  if [ -n "$group" ]; then custom=$(discover "$gv" | awk -v k="$kd" '$1==k {print $2, $3; exit}'); fi
  if [ -n "$custom" ]; then
    read -r plural namespaced <<< "$custom"
    path=/apis/$gv
    [ "$namespaced" = true ] && path=$path/namespaces/${ns:-$DEFAULT_NS}
    code=$("${CURL[@]}" -o "$WORK/resp" -w '%{http_code}' -X POST -H 'Content-Type: application/yaml' \
             --data-binary @"$doc" "$APIEXT_URL$path/$plural?dryRun=All&fieldValidation=Strict")
    if [ "$code" = 201 ] || [ "$code" = 200 ]; then
      echo "OK    $label"; ok=$((ok + 1))
    else
      echo "FAIL  $label: HTTP $code $(status_message < "$WORK/resp")"; failed=$((failed + 1))
    fi
    continue
  fi
  note=""
  case "$av/$kd" in
    policy/v1/PodDisruptionBudget) sed -i 's#^apiVersion:.*#apiVersion: policy/v1beta1#' "$doc"; note=" [validated as policy/v1beta1: 1.20 has no policy/v1]" ;;
    autoscaling/v2/HorizontalPodAutoscaler) sed -i 's#^apiVersion:.*#apiVersion: autoscaling/v2beta2#' "$doc"; note=" [validated as autoscaling/v2beta2: 1.20 has no autoscaling/v2]" ;;
  esac
  if [ "$kd" = Namespace ] && [ "$av" = v1 ]; then
    args=(apply --validate=true -f "$doc")   # already created above; apply makes it match the document
  else
    args=(apply --dry-run=server --validate=true -n "${ns:-$DEFAULT_NS}" -f "$doc")
  fi
  if out=$("${KUBECTL_CMD[@]}" "${args[@]}" 2>&1); then
    echo "OK    $label$note"; ok=$((ok + 1))
  else
    echo "FAIL  $label$note: $(printf '%s' "$out" | sed "s#\"$doc\"#the object#g" | one_line)"; failed=$((failed + 1))
  fi
done < "$WORK/index.tsv"

echo "validate: $((ok + failed)) objects, $ok ok, $failed failed"
[ "$failed" = 0 ]
