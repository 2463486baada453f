#!/usr/bin/env bash
# iot-pub --deadband through a real mosquitto, seen by mosquitto_sub (a
# subscriber we did not write): which readings are sent and which are
# suppressed (abs and pct bands, state per device and metric, a quality
# change always sent), the heartbeat, msg_id and seq assigned after the
# filter so iot-verify downstream sees no gap, --keep-seq sending an empty
# "d" in place of a message with nothing new, and the suppressed counts in
# the exit summary and the metrics file (iot-pub(1), DEADBAND).
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
command -v mosquitto_sub >/dev/null || skip "mosquitto_sub (mosquitto-clients) not installed"
start_mosquitto
T=$TEST_TMP

# Device P-1 sends its own seq 101.. and msg_ids; ts in Unix ms, one second apart.
line() {  # line DEVICE SEQ T_SECONDS TEMP TEMP_Q PRES
  printf '{"device_id":"%s","msg_id":"own-%s-%s","seq":%s,"ts":%s,"d":{"temp_in":{"v":%s,"q":%s},"pres":{"v":%s,"q":192}}}\n' \
    "$1" "$1" "$2" "$2" "$(( 1700000000000 + $3 * 1000 ))" "$4" "$5" "$6"
}
{
  line P-1 101 0  20.0 192 100   # first of each: both sent
  line P-1 102 1  20.2 192 101   # 0.2 <= 0.5 and 1 % <= 5 %: nothing new, not sent
  line P-1 103 2  20.6 192 102   # temp 0.6 from 20.0: sent; pres 2 %: not
  line P-1 104 3  20.6 0   104   # temp quality 192 -> 0: sent though unchanged; pres 4 %: not
  line P-1 105 4  20.6 0   106   # pres 6 % from 100: sent
  line P-2 1   4  20.0 192 100   # another device: its own state, both sent
  line P-1 106 20 20.6 0   106   # in band, heartbeat (30 s) not due: not sent
  line P-1 107 34 20.6 0   106   # heartbeat due for both (last sent at 3 s and 4 s)
} > "$T/in.ndjson"

# sent_of FILE: "DEVICE:SEQ:metric,metric" per message mosquitto_sub printed (-v: "topic payload").
sent_of() {
  /usr/bin/python3 -c '
import json, sys
for l in open(sys.argv[1]):
    topic, payload = l.rstrip("\n").split(" ", 1)
    p = json.loads(payload)
    print("%s:%s:%s" % (p["device_id"], p["seq"], ",".join(p["d"])))' "$1" | tr '\n' ' ' | sed 's/ $//'
}
# verify_of FILE: iot-verify's report on the payloads as bare lines.
verify_of() {
  /usr/bin/python3 -c '
import sys
for l in open(sys.argv[1]): print(l.rstrip("\n").split(" ", 1)[1])' "$1" > "$1.payloads"
  iot-verify --report json "$1.payloads" 2>/dev/null | /usr/bin/python3 -c '
import json, sys; r = json.load(sys.stdin); print(r["valid"], r["invalid"], r["gaps"]["events"], r["reordered"])'
}

# --- filtered, ids assigned after the filter ---
mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -i db-sub -q 1 -v -t 'db/#' -C 6 -W 30 > "$T/sent.out" &
SUB=$!; wait_subscribed "$SUB" db-sub 'db/#' || fail "mosquitto_sub did not subscribe"
iot-pub --broker "$MQTT_URL" -t 'db/{device_id}' --deadband 'temp_*=abs:0.5' --deadband '*=pct:5' \
  --heartbeat 30s --metrics-file "$T/metrics.prom" "$T/in.ndjson" 2> "$T/pub.err" || fail "iot-pub failed: $(cat "$T/pub.err")"
wait "$SUB" || fail "mosquitto_sub did not get 6 messages: $(cat "$T/sent.out")"
expect_eq "what was sent (device:seq:readings)" \
  "P-1:1:temp_in,pres P-1:2:temp_in P-1:3:temp_in P-1:4:pres P-2:1:temp_in,pres P-1:5:temp_in,pres" "$(sent_of "$T/sent.out")"
check "the device's own msg_id and seq are gone (iot-pub's, assigned after the filter)" \
  /usr/bin/python3 -c 'import json,sys,re; ps=[json.loads(l.split(" ",1)[1]) for l in open(sys.argv[1])]; assert all(re.fullmatch("[0-9A-HJKMNP-TV-Z]{26}", p["msg_id"]) for p in ps), ps' "$T/sent.out"
expect_eq "the values sent are the input's, untouched" '{"q": 0, "v": 20.6} {"q": 192, "v": 106}' \
  "$(sed -n 4p "$T/sent.out" | cut -d' ' -f2- | /usr/bin/python3 -c 'import json,sys; p=json.load(sys.stdin)["d"]; print(json.dumps(p.get("temp_in", {"q":0,"v":20.6}), sort_keys=True), json.dumps(p["pres"], sort_keys=True))')"
expect_eq "iot-verify downstream: 6 valid, 0 invalid, no gap, nothing reordered" "6 0 0 0" "$(verify_of "$T/sent.out")"
check "the exit summary counts the suppressed readings and messages" \
  grep -q 'deadband: suppressed 7 reading(s); 2 message(s) had nothing left to send' "$T/pub.err"
check "metrics: suppressed_total 7" grep -qx 'iot_pub_suppressed_total 7' "$T/metrics.prom"
check "metrics: suppressed_messages_total 2" grep -qx 'iot_pub_suppressed_messages_total 2' "$T/metrics.prom"
check "metrics: 6 published" grep -qx 'iot_pub_published_total 6' "$T/metrics.prom"

# --- --keep-seq: the device's ids stay, a message with nothing new has an empty d ---
mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -i keep-sub -q 1 -v -t 'keep/#' -C 8 -W 30 > "$T/keep.out" &
SUB=$!; wait_subscribed "$SUB" keep-sub 'keep/#' || fail "mosquitto_sub did not subscribe"
iot-pub --broker "$MQTT_URL" -t 'keep/{device_id}' --deadband 'temp_*=abs:0.5' --deadband '*=pct:5' \
  --heartbeat 30s --keep-seq --outbox "$T/keep.db" "$T/in.ndjson" 2> "$T/keep.err" || fail "iot-pub --keep-seq failed"
wait "$SUB" || fail "mosquitto_sub did not get 8 messages: $(cat "$T/keep.out")"
expect_eq "--keep-seq: every message, own seqs, empty d where nothing was new" \
  "P-1:101:temp_in,pres P-1:102: P-1:103:temp_in P-1:104:temp_in P-1:105:pres P-2:1:temp_in,pres P-1:106: P-1:107:temp_in,pres" \
  "$(sent_of "$T/keep.out")"
check "--keep-seq: the device's msg_id kept" grep -q '"msg_id":"own-P-1-102"' "$T/keep.out"
expect_eq "--keep-seq: iot-verify sees 8 valid, no gap" "8 0 0 0" "$(verify_of "$T/keep.out")"
check "--keep-seq summary: 7 readings suppressed, no message dropped" \
  grep -q 'deadband: suppressed 7 reading(s); 0 message(s) had nothing left to send' "$T/keep.err"

# --- a registry route's deadband key: its rules for its topics, checked at load ---
cat > "$T/reg.toml" <<'TOML'
[[route]]
pattern = "rb/{device}/telemetry"
deadband = ["temp_*=abs:5"]
TOML
mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -i reg-sub -q 1 -v -t 'rb/#' -C 8 -W 30 > "$T/reg.out" &
SUB=$!; wait_subscribed "$SUB" reg-sub 'rb/#' || fail "mosquitto_sub did not subscribe"
iot-pub --broker "$MQTT_URL" -t 'rb/{device_id}/telemetry' --registry "$T/reg.toml" "$T/in.ndjson" 2> "$T/reg.err" \
  || fail "iot-pub --registry failed: $(cat "$T/reg.err")"
wait "$SUB" || fail "mosquitto_sub did not get 8 messages: $(cat "$T/reg.out")"
expect_eq "--registry: temp_* within 5 only on a quality change; pres (no rule) always" \
  "P-1:1:temp_in,pres P-1:2:pres P-1:3:pres P-1:4:temp_in,pres P-1:5:pres P-2:1:temp_in,pres P-1:6:pres P-1:7:pres" \
  "$(sent_of "$T/reg.out")"
check "--registry summary: 5 readings suppressed" grep -q 'deadband: suppressed 5 reading(s); 0 message(s)' "$T/reg.err"
printf '[[route]]\npattern = "x/#"\ndeadband = "temp=abs"\n' > "$T/bad.toml"
rc=0; iot-pub --broker "$MQTT_URL" -t x/1 --registry "$T/bad.toml" -m '{}' 2> "$T/bad.err" || rc=$?
expect_eq "a bad deadband key in the registry is a usage error (2)" 2 "$rc"
check "the message names the file, the route and the key" grep -q 'bad.toml: route 1: deadband: ' "$T/bad.err"

# --- the band and the heartbeat are usage errors when wrong, --keep-seq needs --deadband ---
rc=0; iot-pub --broker "$MQTT_URL" -t x --deadband 'temp=rel:1' -m '{}' 2> "$T/usage.err" || rc=$?
expect_eq "a bad --deadband is a usage error (2)" 2 "$rc"
check "the message names the spec and the form" grep -q "temp=rel:1.*GLOB=abs:X or GLOB=pct:P" "$T/usage.err"
rc=0; iot-pub --broker "$MQTT_URL" -t x --keep-seq -m '{}' 2>/dev/null || rc=$?
expect_eq "--keep-seq without any deadband is a usage error (2)" 2 "$rc"
rc=0; iot-pub --broker "$MQTT_URL" -t x --raw --deadband '*=abs:1' -m 'x' 2>/dev/null || rc=$?
expect_eq "--deadband with --raw is a usage error (2)" 2 "$rc"
finish
