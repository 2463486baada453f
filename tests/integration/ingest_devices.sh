#!/usr/bin/env bash
# iot-ingest --devices (iot-ingest(1), Enrichment) against real SQLite and
# PostgreSQL, rows checked with the sqlite3 and psql clients: tags from a
# CSV file (quotes, embedded commas, CRLF), an NDJSON file and table:NAME;
# unit.METRIC; route tags winning; unknown devices counted or rejected
# (--require-known); a bad table refused at start; reloads mid-stream (a
# changed file, SIGHUP, --devices-reload) with no line lost, and a bad
# reload keeping the table in use; --tag-sets (iot-ingest(1), Tag sets):
# the same tags by reference, a reload making new sets, two processes
# sharing the tables.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"

gen() {  # gen FIRST LAST DEVICE...: one nested message a device and seq, metrics temp_c and flow
  /usr/bin/python3 - "$@" <<'PY'
import json, sys
a, b, devices = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
for seq in range(a, b + 1):
    for dev in devices:
        d = {"temp_c": {"v": seq / 10, "q": 192}, "flow": {"v": seq, "q": 192}}
        print(json.dumps({"topic": f"plant/{dev}/telemetry", "payload": {"schema_version": "2.1", "msg_id": f"{dev}-{seq}",
              "device_id": dev, "ts": 1710844800000 + seq * 1000, "seq": seq, "d": d}}))
PY
}
tags() {  # tags DB DEVICE METRIC SEQ: the stored tags of one reading
  sqlite3 "$1" "select tags from readings where device_id='$2' and metric='$3' and seq=$4"
}

# --- A CSV file: quoted fields, an embedded comma and quote, CRLF, unit.METRIC
printf 'device_id,device_type,site,"area, zone",unit.temp_c\r\nP-1,pump,"Plant ""A"", east",north,degC\r\nP-2,fan,B,,\r\n' > devices.csv
gen 1 3 P-1 P-2 P-9 > a.ndjson
iot-ingest --db sqlite:a.db --devices devices.csv --metrics-file a.prom a.ndjson 2>a.log
expect_eq "every reading stored, the unknown device's too" 18 "$(sqlite3 a.db 'select count(*) from readings')"
expect_eq "CSV columns as tags, unit for its metric" '{"area, zone":"north","device_type":"pump","site":"Plant \"A\", east","unit":"degC"}' "$(tags a.db P-1 temp_c 2)"
expect_eq "no unit tag for another metric" '{"area, zone":"north","device_type":"pump","site":"Plant \"A\", east"}' "$(tags a.db P-1 flow 2)"
expect_eq "unit column filled from unit.temp_c" "degC|" "$(sqlite3 a.db "select group_concat(distinct unit) from readings where device_id='P-1' and metric='temp_c'")|$(sqlite3 a.db "select group_concat(distinct unit) from readings where metric='flow'")"
expect_eq "empty fields are no tags" '{"device_type":"fan","site":"B"}' "$(tags a.db P-2 temp_c 1)"
expect_eq "unknown device stored as it is" "6|" "$(sqlite3 a.db "select count(*), group_concat(distinct tags) from readings where device_id='P-9'")"
check "summary counts unknown_devices readings" grep -q "6 unknown_devices readings" a.log
check "metrics count unknown_devices" grep -qx "iot_ingest_unknown_devices_total 6" a.prom
check "the load said how many devices" grep -q -- "--devices devices.csv: 2 devices" a.log

# --- The route's tags win over the table's; the table fills in the rest
cat > routes.toml <<'TOML'
[[route]]
pattern = "plant/{device}/telemetry"
shape = "nested"
[route.tags]
site = "from-route"
TOML
iot-ingest --db sqlite:r.db --registry routes.toml --devices devices.csv a.ndjson 2>r.log
expect_eq "route tag wins on a clash" '{"area, zone":"north","device_type":"pump","site":"from-route"}' "$(tags r.db P-1 flow 1)"
expect_eq "route tags for an unknown device" '{"site":"from-route"}' "$(tags r.db P-9 flow 1)"

# --- An NDJSON file, unit as a nested object
printf '{"device_id":"P-1","site":"N","floor":3,"unit":{"flow":"m3/h"}}\n{"device_id":"P-2","spare":true,"x":null}\n' > devices.ndjson
iot-ingest --db sqlite:n.db --devices devices.ndjson a.ndjson 2>n.log
expect_eq "NDJSON columns as tags" '{"floor":"3","site":"N","unit":"m3/h"}' "$(tags n.db P-1 flow 1)"
expect_eq "NDJSON booleans as text, null left out" '{"spare":"true"}' "$(tags n.db P-2 flow 1)"

# --- --require-known: the unknown device's lines go to the DLQ, the rest lands
iot-ingest --db sqlite:k.db --devices devices.csv --require-known --dlq k-dlq.ndjson a.ndjson 2>k.log
rc=$?
expect_eq "require-known run exit" 0 $rc
expect_eq "known devices stored" "12|0" "$(sqlite3 k.db 'select count(*) from readings')|$(sqlite3 k.db "select count(*) from readings where device_id='P-9'")"
expect_eq "unknown lines rejected with reason unknown_device" 3 "$(grep -c '"reason":"unknown_device"' k-dlq.ndjson)"
/usr/bin/python3 - k-dlq.ndjson <<'PY' || fail "DLQ records do not hold the rejected line"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert json.loads(r["line"])["payload"]["device_id"] == "P-9", r
    assert "P-9" in r["detail"], r
PY
set +e; iot-ingest --db sqlite:k2.db --devices devices.csv --require-known --strict a.ndjson 2>/dev/null; rc=$?; set -e
expect_eq "--strict: rejected unknown devices exit 1" 1 $rc
set +e; iot-ingest --db sqlite:k3.db --require-known a.ndjson 2>k3.log; rc=$?; set -e
expect_eq "--require-known without --devices is a usage error" 2 $rc

# --- A bad table stops the run at start, naming the place
printf 'device_id,site\r\nP-1,A\r\nP-1,B\r\n' > dup.csv
set +e; iot-ingest --db sqlite:bad.db --devices dup.csv a.ndjson 2>bad.log; rc=$?; set -e
expect_eq "a device twice: exit 2" 2 $rc
check "the message names the record" grep -q "dup.csv, record 3: device_id P-1 appears twice" bad.log
printf 'device_id,site\nP-1,"open\n' > open.csv
set +e; iot-ingest --db sqlite:bad.db --devices open.csv a.ndjson 2>bad2.log; rc=$?; set -e
expect_eq "an open quote: exit 2" 2 $rc
check "the message names the line" grep -q "line 2: a quoted field is not closed" bad2.log
set +e; iot-ingest --db sqlite:bad.db --devices no-such.csv a.ndjson 2>bad3.log; rc=$?; set -e
expect_eq "a missing file: exit 74" 74 $rc
set +e; iot-ingest --db influxdb://127.0.0.1:1/x --devices table:devices a.ndjson 2>bad4.log; rc=$?; set -e
expect_eq "table: on a database without tables: exit 2" 2 $rc

# --- Live: a fed pipe, the table reloaded mid-stream, no line lost.
# live_start DB ARGS...: iot-ingest reading the FIFO "feed" (fd 3 writes it).
live_start() {
  rm -f feed; mkfifo feed
  iot-ingest "$@" --flush-interval 100ms --metrics-file live.prom < feed 2>live.log &
  LIVE_PID=$!
  exec 3>feed
}
live_end() { exec 3>&-; wait "$LIVE_PID"; }
logged() { grep -q -- "$1" live.log; }
rows_sqlite() { [ "$(sqlite3 "$1" 'select count(*) from readings' 2>/dev/null)" = "$2" ]; }

# A file replaced (written aside, renamed over): reloaded when it changes;
# then a broken one: the table in use stays.
gen 1 300 P-1 P-2 > live.ndjson
printf 'device_id,site\nP-1,old\nP-2,old\n' > live.csv
live_start --db sqlite:f.db --devices live.csv
sed -n 1,200p live.ndjson >&3
wait_for rows_sqlite f.db 400 || fail "the first 200 lines were not stored"
printf 'device_id,site\nP-1,new\nP-2,new\n' > live.csv.new && mv live.csv.new live.csv
wait_for logged "reloaded (changed), 2 devices" || fail "the changed file was not reloaded"
sed -n 201,400p live.ndjson >&3
wait_for rows_sqlite f.db 800 || fail "lines 201-400 were not stored"
printf 'device_id,site\nP-1,broken\nP-1,twice\n' > live.csv.new && mv live.csv.new live.csv
wait_for logged "failed, the table loaded before stays in use" || fail "the broken reload was not reported"
sed -n '401,$p' live.ndjson >&3
live_end
expect_eq "file reload: every line stored" 1200 "$(sqlite3 f.db 'select count(*) from readings')"
expect_eq "before the change: old tags" 400 "$(sqlite3 f.db "select count(*) from readings where seq <= 100 and tags = '{\"site\":\"old\"}'")"
expect_eq "after the change: new tags" 800 "$(sqlite3 f.db "select count(*) from readings where seq between 101 and 300 and tags = '{\"site\":\"new\"}'")"
check "the broken reload is counted" grep -qx "iot_ingest_devices_failed_reloads_total 1" live.prom

# table:NAME in the SQLite database, reloaded on SIGHUP (no periodic reload).
sqlite3 t.db "CREATE TABLE devices (device_id TEXT PRIMARY KEY, site TEXT, \"unit.flow\" TEXT);
              INSERT INTO devices VALUES ('P-1', 'old', 'l/s'), ('P-2', NULL, NULL);"
live_start --db sqlite:t.db --devices table:devices --devices-reload 0
sed -n 1,200p live.ndjson >&3
wait_for rows_sqlite t.db 400 || fail "the first 200 lines were not stored"
sqlite3 t.db "UPDATE devices SET site = 'new'"
kill -HUP "$LIVE_PID"
wait_for logged "reloaded (SIGHUP), 2 devices" || fail "SIGHUP did not reload the table"
sed -n '201,$p' live.ndjson >&3
live_end
rc=$?
expect_eq "SIGHUP run exit" 0 $rc
expect_eq "SIGHUP: every line stored" 1200 "$(sqlite3 t.db 'select count(*) from readings')"
expect_eq "table: tags and unit.flow before SIGHUP" '{"site":"old","unit":"l/s"}|l/s' "$(sqlite3 t.db "select tags, unit from readings where device_id='P-1' and metric='flow' and seq=1")"
expect_eq "table: new tags after SIGHUP" 400 "$(sqlite3 t.db "select count(*) from readings where device_id='P-1' and seq > 100 and tags like '%\"site\":\"new\"%'")"
expect_eq "table: NULL is no tag" "" "$(tags t.db P-2 flow 1)"
check "no reload but the one asked for" grep -qx "iot_ingest_devices_reloads_total 1" live.prom

# --- PostgreSQL: table:NAME in --schema, periodic reload, --require-known
start_postgres
psql -q -c "CREATE SCHEMA plant; CREATE TABLE plant.devices (device_id text PRIMARY KEY, device_type text, site text, \"unit.temp_c\" text, floor int);
            INSERT INTO plant.devices VALUES ('P-1', 'pump', 'Plant \"A\", east', 'degC', 3), ('P-2', 'fan', NULL, NULL, NULL)"
iot-ingest --db "$PG_URL" --schema plant --devices table:devices --require-known --dlq pg-dlq.ndjson a.ndjson 2>pg.log
expect_eq "PostgreSQL: known devices stored" 12 "$(psql -Atc 'select count(*) from plant.readings')"
expect_eq "PostgreSQL: tags from table:devices" 'pump|Plant "A", east|3|degC|4|degC' \
  "$(psql -Atc "select tags->>'device_type', tags->>'site', tags->>'floor', tags->>'unit', (select count(*) from jsonb_object_keys(tags)), unit
                from plant.readings where device_id='P-1' and metric='temp_c' and seq=1")"
expect_eq "PostgreSQL: NULL columns are no tags" '{"device_type": "fan"}' "$(psql -Atc "select tags from plant.readings where device_id='P-2' and metric='flow' and seq=1")"
expect_eq "PostgreSQL: unknown device rejected" 3 "$(grep -c '"reason":"unknown_device"' pg-dlq.ndjson)"
set +e; iot-ingest --db "$PG_URL" --schema plant --devices table:no_such_table a.ndjson 2>pg-bad.log; rc=$?; set -e
expect_eq "PostgreSQL: a missing table is exit 2" 2 $rc
check "PostgreSQL: the message names the table" grep -q "table:no_such_table" pg-bad.log

test_ge() { [ "$($1)" -ge "$2" ]; }
rows_pg() { [ "$(psql -Atc 'select count(*) from live.readings' 2>/dev/null)" = "$1" ]; }
psql -q -c "CREATE SCHEMA live; CREATE TABLE live.devices (device_id text, site text); INSERT INTO live.devices VALUES ('P-1', 'old'), ('P-2', 'old')"
live_start --db "$PG_URL" --schema live --devices table:devices --devices-reload 200ms
sed -n 1,200p live.ndjson >&3
wait_for rows_pg 400 || fail "PostgreSQL: the first 200 lines were not stored"
psql -q -c "UPDATE live.devices SET site = 'new'"
# A reload logged after the UPDATE may have read the table before it; the
# second one logged after it started after it.
periodic() { grep -c "reloaded (periodic)" live.log || true; }
after_update=$(periodic)
wait_for test_ge periodic $((after_update + 2)) || fail "no periodic reload after the update"
sed -n '201,$p' live.ndjson >&3
live_end
rc=$?
expect_eq "PostgreSQL periodic run exit" 0 $rc
expect_eq "PostgreSQL periodic: every line stored" 1200 "$(psql -Atc 'select count(*) from live.readings')"
expect_eq "PostgreSQL periodic: old tags first" 400 "$(psql -Atc "select count(*) from live.readings where seq <= 100 and tags->>'site' = 'old'")"
expect_eq "PostgreSQL periodic: new tags after the update" 800 "$(psql -Atc "select count(*) from live.readings where seq > 100 and tags->>'site' = 'new'")"

# --- --tag-sets: the tags of every reading by reference, the same as in the rows
iot-ingest --db sqlite:s.db --devices devices.csv --tag-sets a.ndjson 2>s.log
expect_eq "tag sets: every reading stored" 18 "$(sqlite3 s.db 'select count(*) from readings')"
expect_eq "tag sets: no tags text in the rows" 0 "$(sqlite3 s.db 'select count(*) from readings where tags is not null')"
expect_eq "tag sets: one a device and unit variant" 3 "$(sqlite3 s.db 'select count(*) from readings_tag_sets')"
expect_eq "tag sets: the view gives each row the tags --devices stores in it" 0 \
  "$(sqlite3 s.db "attach 'a.db' as a; select count(*) from a.readings x full join readings_tagged t using (device_id, metric, time) where x.tags is not t.tags")"
set +e; iot-ingest --db influxdb://127.0.0.1:1/x --tag-sets a.ndjson 2>s-bad.log; rc=$?; set -e
expect_eq "--tag-sets without a SQL database is a usage error" 2 $rc
# An existing table gains the column; a reload's new tags are a new set and
# the readings before it keep theirs.
cp f.db fs.db
printf 'device_id,site\nP-1,old\nP-2,old\n' > live.csv
gen 301 400 P-1 P-2 > later.ndjson
live_start --db sqlite:fs.db --devices live.csv --tag-sets
sed -n 1,100p later.ndjson >&3
wait_for rows_sqlite fs.db 1400 || fail "tag sets: the first 100 lines were not stored"
printf 'device_id,site\nP-1,newer\nP-2,newer\n' > live.csv.new && mv live.csv.new live.csv
wait_for logged "reloaded (changed), 2 devices" || fail "tag sets: the changed file was not reloaded"
sed -n '101,$p' later.ndjson >&3
live_end
expect_eq "tag sets on a table from before: every line stored" 1600 "$(sqlite3 fs.db 'select count(*) from readings')"
expect_eq "tag sets: the rows from before keep their own tags" 1200 \
  "$(sqlite3 fs.db "select count(*) from readings r join readings_tagged t using (device_id, metric, time) where r.seq <= 300 and r.tag_set is null and t.tags = r.tags")"
expect_eq "tag sets: old, then newer, by reference" "old|newer" \
  "$(sqlite3 fs.db "select json_extract(tags, '\$.site') from readings_tagged where device_id='P-1' and metric='flow' and seq in (301, 400) order by seq" | paste -sd'|')"
expect_eq "tag sets: two sets, one a site" 2 "$(sqlite3 fs.db 'select count(*) from readings_tag_sets')"

# PostgreSQL: two processes at once, sharing the tables; the same rows and
# tags as one process storing the tags in each row.
gen 1 200 P-1 P-2 P-9 > b1.ndjson
gen 201 400 P-1 P-2 P-9 > b2.ndjson
iot-ingest --db "$PG_URL" --schema inline --devices devices.csv b1.ndjson b2.ndjson 2>pg-inline.log
set +e
iot-ingest --db "$PG_URL" --schema sets --devices devices.csv --tag-sets b1.ndjson 2>pg-s1.log &
s1=$!
iot-ingest --db "$PG_URL" --schema sets --devices devices.csv --tag-sets b2.ndjson 2>pg-s2.log
s2rc=$?
wait $s1; s1rc=$?
set -e
expect_eq "PostgreSQL tag sets: both processes exit 0" "0 0" "$s1rc $s2rc"
expect_eq "PostgreSQL tag sets: every reading" 2400 "$(psql -Atc 'select count(*) from sets.readings')"
expect_eq "PostgreSQL tag sets: each set once" "3|3" "$(psql -Atc 'select count(*), count(distinct tags) from sets.readings_tag_sets')"
expect_eq "PostgreSQL tag sets: the tags --devices stores in the rows" 0 \
  "$(psql -Atc "select count(*) from inline.readings x full join sets.readings_tagged t using (device_id, metric, time) where x.tags is distinct from t.tags")"
expect_eq "PostgreSQL tag sets: the unknown device has none" "800|0" \
  "$(psql -Atc "select count(*), count(tag_set) from sets.readings where device_id = 'P-9'")"

finish
