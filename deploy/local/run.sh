#!/usr/bin/env bash
# The README's run command: builds the service, brings the local stack up, starts the service
# against it, sends a demo batch and prints what was captured. Ctrl-C stops everything it started.
#
#   deploy/local/run.sh            (DEMO_TRADES=3000 DEMO_KEYS=300 HTTP_PORT=8080 MANAGEMENT_PORT=9000 to change)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
STACK=target/local-stack
HTTP_PORT=${HTTP_PORT:-8080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-9000}
SERVICE_PID=

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "[run] stopping the service and the local stack"
  if [ -n "$SERVICE_PID" ] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill "$SERVICE_PID"
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  deploy/local/stack.sh down || true
}
trap stop_all INT TERM EXIT

echo "[run] building the service"
./mvnw -q -B package -DskipTests
deploy/local/stack.sh up

set -a
. "$STACK/stack.env"
set +a
echo "[run] starting the service (log: $STACK/service.log)"
java -Xms256m -Xmx768m -Dquarkus.http.port="$HTTP_PORT" -Dquarkus.management.port="$MANAGEMENT_PORT" -jar target/quarkus-app/quarkus-run.jar >"$STACK/service.log" 2>&1 &
SERVICE_PID=$!

# HTTP status of a GET, with bash alone (curl may not be installed).
http_status() {
  exec 3<>"/dev/tcp/127.0.0.1/$MANAGEMENT_PORT" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$1" >&3
  local line; IFS= read -r -t 5 line <&3 || return 1
  exec 3>&-
  echo "$line" | cut -d' ' -f2
}

deadline=$((SECONDS + 90))
until [ "$(http_status /q/health/group/capture 2>/dev/null)" = 200 ]; do
  kill -0 "$SERVICE_PID" 2>/dev/null || { tail -40 "$STACK/service.log"; echo "[run] the service exited"; exit 1; }
  [ $SECONDS -lt $deadline ] || { tail -40 "$STACK/service.log"; echo "[run] the service did not start capturing"; exit 1; }
  sleep 0.5
done
echo "[run] service ready and capturing"

java -cp "$STACK/lib/*" deploy/local/DemoTrades.java "$KAFKA_BOOTSTRAP_SERVERS" "${DEMO_TRADES:-3000}" "${DEMO_KEYS:-300}"

TOKEN=$(deploy/local/stack.sh token trade-capture.write trade-capture.read)
ADMIN=$(deploy/local/stack.sh token --sub ref-admin trade-capture.admin trade-capture.read)
cat <<URLS

A token for the API (subject ops-user, roles trade-capture.write and trade-capture.read, 8 hours):
  export TOKEN=$TOKEN
Rebook a trade by hand and follow its job:
  curl -si -X POST http://127.0.0.1:$HTTP_PORT/api/v1/trades/manual-entry -H "Authorization: Bearer \$TOKEN" \\
    -H 'Content-Type: application/json' -H 'Idempotency-Key: rebook-1' -d @deploy/local/manual-entry.json
  curl -s http://127.0.0.1:$HTTP_PORT/api/v1/trades/jobs/JOB_ID/status -H "Authorization: Bearer \$TOKEN"
  curl -s http://127.0.0.1:$HTTP_PORT/api/v1/positions/ACC-001/BOOK-01/US0378331005 -H "Authorization: Bearer \$TOKEN"

An administrator's token (subject ref-admin, roles trade-capture.admin and trade-capture.read) for
reference data and rules (README sections "Reference data" and "Rules"):
  export ADMIN=$ADMIN
  curl -s http://127.0.0.1:$HTTP_PORT/api/v1/reference/accounts/ACC-001 -H "Authorization: Bearer \$ADMIN"
  curl -s http://127.0.0.1:$HTTP_PORT/api/v1/rules -H "Authorization: Bearer \$ADMIN"

Look at:
  http://127.0.0.1:$HTTP_PORT/console/          the operations console (sign in with \$TOKEN, or \$ADMIN to edit reference data)
  http://127.0.0.1:$MANAGEMENT_PORT/q/health        health (live and ready)
  http://127.0.0.1:$MANAGEMENT_PORT/q/openapi       the API (OpenAPI)
  http://127.0.0.1:$MANAGEMENT_PORT/q/metrics       Prometheus metrics (trades_processed_total, trades_capture_latency, ...)
  $STACK/service.log    the service's log
The service keeps capturing from $KAFKA_BOOTSTRAP_SERVERS (topic pb-synth.trades.v1). Ctrl-C stops everything.
URLS
wait "$SERVICE_PID"
