#!/usr/bin/env bash
# iot-ingest stores the alarm envelopes of iot-verify --rules (iot-stream(5),
# ALARMS) in alarms and alarm_state (iot-ingest(1), Tables), SQLite and
# PostgreSQL alike: iot-replay's injected faults through iot-verify --filter
# --rules into iot-ingest --create, the rows compared with what Python's
# json reads from a tee'd copy (tests/lib/alarm_expect.py). The readings in
# the same stream still land; the same capture ingested twice changes
# nothing; a duplicated and reordered alarm stream gives the same
# alarm_state. A sink that cannot hold alarms rejects them as unsupported.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
PY=/usr/bin/python3
EXPECT="$IOT_SOURCE_DIR/tests/lib/alarm_expect.py"

cat > faults.toml <<'TOML'
[[rule]]
name = "flat"
stuck = "20s"
epsilon = 0

[[rule]]
name = "watchdog"
device = "P-*"
silence = "10s"
TOML

iot-replay --synthetic devices=12,duration=900,seed=7 --fast --inject stuck=0.003,dead=0.003,hold=30s \
  | iot-verify --filter --rules faults.toml 2>verify.log | tee capture.ndjson \
  | iot-ingest --db sqlite:alarms.db --create --dlq dlq.ndjson 2>ingest.log
alarm_lines=$($PY -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["payload"].get("kind") == "alarm"))' capture.ndjson)
data_lines=$(( $(wc -l < capture.ndjson) - alarm_lines ))
echo "capture: $alarm_lines alarm lines, $data_lines data lines"
check "the faults raised alarms" test "$alarm_lines" -ge 4
check "some raise and some clear" $PY -c '
import json, sys
states = {json.loads(l)["payload"].get("state") for l in open(sys.argv[1])}
sys.exit(not {"raise", "clear"} <= states)' capture.ndjson
check "nothing rejected" test ! -s dlq.ndjson

$PY "$EXPECT" capture.ndjson alarms > expect_alarms.txt
$PY "$EXPECT" capture.ndjson state > expect_state.txt
sqlite_alarms() { sqlite3 "$1" "select msg_id||'|'||device_id||'|'||rule||'|'||check_name||'|'||metric||'|'||state||'|'||ts_ms from alarms order by msg_id"; }
# Times back to Unix milliseconds for the comparison (the columns are RFC 3339).
sqlite_state() {
  sqlite3 "$1" "select device_id||'|'||rule||'|'||check_name||'|'||metric||'|'||active||'|'||
    coalesce(cast(round((julianday(first_seen)-2440587.5)*86400000) as integer),'')||'|'||
    coalesce(cast(round((julianday(last_seen)-2440587.5)*86400000) as integer),'')||'|'||raises||'|'||
    coalesce(cast(round((julianday(cleared_at)-2440587.5)*86400000) as integer),'')
    from alarm_state order by device_id, rule, check_name, metric"
}
check "both active and cleared alarms to compare" bash -c 'grep -q "|1|" expect_state.txt && grep -q "|0|" expect_state.txt'
sqlite_alarms alarms.db > got_alarms.txt
sqlite_state alarms.db > got_state.txt
check "sqlite alarms = the capture's alarm lines" diff expect_alarms.txt got_alarms.txt
check "sqlite alarm_state = the fold of the capture's alarms" diff expect_state.txt got_state.txt
expect_eq "one alarm row per alarm line" "$alarm_lines" "$(sqlite3 alarms.db 'select count(*) from alarms')"
readings=$($PY -c '
import json, sys
n = 0
for l in open(sys.argv[1]):
    p = json.loads(l)["payload"]
    if p.get("kind") != "alarm": n += len(p.get("d", {}))
print(n)' capture.ndjson)
expect_eq "the readings of the same stream still land" "$readings" "$(sqlite3 alarms.db 'select count(*) from readings')"
check "the summary counts the alarms" grep -q "$alarm_lines alarms ($alarm_lines new, 0 already stored)" ingest.log

# --- the same capture again: nothing changes ------------------------------
sqlite3 alarms.db .dump > before.sql
iot-ingest --db sqlite:alarms.db --create capture.ndjson 2>again.log
sqlite3 alarms.db .dump > after.sql
check "re-ingest changes nothing" cmp -s before.sql after.sql
check "re-ingest: every alarm already stored" grep -q "$alarm_lines alarms (0 new, $alarm_lines already stored)" again.log

# --- duplicated and reordered: the same alarm_state -----------------------
$PY -c '
import json, random, sys
lines = [l for l in open(sys.argv[1]) if json.loads(l)["payload"].get("kind") == "alarm"]
mixed = lines + lines[::2]
random.Random(5).shuffle(mixed)
sys.stdout.writelines(mixed)' capture.ndjson > shuffled.ndjson
check "the shuffle really reorders" bash -c '! cmp -s <(grep "\"kind\":\"alarm\"" capture.ndjson) shuffled.ndjson'
iot-ingest --db sqlite:shuffled.db --create --batch-size 3 shuffled.ndjson 2>shuffled.log
sqlite_state shuffled.db > shuffled_state.txt
check "duplicated and reordered: same alarm_state" diff expect_state.txt shuffled_state.txt
expect_eq "duplicated and reordered: each alarm once" "$alarm_lines" "$(sqlite3 shuffled.db 'select count(*) from alarms')"

# --- PostgreSQL, checked with psql ------------------------------------------
start_postgres
iot-ingest --db "$PG_URL" --create capture.ndjson 2>pg.log
iot-ingest --db "$PG_URL" --create --batch-size 3 shuffled.ndjson 2>pg2.log
psql -Atc "select msg_id||'|'||device_id||'|'||rule||'|'||check_name||'|'||metric||'|'||state||'|'||ts_ms from alarms order by msg_id" > pg_alarms.txt
psql -Atc "select device_id||'|'||rule||'|'||check_name||'|'||metric||'|'||(case when active then 1 else 0 end)||'|'||
  coalesce(((extract(epoch from first_seen)*1000)::bigint)::text,'')||'|'||coalesce(((extract(epoch from last_seen)*1000)::bigint)::text,'')||'|'||
  raises||'|'||coalesce(((extract(epoch from cleared_at)*1000)::bigint)::text,'') from alarm_state order by device_id, rule, check_name, metric" > pg_state.txt
check "postgresql alarms = the capture's alarm lines" diff expect_alarms.txt pg_alarms.txt
check "postgresql alarm_state = the fold, after a duplicated and reordered re-ingest" diff expect_state.txt pg_state.txt
expect_eq "postgresql readings" "$readings" "$(psql -Atc 'select count(*) from readings')"

# --- a registry route of kind alarm: alarms only ----------------------------
cat > registry.toml <<'TOML'
[[route]]
pattern = "alarms/#"
kind = "alarm"

[[route]]
pattern = "#"
TOML
$PY -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
alarms = [e for e in lines if e["payload"].get("kind") == "alarm"]
reading = next(e for e in lines if e["payload"].get("kind") != "alarm")
reading["topic"] = "alarms/not/an/alarm"
for e in alarms + [reading]:
    print(json.dumps(e))' capture.ndjson > routed.ndjson
iot-ingest --db sqlite:routed.db --create --registry registry.toml --dlq routed_dlq.ndjson routed.ndjson 2>routed.log
expect_eq "kind = alarm route: the alarms stored" "$alarm_lines" "$(sqlite3 routed.db 'select count(*) from alarms')"
expect_eq "kind = alarm route: a reading on it rejected as schema" "schema" \
  "$($PY -c 'import json,sys; print(",".join(json.loads(l)["reason"] for l in open(sys.argv[1])))' routed_dlq.ndjson)"
printf '[[route]]\npattern = "#"\nkind = "gauge"\n' > bad.toml
rc=0; iot-ingest --db sqlite:bad.db --registry bad.toml /dev/null 2>bad.log || rc=$?
check "an unknown kind: refused at load" test "$rc" -ne 0
check "the refusal names the key" grep -q 'route 1: kind: unknown kind "gauge"' bad.log

# --- a sink without alarm tables: rejected, named, never dropped ----------
iot-ingest --db line-protocol:out.lp --dlq lp_dlq.ndjson capture.ndjson 2>lp.log || true
expect_eq "line protocol: each alarm rejected as unsupported" "$alarm_lines" \
  "$($PY -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["reason"] == "unsupported"))' lp_dlq.ndjson)"
check "line protocol: the readings still written" test -s out.lp
finish
