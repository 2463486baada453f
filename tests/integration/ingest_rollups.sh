#!/usr/bin/env bash
# Rollups and retention follow the registry: a route's [route.rollup] makes
# one view of its period and aggregates for its table, its retention
# deletes old raw rows on --refresh-rollups; other tables keep the default
# 1m/1h/1d rollups. Checked against a real PostgreSQL (psql) and SQLite
# (Python's sqlite3), with the aggregates recomputed by Python.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_postgres
cd "$TEST_TMP"
chmod 777 "$TEST_TMP"
cat > fleet.toml <<'TOML'
[[route]]
pattern = "lab/{sensor}"
shape = "nested"
table = "lab_readings"
retention = "30d"

[route.rollup]
every = "15m"
aggregates = ["mean", "max", "count"]

[[route]]
pattern = "#"
TOML
/usr/bin/python3 - <<'PY'
import json, time
now_ms = int(time.time()) // 900 * 900 * 1000
with open("in.ndjson", "w") as f:
    # lab: 2 sensors, one reading a minute for 60 minutes ending now, and 5 old ones (40 days ago)
    for dev in ("S1", "S2"):
        for i in range(60):
            ts = now_ms - (60 - i) * 60000
            f.write(json.dumps({"topic": f"lab/{dev}", "payload": {"device_id": dev, "ts": ts, "seq": i + 1,
                                "d": {"t": {"v": i + (10 if dev == "S2" else 0), "q": 192}}}}) + "\n")
        for k in range(5):
            f.write(json.dumps({"topic": f"lab/{dev}", "payload": {"device_id": dev, "ts": now_ms - 40 * 86400000 + k,
                                "d": {"t": {"v": -1, "q": 192}}}}) + "\n")
    for i in range(10):
        f.write(json.dumps({"topic": "plant/P-1/telemetry", "payload": {"device_id": "P-1", "ts": now_ms - i * 1000,
                            "d": {"p": {"v": 1.5, "q": 192}}}}) + "\n")
# the expected 15-minute buckets: (device, bucket start s) -> (mean, max, count), recent rows only
exp = {}
for dev in ("S1", "S2"):
    for i in range(60):
        ts = (now_ms - (60 - i) * 60000) // 1000
        exp.setdefault((dev, ts // 900 * 900), []).append(i + (10 if dev == "S2" else 0))
with open("expected.txt", "w") as f:
    for (dev, b), vs in sorted(exp.items()):
        f.write(f"{dev}|{b}|{sum(vs)/len(vs):g}|{max(vs):g}|{len(vs)}\n")
PY

# PostgreSQL (plain: no TimescaleDB here)
iot-ingest --db "$PG_URL" --registry fleet.toml in.ndjson 2> pg.log
expect_eq "PostgreSQL: the route's table holds every row" 130 "$(psql -Atc 'select count(*) from lab_readings')"
views=$(psql -Atc "select matviewname from pg_matviews order by 1" | tr '\n' ' ')
expect_eq "PostgreSQL: the route's rollup, the defaults for the default table" \
  "lab_readings_15m readings_1d readings_1h readings_1m " "$views"
expect_eq "PostgreSQL: the rollup's columns" "bucket device_id metric mean max count " \
  "$(psql -Atc "select attname from pg_attribute where attrelid = 'lab_readings_15m'::regclass and attnum > 0 order by attnum" | tr '\n' ' ')"
iot-ingest --db "$PG_URL" --registry fleet.toml --refresh-rollups 2> refresh.log
expect_eq "PostgreSQL: --refresh-rollups deleted the rows past the route's 30 days" 120 \
  "$(psql -Atc 'select count(*) from lab_readings')"
expect_eq "PostgreSQL: the default table kept its rows (no retention)" 10 "$(psql -Atc 'select count(*) from readings')"
psql -Atc "select device_id, extract(epoch from bucket)::bigint, round(mean::numeric, 6)::float8, max, count
           from lab_readings_15m order by 1, 2" > pg-buckets.txt
check "PostgreSQL: the 15-minute aggregates are Python's" diff pg-buckets.txt expected.txt

# SQLite: the same plan as views computed when read
iot-ingest --db sqlite:lab.db --registry fleet.toml in.ndjson 2> lite.log
q() { /usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print("\n".join("|".join(str(x) for x in r) for r in c.execute(sys.argv[2])))' lab.db "$1"; }
expect_eq "SQLite: the route's view and the defaults" "lab_readings_15m readings_1d readings_1h readings_1m" \
  "$(q "select name from sqlite_master where type='view' order by 1" | tr '\n' ' ' | sed 's/ $//')"
iot-ingest --db sqlite:lab.db --registry fleet.toml --refresh-rollups 2>/dev/null
expect_eq "SQLite: --refresh-rollups applied the retention" 120 "$(q 'select count(*) from lab_readings')"
q "select device_id, cast(strftime('%s', bucket) as integer), round(mean, 6), max, count from lab_readings_15m order by 1, 2" |
  /usr/bin/python3 -c 'import sys
for l in sys.stdin:
    d, b, m, x, c = l.strip().split("|"); print(f"{d}|{b}|{float(m):g}|{float(x):g}|{c}")' > lite-buckets.txt
check "SQLite: the 15-minute aggregates are Python's" diff lite-buckets.txt expected.txt

# --no-rollups: no views at all
iot-ingest --db sqlite:bare.db --registry fleet.toml --no-rollups in.ndjson 2>/dev/null
expect_eq "--no-rollups: no views" 0 "$(/usr/bin/python3 -c 'import sqlite3; print(sqlite3.connect("bare.db").execute("select count(*) from sqlite_master where type=\"view\"").fetchone()[0])')"
finish
