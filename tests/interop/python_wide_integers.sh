#!/usr/bin/env bash
# Integers beyond 64 bits as Python writes them (2**64, 10**30, -(2**64-1)),
# in messages signed by Python's json + hmac: iot-verify accepts them (and
# still catches one digit changed), iot-replay filters and plays them byte for
# byte, iot-pub sends them through mosquitto digit for digit (seen by
# mosquitto_sub), iot-sub writes them digit for digit from mosquitto_pub, and iot-ingest stores them in SQLite as doubles with a
# "precision" note in the DLQ where the double is not the integer
# (iot-stream(5), NUMBERS).
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
command -v mosquitto_sub >/dev/null || skip "mosquitto_sub (mosquitto-clients) not installed"
command -v sqlite3 >/dev/null || skip "sqlite3 not installed"
T=$TEST_TMP
printf 'wide-integer-key' > "$T/site.key"

/usr/bin/python3 - "$T" <<'PY'
import base64, hashlib, hmac, json, sys
t = sys.argv[1]
key = open(f"{t}/site.key", "rb").read()
def signed(payload):
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    return {"hmac": base64.b64encode(hmac.new(key, canonical, hashlib.sha256).digest()).decode(), "payload": payload}
msgs = [
    {"device_id": "W-1", "ts": 1759384453, "ts_ns": 1, "seq": 1, "energy_wh": 2**64, "temp": 20.5},
    {"device_id": "W-1", "ts": 1759384454, "ts_ns": 1, "seq": 2, "energy_wh": 10**30, "offset": -(2**64 - 1)},
    {"device_id": "W-2", "ts": 1759384455, "ts_ns": 1, "seq": 1, "energy_wh": 3},
]
with open(f"{t}/signed.ndjson", "w") as f:
    for m in msgs:
        f.write(json.dumps(signed(m)) + "\n")  # Python's default separators: spaces after , and :
# One digit changed after signing: 10**30 + 1 has the same double as 10**30.
forged = signed(dict(msgs[1], seq=3))
forged["payload"]["energy_wh"] = 10**30 + 1
with open(f"{t}/forged.ndjson", "w") as f:
    f.write(json.dumps(forged) + "\n")
PY

# --- iot-verify: Python's signatures over wide integers verify ---
iot-verify --key-file "$T/site.key" --report json "$T/signed.ndjson" > "$T/report.json" 2>"$T/verify.err" \
  || fail "iot-verify refused Python's messages: $(cat "$T/verify.err")"
expect_eq "iot-verify: 3 valid, none bad" "3 0 0 0" \
  "$(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["valid"], r["invalid"], r["bad_json"], r["bad_signature"])' "$T/report.json")"
rc=0; iot-verify --key-file "$T/site.key" --report json --reject "$T/forged.rej" "$T/forged.ndjson" > /dev/null 2>&1 || rc=$?
expect_eq "iot-verify: one digit changed after signing is caught (exit 1)" 1 "$rc"
check "the changed digit is reported as forged" grep -q '"reason":"bad_signature","detail":"forged' "$T/forged.rej"
iot-verify --key-file "$T/site.key" --filter "$T/signed.ndjson" > "$T/filtered.ndjson" 2>/dev/null
check "iot-verify --filter passes the lines byte for byte" cmp -s "$T/signed.ndjson" "$T/filtered.ndjson"

# --- iot-replay: the inspector reads them (device filter), lines played as they are ---
iot-replay --device W-1 --fast "$T/signed.ndjson" > "$T/replayed.ndjson" 2>"$T/replay.err" \
  || fail "iot-replay failed: $(cat "$T/replay.err")"
check "iot-replay --device W-1: its two lines, byte for byte" cmp -s <(head -2 "$T/signed.ndjson") "$T/replayed.ndjson"

# --- iot-pub -> mosquitto -> mosquitto_sub: the digits arrive as written ---
start_mosquitto
mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -i wide-sub -q 1 -t 'wide/#' -C 3 -W 30 > "$T/sub.out" &
SUB=$!; wait_subscribed "$SUB" wide-sub 'wide/#' || fail "mosquitto_sub did not subscribe"
iot-pub --broker "$MQTT_URL" -t 'wide/{device_id}' "$T/signed.ndjson" 2>"$T/pub.err" || fail "iot-pub failed: $(cat "$T/pub.err")"
wait "$SUB" || fail "mosquitto_sub did not get 3 messages"
check "2**64, 10**30 and -(2**64-1) went through the broker digit for digit" \
  /usr/bin/python3 -c '
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
vals = [(m["payload"]["energy_wh"], m["payload"].get("offset")) for m in got]
assert vals == [(2**64, None), (10**30, -(2**64 - 1)), (3, None)], vals' "$T/sub.out"
# And what arrived still verifies: iot-verify on the subscriber's copy.
iot-verify --key-file "$T/site.key" --report json "$T/sub.out" > "$T/sub.report" 2>/dev/null \
  || fail "what mosquitto_sub received does not verify"
expect_eq "the received copies verify" "3 0" \
  "$(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["valid"], r["invalid"])' "$T/sub.report")"
# iot-pub signing itself: the HMAC equals Python's over the same payload.
/usr/bin/python3 -c 'import json,sys; [print(json.dumps(json.loads(l)["payload"])) for l in open(sys.argv[1])]' \
  "$T/signed.ndjson" > "$T/unsigned.ndjson"
mosquitto_sub -h 127.0.0.1 -p "$MQTT_PORT" -i wide-sign -q 1 -t 'signed/#' -C 3 -W 30 > "$T/signed_by_pub.out" &
SUB=$!; wait_subscribed "$SUB" wide-sign 'signed/#' || fail "mosquitto_sub did not subscribe"
iot-pub --broker "$MQTT_URL" -t 'signed/{device_id}' --key-file "$T/site.key" "$T/unsigned.ndjson" 2>/dev/null
wait "$SUB" || fail "mosquitto_sub did not get the messages iot-pub signed"
check "iot-pub's HMACs are Python's" /usr/bin/python3 -c '
import json, sys
ours = [json.loads(l)["hmac"] for l in open(sys.argv[1])]
python = [json.loads(l)["hmac"] for l in open(sys.argv[2])]
assert ours == python, (ours, python)' "$T/signed_by_pub.out" "$T/signed.ndjson"

# --- mosquitto_pub -> iot-sub: the envelope iot-sub writes keeps the digits ---
iot-sub --broker "$MQTT_URL" -i wide-iot-sub -t 'raw/#' --count 1 -W 30 > "$T/iot-sub.out" 2>/dev/null &
SUB=$!; wait_subscribed "$SUB" wide-iot-sub 'raw/#' || fail "iot-sub did not subscribe"
sed -n 2p "$T/signed.ndjson" | tr -d '\n' > "$T/one.json"
mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -q 1 -t raw/W-1 -f "$T/one.json"
wait "$SUB" || fail "iot-sub got nothing"
check "iot-sub's envelope holds 10**30 and -(2**64-1) digit for digit, and verifies" /usr/bin/python3 -c '
import json, sys
p = json.loads(open(sys.argv[1]).read())["payload"]["payload"]
assert (p["energy_wh"], p["offset"]) == (10**30, -(2**64 - 1)), p' "$T/iot-sub.out"
iot-verify --key-file "$T/site.key" "$T/iot-sub.out" >/dev/null 2>&1 || fail "iot-sub's envelope does not verify"

# --- iot-ingest into SQLite: doubles, and a precision note where the value changed ---
iot-ingest --db "sqlite:$T/w.db" --key-file "$T/site.key" --dlq "$T/dlq.ndjson" --metrics-file "$T/ingest.prom" \
  "$T/signed.ndjson" 2>"$T/ingest.err" || fail "iot-ingest failed: $(cat "$T/ingest.err")"
# Read back with Python's sqlite3: each double as the exact integer it is.
expect_eq "stored as doubles: 2**64 exactly, 10**30 and -(2**64-1) as their nearest doubles" \
  "W-1|energy_wh|18446744073709551616 W-1|temp|20.5 W-1|energy_wh|1000000000000000019884624838656 W-1|offset|-18446744073709551616 W-2|energy_wh|3" \
  "$(/usr/bin/python3 -c '
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT device_id, metric, value FROM readings ORDER BY device_id, time, metric")
print(" ".join("%s|%s|%s" % (d, m, int(v) if float(v).is_integer() else v) for d, m, v in rows))' "$T/w.db")"
check "one precision note: the line with 10**30 and -(2**64-1) (2**64 is a double exactly)" \
  /usr/bin/python3 -c '
import json, sys
notes = [json.loads(l) for l in open(sys.argv[1])]
assert [n["reason"] for n in notes] == ["precision"], notes
d = notes[0]["detail"]
assert "1000000000000000000000000000000 -> 1e+30 (exactly 1000000000000000019884624838656)" in d, d
assert "-18446744073709551615 -> " in d, d
assert notes[0]["source"].endswith("signed.ndjson:2"), notes' "$T/dlq.ndjson"
check "metrics: precision_total 1" grep -qx 'iot_ingest_precision_total 1' "$T/ingest.prom"
check "metrics: nothing rejected" grep -qx 'iot_ingest_rejects_total 0' "$T/ingest.prom"
check "the summary says so" grep -q '1 lines with integers rounded to a double' "$T/ingest.err"
finish
