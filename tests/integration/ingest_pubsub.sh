#!/usr/bin/env bash
# iot-ingest into Google's Pub/Sub emulator (its REST API, read back with
# Python's urllib through a subscription with enableMessageOrdering): one
# message per reading, the data JSON and attributes as iot-ingest(1) says,
# ordering keys from the site tag or --ordering-key, every site's messages
# in capture order; the same capture ingested twice (in one run, and again
# in a second run with --dedup redis://) publishes each msg_id once; a
# reading over a Pub/Sub limit goes to the DLQ with the reason; a missing
# topic without --create is a usage error; the emulator killed for 15 s
# mid-run loses nothing (spooled, then drained); away for good: exit 75
# with a spool, 69 without, and the next run sends what was spooled. Seed
# 002's DEV environment (examples/config/seed002-dev.toml) runs as shipped
# against the same emulator: Pub/Sub and BigQuery load files both get
# every reading.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_pubsub_emulator
start_redis
cd "$TEST_TMP"
PS="/usr/bin/python3 $IOT_SOURCE_DIR/tests/lib/pubsub_emulator.py"

cat > plant.toml <<'TOML'
[[route]]
pattern = "plant/{site}/{dev}"
shape = "nested"

[route.tags]
site = "{site}"
line = "{line}"

[[route]]
pattern = "kpi/{pi_tag}"
shape = "kpi"

[[route]]
pattern = "note/{dev}"
shape = "nested"

[route.tags]
note = "{note}"
TOML

# plant: 3 sites x 2 devices x 250 messages, one metric each, msg_ids
# unique; the expected messages in capture order, per site.
/usr/bin/python3 - <<'PY'
import json
lines, kpi = [], []
for seq in range(1, 251):
    for site in ("DET", "LYO", "OSA"):
        for n in (1, 2):
            dev = f"{site}-P{n}"
            lines.append({"topic": f"plant/{site}/{dev}", "payload": {"msg_id": f"{dev}-{seq}", "device_id": dev,
                          "ts": 1710844800000 + seq * 1000 + n, "seq": seq, "line": f"L{n}",
                          "d": {"temp": {"v": seq + n / 4, "q": 192}}}})
for i in range(30):
    kpi.append({"topic": f"kpi/FIC-{i % 2}.PV", "payload": {"site_code": f"S{i % 3}", "sensor_id": i % 5,
                "timestamp": f"2024-03-19T10:40:{i:02d}.250Z", "value": i / 2}})
open("plant.ndjson", "w").writelines(json.dumps(x) + "\n" for x in lines)
open("kpi.ndjson", "w").writelines(json.dumps(x) + "\n" for x in kpi)
PY

# judge.py MODE FILE...: what the pulled messages (pubsub_emulator.py pull) hold.
cat > judge.py <<'PY'
import collections, datetime, json, sys
mode, files = sys.argv[1], sys.argv[2:]
got = [json.loads(l) for f in files for l in open(f)]
if mode == "count":
    print(len(got))
elif mode == "dupes":  # message ids and msg_ids seen more than once
    ids = collections.Counter(m["id"] for m in got)
    msg = collections.Counter(m["data"]["msg_id"] for m in got)
    print(sum(1 for c in ids.values() if c > 1), sum(1 for c in msg.values() if c > 1))
elif mode == "order":  # per ordering key, the capture's order (msg_id by seq per device, times rising)
    bad = 0
    per_key = collections.defaultdict(list)
    for m in got:
        per_key[m["key"]].append(m["data"])
    for key, items in per_key.items():
        times = [d["time"] for d in items]
        seqs = collections.defaultdict(list)
        for d in items:  # the kpi shape has no seq (null): only its times are ordered
            if d.get("seq") is not None:
                seqs[d["device_id"]].append(d["seq"])
        if times != sorted(times) or any(s != sorted(s) for s in seqs.values()):
            bad += 1
    print(f"{len(per_key)} keys, {bad} out of order")
elif mode == "plant":  # every reading once, attributes and data as iot-ingest(1) says
    want = {}
    for l in open("plant.ndjson"):
        x = json.loads(l)
        p = x["payload"]
        site = x["topic"].split("/")[1]
        ms = p["ts"]
        want[p["msg_id"]] = ({"device_id": p["device_id"], "metric": "temp", "msg_id": p["msg_id"], "site": site,
                              "line": p["line"]},
                             {"device_id": p["device_id"],
                              "metric": "temp", "value": p["d"]["temp"]["v"], "quality": 192, "msg_id": p["msg_id"],
                              "seq": p["seq"], "tags": {"line": p["line"], "site": site}, "site_code": site,
                              "sensor_id": p["device_id"], "pi_tag": "temp"}, site, ms)
    problems = []
    for m in got:
        a, d, site, ms = want.pop(m["data"]["msg_id"], (None,) * 4)
        if a is None:
            problems.append("unexpected " + m["data"]["msg_id"]); continue
        t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
        d = dict(d, time=t, unit=None, tenant=None, protocol=None)
        if m["attributes"] != a: problems.append(f"attributes {m['attributes']} != {a}")
        if m["data"] != d: problems.append(f"data {m['data']} != {d}")
        if m["key"] != site: problems.append(f"key {m['key']} != {site}")
    problems += [f"missing {k}" for k in want]
    print("ok" if not problems else f"{len(problems)} problems: {problems[:3]}")
elif mode == "kpi":  # the seed's names, the key
    print(sorted({(m["key"], m["data"]["site_code"], m["data"]["pi_tag"], m["attributes"]["site"]) for m in got})[:3],
          sorted({m["data"]["sensor_id"] for m in got}))
elif mode == "keys":
    print(" ".join(sorted({m["key"] for m in got})))
PY

# 1. A missing topic: a usage error that names --create.
set +e
iot-ingest --db pubsub://proj/telemetry --registry plant.toml plant.ndjson 2>missing.log
expect_eq "missing topic: exit 2" 2 $?
set -e
check "missing topic: the message names --create" grep -q -- "--create" missing.log

# 2. The capture twice in one run, then once more in a second run, deduplicated
# through Redis: each reading published once, in order per site.
iot-ingest --db pubsub://proj/telemetry --create --registry plant.toml --dedup "$REDIS_URL" /dev/null 2>create.log
check "--create made the topic" grep -q "topic created" create.log
pubsub_api PUT projects/proj/subscriptions/plant-sub \
  '{"topic":"projects/proj/topics/telemetry","enableMessageOrdering":true}' >/dev/null
iot-ingest --db pubsub://proj/telemetry --create --registry plant.toml --dedup "$REDIS_URL" \
  --metrics-file run1.prom plant.ndjson plant.ndjson 2>run1.log
iot-ingest --db pubsub://proj/telemetry --registry plant.toml --dedup "$REDIS_URL" plant.ndjson 2>run2.log
$PS pull "$PUBSUB_API" proj plant-sub plant.got
expect_eq "one message per reading" 1500 "$(/usr/bin/python3 judge.py count plant.got)"
expect_eq "no message id or msg_id twice" "0 0" "$(/usr/bin/python3 judge.py dupes plant.got)"
expect_eq "per-site order" "3 keys, 0 out of order" "$(/usr/bin/python3 judge.py order plant.got)"
expect_eq "attributes, data JSON and ordering keys" ok "$(/usr/bin/python3 judge.py plant plant.got)"
check "the first run counted 1500 rows" grep -q "1500 rows written" run1.log

# 3. The kpi shape keeps the seed's own names; --ordering-key overrides the site.
pubsub_api PUT projects/proj/topics/kpi-events >/dev/null
pubsub_api PUT projects/proj/subscriptions/kpi-sub '{"topic":"projects/proj/topics/kpi-events"}' >/dev/null
iot-ingest --db pubsub://proj/kpi-events --registry plant.toml kpi.ndjson 2>/dev/null
$PS pull "$PUBSUB_API" proj kpi-sub kpi.got
expect_eq "kpi readings" 30 "$(/usr/bin/python3 judge.py count kpi.got)"
expect_eq "kpi: key = site_code, pi_tag from the topic, sensor ids" \
  "[('S0', 'S0', 'FIC-0.PV', 'S0'), ('S0', 'S0', 'FIC-1.PV', 'S0'), ('S1', 'S1', 'FIC-0.PV', 'S1')] ['0', '1', '2', '3', '4']" \
  "$(/usr/bin/python3 judge.py kpi kpi.got)"
iot-ingest --db pubsub://proj/kpi-events --registry plant.toml --ordering-key '{device_id}' kpi.ndjson 2>/dev/null
$PS pull "$PUBSUB_API" proj kpi-sub kpi2.got
expect_eq "--ordering-key {device_id}" "0 1 2 3 4" "$(/usr/bin/python3 judge.py keys kpi2.got)"

# 4. A reading over a Pub/Sub limit (an attribute value over 1024 bytes) goes
# to the DLQ with the reason; the others are published.
/usr/bin/python3 - > note.ndjson <<'PY'
import json
for i in range(5):
    note = "x" * (2000 if i == 2 else 10)
    print(json.dumps({"topic": f"note/N{i}", "payload": {"msg_id": f"n-{i}", "device_id": f"N{i}", "ts": 1710844800000 + i,
          "note": note, "d": {"v": {"v": i, "q": 192}}}}))
PY
pubsub_api PUT projects/proj/subscriptions/note-sub '{"topic":"projects/proj/topics/telemetry"}' >/dev/null
iot-ingest --db pubsub://proj/telemetry --registry plant.toml --dlq dlq.ndjson note.ndjson 2>/dev/null
$PS pull "$PUBSUB_API" proj note-sub note.got
expect_eq "the four others published" 4 "$(/usr/bin/python3 judge.py count note.got)"
expect_eq "one DLQ record" 1 "$(wc -l < dlq.ndjson)"
expect_eq "its reason" "db_rejected attribute note True" "$(/usr/bin/python3 -c '
import json; r = json.loads(open("dlq.ndjson").readline())
print(r["reason"], "attribute note" if "attribute note" in r["detail"] else r["detail"], "N2" in json.dumps(r))')"

# 4b. Seed 002's DEV environment as shipped: --config examples/config/seed002-dev.toml
# and nothing else but PUBSUB_EMULATOR_HOST (this emulator). Its relative
# paths land in the directory it runs in, with examples/ linked there as in
# the repository's root. Every reading arrives in the DEV topic, ordered by
# its site, and lands in exactly one published BigQuery load file.
mkdir dev
ln -s "$IOT_SOURCE_DIR/examples" dev/examples
/usr/bin/python3 - > dev/kpi.ndjson <<'PY'
import json
for i in range(30):
    print(json.dumps({"topic": "FCTS/FAE/S%d/SolvExtract/FI-10%d" % (i % 3, i % 5), "payload": {"site_code": "S%d" % (i % 3),
          "sensor_id": "sens-%d" % (i % 5), "timestamp": "2026-03-19T10:40:%02d.000Z" % i, "value": 1.5 + i}}))
PY
pubsub_api PUT projects/kpi-dev/topics/kpi-readings >/dev/null
pubsub_api PUT projects/kpi-dev/subscriptions/kpi-dev-sub \
  '{"topic":"projects/kpi-dev/topics/kpi-readings","enableMessageOrdering":true}' >/dev/null
set +e
(cd dev && iot-ingest --config examples/config/seed002-dev.toml < kpi.ndjson 2> dev.log)
expect_eq "DEV config: exit 0" 0 $?
set -e
$PS pull "$PUBSUB_API" kpi-dev kpi-dev-sub dev.got
expect_eq "DEV config: every reading published to the DEV topic" 30 "$(/usr/bin/python3 judge.py count dev.got)"
expect_eq "DEV config: ordered by site, in capture order" "S0 S1 S2" "$(/usr/bin/python3 -c '
import collections, json
per_key = collections.defaultdict(list)
for l in open("dev.got"):
    m = json.loads(l)
    per_key[m["key"]].append(m["data"]["time"])
print(" ".join(k for k, times in sorted(per_key.items()) if times == sorted(times) and len(times) == 10))')"
expect_eq "DEV config: the seed's names in the data" "FI-101 S1 sens-1 2.5" "$(/usr/bin/python3 -c '
import json
for l in open("dev.got"):
    d = json.loads(l)["data"]
    if d["value"] == 2.5: print(d["pi_tag"], d["site_code"], d["sensor_id"], d["value"])')"
expect_eq "DEV config: every reading in one published load file" 30 \
  "$(cat dev/seed002-dev-bq/kpi_readings/*.ndjson | wc -l)"
expect_eq "DEV config: the load files hold the same readings as the topic" "$(/usr/bin/python3 -c '
import json; k = sorted((json.loads(l)["data"]["device_id"], json.loads(l)["data"]["time"]) for l in open("dev.got")); print(len(k), k)')" \
  "$(cat dev/seed002-dev-bq/kpi_readings/*.ndjson | /usr/bin/python3 -c '
import json, sys; k = sorted((json.loads(l)["device_id"], json.loads(l)["time"]) for l in sys.stdin); print(len(k), k)')"
check "DEV config: the BigQuery schema beside the files" test -s dev/seed002-dev-bq/kpi_readings.schema.json
expect_eq "DEV config: nothing but published .ndjson files and the schema" "" \
  "$(find dev/seed002-dev-bq -type f ! -name '*.ndjson' ! -name '*.schema.json' ! -name .lock)"
expect_eq "DEV config: nothing spooled, nothing rejected" "0 0" \
  "$(find dev/seed002-dev-spool -type f ! -name .lock | wc -l) $(cat dev/seed002-dev-dlq.ndjson 2>/dev/null | wc -l)"
check "DEV config: each database counts the 30 rows" grep -q "kpi-readings: 30 rows written.*seed002-dev-bq: 30 rows written" dev/dev.log

# 5. The emulator killed for 15 s mid-run, --spool: nothing lost. iot-ingest
# reaches it through a forwarder on a port of its own, so the emulator
# started again (on another port: a new JVM, its topic and subscription made
# before any message reaches it) is at the same address.
/usr/bin/python3 - > outage.ndjson <<'PY'
import json
for seq in range(1, 1201):
    site = ("DET", "LYO", "OSA")[seq % 3]
    print(json.dumps({"topic": f"plant/{site}/O-{site}", "payload": {"msg_id": f"o-{seq}", "device_id": f"O-{site}",
          "ts": 1710900000000 + seq * 10, "seq": seq, "line": "L1", "d": {"temp": {"v": seq, "q": 192}}}}))
PY
FWD_PORT=$(free_port)
echo "$PUBSUB_PORT" > target
$PS forward "$FWD_PORT" target & fwd_pid=$!
at_exit "kill $fwd_pid"
wait_own_port "$fwd_pid" "$FWD_PORT" || fail "forwarder did not start"
FWD_API="http://127.0.0.1:$FWD_PORT/v1"
$PS setup "$FWD_API" proj outage outage-sub
$PS pull "$FWD_API" proj outage-sub outage.got outage.stop & puller=$!
mkfifo feed
PUBSUB_EMULATOR_HOST="127.0.0.1:$FWD_PORT" iot-ingest --db pubsub://proj/outage --registry plant.toml \
  --spool spool --batch-size 50 --drain-timeout 60s --metrics-file outage.prom < feed 2>outage.log &
ingest_pid=$!
exec 3>feed
sed -n 1,400p outage.ndjson >&3
pulled() { [ "$(cat outage.got 2>/dev/null | wc -l)" -ge "$1" ]; }
wait_for pulled 400 || fail "the first 400 never arrived"
kill -9 "$PUBSUB_PID"; wait "$PUBSUB_PID" 2>/dev/null || true
killed_at=$(date +%s)
sed -n 401,800p outage.ndjson >&3
spooled() { ls spool 2>/dev/null | grep -q batch; }
check "batches spooled while the emulator is away" wait_for spooled
while [ $(( $(date +%s) - killed_at )) -lt 15 ]; do sleep 0.5; done  # the outage lasts 15 s
NEW_PORT=$(free_port)
_pubsub_run "$NEW_PORT" 3>&-
_pubsub_wait "$PUBSUB_PID" "$NEW_PORT" || fail "the emulator did not start again"
$PS setup "http://127.0.0.1:$NEW_PORT/v1" proj outage outage-sub
echo "$NEW_PORT" > target
sed -n '801,$p' outage.ndjson >&3
exec 3>&-
rc=0; wait $ingest_pid || rc=$?
expect_eq "outage run: exit 0 (everything sent)" 0 $rc
touch outage.stop
wait $puller
expect_eq "outage: every reading once" 1200 "$(/usr/bin/python3 judge.py count outage.got)"
expect_eq "outage: no msg_id twice" "0 0" "$(/usr/bin/python3 judge.py dupes outage.got)"
expect_eq "outage: per-site order" "3 keys, 0 out of order" "$(/usr/bin/python3 judge.py order outage.got)"
check "outage: batches went through the spool" grep -Eq '^iot_ingest_spooled_batches_total [1-9]' outage.prom
expect_eq "outage: spool empty" 0 "$(ls spool | grep -c batch || true)"

# 6. Away for good: exit 75 with the spool left, 69 without a spool; the
# next run sends what was spooled.
DEAD=$(free_port)
sed -i 's/"o-/"p-/g' outage.ndjson
set +e
PUBSUB_EMULATOR_HOST="127.0.0.1:$DEAD" iot-ingest --db pubsub://proj/outage --registry plant.toml --spool spool2 \
  --drain-timeout 1s outage.ndjson 2>/dev/null
expect_eq "exit 75 with a spool left" 75 $?
head -5 outage.ndjson | PUBSUB_EMULATOR_HOST="127.0.0.1:$DEAD" iot-ingest --db pubsub://proj/outage \
  --registry plant.toml --retry-for 1s 2>/dev/null
expect_eq "exit 69 without a spool" 69 $?
set -e
PUBSUB_EMULATOR_HOST="127.0.0.1:$NEW_PORT" iot-ingest --db pubsub://proj/outage --registry plant.toml --spool spool2 \
  /dev/null 2>/dev/null
$PS pull "http://127.0.0.1:$NEW_PORT/v1" proj outage-sub rest.got
expect_eq "the next run sent the spooled readings" 1200 "$(/usr/bin/python3 judge.py count rest.got)"
expect_eq "the spooled readings in per-site order" "3 keys, 0 out of order" "$(/usr/bin/python3 judge.py order rest.got)"
finish
