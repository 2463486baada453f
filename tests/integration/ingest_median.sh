#!/usr/bin/env bash
# The rollup aggregate median (iot-registry(5), [route.rollup]) in the three
# engines that compute it, against the medians Python's statistics module
# computes from the input: plain PostgreSQL's materialized view
# (percentile_cont(0.5)), refreshed by --refresh-rollups; SQLite's view,
# computed when read; InfluxDB's continuous query with median(*), its
# SELECT ... INTO run over the test's window. Buckets with an odd and an
# even number of values, repeated values, and NULL values (left out by
# every engine; InfluxDB never receives them). iot-ingest says at registry
# load what TimescaleDB would make of it.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_postgres
start_influxd
cd "$TEST_TMP"
chmod 777 "$TEST_TMP"
export INFLUX_URL

cat > fleet.toml <<'TOML'
[[route]]
pattern = "lab/{sensor}"
shape = "nested"
table = "lab"

[route.rollup]
every = "15m"
aggregates = ["mean", "median", "max"]
TOML

/usr/bin/python3 - <<'PY'
import json, random, statistics, time
rng = random.Random(7)
start_s = int(time.time()) // 900 * 900 - 4 * 900   # four whole 15-minute buckets ago
lines, buckets = [], {}
for dev in ("S1", "S2"):
    for b in range(4):
        n = 7 + b + (dev == "S2")          # 7..11 readings: odd and even counts
        for i in range(n):
            ts = (start_s + b * 900 + i * 60) * 1000
            v = None if (b == 2 and i == 3) else rng.choice([1.5, 2.25, 2.25, 3.0, 7.5, -4.0, 10.0, 0.5])
            lines.append({"topic": f"lab/{dev}", "payload": {"device_id": dev, "ts": ts, "seq": b * 100 + i + 1,
                          "d": {"v": {"v": v, "q": 192}}}})
            if v is not None:
                buckets.setdefault((dev, start_s + b * 900), []).append(v)
with open("in.ndjson", "w") as f:
    f.writelines(json.dumps(x) + "\n" for x in lines)
with open("expected.txt", "w") as f:
    for (dev, b), vs in sorted(buckets.items()):
        f.write(f"{dev}|{b}|{statistics.mean(vs):.6f}|{statistics.median(vs):.6f}|{max(vs):g}\n")
open("window", "w").write(f"{start_s * 10**9} {(start_s + 4 * 900) * 10**9}")
PY
fmt_rows() {  # DEV|BUCKET_S|MEAN|MEDIAN|MAX with 6 decimals, as expected.txt
  /usr/bin/python3 -c '
import sys
for l in sys.stdin:
    d, b, mean, med, mx = l.strip().split("|")
    print(f"{d}|{int(float(b))}|{float(mean):.6f}|{float(med):.6f}|{float(mx):g}")'
}
check "the input has odd and even buckets" test "$(wc -l < expected.txt)" -eq 8

# PostgreSQL (plain): a materialized view with percentile_cont, refreshed on demand.
iot-ingest --db "$PG_URL" --registry fleet.toml in.ndjson 2> pg.log
check "iot-ingest says at registry load what TimescaleDB makes of median" \
  grep -q "rollups with median: with TimescaleDB they are materialized views refreshed by --refresh-rollups" pg.log
check "PostgreSQL: the view computes percentile_cont(0.5)" \
  bash -c "psql -Atc \"select definition from pg_matviews where matviewname = 'lab_15m'\" | grep -q 'percentile_cont((0.5)'"
iot-ingest --db "$PG_URL" --registry fleet.toml --refresh-rollups 2>/dev/null
psql -Atc "select device_id, extract(epoch from bucket), mean, median, max from lab_15m order by 1, 2" | fmt_rows > pg.txt
check "PostgreSQL: mean, median and max per 15 minutes are Python's" diff pg.txt expected.txt

# SQLite: the view computes the median when read.
iot-ingest --db sqlite:lab.db --registry fleet.toml in.ndjson 2>/dev/null
/usr/bin/python3 -c '
import sqlite3
c = sqlite3.connect("lab.db")
for r in c.execute("select device_id, cast(strftime(\"%s\", bucket) as integer), mean, median, max from lab_15m order by 1, 2"):
    print("|".join(str(x) for x in r))' | fmt_rows > lite.txt
check "SQLite: mean, median and max per 15 minutes are Python's" diff lite.txt expected.txt
expect_eq "SQLite: a bucket whose values are all NULL has a NULL median" "None" "$(/usr/bin/python3 -c '
import sqlite3
c = sqlite3.connect("lab.db")
c.execute("insert into lab (time, device_id, metric, value) values (\"2001-01-01T00:00:00.000000Z\", \"S9\", \"v\", NULL)")
print(c.execute("select median from lab_15m where device_id = \"S9\"").fetchone()[0])')"

# InfluxDB: the continuous query holds median(*); its SELECT ... INTO gives Python's medians.
iot-ingest --db "influxdb://127.0.0.1:$INFLUX_PORT/tel" --registry fleet.toml --table lab --dlq dlq.ndjson in.ndjson 2> influx.log
check "InfluxDB: the NULL readings went to the DLQ, not to the server" \
  test "$(grep -c db_rejected dlq.ndjson)" -eq 2
influx_query 'SHOW CONTINUOUS QUERIES' > cqs.json
check "InfluxDB: the continuous query asks for median(*)" grep -qF 'SELECT mean(*), median(*), max(*) INTO' cqs.json
/usr/bin/python3 - > influx.txt <<'PY'
import json, os, urllib.parse, urllib.request
url = os.environ["INFLUX_URL"]
def q(text):
    body = urllib.parse.urlencode({"q": text, "db": "tel", "epoch": "ns"}).encode()
    with urllib.request.urlopen(url + "/query", body) as r:
        res = json.load(r)["results"][0]
    if "error" in res:
        raise SystemExit("query error: " + res["error"])
    return res.get("series", [])
text = next(t for s in q("SHOW CONTINUOUS QUERIES") if s["name"] == "tel" for n, t in s["values"] if n == "cq_lab_15m")
select = text[text.index("BEGIN") + 5:text.rindex("END")].strip()
start, end = open("window").read().split()
head, group = select.split(" GROUP BY ")
q(f"{head} WHERE time >= {start} AND time < {end} GROUP BY {group}")
into = head[head.index(" INTO ") + 6:head.index(" FROM ")]
rows = []
for s in q(f"SELECT mean_v, median_v, max_v FROM {into} GROUP BY device_id"):
    for t, mean, med, mx in s["values"]:
        if mean is not None:
            rows.append(f"{s['tags']['device_id']}|{t // 10**9}|{mean}|{med}|{mx}")
print("\n".join(sorted(rows)))
PY
fmt_rows < influx.txt > influx-fmt.txt
check "InfluxDB: mean, median and max per 15 minutes are Python's" diff influx-fmt.txt expected.txt
finish
