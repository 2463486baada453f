#!/usr/bin/env bash
# iot-replay --retime: only the timestamps change (every other byte as
# recorded); signed payloads are signed again with --key-file so that
# iot-verify still accepts them, and without the key it says so.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
R=$IOT_BIN/iot-replay
printf 'retime-key\n' > k.key
"$R" --synthetic devices=4,rate=2,duration=10,seed=5,start=1700000000,shape=signed --key-file k.key --fast > signed.ndjson
expect_eq "the signed recording verifies" 0 "$("$IOT_BIN/iot-verify" --key-file k.key --report json signed.ndjson | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["invalid"])')"

"$R" signed.ndjson --fast --retime --key-file k.key > resigned.ndjson 2> resigned.err
verdict=$("$IOT_BIN/iot-verify" --key-file k.key --report json resigned.ndjson | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["valid"], r["invalid"])')
expect_eq "retimed and signed again: every message verifies" "80 0" "$verdict"
check "no warning when the key is given" test ! -s resigned.err
/usr/bin/python3 - signed.ndjson resigned.ndjson k.key <<'PY' > moved.txt
import base64, hashlib, hmac, json, sys, time
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
key = open(sys.argv[3], "rb").read().rstrip(b"\n")
def t(m): return m["payload"]["payload"]["ts"] + m["payload"]["payload"]["ts_ns"] / 1e9
shift = {round(t(y) - t(x), 3) for x, y in zip(a, b)}
now_first = abs(t(b[0]) - time.time()) < 60
same_rest = all({k: v for k, v in x["payload"]["payload"].items() if k not in ("ts", "ts_ns")} ==
                {k: v for k, v in y["payload"]["payload"].items() if k not in ("ts", "ts_ns")} for x, y in zip(a, b))
ok_mac = all(base64.b64encode(hmac.new(key, json.dumps(y["payload"]["payload"], separators=(",", ":"), sort_keys=True).encode(),
             hashlib.sha256).digest()).decode() == y["payload"]["hmac"] for y in b)
print(len(shift) == 1, now_first, same_rest, ok_mac)
PY
expect_eq "one shift for all, first message now, nothing else changed, Python's hmac agrees" "True True True True" "$(cat moved.txt)"

"$R" signed.ndjson --fast --retime > unsigned.ndjson 2> unsigned.err
check "without the key: a warning that says how to fix it" grep -q "give --key-file" unsigned.err
expect_eq "without the key: the signatures no longer match" 80 \
  "$("$IOT_BIN/iot-verify" --key-file k.key --report json unsigned.ndjson 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["invalid"])')"

# Nested payloads with odd number spellings: the bytes between the times stay.
cat > odd.ndjson <<'ND'
{"topic":"plant/P-1/telemetry","rx_ts":1700000000000000000,"payload":{"msg_id":"01HF7YAT00ZEM9N7CP3XRE8H66","device_id":"P-1","ts":1700000000000,"seq":1,"d":{"a":{"v":1.50,"q":192},"b":{"v":1E3,"q":68}}, "x": [1.0, -0.0]}}
ND
"$R" odd.ndjson --fast --retime > odd.out
expect_eq "only the digits of the times differ" \
  '{"topic":"plant/P-1/telemetry","rx_ts":#,"payload":{"msg_id":"01HF7YAT00ZEM9N7CP3XRE8H66","device_id":"P-1","ts":#,"seq":1,"d":{"a":{"v":1.50,"q":192},"b":{"v":1E3,"q":68}}, "x": [1.0, -0.0]}}' \
  "$(sed -E 's/"rx_ts":[0-9]+/"rx_ts":#/; s/"ts":[0-9]+/"ts":#/' odd.out)"
finish
