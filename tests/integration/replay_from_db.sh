#!/usr/bin/env bash
# iot-replay --from-db over SQLite: readings stored in the store's schema
# (written here by Python's sqlite3, as iot-ingest stores them: ISO 8601 UTC
# text with microseconds) come back as one nested payload per device and
# time, in time order, on the --topic-template topic, filtered by device,
# metric and time range, paced by their stored time.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
PY=/usr/bin/python3
R="$IOT_BIN/iot-replay"
status() { set +e; "$@"; rc=$?; set -e; }

$PY - telemetry.db <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE readings (time TEXT NOT NULL, device_id TEXT NOT NULL, metric TEXT NOT NULL, value REAL,"
           " quality INTEGER NOT NULL DEFAULT 192, tenant TEXT, protocol TEXT, unit TEXT, msg_id TEXT,"
           " seq INTEGER, tags TEXT, extra TEXT, PRIMARY KEY (device_id, metric, time)) WITHOUT ROWID")
rows = []
for i in range(10):                       # 10 seconds, 3 devices, 2 metrics each
    for d in ("P-0001", "P-0002", "P-0003"):
        t = "2026-03-19T10:40:%02d.%03d000Z" % (i, int(d[-1]) * 100)
        for m, v in (("temp_inlet_c", 70 + i + 0.25), ("pressure_bar", 4.5)):
            rows.append((t, d, m, v, 192 if i != 3 else 68, "%s-%d" % (d, i), i + 1))
db.executemany("INSERT INTO readings (time, device_id, metric, value, quality, msg_id, seq) VALUES (?,?,?,?,?,?,?)", rows)
db.commit()
PY

status "$R" --from-db sqlite:telemetry.db --fast > all.ndjson 2> all.err
expect_eq "--from-db exits 0" 0 "$rc"
expect_eq "one message per device and time" 30 "$(wc -l < all.ndjson)"
$PY - all.ndjson > shape.txt <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
ok = all(e["topic"] == "plant/%s/telemetry" % e["payload"]["device_id"] for e in lines)
ts = [e["payload"]["ts"] for e in lines]
first = lines[0]["payload"]
print(ok, ts == sorted(ts), first["ts"], json.dumps(first["d"]["temp_inlet_c"]), first["d"]["pressure_bar"]["v"],
      first.get("seq"), first.get("msg_id"), lines[9]["payload"]["d"]["temp_inlet_c"]["q"])
PY
expect_eq "nested payloads in time order with values, qualities, seq and msg_id" \
  'True True 1773916800100 {"v": 70.25, "q": 192} 4.5 1 P-0001-0 68' "$(cat shape.txt)"
expect_eq "--device and --metric filter" 10 \
  "$("$R" --from-db sqlite:telemetry.db --fast --device P-0002 --metric pressure_bar | grep -c pressure_bar)"
expect_eq "--since/--until select a time range" 9 \
  "$("$R" --from-db sqlite:telemetry.db --fast --since 2026-03-19T10:40:02Z --until 2026-03-19T10:40:05Z | wc -l)"
"$R" --from-db sqlite:telemetry.db --fast --topic-template 'lab/{device_id}' | head -1 > topic.txt
check "--topic-template names the topic" grep -q '"topic":"lab/P-0001"' topic.txt
cat > paced.py <<'PY'
import json, subprocess, sys, time
t0 = time.monotonic()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)
early = n = 0; ts0 = None
for line in proc.stdout:
    now = time.monotonic() - t0
    ts = json.loads(line)["payload"]["ts"]
    ts0 = ts if ts0 is None else ts0
    early += now < (ts - ts0) / 1000 / 20 - 0.01
    n += 1
proc.wait()
print(n, early)
PY
expect_eq "paced by the stored time (9 s at --speed 20, none early)" "10 0" \
  "$($PY paced.py "$R" --from-db sqlite:telemetry.db --speed 20 --device P-0001)"
status "$R" --from-db sqlite:missing-dir/nothing.db --fast
check "an unusable database is an error exit" test "$rc" -ne 0

finish
