#!/usr/bin/env bash
# iot-ingest into SQLite (the embedded default): what landed is what was
# sent; duplicates dropped; gaps recorded; bad lines to the DLQ; spool-free.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
command -v sqlite3 >/dev/null || PYSQL=1
cd "$TEST_TMP"

q() { /usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("\n".join("|".join(str(x) for x in r) for r in c.execute(sys.argv[2])))' "$1" "$2"; }

# 3 devices x 200 messages x 3 metrics, seq 57 of each device missing, 10 duplicates
/usr/bin/python3 - > in.ndjson <<'PY'
import json
out = []
for dev in ("P-1", "P-2", "P-3"):
    for seq in range(1, 201):
        if seq == 57: continue
        p = {"schema_version": "2.1", "msg_id": f"{dev}-{seq:05d}", "device_id": dev, "ts": 1710844800000 + seq * 1000,
             "seq": seq, "d": {"temp": {"v": seq / 4, "q": 192}, "flow": {"v": -seq, "q": 68}, "ok": {"v": None, "q": 0}}}
        out.append(json.dumps({"topic": f"plant/{dev}/telemetry", "payload": p}))
out += out[:10]                       # duplicates
out.append("{not json")               # bad lines
out.append(json.dumps({"topic": "t", "payload": {"device_id": "x\u0000y", "ts": 1, "d": {"m": {"v": 1, "q": 192}}}}))
out.append(json.dumps({"topic": "t", "payload": {"device_id": "D", "ts": 1, "d": {"m": {"v": "high", "q": 192}}}}))
out.append(json.dumps({"topic": "t", "payload": {"device_id": "D", "ts": 1, "d": {"m": {"v": 1, "q": 7}}}}))
print("\n".join(out))
PY

iot-ingest --db sqlite:t.db --dlq dlq.ndjson --metrics-file m.prom --batch-size 250 in.ndjson 2>err.log
expect_eq "exit status 0 with rejects in the DLQ" 0 $?
expect_eq "rows landed" 1791 "$(q t.db 'select count(*) from readings')"
expect_eq "per device" "P-1|597
P-2|597
P-3|597" "$(q t.db 'select device_id, count(*) from readings group by 1 order by 1')"
expect_eq "values and quality" "P-2|flow|-100.0|68" "$(q t.db "select device_id, metric, value, quality from readings where device_id='P-2' and metric='flow' and seq=100")"
expect_eq "null values kept" 597 "$(q t.db "select count(*) from readings where metric='ok' and value is null and quality=0")"
expect_eq "time as ISO text with micros" "2024-03-19T10:40:01.000000Z" "$(q t.db "select min(time) from readings")"
expect_eq "gaps recorded" "P-1|57|57
P-2|57|57
P-3|57|57" "$(q t.db 'select device_id, from_seq, to_seq from gaps where filled_at is null order by 1')"
expect_eq "DLQ records" 4 "$(wc -l < dlq.ndjson)"
check "DLQ reasons" grep -q '"reason":"bad_json"' dlq.ndjson
check "metrics duplicates" grep -q '^iot_ingest_duplicates_dropped_total 10$' m.prom
check "metrics rows" grep -q '^iot_ingest_rows_written_total 1791$' m.prom

# A second run over the same data: nothing new, every reading a key duplicate.
iot-ingest --db sqlite:t.db in.ndjson 2>err2.log
expect_eq "rerun adds nothing" 1791 "$(q t.db 'select count(*) from readings')"
check "rerun counts key duplicates" grep -q '1791 by key' err2.log

# The late seq 57 of P-1 closes its gap (filled_at set, row kept).
/usr/bin/python3 -c 'import json; print(json.dumps({"topic":"plant/P-1/telemetry","payload":{"msg_id":"late","device_id":"P-1","ts":1710844857000,"seq":57,"d":{"temp":{"v":1,"q":192}}}}))' > late.ndjson
cat in.ndjson late.ndjson | iot-ingest --db sqlite:t2.db 2>/dev/null
expect_eq "late message fills the gap" "P-1|57|57|1" "$(q t2.db "select device_id, from_seq, to_seq, filled_at is not null from gaps where device_id='P-1'")"

# --strict turns rejects into exit 1; an injection attempt as table name is refused (exit 2).
set +e
iot-ingest --db sqlite:t3.db --strict in.ndjson 2>/dev/null; expect_eq "--strict exit" 1 $?
iot-ingest --db sqlite:t3.db --table 'x; DROP TABLE readings' in.ndjson 2>/dev/null; expect_eq "bad table exit" 2 $?
iot-ingest --db 'mysql://x' in.ndjson 2>/dev/null; expect_eq "bad url exit" 2 $?
set -e

# A 10 MB line and a stream read from stdin in a pipe.
/usr/bin/python3 -c 'print("{\"topic\":\"t\",\"payload\":{\"device_id\":\"" + "a"*10_000_000 + "\",\"ts\":1,\"d\":{}}}")' > big.ndjson
head -5 in.ndjson | cat big.ndjson - | iot-ingest --db sqlite:t4.db --dlq dlq4.ndjson 2>/dev/null
expect_eq "pipe after a 10 MB line" 15 "$(q t4.db 'select count(*) from readings')"

# Example registries: the KPI route (device = sensor_id, metric = the PI
# tag of the topic, site as a tag, own table) and a topic no route matches.
/usr/bin/python3 -c '
import json
for i in range(5):
    print(json.dumps({"topic": "FCTS/FAE/S%d/SolvExtract/FI-10%d" % (i % 2, i), "payload": {"site_code": "S%d" % (i % 2),
          "sensor_id": "sens-%d" % i, "timestamp": "2026-03-19T10:40:0%d.000Z" % i, "value": 1.5 + i}}))
print(json.dumps({"topic": "other/x", "payload": {"device_id": "d", "ts": 1, "d": {}}}))' > kpi.ndjson
iot-ingest --db sqlite:kpi.db --registry "$IOT_SOURCE_DIR/examples/seed002-kpi.toml" --dlq kdlq.ndjson kpi.ndjson 2>/dev/null
expect_eq "kpi route table and mapping" "sens-3|FI-103|4.5|{\"site\":\"S1\"}|2026-03-19T10:40:03.000000Z" \
  "$(q kpi.db "select device_id, metric, value, tags, time from kpi_readings where device_id='sens-3'")"
expect_eq "kpi rows" 5 "$(q kpi.db 'select count(*) from kpi_readings')"
check "no_route to the DLQ" grep -q '"reason":"no_route"' kdlq.ndjson

# Signed-shape messages, signed by Python itself; a tampered one goes to the DLQ.
/usr/bin/python3 - "$IOT_SOURCE_DIR/examples/seed003-site.key" <<'PY' > signed.ndjson
import base64, hashlib, hmac, json, sys
key = open(sys.argv[1], "rb").read()
key = key[:-1] if key.endswith(b"\n") else key
for i in range(4):
    payload = {"sensor": "temp-%d" % i, "temperature": 20.5 + i, "humidity": 40 + i, "ts": 1710844800 + i, "ts_ns": 123000 + i}
    canon = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    mac = base64.b64encode(hmac.new(key, canon.encode(), hashlib.sha256).digest()).decode()
    if i == 3: payload["temperature"] = 99
    print(json.dumps({"topic": "sensors/lab/temp-%d" % i, "payload": {"hmac": mac, "payload": payload}}))
PY
iot-ingest --db sqlite:signed.db --registry "$IOT_SOURCE_DIR/examples/seed003-sensors.toml" --dlq sdlq.ndjson signed.ndjson 2>sig.log || true
check "bad signature to the DLQ" grep -q '"reason":"bad_signature"' sdlq.ndjson
expect_eq "only the three good signed messages stored" 3 "$(q signed.db 'select count(distinct device_id) from sensor_readings')"
# A constraint of the operator's own (a table made beforehand with a CHECK):
# the database refuses some rows of a batch; those go to the DLQ with the
# database's reason, every other row of the same batch lands.
/usr/bin/python3 - <<'PY'
import sqlite3
c = sqlite3.connect("checked.db")
c.execute("""CREATE TABLE readings (time TEXT NOT NULL, device_id TEXT NOT NULL, metric TEXT NOT NULL,
  value REAL CHECK (value IS NULL OR value < 40), quality INTEGER NOT NULL DEFAULT 192, tenant TEXT,
  protocol TEXT, unit TEXT, msg_id TEXT, seq INTEGER, tags TEXT, extra TEXT,
  PRIMARY KEY (time, device_id, metric)) WITHOUT ROWID""")
c.commit()
PY
head -600 in.ndjson | iot-ingest --db sqlite:checked.db --dlq cdlq.ndjson 2>checked.log
expect_eq "refused rows do not fail the run" 0 $?
# temp = seq/4 >= 40 from seq 160 on: 41 per device; flow and ok always pass.
expect_eq "rows the CHECK allows landed" $((597 * 3 - 41 * 3)) "$(q checked.db 'select count(*) from readings')"
expect_eq "each refused row in the DLQ" 123 "$(grep -c '"reason":"db_rejected"' cdlq.ndjson)"
check "the DLQ names the database's reason" grep -q 'CHECK constraint failed' cdlq.ndjson

# NaN, Infinity and out-of-range numbers (Python writes the first two; JSON
# has neither) and payloads of no known shape: each to the DLQ with its
# reason, the good line beside them lands.
cat > odd.ndjson <<'ND'
{"topic":"plant/N-1/telemetry","payload":{"device_id":"N-1","ts":1710844800000,"d":{"m":{"v":NaN,"q":192}}}}
{"topic":"plant/N-1/telemetry","payload":{"device_id":"N-1","ts":1710844801000,"d":{"m":{"v":Infinity,"q":192}}}}
{"topic":"plant/N-1/telemetry","payload":{"device_id":"N-1","ts":1710844802000,"d":{"m":{"v":-Infinity,"q":192}}}}
{"topic":"plant/N-1/telemetry","payload":{"device_id":"N-1","ts":1710844803000,"d":{"m":{"v":1e999,"q":192}}}}
{"topic":"plant/N-1/telemetry","payload":{"device_id":"N-1","ts":99999999999999999999,"d":{"m":{"v":1,"q":192}}}}
{"topic":"plant/N-1/telemetry","payload":{"something":"else","entirely":[1,2,3]}}
{"topic":"plant/N-1/telemetry","payload":[1,2]}
{"topic":"plant/N-1/telemetry","payload":"just a string"}
{"topic":"plant/N-1/telemetry","payload":{"device_id":"N-1","ts":1710844804000,"d":{"m":{"v":2.5,"q":192}}}}
ND
iot-ingest --db sqlite:odd.db --dlq odd-dlq.ndjson odd.ndjson 2>odd.log
expect_eq "odd numbers and shapes: exit 0" 0 $?
expect_eq "only the good line landed" "N-1|m|2.5" "$(q odd.db 'select device_id, metric, value from readings')"
expect_eq "every odd line in the DLQ" 8 "$(wc -l < odd-dlq.ndjson)"
expect_eq "each DLQ record names its line" "1 2 3 4 5 6 7 8" "$(/usr/bin/python3 -c '
import json, sys
print(" ".join(json.loads(l)["source"].rsplit(":", 1)[1] for l in open("odd-dlq.ndjson")))')"
check "bad JSON and schema reasons" bash -c "grep -q '\"reason\":\"bad_json\"' odd-dlq.ndjson && grep -q '\"reason\":\"schema\"' odd-dlq.ndjson"

# Tags the payload carries (kpi: its site_code) land in readings.tags without
# a registry; a route tag of the same name wins over the payload's.
echo '{"topic":"FCTS/FAE/S9/SolvExtract/FI-1","payload":{"site_code":"S9","sensor_id":"k-1","timestamp":"2026-03-19T10:40:00Z","value":2.5}}' > kpi-own.ndjson
iot-ingest --db sqlite:kpi-own.db kpi-own.ndjson 2>/dev/null
expect_eq "kpi site as a tag without a registry" '{"site":"S9"}' "$(q kpi-own.db 'select tags from readings')"
cat > tagged.toml <<'TOML'
[[route]]
pattern = "FCTS/FAE/{site}/SolvExtract/{pi_tag}"
shape = "kpi"
[route.tags]
site = "plant-{site}"
line = "L1"
TOML
iot-ingest --db sqlite:kpi-tagged.db --registry tagged.toml kpi-own.ndjson 2>/dev/null
expect_eq "route tags merged over the payload's, the route winning" '{"line":"L1","site":"plant-S9"}' \
  "$(q kpi-tagged.db 'select tags from readings')"

finish
