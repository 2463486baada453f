#!/usr/bin/env bash
# iot-ingest into a real PostgreSQL (plain: no TimescaleDB here): tables
# created, COPY path and the ON CONFLICT path, values compared with psql;
# PostgreSQL stopped mid-stream and started again: every reading lands once.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_postgres
cd "$TEST_TMP"
chmod 777 "$TEST_TMP"

gen() {  # gen FIRST LAST: 2 devices x seq FIRST..LAST, 6 metrics
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
a, b = int(sys.argv[1]), int(sys.argv[2])
for seq in range(a, b + 1):
    for dev in ("P-007", "P-008"):
        d = {m: {"v": seq + i / 10, "q": 192 if i else 68} for i, m in enumerate(("temp", "tout", "pres", "flow", "vib", "pow"))}
        print(json.dumps({"topic": f"plant/{dev}/telemetry", "payload": {"schema_version": "2.1", "msg_id": f"{dev}-{seq}",
              "device_id": dev, "ts": 1710844800000 + seq * 1000, "seq": seq, "d": d}}))
PY
}
gen 1 500 > a.ndjson
iot-ingest --db "$PG_URL" --schema iot --batch-size 600 --dlq dlq.ndjson a.ndjson 2>err.log
expect_eq "rows landed" 6000 "$(psql -Atc 'select count(*) from iot.readings')"
expect_eq "a value" "P-008|flow|250.3|192" "$(psql -Atc "select device_id, metric, value, quality from iot.readings where device_id='P-008' and metric='flow' and seq=250")"
expect_eq "quality 68" 1000 "$(psql -Atc "select count(*) from iot.readings where quality=68")"
expect_eq "time" "2024-03-19 10:40:01+00" "$(PGTZ=UTC psql -Atc "select min(time) from iot.readings")"
check "plain PostgreSQL said in the log" grep -q "TimescaleDB not present" err.log
expect_eq "BRIN index" 1 "$(psql -Atc "select count(*) from pg_indexes where schemaname='iot' and indexdef like '%brin%'")"

# Overlapping data (251..750): the fast COPY conflicts, the batch is
# redone through the staging table; duplicates counted, none stored twice.
gen 251 750 > b.ndjson
iot-ingest --db "$PG_URL" --schema iot --dedup off b.ndjson 2>err2.log
expect_eq "overlap stored once" 9000 "$(psql -Atc 'select count(*) from iot.readings')"
check "key duplicates counted" grep -q "3000 by key" err2.log

# Rollups as materialized views, refreshed on demand.
iot-ingest --db "$PG_URL" --schema iot --refresh-rollups 2>/dev/null
expect_eq "rollup 1h" "P-007|temp|750" "$(psql -Atc "select device_id, metric, sum(count) from iot.readings_1h where device_id='P-007' and metric='temp' group by 1,2")"

# Gaps table through PostgreSQL.
gen 1 10 | grep -v '"seq": 4,' > g.ndjson
iot-ingest --db "$PG_URL" --schema gapsdb g.ndjson 2>/dev/null
expect_eq "gap rows" "P-007|4|4
P-008|4|4" "$(psql -Atc 'select device_id, from_seq, to_seq from gapsdb.gaps order by 1')"

# Outage: PostgreSQL stops mid-stream; batches spool to disk and are sent when it is back.
# Each step waits for what it needs, not for a time: the first 300 lines
# (seq 1001..1150) committed, then PostgreSQL stopped and the next 300 lines
# fed until a batch lies in the spool, then PostgreSQL back: the spool is
# sent while no line comes (not only when the next batch pushes it out),
# then the rest fed.
gen 1001 1400 > c.ndjson
committed() { [ "$(psql -Atc "select count(*) from iot.readings where seq between $1 and $2" 2>/dev/null)" = "$3" ]; }
spooled() { ls spool 2>/dev/null | grep -q '\.batch$'; }
drained_while_idle() { ! spooled && committed 1001 1300 3600; }
( sed -n 1,300p c.ndjson; wait_for committed 1001 1150 1800 || echo "the first 300 lines were not committed" >&2
  stop_postgres; sed -n 301,600p c.ndjson; wait_for spooled || echo "nothing was spooled" >&2
  resume_postgres; wait_for drained_while_idle || echo "not sent while idle" > idle.fail
  sed -n '601,$p' c.ndjson ) \
  | iot-ingest --db "$PG_URL" --schema iot --spool spool --flush-interval 200ms --batch-size 300 --drain-timeout 30s \
      --metrics-file m.prom 2>err3.log
rc=$?
expect_eq "outage run exit" 0 $rc
expect_eq "every reading landed once" 13800 "$(psql -Atc 'select count(*) from iot.readings')"
expect_eq "no duplicate keys" 0 "$(psql -Atc 'select count(*) from (select 1 from iot.readings group by device_id, metric, time having count(*) > 1) x')"
check "batches were spooled" grep -Eq '^iot_ingest_spooled_batches_total [1-9]' m.prom
expect_eq "spool empty" 0 "$(ls spool | grep -c batch || true)"
check "the spool was sent while the input was idle" test ! -e idle.fail

# Database away for good: what was spooled stays, exit 75; the next run sends it.
stop_postgres
set +e
gen 2001 2010 | iot-ingest --db "$PG_URL" --schema iot --spool spool2 --drain-timeout 1s 2>/dev/null
expect_eq "exit 75 with a spool left" 75 $?
set -e
resume_postgres
iot-ingest --db "$PG_URL" --schema iot --spool spool2 /dev/null 2>/dev/null
expect_eq "next run drained the spool" 13920 "$(psql -Atc 'select count(*) from iot.readings')"
# A constraint of the operator's own: rows the database refuses go to the
# DLQ with its reason; every other row of the batch lands.
psql -qc "create schema chk; create table chk.readings (time timestamptz not null, device_id text not null,
  metric text not null, value double precision check (value is null or value < 300), quality smallint not null default 192,
  tenant text, protocol text, unit text, msg_id text, seq bigint, tags jsonb, extra jsonb, primary key (device_id, metric, time))"
gen 1 400 | iot-ingest --db "$PG_URL" --schema chk --dlq chk-dlq.ndjson 2>chk.log
expect_eq "refused rows do not fail the run" 0 $?
# value = seq + i/10 >= 300 from seq 300 on (i = 0) or 300 (i > 0): 101 or 100 per metric and device
expect_eq "rows the CHECK allows landed" $((4800 - 2 * (101 + 5 * 101))) "$(psql -Atc 'select count(*) from chk.readings')"
expect_eq "each refused row in the DLQ" $((2 * (101 + 5 * 101))) "$(grep -c '"reason":"db_rejected"' chk-dlq.ndjson)"

finish
