#!/usr/bin/env bash
# iot-pub's outbox commits lines in groups, and the seqs --stamp holds are
# capped; a real broker, real pipes, the real outbox file:
#   1. a line that arrives alone waits at most --commit-delay for others to
#      share its commit, and until then it is neither in the outbox file nor
#      sent (iot-pub(1), --commit-delay); the end of the input commits and
#      sends at once; with a short delay and the pipe still open, the lines
#      go out when the delay is up;
#   2. --max-devices caps the seqs held: past it the device stamped least
#      recently is evicted and counted; it comes back with its seq read from
#      the outbox file, or from 1 without one (iot-pub(1), Resource use).
# No step waits for a fixed time: each waits for the state it needs.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
start_mosquitto

# listen_port LOG: the port iot-pub logged for --metrics-listen 127.0.0.1:0.
listen_port() { sed -n 's|.*metrics on http://[^ ]*:\([0-9][0-9]*\)/metrics.*|\1|p' "$1" | head -1; }
logged_port() { [ -n "$(listen_port "$1")" ]; }
metric() { curl -sf "http://127.0.0.1:$1/metrics" | sed -n "s/^$2 //p"; }
metric_is() { [ "$(metric "$1" "$2")" = "$3" ]; }
# rows DB: committed rows of the outbox, as another process sees them.
rows() { /usr/bin/python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1], timeout=30).execute("select count(*) from outbox").fetchone()[0])' "$1"; }
rows_are() { [ "$(rows "$1")" = "$2" ]; }
received() { [ "$(wc -l < "$1")" -ge "$2" ]; }
# field FILE KEY: the payloads' KEY, space-separated, in arrival order.
field() { /usr/bin/python3 -c 'import json, sys
print(" ".join(str(json.loads(l)["payload"][sys.argv[2]]) for l in open(sys.argv[1])))' "$1" "$2"; }

# --- 1a. a long delay: what was read waits, uncommitted and unsent, for the end of the input ---
iot-sub --broker "$MQTT_URL" -i sub-cd1 -t 'cd1/#' --count 3 -W 60 > cd1.out 2>/dev/null &
SUB=$!; wait_subscribed "$SUB" sub-cd1 'cd1/#' || fail "iot-sub did not subscribe"
mkfifo cd1.in
iot-pub --broker "$MQTT_URL" -t 'cd1/{device_id}' --outbox cd1.db --commit-delay 1h \
  --metrics-listen 127.0.0.1:0 < cd1.in 2> cd1.err &
PUB=$!
at_exit "kill $PUB 2>/dev/null"
exec 3> cd1.in
printf '%s\n' '{"device_id":"A","n":1}' '{"device_id":"A","n":2}' '{"device_id":"A","n":3}' >&3
wait_for logged_port cd1.err || fail "iot-pub did not log its metrics port"
Q=$(listen_port cd1.err)
check "iot-pub read the three lines" wait_for metric_is "$Q" iot_pub_lines_read_total 3
expect_eq "held for company: none published yet" 0 "$(metric "$Q" iot_pub_published_total)"
expect_eq "held for company: none committed to the outbox file yet" 0 "$(rows cd1.db)"
exec 3>&-
rc=0; wait "$PUB" || rc=$?
expect_eq "the end of the input commits and sends them (exit 0)" 0 "$rc"
wait "$SUB" || true
expect_eq "all three arrived, in order" "1 2 3" "$(field cd1.out n)"
expect_eq "and left the outbox on their PUBACK" 0 "$(rows cd1.db)"

# --- 1b. a short delay, the pipe still open: the lines go out when it is up ---
iot-sub --broker "$MQTT_URL" -i sub-cd2 -t 'cd2/#' --count 2 -W 60 > cd2.out 2>/dev/null &
SUB=$!; wait_subscribed "$SUB" sub-cd2 'cd2/#' || fail "iot-sub did not subscribe"
mkfifo cd2.in
iot-pub --broker "$MQTT_URL" -t 'cd2/{device_id}' --outbox cd2.db --commit-delay 20ms < cd2.in 2> cd2.err &
PUB=$!
at_exit "kill $PUB 2>/dev/null"
exec 4> cd2.in
printf '%s\n' '{"device_id":"B","n":1}' '{"device_id":"B","n":2}' >&4
check "with the input still open, both arrive" wait_for received cd2.out 2
check "and their removal is committed" wait_for rows_are cd2.db 0
exec 4>&-
rc=0; wait "$PUB" || rc=$?
expect_eq "iot-pub ends with its input (exit 0)" 0 "$rc"
wait "$SUB" || true
expect_eq "in order" "1 2" "$(field cd2.out n)"

# --- 2. --max-devices: evicted, counted, and back from the outbox or from 1 ---
iot-sub --broker "$MQTT_URL" -i sub-md -t 'md/#' --count 8 -W 60 > md.out 2>/dev/null &
SUB=$!; wait_subscribed "$SUB" sub-md 'md/#' || fail "iot-sub did not subscribe"
devices() { printf '{"device_id":"%s"}\n' A B C A; }
devices | iot-pub --broker "$MQTT_URL" -t 'md/{device_id}' --stamp --max-devices 2 \
  --metrics-file md-memory.prom 2> md-memory.err
devices | iot-pub --broker "$MQTT_URL" -t 'md/{device_id}' --stamp --max-devices 2 --outbox md.db \
  --metrics-file md-outbox.prom 2> md-outbox.err
wait "$SUB" || true
expect_eq "seqs: A comes back at 1 in memory, at 2 from the outbox" "1 1 1 1 1 1 1 2" "$(field md.out seq)"
expect_eq "the devices, in order" "A B C A A B C A" "$(field md.out device_id)"
expect_eq "two evictions counted in --metrics-file (memory)" 2 \
  "$(sed -n 's/^iot_pub_evicted_devices_total //p' md-memory.prom)"
expect_eq "two evictions counted in --metrics-file (outbox)" 2 \
  "$(sed -n 's/^iot_pub_evicted_devices_total //p' md-outbox.prom)"
check "the summary says so (memory)" grep -q "2 device(s) evicted past --max-devices.*count from 1 again" md-memory.err
check "the summary says so (outbox)" grep -q "2 device(s) evicted past --max-devices.*read again from the outbox" md-outbox.err
rc=0; iot-pub --max-devices 0 -t x </dev/null >/dev/null 2>&1 || rc=$?
expect_eq "--max-devices 0 is a usage error (exit 2)" 2 "$rc"
finish
