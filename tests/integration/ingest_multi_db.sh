#!/usr/bin/env bash
# iot-ingest with --db given three times (iot-ingest(1), Several databases):
# SQLite, a line-protocol file and a real PostgreSQL each hold the same
# readings afterwards, read back by sqlite3's Python module, a small
# line-protocol parser and psql. Then PostgreSQL stopped for a whole run:
# its spool subfolder holds the batches, SQLite and the file get everything,
# the exit code is the worst lane's (75); with PostgreSQL back, the next run
# drains that spool and the three agree again. A --config file with an
# array of databases does the same as the repeated option.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_postgres
cd "$TEST_TMP"
chmod 777 "$TEST_TMP"

gen() {  # gen FIRST LAST: 2 devices x seq FIRST..LAST, 3 metrics
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
a, b = int(sys.argv[1]), int(sys.argv[2])
for seq in range(a, b + 1):
    for dev in ("P-007", "P-008"):
        d = {m: {"v": seq + i / 10, "q": 192 if i else 68} for i, m in enumerate(("temp", "pres", "flow"))}
        print(json.dumps({"topic": f"plant/{dev}/telemetry", "payload": {"msg_id": f"{dev}-{seq}",
              "device_id": dev, "ts": 1710844800000 + seq * 1000, "seq": seq, "d": d}}))
PY
}

# The readings each database holds, as sorted "device|metric|time_ns|value|quality" lines.
from_sqlite() {
  /usr/bin/python3 - "$1" <<'PY'
import sqlite3, sys, datetime
rows = sqlite3.connect(sys.argv[1]).execute("select device_id, metric, time, value, quality from readings").fetchall()
def ns(t):
    if isinstance(t, int): return t
    d = datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))
    return int(d.timestamp()) * 10**9 + d.microsecond * 1000
for r in sorted(f"{a}|{b}|{ns(t)}|{v:g}|{q}" for a, b, t, v, q in rows): print(r)
PY
}
from_line_protocol() {  # the line-protocol sink's lines: measurement,tags fields time
  /usr/bin/python3 - "$1" <<'PY'
import sys
out = []
for line in open(sys.argv[1]):
    head, fields, t = line.rstrip("\n").rsplit(" ", 2) if line.count(" ") == 2 else (None, None, None)
    if head is None: sys.exit("unexpected line: " + line)
    tags = dict(kv.split("=", 1) for kv in head.split(",")[1:])
    f = dict(kv.split("=", 1) for kv in fields.split(","))
    metric = [k for k in f if k not in ("msg_id", "seq")][0]
    out.append(f"{tags['device_id']}|{metric}|{t}|{float(f[metric]):g}|{tags['quality']}")
for r in sorted(out): print(r)
PY
}
from_postgres() {
  psql -Atc "select device_id || '|' || metric || '|' || (extract(epoch from time) * 1e9)::bigint || '|' || value || '|' || quality
             from iot.readings" | LC_ALL=C sort | /usr/bin/python3 -c '
import sys
for l in sys.stdin:
    d, m, t, v, q = l.strip().split("|"); print(f"{d}|{m}|{t}|{float(v):g}|{q}")' | LC_ALL=C sort
}
expected() {  # what gen FIRST LAST must give
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
a, b = int(sys.argv[1]), int(sys.argv[2])
out = [f"{dev}|{m}|{(1710844800000 + seq * 1000) * 10**6}|{seq + i / 10:g}|{192 if i else 68}"
       for seq in range(a, b + 1) for dev in ("P-007", "P-008") for i, m in enumerate(("temp", "pres", "flow"))]
for r in sorted(out): print(r)
PY
}
sorted() { LC_ALL=C sort; }

# 1. Three databases at once, all up.
gen 1 400 > a.ndjson
iot-ingest --db sqlite:a.db --db line-protocol:a.lp --db "$PG_URL" --schema iot --batch-size 500 \
  --metrics-file m.prom a.ndjson 2>err.log
expect_eq "exit 0 with three databases" 0 $?
expected 1 400 | sorted > want.txt
expect_eq "2400 readings expected" 2400 "$(wc -l < want.txt)"
expect_eq "SQLite holds every reading" "" "$(from_sqlite a.db | sorted | diff - want.txt)"
expect_eq "the line-protocol file holds every reading" "" "$(from_line_protocol a.lp | sorted | diff - want.txt)"
expect_eq "PostgreSQL holds every reading" "" "$(from_postgres | diff - want.txt)"
check "the summary names each database" grep -q "sqlite:a.db: 2400 rows written" err.log
check "and PostgreSQL's share, without its user" grep -q "postgresql://127.0.0.1:$PGPORT/telemetry: 2400 rows written" err.log
check "rows_written_total adds the three up" grep -qx 'iot_ingest_rows_written_total 7200' m.prom

# 2. PostgreSQL stopped for a whole run: SQLite and the file take everything,
# PostgreSQL's batches wait in its own spool folder, the run exits 75.
stop_postgres
gen 401 800 > b.ndjson
set +e
iot-ingest --db sqlite:a.db --db line-protocol:a.lp --db "$PG_URL" --schema iot --batch-size 300 \
  --spool spool --drain-timeout 1s b.ndjson 2>err2.log
rc=$?
set -e
expect_eq "exit 75: PostgreSQL's readings are spooled" 75 "$rc"
pg_spool="spool/postgresql_127.0.0.1_${PGPORT}_telemetry"
check "PostgreSQL has a spool folder of its own" test -d "$pg_spool"
check "which holds batches" bash -c "ls '$pg_spool' | grep -q '\.batch\$'"
for other in spool/*; do
  [ "$other" = "$pg_spool" ] && continue
  expect_eq "no batch spooled for $other" 0 "$(ls "$other" | grep -c '\.batch$' || true)"
done
expected 1 800 | sorted > want2.txt
expect_eq "SQLite has all of both runs" "" "$(from_sqlite a.db | sorted | diff - want2.txt)"
expect_eq "the file has all of both runs" "" "$(from_line_protocol a.lp | sorted | diff - want2.txt)"
check "the log names the lane that spools" grep -q "postgresql://127.0.0.1:$PGPORT/telemetry: .*batches remain spooled" err2.log

# 3. PostgreSQL back: the next run (no new input) drains its spool.
resume_postgres
iot-ingest --db sqlite:a.db --db line-protocol:a.lp --db "$PG_URL" --schema iot --spool spool /dev/null 2>err3.log
expect_eq "exit 0 once drained" 0 $?
expect_eq "PostgreSQL now has all of both runs" "" "$(from_postgres | diff - want2.txt)"
expect_eq "its spool is empty" 0 "$(ls "$pg_spool" | grep -c '\.batch$' || true)"
expect_eq "SQLite got nothing twice" 4800 "$(from_sqlite a.db | wc -l)"

# 4. The same databases from a --config file (a TOML array).
cat > two.toml <<TOML
db = ["sqlite:c.db", "line-protocol:c.lp"]
TOML
iot-ingest --config two.toml a.ndjson 2>/dev/null
expect_eq "--config: SQLite" "" "$(from_sqlite c.db | sorted | diff - want.txt)"
expect_eq "--config: the file" "" "$(from_line_protocol c.lp | sorted | diff - want.txt)"

# The same database twice is a usage error, not two writers on one spool.
set +e
iot-ingest --db sqlite:c.db --db sqlite:c.db /dev/null 2>dup.err
expect_eq "the same --db twice: exit 2" 2 $?
set -e
check "saying so" grep -q "same database twice" dup.err
finish
