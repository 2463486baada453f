#!/usr/bin/env bash
# --metrics-listen in every long-running tool: /metrics scraped with curl and
# checked with promtool (Prometheus's own linter), /healthz 200 while the
# broker is connected and 503 while it is stopped. Port 0 picks a free port,
# which the tool logs. Real mosquitto, real pipes, real HTTP.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
command -v promtool >/dev/null || skip "promtool (Debian prometheus) not installed"
start_mosquitto

# listen_port LOG: the port a tool logged for --metrics-listen ...:0.
listen_port() { sed -n 's|.*metrics on http://[^ ]*:\([0-9][0-9]*\)/metrics.*|\1|p' "$1" | head -1; }
logged_port() { [ -n "$(listen_port "$1")" ]; }
metric() { curl -sf "http://127.0.0.1:$1/metrics" | sed -n "s/^$2 //p"; }
metric_is() { [ "$(metric "$1" "$2")" = "$3" ]; }
health_code() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/healthz"; }
health_is() { [ "$(health_code "$1")" = "$2" ]; }
lint() { curl -sf "http://127.0.0.1:$1/metrics" > "$2.prom" && promtool check metrics < "$2.prom"; }

# --- iot-sub: counters live, /healthz follows the broker --------------------
iot-sub --broker "$MQTT_URL" -i ml-sub -t 'ml/#' -q 1 --metrics-listen 127.0.0.1:0 > sub.out 2> sub.err &
SUB=$!
at_exit "kill $SUB 2>/dev/null"
wait_subscribed "$SUB" ml-sub 'ml/#' || fail "iot-sub did not subscribe"
wait_for logged_port sub.err || fail "iot-sub did not log its metrics port"
P=$(listen_port sub.err)
for i in 1 2 3; do mosquitto_pub -p "$MQTT_PORT" -q 1 -t ml/x -m "{\"n\":$i}"; done
check "iot-sub /metrics counts the three messages" wait_for metric_is "$P" iot_sub_messages_total 3
check "iot-sub /metrics passes promtool check metrics" lint "$P" sub
expect_eq "iot-sub /healthz with the broker up" \
  '200 {"broker":"connected","status":"ok"}' "$(curl -s -w '%{http_code} ' -o h.json "http://127.0.0.1:$P/healthz"; cat h.json)"
expect_eq "an unknown path is a 404" 404 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/")"

# --- iot-pub: the same, reading a pipe that stays open ----------------------
mkfifo pub.in
iot-pub --broker "$MQTT_URL" -t 'ml/{device_id}' -q 1 --metrics-listen 127.0.0.1:0 < pub.in > /dev/null 2> pub.err &
PUB=$!
at_exit "kill $PUB 2>/dev/null"
exec 3> pub.in
for i in 1 2 3 4; do echo "{\"device_id\":\"d$i\",\"seq\":$i,\"ts\":1700000000000,\"metrics\":{\"t\":$i}}" >&3; done
wait_for logged_port pub.err || fail "iot-pub did not log its metrics port"
Q=$(listen_port pub.err)
check "iot-pub /metrics counts four acknowledged messages" wait_for metric_is "$Q" iot_pub_acknowledged_total 4
check "iot-pub /metrics passes promtool check metrics" lint "$Q" pub
check "iot-sub received them" wait_for metric_is "$P" iot_sub_messages_total 7

# --- the broker stops: both turn 503; it comes back: 200 again --------------
kill "$MOSQ_PID"; wait "$MOSQ_PID" 2>/dev/null || true
check "iot-sub /healthz is 503 while the broker is down" wait_for health_is "$P" 503
check "iot-pub /healthz is 503 while the broker is down" wait_for health_is "$Q" 503
check "the body says so" grep -q '"broker":"disconnected"' <(curl -s "http://127.0.0.1:$P/healthz")
restart_mosquitto 3>&-  # the broker must not hold the pipe iot-pub reads open
check "iot-sub /healthz is 200 once the broker is back" wait_for health_is "$P" 200
check "iot-pub /healthz is 200 once the broker is back" wait_for health_is "$Q" 200
exec 3>&-
rc=0; wait "$PUB" || rc=$?
expect_eq "iot-pub ends at the end of its input" 0 "$rc"
kill -INT "$SUB"; wait "$SUB" 2>/dev/null || true
check "the server stops with the tool" test "$(health_code "$P")" = 000

# --- iot-verify --filter and iot-ingest, in a pipe that stays open ----------
iot-replay --synthetic devices=2,rate=1,duration=3,seed=5,start=1700000000 --fast > fleet.ndjson 2>/dev/null
n=$(wc -l < fleet.ndjson)
mkfifo chain.in
iot-verify --filter --metrics-listen 127.0.0.1:0 < chain.in 2> verify.err |
  iot-ingest --db sqlite:ml.db --metrics-listen 127.0.0.1:0 2> ingest.err &
CHAIN=$!
exec 4> chain.in
cat fleet.ndjson >&4
wait_for logged_port verify.err || fail "iot-verify did not log its metrics port"
wait_for logged_port ingest.err || fail "iot-ingest did not log its metrics port"
V=$(listen_port verify.err); I=$(listen_port ingest.err)
check "iot-verify /metrics counts the lines" wait_for metric_is "$V" iot_verify_valid_total "$n"
check "iot-verify /metrics passes promtool check metrics" lint "$V" verify
check "iot-ingest /metrics counts the messages" wait_for metric_is "$I" iot_ingest_messages_total "$n"
check "iot-ingest /metrics passes promtool check metrics" lint "$I" ingest
expect_eq "iot-ingest /healthz: database connected, breaker closed" \
  '200 {"breaker":"closed","database":"connected","status":"ok"}' \
  "$(curl -s -w '%{http_code} ' -o hi.json "http://127.0.0.1:$I/healthz"; cat hi.json)"
expect_eq "iot-verify /healthz" 200 "$(health_code "$V")"
exec 4>&-
wait "$CHAIN" || true

# --- iot-replay, paced: counters move while it plays ------------------------
iot-replay --synthetic devices=5,rate=1,duration=600 --metrics-listen 127.0.0.1:0 > /dev/null 2> replay.err &
REPLAY=$!
at_exit "kill $REPLAY 2>/dev/null"
wait_for logged_port replay.err || fail "iot-replay did not log its metrics port"
R=$(listen_port replay.err)
replayed_some() { [ "$(metric "$R" iot_replay_messages_total)" -gt 0 ] 2>/dev/null; }
check "iot-replay /metrics counts messages as they go out" wait_for replayed_some
check "iot-replay /metrics passes promtool check metrics" lint "$R" replay
kill -INT "$REPLAY"; wait "$REPLAY" 2>/dev/null || true

# --- a busy port and a bad address are usage errors -------------------------
rc=0; iot-replay --synthetic devices=1,duration=1 --fast --metrics-listen "127.0.0.1:$MQTT_PORT" > /dev/null 2> busy.err || rc=$?
expect_eq "a port in use ends the tool with a usage error (2)" 2 "$rc"
check "and says why" grep -q -- '--metrics-listen 127.0.0.1:.*cannot listen' busy.err
rc=0; iot-sub -t x --metrics-listen nowhere > /dev/null 2> bad.err || rc=$?
expect_eq "an address without a port is a usage error (2)" 2 "$rc"
finish
