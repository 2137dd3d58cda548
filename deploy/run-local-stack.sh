#!/usr/bin/env bash
# Starts the local stack: builds whatever is missing or older than its sources, then runs the launcher, which
# starts PostgreSQL, Kafka, Keycloak, the demo upstream, the four services and the two tenants' witnesses and stops them all on Ctrl-C.
# Options go to the launcher: --fresh (start from scratch), --home DIR, --postgres-url URL, --port-base N,
# --jvm small|production, --restart-crashed SECONDS, --help.
set -euo pipefail
cd "$(dirname "$0")/.."

launcher=deploy/local-stack/target/local-stack.jar
# written only when a whole build succeeded: the reactor builds modules in parallel (.mvn/maven.config), so the
# launcher jar may be newer than a service whose build failed or was interrupted
stamp=deploy/local-stack/target/build.stamp
stale=""
for module in invitation-service policy-service audit-service gateway deploy/witness; do
  [ -f "$module/target/quarkus-app/quarkus-run.jar" ] || stale="$module"
done
[ -f "$launcher" ] || stale="launcher"
[ -f "$stamp" ] || stale="${stale:-no complete build yet}"
if [ -z "$stale" ]; then
  # rebuild when a pom or anything under src/ of a module the stack runs changed since the start of the last complete
  # build; directories count too, since deleting a file changes only its directory
  roots=(pom.xml deploy/pom.xml deploy/kafka-runtime/pom.xml)
  for module in platform invitation-service policy-service audit-service gateway deploy/infra deploy/local-stack \
      deploy/witness; do
    roots+=("$module/pom.xml" "$module/src")
  done
  stale=$(find "${roots[@]}" -newer "$stamp" -print -quit)
fi
if [ -n "$stale" ]; then
  echo "[local-stack] building (changed: $stale) ..."
  started=$(mktemp)  # its time stamps the start: sources edited during the build count as changed next time
  trap 'rm -f "$started"' EXIT
  rm -f "$stamp"  # a build stopped half way must not leave the previous build's stamp behind
  mvn -B -q package -DskipTests -Dcrosstenant.images.skip=true
  touch -r "$started" "$stamp"
  rm -f "$started" && trap - EXIT
fi
exec java -cp "$launcher:deploy/local-stack/target/lib/*" org.crosstenant.stack.LocalStackMain "$@"
