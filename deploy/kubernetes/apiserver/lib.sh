# Shared settings of build.sh, start.sh, stop.sh and validate.sh (sourced, not run).
# Every path lives in the cache outside the work tree; every port and version can be overridden by the environment.

K8S_CACHE=${CROSSTENANT_K8S_CACHE:-$HOME/.cache/crosstenant/k8s}

# Pinned upstream versions: the cache is keyed by them, and build.sh fails with the package's name when one vanishes.
K8S_DEB_VERSION=${K8S_DEB_VERSION:-1.20.5+really1.20.2-1.1+deb12u1}   # bookworm source package "kubernetes"
K8S_VERSION=1.20.2
GO115_DEB_VERSION=${GO115_DEB_VERSION:-1.15.15-1~deb11u4}             # bullseye golang-1.15-go / golang-1.15-src
ETCD34_DEB_VERSION=${ETCD34_DEB_VERSION:-3.4.23-4+b4}                  # bookworm etcd-server
KUBECTL_DEB_VERSION=${KUBECTL_DEB_VERSION:-$K8S_DEB_VERSION}          # bookworm kubernetes-client
# sid moves: these are the versions seen working; set APIEXT_DEB_VERSION=any to take whatever sid has.
APIEXT_DEB_VERSION=${APIEXT_DEB_VERSION:-0.36.4-1}
STRIMZI_VERSION=${STRIMZI_VERSION:-0.45.0}

K8S_DIR=$K8S_CACHE/kube-apiserver-$K8S_VERSION        # bin/{kube-apiserver,etcd,kubectl}
SID_ROOT=$K8S_CACHE/sid-root                          # chroot with etcd 3.5 and the built apiextensions-apiserver
APIEXT_DIR=$K8S_CACHE/apiextensions-apiserver         # bin/apiextensions-apiserver, versions.txt
STRIMZI_DIR=$K8S_CACHE/strimzi-crds-$STRIMZI_VERSION  # *.yaml
RUN_DIR=${CROSSTENANT_K8S_RUN:-$K8S_CACHE/run}        # state of the running servers (PKI, etcd data, pids, env)

# Ports (loopback only).
KUBE_APISERVER_PORT=${KUBE_APISERVER_PORT:-6443}
KUBE_ETCD_PORT=${KUBE_ETCD_PORT:-2379}
APIEXT_PORT=${APIEXT_PORT:-6444}
APIEXT_ETCD_PORT=${APIEXT_ETCD_PORT:-2479}

# The repository root and the CRDs kept as data beside it.
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
SHARED_CRDS=${CROSSTENANT_SHARED_CRDS:-$REPO_ROOT/../shared/k8s-crds}

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
