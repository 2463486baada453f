# Shared helpers for integration suites (source this file). Every server is a
# real Debian binary started on a free loopback port in a temp dir, polled
# until ready, and stopped by the EXIT trap. A missing server binary makes
# the suite exit 77 (skipped), which CTest never counts as a pass.
set -euo pipefail

IOT_BIN=${IOT_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../build/release/tools" 2>/dev/null && pwd)}
export PATH="$IOT_BIN:$PATH"
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/iot-test.XXXXXX")
_cleanups=()
_fail_count=0
_pass_count=0

on_exit() {
  local rc=$?
  for ((i=${#_cleanups[@]}-1; i>=0; i--)); do eval "${_cleanups[i]}" >/dev/null 2>&1 || true; done
  # A server that is still writing (mosquitto saves its database on
  # SIGTERM) must not turn a cleanup into a failed suite.
  if [ $rc -eq 0 ]; then rm -rf "$TEST_TMP" 2>/dev/null || true; else echo "kept $TEST_TMP for inspection" >&2; fi
}
trap on_exit EXIT
trap "exit 143" TERM INT HUP
at_exit() { _cleanups+=("$1"); }

# skip REASON: exit 77 (skipped). After a counted failure it is a failure
# instead: a suite that already found a defect must not hide it behind a skip.
skip() {
  if [ "$_fail_count" -gt 0 ]; then
    echo "FAIL: $_fail_count check(s) failed before a skip ($*)" >&2
    finish || true
    exit 1
  fi
  echo "SKIP: $*"; exit 77
}
fail() { echo "FAIL: $*" >&2; exit 1; }
# check DESCRIPTION COMMAND...: runs the command, counts and reports.
check() {
  local what=$1; shift
  if "$@"; then echo "ok - $what"; _pass_count=$((_pass_count+1)); else echo "not ok - $what" >&2; _fail_count=$((_fail_count+1)); fi
}
expect_eq() {  # expect_eq WHAT EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then echo "ok - $1"; _pass_count=$((_pass_count+1));
  else echo "not ok - $1: expected [$2], got [$3]" >&2; _fail_count=$((_fail_count+1)); fi
}
finish() {
  echo "$_pass_count passed, $_fail_count failed"
  [ $_fail_count -eq 0 ]
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_own_port PID PORT: the server we started (PID) listens on PORT. Fails
# at once when it died: free_port only finds a port that was free a moment
# ago, and under ctest -j another suite's server may have taken it since
# (then a bare wait_port would succeed against the wrong server).
wait_own_port() {
  local pid=$1 port=$2 i
  for ((i=0; i<200; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
      sleep 0.05
      kill -0 "$pid" 2>/dev/null && return 0
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# wait_for COMMAND...: polls COMMAND until it succeeds, 600 times 0.1 s at
# most (a bound against hanging, not a timing assumption: on a busy machine
# the condition is simply met later). The condition must become true and
# stay true: one that can pass by before a poll sees it is a race. For readiness conditions a suite can name:
# a row in the database, a file in a spool, a line in a log.
wait_for() {
  local i
  for ((i=0; i<600; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

# wait_subscribed PID CLIENT_ID FILTER...: the client CLIENT_ID (process PID,
# e.g. iot-sub -i CLIENT_ID or --session CLIENT_ID) holds a subscription to
# every FILTER, as the broker's own log says (start_mosquitto logs each
# SUBSCRIBE it handled). A message published after this reaches the client.
# Fails at once when PID died. Use a client id once per broker log.
wait_subscribed() {
  local pid=$1 id=$2; shift 2
  _subscribed_all() {
    local f
    for f in "$@"; do
      awk -v id="$id" -v f="$f" '$2 == id && $4 == f { found = 1 } END { exit !found }' "$MOSQ_LOG" || return 1
    done
  }
  local i
  for ((i=0; i<600; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    _subscribed_all "$@" && return 0
    sleep 0.1
  done
  return 1
}

wait_port() {  # wait_port PORT [SECONDS]
  local port=$1 secs=${2:-20} i
  for ((i=0; i<secs*10; i++)); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# start_mosquitto [EXTRA_CONF_LINES]: sets MQTT_PORT, MQTT_URL, MOSQ_PID,
# MOSQ_CONF, MOSQ_LOG (the broker's log, with every SUBSCRIBE: wait_subscribed).
start_mosquitto() {
  command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || skip "mosquitto not installed"
  local bin; bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  local fixed_port=${MQTT_PORT:-} attempt
  for attempt in 1 2 3 4 5; do
    MQTT_PORT=${fixed_port:-$(free_port)}
    MOSQ_CONF=$TEST_TMP/mosquitto.conf
    mkdir -p "$TEST_TMP/mosq"
    {
      echo "listener $MQTT_PORT 127.0.0.1"
      echo "allow_anonymous true"
      echo "persistence true"
      echo "persistence_location $TEST_TMP/mosq/"
      echo "max_queued_messages 0"
      echo "log_dest file $TEST_TMP/mosquitto.log"
      printf 'log_type %s\n' error warning notice information subscribe
      if [ $# -gt 0 ]; then printf "%s\n" "$@"; fi
    } > "$MOSQ_CONF"
    [ "$(id -u)" = 0 ] && echo "user root" >> "$MOSQ_CONF"
    "$bin" -c "$MOSQ_CONF" >/dev/null 2>&1 &
    MOSQ_PID=$!
    at_exit "kill $MOSQ_PID; wait $MOSQ_PID"
    wait_own_port "$MOSQ_PID" "$MQTT_PORT" && break
    [ -z "$fixed_port" ] && [ "$attempt" -lt 5 ] || fail "mosquitto did not start (see $TEST_TMP/mosquitto.log)"
  done
  MQTT_URL="mqtt://127.0.0.1:$MQTT_PORT"
  MOSQ_LOG=$TEST_TMP/mosquitto.log
}
# restart_mosquitto: the same broker (config, port, persistence) again, after
# a kill; its log goes on in MOSQ_LOG.
restart_mosquitto() {
  local bin; bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  "$bin" -c "$MOSQ_CONF" >/dev/null 2>&1 &
  MOSQ_PID=$!
  at_exit "kill $MOSQ_PID; wait $MOSQ_PID"
  wait_own_port "$MOSQ_PID" "$MQTT_PORT" || fail "mosquitto did not restart"
}

# start_redis: sets REDIS_PORT, REDIS_URL, REDIS_PID.
start_redis() {
  command -v redis-server >/dev/null || skip "redis-server not installed"
  local attempt
  for attempt in 1 2 3 4 5; do
    REDIS_PORT=$(free_port)
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
      --dir "$TEST_TMP" --daemonize no >"$TEST_TMP/redis.log" 2>&1 &
    REDIS_PID=$!
    at_exit "kill $REDIS_PID"
    wait_own_port "$REDIS_PID" "$REDIS_PORT" && break
    [ "$attempt" -lt 5 ] || fail "redis did not start (see $TEST_TMP/redis.log)"
  done
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
}

# free_cluster_port: a free port for a Redis Cluster node. Its cluster bus
# listens 10,000 higher, so redis-server refuses a port over 55535; a plain
# free_port is over that about one time in five, and five such draws in a
# row made a node "not start".
free_cluster_port() {
  local port tries
  for ((tries=0; tries<100; tries++)); do
    port=$(free_port)
    [ "$port" -le 55535 ] && { echo "$port"; return 0; }
  done
  return 1
}

# start_redis_cluster [MASTERS] [REPLICAS]: a Redis Cluster of MASTERS
# masters (3) with REPLICAS replicas each (0), every node a redis-server
# --cluster-enabled yes on a free loopback port, joined by redis-cli --cluster
# create; ready when every node says cluster_state:ok and knows all others.
# Sets REDIS_CLUSTER_PORTS (array), REDIS_CLUSTER_PIDS (array, by port index)
# and REDIS_CLUSTER_URL (redis+cluster://127.0.0.1:P1,127.0.0.1:P2, no path).
start_redis_cluster() {
  command -v redis-server >/dev/null || skip "redis-server not installed"
  command -v redis-cli >/dev/null || skip "redis-cli not installed (Debian package redis-tools)"
  local masters=${1:-3} replicas=${2:-0} total i attempt dir addresses=()
  total=$((masters * (1 + replicas)))
  REDIS_CLUSTER_PORTS=() REDIS_CLUSTER_PIDS=()
  for ((i=0; i<total; i++)); do
    dir=$TEST_TMP/redis-cluster-$i
    mkdir -p "$dir"
    for attempt in 1 2 3 4 5; do
      REDIS_CLUSTER_PORTS[i]=$(free_cluster_port) || fail "no free port under 55536 for a redis cluster node"
      _redis_cluster_node_run "$i"
      wait_own_port "${REDIS_CLUSTER_PIDS[i]}" "${REDIS_CLUSTER_PORTS[i]}" && break
      [ "$attempt" -lt 5 ] || fail "redis cluster node $i did not start (see $dir/redis.log)"
    done
    addresses+=("127.0.0.1:${REDIS_CLUSTER_PORTS[i]}")
  done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas "$replicas" --cluster-yes \
    >"$TEST_TMP/redis-cluster-create.log" 2>&1 || fail "redis-cli --cluster create failed (see $TEST_TMP/redis-cluster-create.log)"
  wait_for redis_cluster_settled || fail "the redis cluster did not settle"
  REDIS_CLUSTER_URL="redis+cluster://$(IFS=,; echo "${addresses[*]}")"
}
_redis_cluster_node_run() {
  local i=$1 dir=$TEST_TMP/redis-cluster-$1
  redis-server --port "${REDIS_CLUSTER_PORTS[i]}" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 2000 \
    --daemonize no >>"$dir/redis.log" 2>&1 &
  REDIS_CLUSTER_PIDS[i]=$!
  at_exit "kill ${REDIS_CLUSTER_PIDS[i]}"
}
# redis_cluster_settled: every live node reports cluster_state:ok and all
# of them see the same nodes (every live one, none failed), the same roles,
# replicas and slots.
redis_cluster_settled() {
  local p views="" live=0
  for p in "${REDIS_CLUSTER_PORTS[@]}"; do
    redis-cli -p "$p" ping >/dev/null 2>&1 || continue
    live=$((live + 1))
    redis-cli -p "$p" cluster info 2>/dev/null | tr -d '\r' | grep -qx 'cluster_state:ok' || return 1
    views+="$(redis_cluster_view_of "$p")"$'\n'
  done
  [ "$(printf '%s' "$views" | sort -u | grep -c .)" = 1 ] || return 1
  [ "$(printf '%s' "$views" | head -1 | tr ';' '\n' | grep -c .)" = "$live" ]
}
# redis_cluster_view_of PORT: the cluster as the node on PORT sees it, one
# "id role master-id slots" per node not marked failed, sorted.
redis_cluster_view_of() {
  redis-cli -p "$1" cluster nodes 2>/dev/null | tr -d '\r' |
    awk '$3 !~ /fail/ { r = ($3 ~ /master/ ? "master" : "replica"); s = $1 " " r " " $4; for (i = 9; i <= NF; i++) s = s " " $i; print s }' |
    sort | tr '\n' ';'
}
# redis_cluster_master_of KEY: the port of the master owning KEY's slot.
redis_cluster_master_of() {
  local p slot
  for p in "${REDIS_CLUSTER_PORTS[@]}"; do
    slot=$(redis-cli -p "$p" cluster keyslot "$1" 2>/dev/null) || continue
    [ -n "$slot" ] || continue
    redis-cli -p "$p" cluster nodes | tr -d '\r' | awk -v s="$slot" '
      $3 ~ /master/ && $3 !~ /fail/ { for (i = 9; i <= NF; i++) { n = split($i, r, "-"); lo = r[1]; hi = (n == 2 ? r[2] : r[1]);
        if (s + 0 >= lo + 0 && s + 0 <= hi + 0) { split($2, a, "[:@]"); print a[2]; exit } } }'
    return 0
  done
  return 1
}
# redis_cluster_replica_of PORT: the port of a replica of the master on PORT.
redis_cluster_replica_of() {
  local id
  id=$(redis-cli -p "$1" cluster myid | tr -d '\r')
  redis-cli -p "$1" cluster nodes | tr -d '\r' | awk -v m="$id" '$4 == m && $3 !~ /fail/ { split($2, a, "[:@]"); print a[2]; exit }'
}
# redis_cluster_index_of PORT: the node's index in REDIS_CLUSTER_PORTS/PIDS.
redis_cluster_index_of() {
  local i
  for i in "${!REDIS_CLUSTER_PORTS[@]}"; do [ "${REDIS_CLUSTER_PORTS[i]}" = "$1" ] && { echo "$i"; return 0; }; done
  return 1
}
# redis_cluster_failover KEY: the replica of KEY's master takes over
# (CLUSTER FAILOVER, the coordinated way: it first catches up with its
# master, so no acknowledged write is lost). Sets REDIS_FAILOVER_OLD and
# REDIS_FAILOVER_NEW (ports) and waits until every node agrees.
redis_cluster_failover() {
  REDIS_FAILOVER_OLD=$(redis_cluster_master_of "$1")
  REDIS_FAILOVER_NEW=$(redis_cluster_replica_of "$REDIS_FAILOVER_OLD")
  [ -n "$REDIS_FAILOVER_NEW" ] || fail "no replica of $REDIS_FAILOVER_OLD to promote"
  redis-cli -p "$REDIS_FAILOVER_NEW" cluster failover >/dev/null
  wait_for _redis_role_is "$REDIS_FAILOVER_NEW" master || fail "replica $REDIS_FAILOVER_NEW was not promoted"
  wait_for redis_cluster_settled || fail "the redis cluster did not settle after the failover"
}
_redis_role_is() { [ "$(redis-cli -p "$1" role 2>/dev/null | head -1 | tr -d '\r')" = "$2" ]; }

# start_rabbitmq_mqtt: RabbitMQ with its MQTT plugin (MQTT 3.1.1) as a
# second broker, everything private: node name, Erlang cookie (HOME),
# epmd and distribution ports, mnesia, logs and config in the temp dir, the
# AMQP and MQTT listeners on free loopback ports. It takes tens of seconds to
# start: start it once per suite. Sets MQTT_PORT, MQTT_URL, RABBIT_PID and
# RABBIT_ENV (the environment rabbitmqctl needs: rabbitmqctl_private).
start_rabbitmq_mqtt() {
  local bin=/usr/lib/rabbitmq/bin/rabbitmq-server dir=$TEST_TMP/rabbitmq amqp epmd dist i
  [ -x "$bin" ] || skip "rabbitmq-server not installed"
  mkdir -p "$dir"
  amqp=$(free_port) MQTT_PORT=$(free_port) epmd=$(free_port) dist=$(free_port)
  cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$amqp
mqtt.listeners.tcp.default = 127.0.0.1:$MQTT_PORT
mqtt.allow_anonymous = true
loopback_users = none
log.console = false
CONF
  echo '[rabbitmq_mqtt].' > "$dir/enabled_plugins"
  RABBIT_ENV=(HOME="$dir" ERL_EPMD_PORT="$epmd" RABBITMQ_NODENAME="iot-test-$$@localhost"
    RABBITMQ_DIST_PORT="$dist" RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log"
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    RABBITMQ_PID_FILE="$dir/pid")
  env "${RABBIT_ENV[@]}" "$bin" >"$dir/server.log" 2>&1 &
  RABBIT_PID=$!
  at_exit "_rabbitmq_stop"
  for ((i=0; i<1200; i++)); do  # two minutes at most: the Erlang VM and its plugins are slow to start
    kill -0 "$RABBIT_PID" 2>/dev/null || fail "rabbitmq-server died (see $dir/server.log and $dir/log)"
    (exec 3<>/dev/tcp/127.0.0.1/"$MQTT_PORT") 2>/dev/null && break
    sleep 0.1
  done
  (exec 3<>/dev/tcp/127.0.0.1/"$MQTT_PORT") 2>/dev/null || fail "rabbitmq's MQTT listener did not open"
  MQTT_URL="mqtt://127.0.0.1:$MQTT_PORT"
}
# rabbitmq_for_python: exports what start_broker() in tests/lib/iot_testlib.py
# reads to run a Python suite against this RabbitMQ instead of a mosquitto of
# its own: IOT_TEST_BROKER=rabbitmq, IOT_TEST_MQTT_PORT and
# IOT_TEST_RABBITMQ_ENV (rabbitmqctl's environment, one VAR=VALUE a line).
rabbitmq_for_python() {
  export IOT_TEST_BROKER=rabbitmq IOT_TEST_MQTT_PORT=$MQTT_PORT
  IOT_TEST_RABBITMQ_ENV=$(printf '%s\n' "${RABBIT_ENV[@]}")
  export IOT_TEST_RABBITMQ_ENV
}
rabbitmqctl_private() { env "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl -n "iot-test-$$@localhost" -q "$@"; }
_rabbitmq_stop() {
  rabbitmqctl_private stop >/dev/null 2>&1 || true
  wait "$RABBIT_PID" 2>/dev/null || true
  env "${RABBIT_ENV[@]}" epmd -port "$(printf '%s\n' "${RABBIT_ENV[@]}" | sed -n 's/^ERL_EPMD_PORT=//p')" -kill >/dev/null 2>&1 || true
}
# rabbit_subscribed PID CLIENT_ID FILTER: the MQTT client CLIENT_ID
# (process PID) holds a subscription to FILTER on RabbitMQ: its queue is
# bound with the filter's routing key ('/' -> '.', '+' -> '*').
rabbit_subscribed() {
  local pid=$1 id=$2 key i
  key=$(printf '%s' "$3" | tr '/+' '.*')
  for ((i=0; i<300; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    rabbitmqctl_private list_bindings destination_name routing_key 2>/dev/null |
      awk -v q="mqtt-subscription-${id}qos" -v k="$key" 'index($1, q) == 1 && $2 == k { f = 1 } END { exit !f }' && return 0
    sleep 0.2
  done
  return 1
}

# start_postgres: a throwaway cluster run as the postgres user (PostgreSQL
# refuses root). Sets PGPORT, PGHOST, PGUSER, PG_URL, PGDATA_DIR; database "telemetry".
start_postgres() {
  local pgbin; pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] || skip "PostgreSQL server not installed"
  PGPORT=$(free_port)
  PGDATA_DIR=$TEST_TMP/pg
  local as=()
  if [ "$(id -u)" = 0 ]; then
    as=(runuser -u postgres --)
    chmod 755 "$TEST_TMP"
  fi
  mkdir -p "$PGDATA_DIR" && [ "$(id -u)" = 0 ] && chown postgres "$PGDATA_DIR"
  "${as[@]}" "$pgbin/initdb" -D "$PGDATA_DIR" -U postgres -A trust >"$TEST_TMP/initdb.log" 2>&1 || fail "initdb failed"
  PG_CTL=("${as[@]}" "$pgbin/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log"
          -o "-p $PGPORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1 -c fsync=off")
  "${PG_CTL[@]}" -w start >/dev/null || fail "postgres did not start"
  at_exit "_pg_stop_now"
  export PGHOST=127.0.0.1 PGPORT PGUSER=postgres
  psql -q -d postgres -c "CREATE DATABASE telemetry" >/dev/null
  export PGDATABASE=telemetry
  PG_URL="postgresql://postgres@127.0.0.1:$PGPORT/telemetry"
}
_pg_stop_now() { "${PG_CTL[@]}" -m immediate stop >/dev/null 2>&1 || true; }
stop_postgres() { "${PG_CTL[@]}" -m fast stop >/dev/null; }
resume_postgres() { "${PG_CTL[@]}" -w start >/dev/null; }

# start_influxd [HTTP_CONF_LINES]: InfluxDB 1.x with its own config,
# meta/data/wal in the temp dir, HTTP and the RPC (backup) port on free
# loopback ports; extra lines go to its [http] section (auth-enabled = true).
# Sets INFLUX_PORT, INFLUX_URL (http://127.0.0.1:PORT), INFLUX_PID,
# INFLUX_CONF. influxd answers /ping with 204 once it serves HTTP.
start_influxd() {
  command -v influxd >/dev/null || skip "influxd not installed (Debian package influxdb)"
  local attempt rpc_port
  for attempt in 1 2 3 4 5; do
    INFLUX_PORT=$(free_port)
    rpc_port=$(free_port)
    INFLUX_CONF=$TEST_TMP/influxdb.conf
    mkdir -p "$TEST_TMP/influx"
    cat > "$INFLUX_CONF" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$rpc_port"
[meta]
  dir = "$TEST_TMP/influx/meta"
[data]
  dir = "$TEST_TMP/influx/data"
  wal-dir = "$TEST_TMP/influx/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$INFLUX_PORT"
  log-enabled = false
$(if [ $# -gt 0 ]; then printf "  %s\n" "$@"; fi)
[logging]
  level = "warn"
  suppress-logo = true
CONF
    _influxd_run
    _influxd_wait && break
    [ "$attempt" -lt 5 ] || fail "influxd did not start (see $TEST_TMP/influxd.log)"
  done
  INFLUX_URL="http://127.0.0.1:$INFLUX_PORT"
}
_influxd_run() {
  influxd run -config "$INFLUX_CONF" >>"$TEST_TMP/influxd.log" 2>&1 &
  INFLUX_PID=$!
  at_exit "kill -CONT $INFLUX_PID; kill $INFLUX_PID"
}
# The port is ours when our process is alive and /ping on it answers 204.
_influxd_wait() {
  local i code
  wait_own_port "$INFLUX_PID" "$INFLUX_PORT" || return 1
  for ((i=0; i<200; i++)); do
    kill -0 "$INFLUX_PID" 2>/dev/null || return 1
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$INFLUX_PORT/ping" || true)
    [ "$code" = 204 ] && return 0
    sleep 0.1
  done
  return 1
}
# stop_influxd / restart_influxd: an outage and the same server back on its port.
stop_influxd() { kill "$INFLUX_PID"; wait "$INFLUX_PID" 2>/dev/null || true; }
restart_influxd() { _influxd_run; _influxd_wait || fail "influxd did not restart"; }
# influx_query Q [DB]: the JSON answer of InfluxQL Q (epoch=ns timestamps).
influx_query() {
  curl -sS --fail-with-body -G "$INFLUX_URL/query" --data-urlencode "q=$1" ${2:+--data-urlencode "db=$2"} \
    --data-urlencode epoch=ns
}

# start_pubsub_emulator: Google's Cloud Pub/Sub emulator (Debian package
# google-cloud-cli-pubsub-emulator, run by java from openjdk-17-jre-headless)
# on a free loopback port. A slow starter (a JVM): start it once a suite.
# Sets PUBSUB_PORT, PUBSUB_PID, PUBSUB_API (http://127.0.0.1:PORT/v1) and
# exports PUBSUB_EMULATOR_HOST as Google's clients and iot-ingest read it.
# The emulator keeps everything in memory: killed, it forgets its topics.
pubsub_emulator_jar() {
  ls /usr/lib/google-cloud-sdk/platform/pubsub-emulator/lib/cloud-pubsub-emulator-*-all.jar 2>/dev/null | head -1
}
start_pubsub_emulator() {
  [ -n "$(pubsub_emulator_jar)" ] || skip "Pub/Sub emulator not installed (package google-cloud-cli-pubsub-emulator, from Google's apt source, not Debian's archive)"
  command -v java >/dev/null || skip "java not installed (Debian package openjdk-17-jre-headless)"
  local attempt
  for attempt in 1 2 3 4 5; do
    PUBSUB_PORT=$(free_port)
    _pubsub_run "$PUBSUB_PORT"
    _pubsub_wait "$PUBSUB_PID" "$PUBSUB_PORT" && break
    [ "$attempt" -lt 5 ] || fail "the Pub/Sub emulator did not start (see $TEST_TMP/pubsub-*.log)"
  done
  PUBSUB_API="http://127.0.0.1:$PUBSUB_PORT/v1"
  export PUBSUB_EMULATOR_HOST="127.0.0.1:$PUBSUB_PORT"
}
# _pubsub_run PORT: sets PUBSUB_PID.
_pubsub_run() {
  java -jar "$(pubsub_emulator_jar)" --host=127.0.0.1 --port="$1" >>"$TEST_TMP/pubsub-$1.log" 2>&1 &
  PUBSUB_PID=$!
  at_exit "kill -CONT $PUBSUB_PID; kill $PUBSUB_PID"
}
# _pubsub_wait PID PORT: our emulator answers "Ok" on / (its log says it
# listens first; a JVM takes its time, hence the long bound).
_pubsub_wait() {
  local pid=$1 port=$2 i
  for ((i=0; i<1200; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    if grep -q "listening on $port" "$TEST_TMP/pubsub-$port.log" 2>/dev/null &&
       [ "$(curl -s "http://127.0.0.1:$port/" || true)" = Ok ]; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}
# pubsub_api METHOD PATH [JSON]: a REST call to the emulator (PATH after /v1/);
# prints the answer, fails on an HTTP error.
pubsub_api() {
  curl -sS --fail-with-body -X "$1" -H 'Content-Type: application/json' "$PUBSUB_API/$2" ${3:+-d "$3"}
}
