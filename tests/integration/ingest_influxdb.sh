#!/usr/bin/env bash
# iot-ingest into a real InfluxDB 1.x (Debian's influxd, its own config and
# data dir): every point queried back by InfluxQL over HTTP equals what the
# capture holds (tags, field types, ns timestamps); ingesting twice keeps
# the point count; awkward names round-trip, names line protocol cannot
# carry go to the DLQ; retention policies and continuous queries after the
# first run and unchanged by a second, a CQ's SELECT ... INTO gives the
# means Python computes; a partial write dead-letters only the refused
# readings; influxd killed mid-run with --spool loses nothing; the
# line-protocol file sink writes what the server sink sends.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_influxd
cd "$TEST_TMP"
DB="influxdb://127.0.0.1:$INFLUX_PORT/tel"
export INFLUX_URL

cat > fleet.toml <<'TOML'
[[route]]
pattern = "plant/{site}/{dev}"
shape = "nested"
table = "plant"
retention = "1d"

[route.tags]
site = "{site}"
line = "{line}"

[route.rollup]
every = "5m"
aggregates = ["mean", "max"]
retention = "30d"

[[route]]
pattern = "awk/{n}"
shape = "kpi"
table = "awkward"
device = "{dev}"
metric = "{m}"

[route.tags]
k = "{tv}"

[[route]]
pattern = "conf/{n}"
shape = "kpi"
table = "conflict"
metric = "{m}"

[[route]]
pattern = "#"
TOML

# The capture and what InfluxDB must hold afterwards (expected-*.json),
# from the input alone: nested plant readings (ms times, quality tags, a
# msg_id with quotes and a backslash) and kpi readings with awkward names
# and ns timestamps.
/usr/bin/python3 - <<'PY'
import json, time
base_s = int(time.time()) // 300 * 300 - 1800   # 30 minutes ago, on a 5-minute boundary
plant, expected = [], []
for seq in range(1, 601):
    for dev, site in (("P-1", "PLT-A"), ("P-2", "PLT-B")):
        ms = (base_s + seq) * 1000 + 123
        msg_id = f'{dev}-{seq}' if seq != 7 else 'id "q" \\ back'
        d = {"temp": {"v": seq + 0.25, "q": 192}, "pres": {"v": -seq / 3, "q": 192}, "vib": {"v": seq % 7, "q": 68}}
        plant.append({"topic": f"plant/{site}/{dev}", "payload": {"schema_version": "2.1", "msg_id": msg_id,
                      "device_id": dev, "ts": ms, "seq": seq, "line": f"L {seq % 3}", "d": d}})
        for m, r in d.items():
            expected.append([ms * 1000000, dev, str(r["q"]), site, f"L {seq % 3}", m, float(r["v"]), msg_id, seq])
awkward_names = ["a b", "a,b", "a=b", 'say "hi"', "c:\\dir", "a\\\\b", "µ°C", "tab\there", "=,\" \\x"]
awk, awk_expected = [], []
for i, name in enumerate(awkward_names):
    ns = base_s * 1000000000 + 987654321 + i * 1000000007
    awk.append({"topic": f"awk/{i}", "payload": {"site_code": "S " + name, "sensor_id": "s", "dev": "D " + name,
                "m": "m " + name, "tv": "T " + name, "timestamp": ns, "value": i + 0.5}})
    awk_expected.append([ns, "D " + name, "192", "S " + name, "T " + name, "m " + name, i + 0.5])
# refused by the encoder, each with its reason
awk.append({"topic": "awk/nl", "payload": {"site_code": "S", "sensor_id": "s", "dev": "D", "m": "bad\nmetric",
            "tv": "T", "timestamp": base_s * 1000000000, "value": 1}})
awk.append({"topic": "awk/bs", "payload": {"site_code": "S", "sensor_id": "s", "dev": "D", "m": "ends\\",
            "tv": "T", "timestamp": base_s * 1000000000, "value": 1}})
for name in ("x\\,y", "back\\ slash"):
    awk.append({"topic": "awk/bc", "payload": {"site_code": "S", "sensor_id": "s", "dev": "D " + name, "m": "m",
                "tv": "T", "timestamp": base_s * 1000000000, "value": 1}})
with open("plant.ndjson", "w") as f:
    f.writelines(json.dumps(x) + "\n" for x in plant)
with open("awk.ndjson", "w") as f:
    f.writelines(json.dumps(x) + "\n" for x in awk)
json.dump(expected, open("expected-plant.json", "w"))
json.dump(awk_expected, open("expected-awk.json", "w"))
# the 5-minute means and maxima per series (device, quality, site, line) of temp
buckets = {}
for t, dev, q, site, line, m, v, _, _ in expected:
    if m == "temp":
        buckets.setdefault((t // 300000000000 * 300000000000, dev, q, site, line), []).append(v)
json.dump([[*k, sum(v) / len(v), max(v)] for k, v in sorted(buckets.items())], open("expected-5m.json", "w"))
open("window", "w").write(f"{base_s * 1000000000} {(base_s + 900) * 1000000000}")
PY

cat > judge.py <<'PY'
# judge.py WHAT ARGS: queries InfluxDB over HTTP (urllib) and prints a
# canonical text to compare with expect_eq.
import json, os, sys, urllib.parse, urllib.request
url = os.environ["INFLUX_URL"]
def q(text, db="tel"):
    body = urllib.parse.urlencode({"q": text, "db": db, "epoch": "ns"}).encode()
    with urllib.request.urlopen(url + "/query", body) as r:
        res = json.load(r)["results"][0]
    if "error" in res:
        sys.exit("query error: " + res["error"])
    return res.get("series", [])
def canonical(p):
    """Numbers but the time as floats (InfluxDB writes the float 3.0 as 3), so lists compare and sort alike."""
    return [p[0]] + [float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else x for x in p[1:]]
def points(query, tags, fields, db="tel"):
    """Every (time, tags..., field, value, extras...) of the answer, one per non-null metric field."""
    out = []
    for s in q(query, db):
        cols = s["columns"]
        for row in s["values"]:
            r = dict(zip(cols, row))
            for c in cols:
                if c in ("time", *tags, *fields) or r[c] is None:
                    continue
                out.append(canonical([r["time"], *[r.get(t) for t in tags], c, r[c], *[r.get(f) for f in fields]]))
    return sorted(out, key=json.dumps)
def expected(name):
    return sorted((canonical(p) for p in json.load(open(name))), key=json.dumps)
what = sys.argv[1]
if what == "plant":
    got = points('SELECT * FROM "rp_1d"."plant"', ("device_id", "quality", "site", "line"), ("msg_id", "seq"))
    want = expected("expected-plant.json")
    print("equal" if got == want else f"differ: {len(got)} points vs {len(want)}; first got {got[:2]} want {want[:2]}")
elif what == "awk":
    got = points('SELECT * FROM "forever"."awkward"', ("device_id", "quality", "site", "k"), ())
    want = expected("expected-awk.json")
    print("equal" if got == want else f"differ: got {got} want {want}")
elif what == "types":
    for s in q('SHOW FIELD KEYS FROM "rp_1d"."plant"'):
        print(" ".join(f"{k}:{t}" for k, t in sorted(s["values"])))
    for s in q('SHOW TAG KEYS FROM "rp_1d"."plant"'):
        print(" ".join(sorted(v[0] for v in s["values"])))
elif what == "count":  # count MEASUREMENT [RP [FIELD]]: points (each plant point carries msg_id)
    rp = sys.argv[3] if len(sys.argv) > 3 else "rp_1d"
    field = sys.argv[4] if len(sys.argv) > 4 else "msg_id"
    s = q(f'SELECT count("{field}") FROM "{rp}"."{sys.argv[2]}"')
    print(s[0]["values"][0][1] if s else 0)
elif what == "policies":
    for s in q('SHOW RETENTION POLICIES ON "tel"'):
        for name, duration, _, _, default in sorted(s["values"]):
            print(name, duration, "default" if default else "")
elif what == "queries":
    for s in q("SHOW CONTINUOUS QUERIES"):
        if s["name"] == "tel":
            for name, text in sorted(s["values"]):
                print(name, text)
elif what == "cq-means":
    # runs the continuous query's own SELECT ... INTO over the test's window, then compares
    text = next(t for s in q("SHOW CONTINUOUS QUERIES") if s["name"] == "tel" for n, t in s["values"] if n == "cq_plant_5m")
    select = text[text.index("BEGIN") + 5:text.rindex("END")].strip()
    start, end = open("window").read().split()
    head, group = select.split(" GROUP BY ")
    q(f"{head} WHERE time >= {start} AND time < {end} GROUP BY {group}")
    got = []
    for s in q('SELECT mean_temp, max_temp FROM "rp_30d"."plant_5m" GROUP BY *'):
        t = s["tags"]
        for time_ns, mean, mx in s["values"]:
            got.append([time_ns, t["device_id"], t["quality"], t["site"], t["line"], mean, mx])
    want = [w for w in json.load(open("expected-5m.json")) if int(start) <= w[0] < int(end)]
    ok = len(got) == len(want) and len(want) > 0 and all(
        g[:5] == w[:5] and abs(g[5] - w[5]) < 1e-9 and g[6] == w[6] for g, w in zip(sorted(got), sorted(want)))
    print("equal" if ok else f"differ: got {sorted(got)[:3]} want {sorted(want)[:3]} ({len(got)} vs {len(want)})")
elif what == "dump":  # dump DB: every point of plant and awkward, whatever its retention policy
    db = sys.argv[2]
    every = []
    for s in q(f'SHOW RETENTION POLICIES ON "{db}"', db):
        for rp, *_ in s["values"]:
            for name in ("plant", "awkward"):
                every += points(f'SELECT * FROM "{rp}"."{name}" GROUP BY *', (), (), db)
    print(len(every), json.dumps(sorted(every, key=json.dumps)))
PY
judge() { /usr/bin/python3 judge.py "$@"; }

# 1. The capture, every point back as it was sent.
iot-ingest --db "$DB" --registry fleet.toml --table plant --batch-size 1000 --dlq dlq.ndjson plant.ndjson awk.ndjson 2>run1.log
expect_eq "first run exit" 0 $?
check "the log names the database and its default policy" grep -q "InfluxDB: database tel, default retention policy rp_1d" run1.log
expect_eq "plant points equal the capture" equal "$(judge plant)"
expect_eq "field and tag types" "msg_id:string pres:float seq:integer temp:float vib:float
device_id line quality site" "$(judge types)"
expect_eq "points of plant (one per series and time)" 2400 "$(judge count plant)"
expect_eq "awkward names round-trip" equal "$(judge awk)"
expect_eq "names line protocol cannot carry: four DLQ records" 4 "$(grep -c '"reason":"db_rejected"' dlq.ndjson)"
check "a newline is refused with its reason" grep -q 'metric (field key) holds a newline' dlq.ndjson
check "a trailing backslash is refused with its reason" grep -q 'ends in a backslash' dlq.ndjson
expect_eq "a backslash before a comma or space is refused with its reason" 2 \
  "$(grep -c 'tag value of device_id has a backslash before' dlq.ndjson)"

# 2. Retention policies and continuous queries; a second run changes nothing.
expect_eq "retention policies" "autogen 0s 
forever 0s 
rp_1d 24h0m0s default
rp_30d 720h0m0s " "$(judge policies)"
judge queries > queries1.txt
check "cq_plant_5m: mean and max of raw rp_1d into rp_30d.plant_5m by 5m and every tag" \
  grep -qE '^cq_plant_5m CREATE CONTINUOUS QUERY cq_plant_5m ON tel BEGIN SELECT mean\(\*\), max\(\*\) INTO tel.rp_30d.plant_5m FROM tel.rp_1d.plant GROUP BY time\(5m\), \* END$' queries1.txt
check "awkward (no rollups declared): the default 1m, 1h, 1d with every aggregate, kept for ever" \
  grep -qE '^cq_awkward_1h .*SELECT mean\(\*\), min\(\*\), max\(\*\), sum\(\*\), count\(\*\) INTO tel.forever.awkward_1h FROM tel.forever.awkward GROUP BY time\(1h\), \* END$' queries1.txt
expect_eq "continuous queries: 1 for plant, the default 3 for each of awkward and conflict" 7 "$(wc -l < queries1.txt)"
judge policies > policies1.txt
iot-ingest --db "$DB" --registry fleet.toml --table plant /dev/null 2>/dev/null
expect_eq "second run: same policies" "$(cat policies1.txt)" "$(judge policies)"
expect_eq "second run: same continuous queries" "$(cat queries1.txt)" "$(judge queries)"
expect_eq "the CQ's SELECT ... INTO gives the 5-minute means and maxima" equal "$(judge cq-means)"

# 3. The same capture again: InfluxDB keeps one point per series and time.
iot-ingest --db "$DB" --registry fleet.toml --table plant --dedup off plant.ndjson 2>/dev/null
expect_eq "ingested twice: same point count" 2400 "$(judge count plant)"
expect_eq "ingested twice: same points" equal "$(judge plant)"

# 4. A partial write: InfluxDB refuses the readings whose field has another
# type in the shard already; they go to the DLQ with its reason, the rest land.
now_ns=$(( $(date +%s) * 1000000000 ))
curl -sS -o /dev/null -XPOST "$INFLUX_URL/write?db=tel&rp=forever&precision=ns" --data-binary "conflict,device_id=x bad=\"text\" $now_ns"
/usr/bin/python3 - "$now_ns" > conf.ndjson <<'PY'
import json, sys
t = int(sys.argv[1])
for i in range(10):
    m = "bad" if i % 2 else "good"
    print(json.dumps({"topic": f"conf/{i}", "payload": {"site_code": "S", "sensor_id": f"c{i}", "m": m, "timestamp": t + i + 1, "value": i}}))
PY
iot-ingest --db "$DB" --registry fleet.toml --table plant --dlq conf-dlq.ndjson conf.ndjson 2>conf.log
expect_eq "a partial write does not fail the run" 0 $?
expect_eq "refused readings in the DLQ" 5 "$(grep -c '"reason":"db_rejected"' conf-dlq.ndjson)"
check "with InfluxDB's reason" grep -q 'field type conflict' conf-dlq.ndjson
expect_eq "the others landed" 5 "$(judge count conflict forever good)"

# 5. influxd killed mid-run, --spool: batches wait on disk, nothing is lost.
/usr/bin/python3 - > outage.ndjson <<'PY'
import json, time
base = int(time.time()) - 3000
for seq in range(1, 1201):
    print(json.dumps({"topic": "plant/OUT/O-1", "payload": {"msg_id": f"o-{seq}", "device_id": "O-1", "ts": (base + seq) * 1000,
          "seq": seq, "line": "L", "d": {"temp": {"v": seq, "q": 192}}}}))
PY
mkfifo feed
iot-ingest --db "$DB" --registry fleet.toml --table plant --spool spool --flush-interval 100ms --batch-size 100 \
  --drain-timeout 30s --metrics-file out.prom < feed 2>outage.log &
ingest_pid=$!
exec 3>feed
sed -n 1,400p outage.ndjson >&3; sleep 1
stop_influxd
sed -n 401,800p outage.ndjson >&3; sleep 2
restart_influxd 3>&-  # the server must not hold the feed open (iot-ingest waits for its end)
sed -n '801,$p' outage.ndjson >&3
exec 3>&-
rc=0; wait $ingest_pid || rc=$?
expect_eq "outage run exit" 0 $rc
check "batches were spooled while influxd was away" grep -Eq '^iot_ingest_spooled_batches_total [1-9]' out.prom
expect_eq "every reading of the outage run landed" 1200 "$(judge count plant | awk '{print $1 - 2400}')"
expect_eq "spool empty" 0 "$(ls spool | grep -c batch || true)"

# Away for good: spooled batches stay, exit 75; the next run sends them.
# Without a spool: retried for --retry-for, then exit 69.
stop_influxd
sed -i 's/"O-1"/"O-2"/g; s/"o-/"o2-/g' outage.ndjson
set +e
iot-ingest --db "$DB" --registry fleet.toml --table plant --spool spool2 --drain-timeout 1s outage.ndjson 2>/dev/null
expect_eq "exit 75 with a spool left" 75 $?
head -5 outage.ndjson | iot-ingest --db "$DB" --registry fleet.toml --table plant --retry-for 1s 2>/dev/null
expect_eq "exit 69 without a spool" 69 $?
set -e
restart_influxd
iot-ingest --db "$DB" --registry fleet.toml --table plant --spool spool2 /dev/null 2>/dev/null
expect_eq "the next run drained the spool" 4800 "$(judge count plant)"

# 6. line-protocol:FILE holds what the server sink sends: posted to a
# second database, it gives the same points as the first.
iot-ingest --db line-protocol:points.lp --registry fleet.toml --table plant plant.ndjson awk.ndjson 2>/dev/null
curl -sS -XPOST "$INFLUX_URL/query" --data-urlencode 'q=CREATE DATABASE copy' >/dev/null
curl -sS -o /dev/null -w '%{http_code}' -XPOST "$INFLUX_URL/write?db=copy&precision=ns" --data-binary @points.lp > post.code
expect_eq "the file is accepted whole" 204 "$(cat post.code)"
expect_eq "lines in the file: one per reading (3600 plant, 9 awkward)" $((3600 + 9)) "$(wc -l < points.lp)"
iot-ingest --db "influxdb://127.0.0.1:$INFLUX_PORT/fresh" --registry fleet.toml --table plant plant.ndjson awk.ndjson 2>/dev/null
expect_eq "file and server sink give the same points" "$(judge dump fresh)" "$(judge dump copy)"
expect_eq "line-protocol:- writes to standard output" 3600 \
  "$(iot-ingest --db line-protocol:- --registry fleet.toml --table plant plant.ndjson 2>/dev/null | wc -l)"

# 7. A server with authentication: the user from the URL, the password from
# IOT_PASSWORD or the URL; a wrong one stops the run (status 2); the
# password shows in no log line.
stop_influxd
start_influxd "auth-enabled = true"
curl -sS -o /dev/null -XPOST "$INFLUX_URL/query" --data-urlencode "q=CREATE USER admin WITH PASSWORD 's3cret-pw' WITH ALL PRIVILEGES"
AUTH_DB="influxdb://admin@127.0.0.1:$INFLUX_PORT/tel"
IOT_PASSWORD=s3cret-pw iot-ingest --db "$AUTH_DB" --registry fleet.toml --table plant --log-level debug plant.ndjson 2>auth.log
expect_eq "with IOT_PASSWORD: stored" 0 $?
expect_eq "the points of plant, as before" 2400 \
  "$(curl -sS -u admin:s3cret-pw -G "$INFLUX_URL/query" --data-urlencode db=tel \
     --data-urlencode 'q=SELECT count(msg_id) FROM "rp_1d"."plant" WHERE site =~ /^PLT/' |
     /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["series"][0]["values"][0][1])')"
set +e
iot-ingest --db "influxdb://admin:wrong-pw@127.0.0.1:$INFLUX_PORT/tel" --registry fleet.toml --table plant \
  plant.ndjson 2>auth-bad.log
expect_eq "a wrong password: exit 2" 2 $?
set -e
check "the refusal is named" grep -q "HTTP 401" auth-bad.log
expect_eq "no password in any log" "" "$(grep -l -e s3cret-pw -e wrong-pw auth.log auth-bad.log run1.log outage.log || true)"

finish
