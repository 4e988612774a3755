#!/usr/bin/env bash
# The service's performance test on one machine: brings up the local stack, starts
# N service instances (separate JVMs; one consumer group per region), runs a scenario, verifies
# the result from the database and the output topic, writes a report, and stops what it started.
#
#   load-tests/performance-test.sh [--scenario NAME] [--instances N] [--region us | --regions us,emea,apac]
#                                  [--trades N] [--rate R] [--keys K] [--duration S] [--history N] [--set KEY=VALUE]...
#                                  [--profile] [--keep-stack] [--rules FILE]
#                                  [--chaos PLAN] [--group-protocol consumer|classic] [--env NAME=VALUE]...
#                                  [--autoscale] [--chart-set KEY=VALUE]... [--autoscale-sync S] [--app DIR]
#                                  [--jvm "OPTIONS"] [--db postgresql|mssql]
#   load-tests/performance-test.sh --http [--instances N] [--connections C] [--duration S] [--no-idempotency-key]
#
# Scenarios: load-tests/scenarios/NAME.properties (default max-throughput). --trades, --rate, --keys
# and --duration override the scenario's values, --set any other scenario parameter; --history N stores N
# earlier versions on the run's keys before it sends (history=N, below the README's "History"). --rules loads a rule set (a JSON
# array of rules, e.g. load-tests/rules/realistic.json) through the API before the run. --profile records a JFR profile of instance 1 in
# the report folder. The report is load-tests/results/<scenario>-<timestamp>/ (summary.json,
# index.html); the last line printed is the one-line result.
#
# --chaos PLAN (or the scenario's chaos= line) disrupts the run while it sends: scale (3 -> 5, and back
# 20 s after the two are ready),
# kill (SIGKILL instance 2, restart; then instance 3), zombie (SIGSTOP instance 2 for 20 s),
# redis-restart, redis-loss (FLUSHALL), db-restart, broker-restart, all (each in turn), ci (kill,
# zombie, redis-loss). Events go to events.txt and are marked on the throughput chart; summary.json
# adds the longest group-wide and per-partition capture gaps, per event. --group-protocol and --env
# set the instances' environment (KAFKA_GROUP_PROTOCOL, any other).
#
# --autoscale (or the scenario's autoscale=on) lets the chart scale the instances instead of --instances:
# each region's ScaledObject is rendered from helm/pb-synth-tradecapture with values-<region>.yaml (plus
# kafka.perRegionTopics=true, as the local stack is one shared cluster, the scenario's autoscale.chart
# and --chart-set overrides), its instances take the rendered ConfigMap's group, topics and consumer
# settings, and the KEDA Kafka rule with its HPA behaviour (LagScalingRule) is evaluated every
# --autoscale-sync seconds (the scenario's autoscale.sync, else Kubernetes' 15) on the group's lag; the
# harness starts instances or SIGTERMs the newest as it says. replicas.txt and autoscale.txt record it,
# events.txt each scale event; the report charts replicas beside throughput, latency and lag. With the
# scenario's autoscale.expect=cycle the run fails unless each region scaled out and came back.
#
# --app DIR runs the service build in DIR (a quarkus-app directory, e.g. another revision's, as compare.sh
# does) instead of building this working tree's. --jvm replaces the instances' JVM options (heap, GC;
# default: the production image's, see SERVICE_JVM below).
#
# --db mssql stores on a SQL Server or Babelfish server instead of the local stack's PostgreSQL: the server
# and a login that may create databases from MSSQL_URL (jdbc:sqlserver://host:port;encrypt=…, no database),
# MSSQL_USER and MSSQL_PASSWORD. The harness creates a database of its own there (perf_<timestamp>),
# applies the T-SQL scripts of the service it runs as a DBA would (SqlServerSchema), starts every instance
# with DB_KIND (mssql, or babelfish as the server answers), DATABASE_URL and DB_MIGRATE_AT_START=false,
# writes the demo reference data through the admin API (a SQL Server store has none), verifies through mssql-jdbc, and drops the
# database at the end (--keep-stack keeps it). The db-restart fault (and so the plan all) is PostgreSQL's.
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
CHAOS=
AUTOSCALE=
CHART_SETS=()
AUTOSCALE_SYNC=
AUTOSCALER_PID=
INSTANCE_ENV=()
LOAD_PID=
APP=
DB=postgresql
MSSQL_DATABASE=
REFERENCE_ARGS=()
# The instances' JVM options: those of the production image (src/main/docker/Dockerfile.jvm), with the
# heap the chart's memory limit gives it.
SERVICE_JVM="-Xms512m -Xmx512m -XX:+UseParallelGC"
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
    --history) OVERRIDES+=("history=$2"); shift 2 ;;
    --profile) PROFILE=1; shift ;;
    --keep-stack) KEEP_STACK=1; shift ;;
    --http) HTTP=1; SCENARIO=http; shift ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --no-idempotency-key) NO_KEY=1; shift ;;
    --rules) RULES=$2; shift 2 ;;
    --chaos) CHAOS=$2; shift 2 ;;
    --env) INSTANCE_ENV+=("$2"); shift 2 ;;
    --app) APP=$2; shift 2 ;;
    --jvm) SERVICE_JVM=$2; shift 2 ;;
    --db) DB=$2; shift 2 ;;
    --group-protocol) INSTANCE_ENV+=("KAFKA_GROUP_PROTOCOL=$2"); shift 2 ;;
    --autoscale) AUTOSCALE=on; shift ;;
    --chart-set) CHART_SETS+=("$2"); shift 2 ;;
    --autoscale-sync) AUTOSCALE_SYNC=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
SCENARIO_FILE=load-tests/scenarios/$SCENARIO.properties
[ -n "$HTTP" ] || [ -f "$SCENARIO_FILE" ] || { echo "no scenario $SCENARIO_FILE" >&2; exit 2; }
# The chaos plan: --chaos, else --set chaos=..., else the scenario's own chaos= line.
for o in "${OVERRIDES[@]}"; do case "$o" in chaos=*) CHAOS=${CHAOS:-${o#chaos=}} ;; esac; done
[ -n "$HTTP" ] || CHAOS=${CHAOS:-$(sed -n 's/^chaos=//p' "$SCENARIO_FILE")}
case "${CHAOS:-none}" in
  none|redis-restart|redis-loss|db-restart|broker-restart) ;;
  scale|kill|zombie|all|ci) [ "$INSTANCES" -ge 3 ] || { echo "--chaos $CHAOS needs --instances 3 (or more)" >&2; exit 2; } ;;
  *) echo "unknown chaos plan: $CHAOS" >&2; exit 2 ;;
esac
OVERRIDES+=("chaos=${CHAOS:-none}")
case "$DB" in
  postgresql) ;;
  mssql)
    [ -n "${MSSQL_URL:-}" ] && [ -n "${MSSQL_USER:-}" ] && [ -n "${MSSQL_PASSWORD:-}" ] \
      || { echo "--db mssql needs MSSQL_URL, MSSQL_USER and MSSQL_PASSWORD (a login that may create databases)" >&2; exit 2; }
    case "${CHAOS:-none}" in db-restart|all) echo "--chaos $CHAOS restarts the local PostgreSQL: not with --db mssql" >&2; exit 2 ;; esac
    [ -z "$HTTP" ] || { echo "--http runs on the local PostgreSQL (its demo data): not with --db mssql" >&2; exit 2; }
    REFERENCE_ARGS=(--reference demo) ;;
  *) echo "unknown --db $DB (postgresql or mssql)" >&2; exit 2 ;;
esac
IFS=',' read -r -a REGION_LIST <<<"$REGIONS"
scenario_line() { [ -n "$HTTP" ] || sed -n "s/^$1=//p" "$SCENARIO_FILE"; }
AUTOSCALE=${AUTOSCALE:-$(scenario_line autoscale)}
MULTI=()
if [ -n "$AUTOSCALE" ]; then
  [ "${CHAOS:-none}" = none ] || { echo "--autoscale runs without a chaos plan (the scale events are its own)" >&2; exit 2; }
  [ -z "$HTTP" ] || { echo "--autoscale does not go with --http" >&2; exit 2; }
  # the local stack is one cluster for every region: per-region topics and groups, as the chart derives them
  MULTI=(--multi-region)
  OVERRIDES+=("regions=$REGIONS")
  read -r -a scenario_sets <<<"$(scenario_line autoscale.chart)"
  CHART_SETS=(kafka.perRegionTopics=true "${scenario_sets[@]}" "${CHART_SETS[@]}")
  AUTOSCALE_SYNC=${AUTOSCALE_SYNC:-$(scenario_line autoscale.sync)}
  AUTOSCALE_SYNC=${AUTOSCALE_SYNC:-15}
elif [ ${#REGION_LIST[@]} -gt 1 ]; then
  MULTI=(--multi-region)
  OVERRIDES+=("regions=$REGIONS")
  [ "$INSTANCES" -ge ${#REGION_LIST[@]} ] || { echo "--instances must be at least the number of regions" >&2; exit 2; }
fi
OUT=load-tests/results/$SCENARIO-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
STACK=target/local-stack
PIDS=()
REGION_OF=()
RSS_PID=

cleanup() {
  trap - INT TERM EXIT
  [ -n "$RSS_PID" ] && kill "$RSS_PID" 2>/dev/null || true
  if [ -n "$AUTOSCALER_PID" ]; then
    touch "$OUT/stop-autoscaler"; kill "$AUTOSCALER_PID" 2>/dev/null || true; wait "$AUTOSCALER_PID" 2>/dev/null || true
  fi
  for pid in "${PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "$HTTP" ] || deploy/local/stack.sh nginx-down >/dev/null 2>&1 || true
  if [ -n "$MSSQL_DATABASE" ] && [ -z "$KEEP_STACK" ]; then
    sql_server_schema drop "$MSSQL_DATABASE" >/dev/null || echo "[perf] could not drop $MSSQL_DATABASE" >&2
  fi
  [ -n "$KEEP_STACK" ] || deploy/local/stack.sh down >/dev/null 2>&1 || true
}
# The T-SQL schema tool of the service (store/SqlServerSchema), with the scripts of the service run (--app).
sql_server_schema() {
  java -Xmx128m -cp "$APP/app/*:$ROOT/target/classes:load-tests/target/lib/*" \
    com.pb.synth.tradecapture.store.SqlServerSchema "$@"
}
trap cleanup INT TERM EXIT

echo "[perf] building the service and the load generator"
if [ -n "$APP" ]; then
  APP=$(cd "$APP" && pwd)
  [ -f "$APP/quarkus-run.jar" ] || { echo "--app $APP: no quarkus-run.jar there" >&2; exit 2; }
else
  APP=$ROOT/target/quarkus-app
  [ -f "$APP/quarkus-run.jar" ] && [ -z "$(find src pom.xml -newer "$APP/quarkus-run.jar" -print -quit)" ] \
    || ./mvnw -q -B package -DskipTests
fi
[ "$DB" != mssql ] || [ -f target/classes/com/pb/synth/tradecapture/store/SqlServerSchema.class ] || ./mvnw -q -B compile
./mvnw -q -B -f load-tests/pom.xml package

echo "[perf] fresh local stack"
deploy/local/stack.sh reset >/dev/null 2>&1 || true
deploy/local/stack.sh up
set -a; . "$STACK/stack.env"; set +a
if [ "$DB" = mssql ]; then
  # the instances, the verifier and the HTTP check all read DATABASE_URL, DB_USER and DB_PASSWORD
  MSSQL_DATABASE=perf_$(date +%Y%m%d_%H%M%S)
  sql_server_schema create "$MSSQL_DATABASE"
  sql_server_schema apply "$MSSQL_DATABASE"
  DB_KIND=$(sql_server_schema kind "$MSSQL_DATABASE")
  DATABASE_URL="${MSSQL_URL%;};databaseName=$MSSQL_DATABASE" DB_USER=$MSSQL_USER DB_PASSWORD=$MSSQL_PASSWORD
  export DB_KIND DATABASE_URL DB_USER DB_PASSWORD DB_MIGRATE_AT_START=false
  echo "[perf] store: $DB_KIND database $MSSQL_DATABASE on ${MSSQL_URL#jdbc:sqlserver://}"
fi

topic_java() { java -Xmx256m -cp "$STACK/lib/*" org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" "$@"; }
if [ ${#MULTI[@]} -gt 0 ]; then
  for r in "${REGION_LIST[@]}"; do
    for t in "pb-synth.trades.v1.$r:12" "pb-synth.trades.captured.v1.$r:12" "pb-synth.trades.dlq.v1.$r:3"; do
      extra=(); case "$t" in *captured*) extra=(--config message.timestamp.before.max.ms=8000) ;; esac
      topic_java --create --if-not-exists --topic "${t%%:*}" --partitions "${t##*:}" --replication-factor 1 "${extra[@]}" >/dev/null
    done
  done
fi

# Instance i (1-based): its own JVM, HTTP port 18080+i, management port (health, metrics) 28080+i, log instance-i.log (appended to on a restart);
# region REGION (default: the regions in turn). In autoscale mode it takes the rendered ConfigMap's settings.
start_instance() {
  local i=$1 region=${2:-${REGION_OF[$(($1 - 1))]:-${REGION_LIST[$(( ($1 - 1) % ${#REGION_LIST[@]} ))]}}}
  # The harness measures capacity: its own rate limits, far above what it sends (--env can set others).
  local env_extra=(REGION="$region" INSTANCE_ID="perf-$region-$i" RATE_LIMIT_GLOBAL_RPS=1000000
    RATE_LIMIT_GLOBAL_BURST=1000000 RATE_LIMIT_PER_PARTITION_RPS=100000 RATE_LIMIT_PER_PARTITION_BURST=100000
    "${INSTANCE_ENV[@]}")
  if [ -n "$AUTOSCALE" ]; then
    mapfile -t chart_env <"$OUT/autoscale-$region.env"
    env_extra=("${chart_env[@]}" INSTANCE_ID="perf-$region-$i" "${INSTANCE_ENV[@]}")
  elif [ ${#MULTI[@]} -gt 0 ]; then
    env_extra+=(KAFKA_CONSUMER_GROUP_ID="pb-synth-tradecapture-svc-$region" TRADES_TOPIC="pb-synth.trades.v1.$region"
      CAPTURED_TOPIC="pb-synth.trades.captured.v1.$region" DLQ_TOPIC="pb-synth.trades.dlq.v1.$region")
  fi
  local jfr=()
  if [ -n "$PROFILE" ] && [ "$i" = 1 ]; then
    jfr=(-XX:StartFlightRecording=filename="$OUT/instance-1.jfr",settings=profile,dumponexit=true)
  fi
  local jvm; read -r -a jvm <<<"$SERVICE_JVM"
  env "${env_extra[@]}" java "${jvm[@]}" "${jfr[@]}" -Dquarkus.http.port=$((18080 + i)) \
    -Dquarkus.management.port=$((28080 + i)) \
    -jar "$APP/quarkus-run.jar" >>"$OUT/instance-$i.log" 2>&1 &
  PIDS[$((i - 1))]=$!
  REGION_OF[$((i - 1))]=$region
  echo "$!" >>"$OUT/pids.txt"
}

instance_ready() {
  (exec 3<>"/dev/tcp/127.0.0.1/$((28080 + $1))" && printf 'GET /q/health/group/capture HTTP/1.0\r\n\r\n' >&3 \
    && head -1 <&3 | grep -q ' 200 ') 2>/dev/null
}

wait_ready() {
  local i=$1 deadline=$((SECONDS + 120))
  until instance_ready "$i"; do
    kill -0 "${PIDS[$((i - 1))]}" 2>/dev/null || { tail -30 "$OUT/instance-$i.log"; echo "[perf] instance $i died" >&2; return 1; }
    [ $SECONDS -lt $deadline ] || { tail -30 "$OUT/instance-$i.log"; echo "[perf] instance $i not ready" >&2; return 1; }
    sleep 0.5
  done
}

if [ -n "$AUTOSCALE" ]; then
  java -Xmx256m -cp "load-tests/target/classes:load-tests/target/lib/*" com.pb.synth.loadtest.Autoscaler render \
    --chart helm/pb-synth-tradecapture --out "$OUT" $(printf -- '--region %s ' "${REGION_LIST[@]}") \
    $(printf -- '--set %s ' "${CHART_SETS[@]}") | tee "$OUT/autoscale-rule.txt"
  INSTANCES=0
  for r in "${REGION_LIST[@]}"; do
    for _ in $(seq 1 "$(cat "$OUT/desired-$r")"); do INSTANCES=$((INSTANCES + 1)); REGION_OF[$((INSTANCES - 1))]=$r; done
  done
fi
echo "[perf] starting $INSTANCES instance(s) for region(s) $REGIONS"
for i in $(seq 1 "$INSTANCES"); do start_instance "$i"; done
for i in $(seq 1 "$INSTANCES"); do wait_ready "$i" || exit 1; done
echo "[perf] all instances ready"
# admin: reference data and rules; read: the reads of reads=true
ADMIN_TOKEN=$(deploy/local/stack.sh token --sub perf-admin trade-capture.admin trade-capture.read)
if [ -n "$RULES" ]; then
  java -cp "load-tests/target/classes:load-tests/target/lib/*" com.pb.synth.loadtest.LoadRules "$RULES" \
    http://127.0.0.1:18081 "$ADMIN_TOKEN"
fi

# every instance ever started (pids.txt): those restarted or started by the autoscaler too. A line:
# epochMs pid rssKiB cpuMs (user + system CPU the process has used since it started, from /proc/PID/stat)
HZ=$(getconf CLK_TCK)
( while true; do
    for pid in $(cat "$OUT/pids.txt"); do
      rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status" 2>/dev/null) || continue
      # fields 14 and 15 after the command name (which is in parentheses and may hold spaces)
      ticks=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
      [ -n "$rss" ] && [ -n "$ticks" ] && echo "$(date +%s%3N) $pid $rss $((ticks * 1000 / HZ))"
    done
    sleep 1
  done ) >"$OUT/rss.txt" &
RSS_PID=$!

# --- The chaos driver: events at fixed times after the generator starts its measured sends ---
event() { echo "$(date +%s%3N) $*" >>"$OUT/events.txt"; echo "[chaos] $*"; }

# Waits until T seconds after the measured sends started; false once the generator has finished.
at() {
  local deadline=$((SECONDS + 600))
  until [ -f "$OUT/sending-started" ]; do
    kill -0 "$LOAD_PID" 2>/dev/null || return 1
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
  local target=$(( $(cat "$OUT/sending-started") + $1 * 1000 ))
  while [ "$(date +%s%3N)" -lt "$target" ]; do
    kill -0 "$LOAD_PID" 2>/dev/null || return 1
    sleep 0.1
  done
}

# SIGTERM and wait for the exit (the graceful shutdown: drain, commit, release, leave the group).
stop_instance() {
  local i=$1 pid=${PIDS[$(($1 - 1))]} t0; t0=$(date +%s%3N)
  kill -TERM "$pid" 2>/dev/null || return 0
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  wait "$pid" 2>/dev/null || true
  echo "[chaos] instance $i exited $(( $(date +%s%3N) - t0 )) ms after SIGTERM"
}

chaos_step() {
  local base=$1 what=$2
  case "$what" in
    scale)
      at "$base" || return 1
      event "scale out 3 -> 5"
      start_instance 4; start_instance 5
      wait_ready 4 && wait_ready 5 && event "instances 4 and 5 ready"
      # in again once they have captured for a while (20 s after they are ready, 30 s after the start at least)
      local ready_at=$(( ($(date +%s%3N) - $(cat "$OUT/sending-started")) / 1000 ))
      at $(( ready_at + 20 > base + 30 ? ready_at + 20 : base + 30 )) || return 1
      event "scale in 5 -> 3 (SIGTERM 4 and 5)"
      stop_instance 4 & local s4=$!
      stop_instance 5 & local s5=$!
      wait "$s4" "$s5"
      event "instances 4 and 5 exited" ;;
    kill)
      at "$base" || return 1
      event "SIGKILL instance 2"; kill -KILL "${PIDS[1]}"; wait "${PIDS[1]}" 2>/dev/null
      at $((base + 10)) || return 1
      event "restart instance 2"; start_instance 2
      at $((base + 30)) || return 1
      event "SIGKILL instance 3"; kill -KILL "${PIDS[2]}"; wait "${PIDS[2]}" 2>/dev/null
      at $((base + 40)) || return 1
      event "restart instance 3"; start_instance 3 ;;
    zombie)
      at "$base" || return 1
      event "SIGSTOP instance 2 (zombie)"; kill -STOP "${PIDS[1]}"
      at $((base + 20)) || { kill -CONT "${PIDS[1]}"; return 1; }
      event "SIGCONT instance 2"; kill -CONT "${PIDS[1]}" ;;
    redis-restart)
      at "$base" || return 1
      event "restart Redis (data kept)"; deploy/local/stack.sh restart redis >/dev/null 2>&1; event "Redis back" ;;
    redis-loss)
      at "$base" || return 1
      event "Redis loses all data (FLUSHALL)"; deploy/local/stack.sh redis-flush >/dev/null 2>&1 ;;
    db-restart)
      at "$base" || return 1
      event "restart PostgreSQL"; deploy/local/stack.sh restart postgres >/dev/null 2>&1; event "PostgreSQL back" ;;
    broker-restart)
      at "$base" || return 1
      event "restart the Kafka broker"; deploy/local/stack.sh restart kafka >/dev/null 2>&1; event "broker back" ;;
  esac
}

# A plan: one step at 15 s, or (all) every step in turn; ci is the CI-sized set (kill, zombie, Redis loss).
chaos_run() {
  case "$1" in
    none|"") ;;
    all) chaos_step 15 scale && chaos_step 100 kill && chaos_step 160 zombie && chaos_step 200 redis-restart \
           && chaos_step 220 redis-loss && chaos_step 240 db-restart && chaos_step 260 broker-restart ;;
    ci) chaos_step 10 kill && chaos_step 60 zombie && chaos_step 90 redis-loss ;;
    *) chaos_step 15 "$1" ;;
  esac
  true
}

# --- The autoscale driver: makes the instances what the rule's desired-<region> files say, like a ReplicaSet ---
alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${st:0:1}" != Z ]; }
STOPPING=()
READY_AT=()
GONE=()

autoscale_loop() {
  local next=$((INSTANCES + 1)) r want idx i now
  for idx in "${!PIDS[@]}"; do READY_AT[$idx]=$(date +%s%3N); done
  while kill -0 "$LOAD_PID" 2>/dev/null; do
    now=$(date +%s%3N)
    for idx in "${!PIDS[@]}"; do
      [ -z "${GONE[$idx]:-}" ] || continue
      if ! alive "${PIDS[$idx]}"; then
        GONE[$idx]=1
        wait "${PIDS[$idx]}" 2>/dev/null || true
        if [ -n "${STOPPING[$idx]:-}" ]; then
          event "instance $((idx + 1)) (${REGION_OF[$idx]}) exited $((now - STOPPING[idx])) ms after SIGTERM"
        else
          event "instance $((idx + 1)) (${REGION_OF[$idx]}) died"
        fi
      elif [ -z "${READY_AT[$idx]:-}" ] && instance_ready $((idx + 1)); then
        READY_AT[$idx]=$now
        event "instance $((idx + 1)) (${REGION_OF[$idx]}) ready"
      fi
    done
    for r in "${REGION_LIST[@]}"; do
      want=$(cat "$OUT/desired-$r")
      local live=() ready=0
      for idx in "${!PIDS[@]}"; do
        [ "${REGION_OF[$idx]}" = "$r" ] && [ -z "${GONE[$idx]:-}" ] && [ -z "${STOPPING[$idx]:-}" ] || continue
        live+=("$idx")
        [ -z "${READY_AT[$idx]:-}" ] || ready=$((ready + 1))
      done
      if [ ${#live[@]} -lt "$want" ]; then
        event "scale out $r ${#live[@]} -> $want"
        for _ in $(seq $((${#live[@]} + 1)) "$want"); do start_instance "$next" "$r"; next=$((next + 1)); done
      elif [ ${#live[@]} -gt "$want" ]; then
        # the newest first, as a ReplicaSet picks the most recently started pods
        local victims; victims=$(printf '%s\n' "${live[@]}" | sort -rn | head -n $((${#live[@]} - want)) | tr '\n' ' ')
        event "scale in $r ${#live[@]} -> $want (SIGTERM instance(s) $(for v in $victims; do printf '%s ' $((v + 1)); done))"
        for i in $victims; do STOPPING[$i]=$now; kill -TERM "${PIDS[$i]}" 2>/dev/null || true; done
      fi
      echo "$now $r $want ${#live[@]} $ready" >>"$OUT/replicas.txt"
    done
    sleep 1
  done
}

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

AUTOSCALE_ARGS=()
if [ -n "$AUTOSCALE" ]; then
  java -Xmx256m -cp "load-tests/target/classes:load-tests/target/lib/*" com.pb.synth.loadtest.Autoscaler run --out "$OUT" \
    --bootstrap "$KAFKA_BOOTSTRAP_SERVERS" --sync "$AUTOSCALE_SYNC" $(printf -- '--region %s ' "${REGION_LIST[@]}") \
    >>"$OUT/autoscaler.log" 2>&1 &
  AUTOSCALER_PID=$!
  expect=$(scenario_line autoscale.expect)
  [ -z "$expect" ] || AUTOSCALE_ARGS=(--autoscale-expect "$expect")
fi
set +e
( java -Xms512m -Xmx1g -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "load-tests/target/classes:load-tests/target/lib/*" \
  com.pb.synth.loadtest.LoadTest --scenario "$SCENARIO_FILE" --out "$OUT" --bootstrap "$KAFKA_BOOTSTRAP_SERVERS" \
  --db-url "$DATABASE_URL" --db-user "$DB_USER" --db-password "$DB_PASSWORD" --rss-file "$OUT/rss.txt" \
  --stack-script "$ROOT/deploy/local/stack.sh" --api http://127.0.0.1:18081 --admin-token "$ADMIN_TOKEN" --instances "$INSTANCES" "${MULTI[@]}" "${AUTOSCALE_ARGS[@]}" "${REFERENCE_ARGS[@]}" "${OVERRIDES[@]}" \
  2>&1 | tee "$OUT/load-test.log" ) &
LOAD_PID=$!
if [ -n "$AUTOSCALE" ]; then autoscale_loop; else chaos_run "$CHAOS"; fi
wait "$LOAD_PID"
status=$?
set -e
cleanup
tail -1 "$OUT/load-test.log"
exit "$status"
