#!/usr/bin/env bash
# The performance test of the source document, on this machine: brings up the local stack, starts
# N service instances (separate JVMs; one consumer group per region), runs a scenario, verifies
# the result from the database and the output topic, writes a report, and stops what it started.
#
#   load-tests/performance-test.sh [--scenario NAME] [--instances N] [--region us | --regions us,emea,apac]
#                                  [--trades N] [--rate R] [--keys K] [--duration S] [--set KEY=VALUE]...
#                                  [--profile] [--keep-stack] [--rules FILE]
#   load-tests/performance-test.sh --http [--instances N] [--connections C] [--duration S] [--no-idempotency-key]
#
# Scenarios: load-tests/scenarios/NAME.properties (default max-throughput). --trades, --rate, --keys
# and --duration override the scenario's values, --set any other scenario parameter. --rules loads a rule set (a JSON
# array of rules, e.g. load-tests/rules/realistic.json) through the API before the run. --profile records a JFR profile of instance 1 in
# the report folder. The report is load-tests/results/<scenario>-<timestamp>/ (summary.json,
# index.html); the last line printed is the one-line result.
#
# --http measures HTTP ingest instead: NGINX (deploy/nginx.conf) in front of the N instances, wrk posting
# new trades to POST /api/v1/trades/capture through it (C connections, default 32, for S seconds, default
# 30, after a 15 s warm-up), then checks that every accepted trade was captured. wrk and NGINX are
# installed with apt-get when missing. Report: load-tests/results/http-<timestamp>/wrk.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SCENARIO=max-throughput
INSTANCES=1
REGIONS=us
OVERRIDES=()
PROFILE=
KEEP_STACK=
HTTP=
CONNECTIONS=32
HTTP_DURATION=30
NO_KEY=
RULES=
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) SCENARIO=$2; shift 2 ;;
    --instances) INSTANCES=$2; shift 2 ;;
    --region|--regions) REGIONS=$2; shift 2 ;;
    --trades) OVERRIDES+=("trades=$2"); shift 2 ;;
    --rate) OVERRIDES+=("rate=$2"); shift 2 ;;
    --keys) OVERRIDES+=("keys=$2"); shift 2 ;;
    --duration) OVERRIDES+=("duration=$2" "trades=0"); HTTP_DURATION=$2; shift 2 ;;
    --set) OVERRIDES+=("$2"); shift 2 ;;
    --profile) PROFILE=1; shift ;;
    --keep-stack) KEEP_STACK=1; shift ;;
    --http) HTTP=1; SCENARIO=http; shift ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --no-idempotency-key) NO_KEY=1; shift ;;
    --rules) RULES=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
SCENARIO_FILE=load-tests/scenarios/$SCENARIO.properties
[ -n "$HTTP" ] || [ -f "$SCENARIO_FILE" ] || { echo "no scenario $SCENARIO_FILE" >&2; exit 2; }
IFS=',' read -r -a REGION_LIST <<<"$REGIONS"
MULTI=()
if [ ${#REGION_LIST[@]} -gt 1 ]; then
  MULTI=(--multi-region)
  OVERRIDES+=("regions=$REGIONS")
  [ "$INSTANCES" -ge ${#REGION_LIST[@]} ] || { echo "--instances must be at least the number of regions" >&2; exit 2; }
fi
OUT=load-tests/results/$SCENARIO-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
STACK=target/local-stack
PIDS=()
RSS_PID=

cleanup() {
  trap - INT TERM EXIT
  [ -n "$RSS_PID" ] && kill "$RSS_PID" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "$HTTP" ] || deploy/local/stack.sh nginx-down >/dev/null 2>&1 || true
  [ -n "$KEEP_STACK" ] || deploy/local/stack.sh down >/dev/null 2>&1 || true
}
trap cleanup INT TERM EXIT

echo "[perf] building the service and the load generator"
[ -f target/quarkus-app/quarkus-run.jar ] && [ -z "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ] \
  || ./mvnw -q -B package -DskipTests
./mvnw -q -B -f load-tests/pom.xml package

echo "[perf] fresh local stack"
deploy/local/stack.sh reset >/dev/null 2>&1 || true
deploy/local/stack.sh up
set -a; . "$STACK/stack.env"; set +a

topic_java() { java -Xmx256m -cp "$STACK/lib/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" "$@"; }
if [ ${#MULTI[@]} -gt 0 ]; then
  for r in "${REGION_LIST[@]}"; do
    for t in "pb-synth.trades.v1.$r:12" "pb-synth.trades.captured.v1.$r:12" "pb-synth.trades.dlq.v1.$r:3"; do
      topic_java --create --if-not-exists --topic "${t%%:*}" --partitions "${t##*:}" --replication-factor 1 >/dev/null
    done
  done
fi

echo "[perf] starting $INSTANCES instance(s) for region(s) $REGIONS"
for i in $(seq 1 "$INSTANCES"); do
  region=${REGION_LIST[$(( (i - 1) % ${#REGION_LIST[@]} ))]}
  env_extra=(REGION="$region" INSTANCE_ID="perf-$region-$i")
  if [ ${#MULTI[@]} -gt 0 ]; then
    env_extra+=(KAFKA_CONSUMER_GROUP_ID="pb-synth-tradecapture-svc-$region" TRADES_TOPIC="pb-synth.trades.v1.$region"
      CAPTURED_TOPIC="pb-synth.trades.captured.v1.$region" DLQ_TOPIC="pb-synth.trades.dlq.v1.$region")
  fi
  jfr=()
  if [ -n "$PROFILE" ] && [ "$i" = 1 ]; then
    jfr=(-XX:StartFlightRecording=filename="$OUT/instance-1.jfr",settings=profile,dumponexit=true)
  fi
  env "${env_extra[@]}" java -Xms512m -Xmx512m -XX:+UseParallelGC "${jfr[@]}" -Dquarkus.http.port=$((18080 + i)) \
    -jar target/quarkus-app/quarkus-run.jar >"$OUT/instance-$i.log" 2>&1 &
  PIDS+=($!)
done
for i in $(seq 1 "$INSTANCES"); do
  port=$((18080 + i)); deadline=$((SECONDS + 120))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /q/health/ready HTTP/1.0\r\n\r\n' >&3 && head -1 <&3 | grep -q ' 200 ') 2>/dev/null; do
    kill -0 "${PIDS[$((i - 1))]}" 2>/dev/null || { tail -30 "$OUT/instance-$i.log"; echo "[perf] instance $i died" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { tail -30 "$OUT/instance-$i.log"; echo "[perf] instance $i not ready" >&2; exit 1; }
    sleep 0.5
  done
done
echo "[perf] all instances ready"
if [ -n "$RULES" ]; then
  java -cp "load-tests/target/classes:load-tests/target/lib/*" com.pb.synth.loadtest.LoadRules "$RULES" \
    http://127.0.0.1:18081 "$(deploy/local/stack.sh token --sub perf-admin trade-capture.admin)"
fi

( while true; do
    for pid in "${PIDS[@]}"; do
      rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null) && echo "$(date +%s%3N) $pid $rss"
    done
    sleep 1
  done ) >"$OUT/rss.txt" &
RSS_PID=$!

if [ -n "$HTTP" ]; then
  command -v wrk >/dev/null || deploy/local/stack.sh apt-install wrk
  deploy/local/stack.sh nginx "$INSTANCES"
  TOKEN=$(deploy/local/stack.sh token trade-capture.write)
  export TOKEN
  [ -z "$NO_KEY" ] || export NO_IDEMPOTENCY_KEY=1
  run=$(date +%s)
  echo "[perf] warm-up: 15 s of POST /api/v1/trades/capture through NGINX"
  RUN="warm$run" wrk -t2 -c"$CONNECTIONS" -d15s -s load-tests/http/capture.lua http://127.0.0.1:18080 >"$OUT/warm-up.txt"
  echo "[perf] measuring: $CONNECTIONS connections, $HTTP_DURATION s, Idempotency-Key ${NO_KEY:+not }sent"
  RUN="$run" wrk -t2 -c"$CONNECTIONS" -d"${HTTP_DURATION}s" --latency -s load-tests/http/capture.lua \
    http://127.0.0.1:18080 | tee "$OUT/wrk.txt"
  result=$(tail -1 "$OUT/wrk.txt")
  requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$result")
  failed=$(sed -n 's/.*non2xx_or_errors=\([0-9]*\).*/\1/p' <<<"$result")
  set +e
  java -cp "load-tests/target/classes:load-tests/target/lib/*" com.pb.synth.loadtest.HttpCheck "$DATABASE_URL" \
    "$DB_USER" "$DB_PASSWORD" "$run" $((requests - failed)) 120 | tee -a "$OUT/wrk.txt"
  status=${PIPESTATUS[0]}
  set -e
  cleanup
  echo "http: instances=$INSTANCES connections=$CONNECTIONS $result $(tail -1 "$OUT/wrk.txt" | cut -d: -f2-)"
  exit "$status"
fi

set +e
java -Xms512m -Xmx1g -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "load-tests/target/classes:load-tests/target/lib/*" \
  com.pb.synth.loadtest.LoadTest --scenario "$SCENARIO_FILE" --out "$OUT" --bootstrap "$KAFKA_BOOTSTRAP_SERVERS" \
  --db-url "$DATABASE_URL" --db-user "$DB_USER" --db-password "$DB_PASSWORD" --rss-file "$OUT/rss.txt" \
  --instances "$INSTANCES" "${MULTI[@]}" "${OVERRIDES[@]}" | tee "$OUT/load-test.log"
status=${PIPESTATUS[0]}
set -e
cleanup
tail -1 "$OUT/load-test.log"
exit "$status"
