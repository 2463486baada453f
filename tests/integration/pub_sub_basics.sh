#!/usr/bin/env bash
# iot-pub -> mosquitto -> iot-sub with a real broker: every encoding round
# trips, topics come from templates, bad input is rejected with a reason while
# the stream goes on, --stamp numbers devices, alerts jump the queue, and the
# exit codes of iot-pub(1) and iot-sub(1) (0, 2, 3, 69, 75). Every subscriber
# is waited for until the broker's log shows its subscription
# (wait_subscribed), not for a fixed time.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_mosquitto
T=$TEST_TMP

# --- every encoding round trips, payload and content type intact ---
for enc in json msgpack zlib+json zlib+msgpack; do
  iot-sub --broker "$MQTT_URL" -i "sub-$enc" -t "enc/#" --count 1 -W 10 > "$T/enc.out" 2>/dev/null &
  SUB=$!; wait_subscribed "$SUB" "sub-$enc" "enc/#" || fail "iot-sub did not subscribe"
  echo '{"device_id":"P-1","d":{"t":{"v":21.5,"q":192}},"s":"ü"}' \
    | iot-pub --broker "$MQTT_URL" -t 'enc/{device_id}' --encode "$enc" 2>/dev/null
  wait "$SUB" || true
  got=$(/usr/bin/python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).read()); print(e["enc"], e["topic"], json.dumps(e["payload"], sort_keys=True, ensure_ascii=False), e["props"]["content_type"])' "$T/enc.out")
  expect_eq "round trip $enc" "$enc enc/P-1 {\"d\": {\"t\": {\"q\": 192, \"v\": 21.5}}, \"device_id\": \"P-1\", \"s\": \"ü\"} application/$enc" "$got"
done

# --- bad input: rejected with a reason, the good lines still go out ---
big=$(head -c 20000000 /dev/zero | tr '\0' 'a')
{
  echo 'this is not json'
  echo '{"device_id":"a/b","v":1}'
  echo '{"device_id":"+","v":1}'
  echo '{"device_id":"#","v":1}'
  echo '{"v":1}'
  echo '{"topic":"bad/+/wild","payload":{"v":1}}'
  echo '{"topic":"ok/env","payload":{"v":2},"props":{"user":{"k":"v"},"message_expiry":60}}'
  printf '{"device_id":"big","v":"%s"}\n' "$big"
  printf '{"topic":"u/\xff\xfe","payload":{"v":3}}\n'
  echo '{"topic":"ok/b64","payload_b64":"AAEC/w=="}'
  printf '{"device_id":"P-9","v":4}'   # the last line counts without a newline
} > "$T/bad.ndjson"
iot-sub --broker "$MQTT_URL" -i sub-good -t 'ok/#' -t 'dev/#' --count 3 -W 10 > "$T/good.out" 2>/dev/null &
SUB=$!; wait_subscribed "$SUB" sub-good 'ok/#' 'dev/#' || fail "iot-sub did not subscribe"
rc=0; iot-pub --broker "$MQTT_URL" -t 'dev/{device_id}' --reject "$T/rejects.ndjson" "$T/bad.ndjson" 2>"$T/bad.err" || rc=$?
expect_eq "bad input does not stop iot-pub (exit 0)" 0 "$rc"
wait "$SUB" || true
expect_eq "the good lines arrived" "dev/P-9 ok/b64 ok/env" "$(/usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["topic"] for l in open(sys.argv[1]))))' "$T/good.out")"
expect_eq "payload_b64 went out byte-exact" "AAEC/w==" "$(grep ok/b64 "$T/good.out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["payload_b64"])')"
expect_eq "v5 user property and expiry arrived" '{"k": "v"} 60' "$(grep ok/env "$T/good.out" | /usr/bin/python3 -c 'import json,sys; p=json.load(sys.stdin)["props"]; print(json.dumps(p["user"]), p["message_expiry"])')"
reasons=$(/usr/bin/python3 -c 'import json,sys; print(" ".join(json.loads(l)["reason"] for l in open(sys.argv[1])))' "$T/rejects.ndjson")
expect_eq "each bad line rejected with its reason" "bad_json topic topic topic topic topic too_large bad_json" "$reasons"
check "reject records name the line" grep -q '"source":"[^"]*bad.ndjson:2"' "$T/rejects.ndjson"

# --- --stamp: msg_id, per-device seq, ts; alerts jump the queue ---
iot-sub --broker "$MQTT_URL" -i sub-stamp -t 'st/#' --count 4 -W 10 > "$T/stamp.out" 2>/dev/null &
SUB=$!; wait_subscribed "$SUB" sub-stamp 'st/#' || fail "iot-sub did not subscribe"
printf '%s\n' '{"device_id":"A"}' '{"device_id":"B"}' '{"device_id":"A"}' \
  | iot-pub --broker "$MQTT_URL" -t 'st/{device_id}' --stamp --outbox "$T/stamp.db" 2>/dev/null
echo '{"device_id":"A"}' | iot-pub --broker "$MQTT_URL" -t 'st/{device_id}' --stamp --outbox "$T/stamp.db" 2>/dev/null
wait "$SUB" || true
expect_eq "per-device seq, continued by the next run on the same outbox" "A:1 B:1 A:2 A:3" \
  "$(/usr/bin/python3 -c 'import json,sys; print(" ".join("%s:%s" % (e["payload"]["device_id"], e["payload"]["seq"]) for e in map(json.loads, open(sys.argv[1]))))' "$T/stamp.out")"
check "stamped msg_ids are ULIDs" /usr/bin/python3 -c 'import json,sys,re; assert all(re.fullmatch("[0-9A-HJKMNP-TV-Z]{26}", json.loads(l)["payload"]["msg_id"]) and json.loads(l)["payload"]["schema_version"]=="2.1" for l in open(sys.argv[1]))' "$T/stamp.out"

# Alerts jump what is waiting in the outbox (the broker is unreachable while it fills).
rc=0; printf '%s\n' '{"device_id":"A","n":1}' '{"device_id":"A","n":2}' '{"device_id":"A","n":3,"priority":"alert"}' \
  | iot-pub --broker "mqtt://127.0.0.1:1" --retries 3 -t 'al/{device_id}' --outbox "$T/alert.db" 2>/dev/null || rc=$?
expect_eq "unreachable broker with messages in the outbox: exit 75" 75 "$rc"
iot-sub --broker "$MQTT_URL" -i sub-alert -t 'al/#' --count 3 -W 10 > "$T/alert.out" 2>/dev/null &
SUB=$!; wait_subscribed "$SUB" sub-alert 'al/#' || fail "iot-sub did not subscribe"
rc=0; iot-pub --broker "$MQTT_URL" --outbox "$T/alert.db" --max-inflight 1 </dev/null 2>/dev/null || rc=$?
expect_eq "the outbox drained: exit 0" 0 "$rc"
wait "$SUB" || true
expect_eq "the alert went first" "3 1 2" "$(/usr/bin/python3 -c 'import json,sys; print(" ".join(str(json.loads(l)["payload"]["n"]) for l in open(sys.argv[1])))' "$T/alert.out")"

# --- exit codes ---
rc=0; echo '{"v":1}' | iot-pub --broker "mqtt://127.0.0.1:1" --retries 2 -t x 2>"$T/e69.err" || rc=$?
expect_eq "iot-pub: broker unreachable -> 69" 69 "$rc"
rc=0; iot-sub --broker "mqtt://127.0.0.1:1" --retries 2 -t x 2>/dev/null || rc=$?
expect_eq "iot-sub: broker unreachable -> 69" 69 "$rc"
rc=0; iot-sub --broker "$MQTT_URL" -t 'nothing/here' -W 1 >/dev/null 2>&1 || rc=$?
expect_eq "iot-sub -W with nothing -> 3" 3 "$rc"
rc=0; iot-sub --broker "$MQTT_URL" -t 'nothing/here' --idle 1 >/dev/null 2>&1 || rc=$?
expect_eq "iot-sub --idle with nothing -> 3" 3 "$rc"
rc=0; iot-pub --encode yaml -t x </dev/null >/dev/null 2>&1 || rc=$?
expect_eq "iot-pub bad option -> 2" 2 "$rc"
rc=0; iot-sub --broker "$MQTT_URL" >/dev/null 2>&1 || rc=$?
expect_eq "iot-sub without -t -> 2" 2 "$rc"

# --- --share: two subscribers of one group split the messages ---
iot-sub --broker "$MQTT_URL" -i sub-sh1 -t 'sh/#' --share g1 --idle 5 > "$T/sh1.out" 2>/dev/null &
S1=$!
iot-sub --broker "$MQTT_URL" -i sub-sh2 -t 'sh/#' --share g1 --idle 5 > "$T/sh2.out" 2>/dev/null &
S2=$!
wait_subscribed "$S1" sub-sh1 '$share/g1/sh/#' || fail "iot-sub 1 did not subscribe"
wait_subscribed "$S2" sub-sh2 '$share/g1/sh/#' || fail "iot-sub 2 did not subscribe"
seq 1 40 | sed 's/.*/{"n":&}/' | iot-pub --broker "$MQTT_URL" -t sh/x 2>/dev/null
wait "$S1" || true; wait "$S2" || true
a=$(wc -l < "$T/sh1.out"); b=$(wc -l < "$T/sh2.out")
expect_eq "--share: every message went to exactly one of the group" 40 "$((a + b))"
check "--share: both subscribers got some ($a + $b)" test "$a" -gt 0 -a "$b" -gt 0

# --- retained messages ---
mosquitto_pub -p "$MQTT_PORT" -t ret/a -m '{"r":1}' -r
iot-sub --broker "$MQTT_URL" -t 'ret/#' --retained-only > "$T/ret.out" 2>/dev/null
expect_eq "--retained-only prints the retained message and ends" '1 true' \
  "$(/usr/bin/python3 -c 'import json,sys; e=json.loads(open(sys.argv[1]).read()); print(e["payload"]["r"], str(e["retain"]).lower())' "$T/ret.out")"
rc=0; iot-sub --broker "$MQTT_URL" -t 'ret/#' --no-retained -W 1 > "$T/noret.out" 2>/dev/null || rc=$?
expect_eq "--no-retained skips it (exit 3, nothing out)" "3 0" "$rc $(wc -l < "$T/noret.out")"

# --- --payload-only, --raw, --dict ---
echo '{"0":"device_id","1":"temp"}' > "$T/dict.json"
iot-sub --broker "$MQTT_URL" -i sub-dict -t 'dict/#' --count 1 -W 10 --dict "$T/dict.json" --payload-only > "$T/dict.out" 2>/dev/null &
SUB=$!; wait_subscribed "$SUB" sub-dict 'dict/#' || fail "iot-sub did not subscribe"
mosquitto_pub -p "$MQTT_PORT" -t dict/x -m '{"0":"P-3","1":{"v":2}}'
wait "$SUB" || true
expect_eq "--dict expands indices, --payload-only prints the payload" '{"device_id":"P-3","temp":{"v":2}}' "$(cat "$T/dict.out")"
iot-sub --broker "$MQTT_URL" -i sub-raw -t 'raw/#' --count 1 -W 10 --raw > "$T/raw.out" 2>/dev/null &
SUB=$!; wait_subscribed "$SUB" sub-raw 'raw/#' || fail "iot-sub did not subscribe"
mosquitto_pub -p "$MQTT_PORT" -t raw/x -m '{"a":1}'
wait "$SUB" || true
check "--raw keeps the payload as payload_b64" grep -q '"payload_b64":"eyJhIjoxfQ=="' "$T/raw.out"

# --- a pipe sees each message while iot-sub runs (iot-sub(1), DESCRIPTION) ---
# Lines that arrive back to back are gathered and written together, but
# nothing is held while iot-sub waits for the next message: a lone message,
# then a burst, each shows up at the reader with iot-sub still running.
mkfifo "$T/live.fifo"
iot-sub --broker "$MQTT_URL" -i sub-live -t 'live/#' -W 120 > "$T/live.fifo" 2>/dev/null &
SUB=$!
cat "$T/live.fifo" > "$T/live.out" &
CAT=$!
wait_subscribed "$SUB" sub-live 'live/#' || fail "iot-sub did not subscribe"
has_lines() { [ "$(grep -c '' "$1")" -ge "$2" ]; }
mosquitto_pub -p "$MQTT_PORT" -t live/one -m '{"n":0}'
wait_for has_lines "$T/live.out" 1 || fail "a lone message never reached the pipe"
check "a lone message reaches the pipe while iot-sub runs" kill -0 "$SUB"
seq 1 2000 | sed 's/.*/{"n":&}/' | mosquitto_pub -p "$MQTT_PORT" -t live/burst -l
wait_for has_lines "$T/live.out" 2001 || fail "the burst never reached the pipe whole"
check "a burst reaches the pipe whole while iot-sub runs" kill -0 "$SUB"
expect_eq "every line whole, in order" "$(seq 0 2000 | tr '\n' ' ')" \
  "$(/usr/bin/python3 -c 'import json,sys; print(" ".join(str(json.loads(l)["payload"]["n"]) for l in open(sys.argv[1])), end=" ")' "$T/live.out")"
kill "$SUB"; wait "$SUB" 2>/dev/null || true; wait "$CAT" || true
finish
