#!/usr/bin/env bash
# Every tool says what it did at exit: iot-sub's summary line (received,
# bytes, reconnects, duration) at info level; per-line warnings collapse
# into a count after the first five of a kind (--log-level debug shows each);
# iot-ingest's latencies in readable units. Real mosquitto, real pipes.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
FLEET=devices=3,rate=2,duration=5,seed=7,start=1700000000
iot-replay --synthetic "$FLEET" --fast > fleet.ndjson 2>/dev/null

# --- iot-sub's summary -----------------------------------------------------
start_mosquitto
iot-sub --broker "$MQTT_URL" -t 'sum/#' --count 3 -W 20 > sub.out 2> sub.err &
SUB=$!; sleep 0.5
for i in 1 2 3; do mosquitto_pub -p "$MQTT_PORT" -t sum/x -m "{\"n\":$i}"; done  # 7 bytes each
rc=0; wait "$SUB" || rc=$?
expect_eq "iot-sub received the three messages" "0 3" "$rc $(wc -l < sub.out)"
check "iot-sub's summary: received, bytes, reconnects, duration" \
  grep -qE '^iot-sub: info: received 3, 21 payload bytes, 0 reconnects, in [0-9.]+(us|ms|s)$' sub.err
iot-sub --broker "$MQTT_URL" -t 'sum/#' --count 2 -W 20 --metrics-file sub.prom > /dev/null 2>/dev/null &
SUB=$!; sleep 0.5
for i in 1 2; do mosquitto_pub -p "$MQTT_PORT" -t sum/y -m "{\"n\":$i}"; done
wait "$SUB" || true
expect_eq "iot-sub --metrics-file: messages and bytes" "2 14" \
  "$(sed -n 's/^iot_sub_messages_total //p' sub.prom) $(sed -n 's/^iot_sub_payload_bytes_total //p' sub.prom)"
rc=0; iot-sub --broker "$MQTT_URL" -t 'sum/#' -W 1 --log-level warn > /dev/null 2> quiet.err || rc=$?
check "--log-level warn leaves the summary out" test ! -s quiet.err

# --- repeated warnings collapse --------------------------------------------
cat fleet.ndjson fleet.ndjson > twice.ndjson  # every line of the second copy is a duplicate
n=$(wc -l < fleet.ndjson)
iot-verify --filter --reject r.ndjson twice.ndjson > /dev/null 2> dup.err || true
expect_eq "each duplicate is still a reject record" "$n" "$(grep -c '"reason":"duplicate"' r.ndjson)"
expect_eq "only the first five duplicate warnings are written" 5 "$(grep -c 'warning: rejected .*(duplicate)' dup.err)"
check "then a note that the rest are only counted" grep -q 'further "rejected (duplicate)" warnings are only counted' dup.err
check "and the count at exit" grep -q "\"rejected (duplicate)\": $n in all, $((n - 5)) not shown" dup.err
iot-verify --filter --reject r2.ndjson --log-level debug twice.ndjson > /dev/null 2> dbg.err || true
expect_eq "--log-level debug writes every one" "$n" "$(grep -c 'warning: rejected .*(duplicate)' dbg.err)"

# --- iot-ingest's latencies ------------------------------------------------
# The fleet is stamped in 2023: ts -> commit is a long time, which the
# summary gives in days and hours, not as millions of seconds.
iot-ingest --db sqlite:lat.db < fleet.ndjson 2> ingest.err
check "iot-ingest's latency in readable units" \
  grep -qE 'latency ts->commit mean [0-9]+d[0-9]{2}h max [0-9]+d[0-9]{2}h' ingest.err
check "no latency in raw seconds" bash -c "! grep -qE 'latency.*[0-9]{5,}\\.[0-9]+s' ingest.err"
finish
