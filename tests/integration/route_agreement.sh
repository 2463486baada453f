#!/usr/bin/env bash
# iot-ingest and iot-verify read a registry through one route engine
# (iot-registry(5), DESCRIPTION): for every line of one table, both give the
# same device and the same rejection reason. The table covers each way a
# line is routed: a capture in the device template, a payload field, a
# route's tags, the catch-all, a topic no route matches, and a template name
# nothing provides (reason schema in both).
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
PY=/usr/bin/python3

cat > reg.toml <<'TOML'
[[route]]
pattern = "plant/{line}/{dev}/telemetry"
device = "{line}-{dev}"
[route.tags]
line = "{line}"

[[route]]
pattern = "site/{site}/pump"
device = "{site}-{serial}"

[[route]]
pattern = "lab/{bench}/raw"
device = "{bench}-{no_such_name}"

[[route]]
pattern = "ward/{room}/probe"
[route.tags]
room = "{room}"
floor = "{floor_unknown}"
TOML

# One line per case: TOPIC, PAYLOAD, and what both tools must say (a device
# id, or "reject:<reason>").
$PY - <<'PY' > table.tsv
import json, time
ms = int(time.time() * 1000) - 5000
def nested(dev, seq, **extra):
    p = {"device_id": dev, "ts": ms + seq, "seq": seq, "d": {"temp": {"v": 20.5 + seq, "q": 0}}}
    p.update(extra)
    return p
rows = [
    ("plant/L1/P-7/telemetry", nested("ignored-1", 1), "L1-P-7"),
    ("plant/L2/P-8/telemetry", nested("ignored-2", 1), "L2-P-8"),
    ("site/ams/pump", nested("x", 1, serial="S99"), "ams-S99"),
    ("site/rtm/pump", nested("x", 2, serial=1234), "rtm-1234"),
    ("site/ams/pump", nested("x", 3), "reject:schema"),          # {serial} missing
    ("lab/b1/raw", nested("x", 1), "reject:schema"),              # a name nothing provides
    ("ward/12/probe", nested("W-1", 1), "reject:schema"),         # a tag template with an unknown name
    ("elsewhere/topic", nested("E-1", 1), "reject:no_route"),
]
for topic, payload, want in rows:
    print(json.dumps({"topic": topic, "payload": payload}, separators=(",", ":")) + "\t" + want)
PY
cut -f1 table.tsv > lines.ndjson
expect_eq "the table has every case" 8 "$(wc -l < lines.ndjson)"

"$IOT_BIN/iot-ingest" --registry reg.toml --db sqlite:r.db --dlq ingest.rej lines.ndjson 2> ingest.log || true
"$IOT_BIN/iot-verify" --registry reg.toml --filter --reject verify.rej --report json --report-file report.json \
  lines.ndjson > verify.out 2> verify.log || true

# Per line of the table: what each tool said, as "device" or "reject:reason".
$PY - table.tsv r.db ingest.rej verify.rej report.json > compare.txt <<'PY'
import json, sqlite3, sys
table, db, ingest_rej, verify_rej, report = sys.argv[1:]
lines = [l.rstrip("\n").split("\t") for l in open(table)]
def rejects(path):
    out = {}
    for l in open(path):
        r = json.loads(l)
        out[r["line"] if "line" in r else r.get("raw", "")] = "reject:" + r["reason"]
    return out
ing, ver = rejects(ingest_rej), rejects(verify_rej)
stored = {row[0] for row in sqlite3.connect(db).execute("select distinct device_id from readings")}
devices = set(json.load(open(report))["devices"])
bad = 0
for line, want in lines:
    got_ing = ing.get(line) or ("stored" if want in stored else "missing")
    got_ver = ver.get(line) or ("seen" if want in devices else "missing")
    if want.startswith("reject:"):
        ok = got_ing == want and got_ver == want
    else:
        ok = got_ing == "stored" and got_ver == "seen"
    print(("ok" if ok else "DIFF"), want, got_ing, got_ver)
PY
cat compare.txt
expect_eq "both tools agree with the table on every line" 0 "$(grep -c '^DIFF' compare.txt || true)"
expect_eq "every case was compared" 8 "$(wc -l < compare.txt)"
expect_eq "the devices stored are exactly the routed ones" "L1-P-7 L2-P-8 ams-S99 rtm-1234" \
  "$(sqlite3 r.db 'select distinct device_id from readings order by 1' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "a route's tags are stored" '{"line":"L1"}' \
  "$(sqlite3 r.db "select tags from readings where device_id='L1-P-7' limit 1")"
finish
