#!/usr/bin/env bash
# Starts the local stack: builds whatever is missing or older than its sources, then runs the launcher, which
# starts PostgreSQL, Kafka, Keycloak, the demo upstream, the four services and the two tenants' witnesses and stops them all on Ctrl-C.
# Options go to the launcher: --fresh (start from scratch), --home DIR, --postgres-url URL, --port-base N,
# --jvm small|production, --restart-crashed SECONDS, --help.
set -euo pipefail
cd "$(dirname "$0")/.."

launcher=deploy/local-stack/target/local-stack.jar
stale=""
for module in invitation-service policy-service audit-service gateway deploy/witness; do
  [ -f "$module/target/quarkus-app/quarkus-run.jar" ] || stale="$module"
done
[ -f "$launcher" ] || stale="launcher"
if [ -z "$stale" ]; then
  # rebuild when any source, resource or pom changed since the last build
  stale=$(find pom.xml invitation-service policy-service audit-service gateway deploy \
    -path '*/target' -prune -o -type f \( -name '*.java' -o -name '*.properties' -o -name '*.sql' \
    -o -name '*.json' -o -name 'pom.xml' \) -newer "$launcher" -print -quit)
fi
if [ -n "$stale" ]; then
  echo "[local-stack] building (changed: $stale) ..."
  mvn -B -q package -DskipTests -Dcrosstenant.images.skip=true
fi
exec java -cp "$launcher:deploy/local-stack/target/lib/*" org.crosstenant.stack.LocalStackMain "$@"
