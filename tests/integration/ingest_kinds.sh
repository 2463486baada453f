#!/usr/bin/env bash
# Route kinds (iot-registry(5), KINDS) through examples/seed001-iotistica.toml:
# all eight of seed 001's topic kinds, duplicated, reordered and late, into
# iot-ingest --create on SQLite and PostgreSQL with --notify on a real Redis.
# The tables hold what iot-ingest(1) Tables says (sqlite3 and psql read
# them); a redis-cli SUBSCRIBEd to the state and metrics channels receives
# each distinct message once; XRANGE on the log stream shows every log line;
# a job update without a status is rejected as schema naming the kind.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
PY=/usr/bin/python3
REG=$IOT_SOURCE_DIR/examples/seed001-iotistica.toml
start_redis

$PY - <<'PY'
import base64, json, uuid
tenant = "0a1b2c3d4e5f"
agent = "5b8f2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
t64 = base64.urlsafe_b64encode(bytes.fromhex(tenant)).decode().rstrip("=")
a64 = base64.urlsafe_b64encode(uuid.UUID(agent).bytes).decode().rstrip("=")
base = f"i/{t64}/a/{a64}/"
T = 1773916800000
out = []
def send(tail, payload): out.append(json.dumps({"topic": base + tail, "payload": payload}))
state = {i: {"msg_id": f"s{i}", "ts": T + i * 1000, "apps": {"web": "running"}, "version": i} for i in (1, 2, 3)}
metrics = {i: {"msg_id": f"m{i}", "ts": T + i * 1000, "d": {"cpu": {"v": 10 + i}, "mem": {"v": 40 + i}}} for i in (1, 2, 3)}
jobs = {"queued": 1, "running": 2, "done": 3}
# state: newer, late older, newest, a copy
for i in (2, 1, 3, 2): send("state", state[i])
for i in (1, 2, 1, 3): send("metrics", metrics[i])
send("events/anomaly", {"severity": "high", "score": 0.97, "ts": T})
send("events/anomaly", {"severity": "high", "score": 0.97, "ts": T})   # a copy (no msg_id: the digest)
send("events/alert", {"severity": "low", "ts": T + 1000})
for n in range(5): send("logs/nginx", {"message": f"GET /{n}", "level": "info", "ts": T + n})
send("logs/nginx", {"message": "GET /0", "level": "info", "ts": T})     # a copy
send("agent/startup", {"version": "1.4.2", "ts": T})
for status in ("running", "done", "queued"):                             # queued arrives late
    send("jobs/J-1/update", {"msg_id": f"j-{status}", "status": status, "progress": jobs[status] * 33, "ts": T + jobs[status] * 1000})
send("jobs/J-1/update", {"msg_id": "j-done", "status": "done", "progress": 99, "ts": T + 3000})  # a copy
send("jobs/J-1/update", {"msg_id": "j-bad", "progress": 5, "ts": T + 4000})                     # no status
send("jobs/start-next", {"msg_id": "r1", "ts": T})
open("in.ndjson", "w").write("\n".join(out) + "\n")
open("channels.txt", "w").write(f"tenant:{{{tenant}}}:device:{agent}:state tenant:{{{tenant}}}:device:{agent}:metrics\n")
open("stream.txt", "w").write(f"tenant:{{{tenant}}}:agent:logs\n")
PY
read -r STATE_CH METRICS_CH < channels.txt
LOG_STREAM=$(cat stream.txt)
check "the hash tag is seed 001's" test "$STATE_CH" = "tenant:{0a1b2c3d4e5f}:device:5b8f2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b:state"

# --- without --notify a channel route is refused at load ---------------------
rc=0; iot-ingest --db sqlite:none.db --registry "$REG" /dev/null 2>nonotify.log || rc=$?
expect_eq "a channel without --notify: usage error" 2 "$rc"
check "the refusal names the route and --notify" grep -q "route 2: channel needs --notify redis://HOST\[:PORT\]/" nonotify.log

# --- SQLite, with a subscriber on both channels ------------------------------
stdbuf -oL redis-cli -p "$REDIS_PORT" --csv SUBSCRIBE "$STATE_CH" "$METRICS_CH" > sub.txt 2>&1 &
SUB_PID=$!
at_exit "kill $SUB_PID"
subscribed() { [ "$(redis-cli -p "$REDIS_PORT" PUBSUB NUMSUB "$STATE_CH" "$METRICS_CH" | sed -n '2p;4p' | tr -d '\n')" = "11" ]; }
wait_for subscribed || fail "redis-cli did not subscribe"
iot-ingest --db sqlite:kinds.db --create --registry "$REG" --notify "$REDIS_URL/" --dlq dlq.ndjson in.ndjson 2>sqlite.log
received() { [ "$(grep -c '^"message"' sub.txt)" -ge 6 ]; }
wait_for received || fail "the subscriber did not get 6 messages: $(cat sub.txt)"
q() { sqlite3 kinds.db "$1"; }
expect_eq "agent_state: one row, the newest state" "s3|3" "$(q "select msg_id || '|' || json_extract(state, '$.version') from agent_state")"
expect_eq "agent_state_history: each state once" "s1 s2 s3" "$(q "select group_concat(msg_id, ' ') from (select msg_id from agent_state_history order by time)")"
expect_eq "agent_job_status: the newest update wins over a late older one" "J-1|done|99|j-done" \
  "$(q "select job_id || '|' || status || '|' || printf('%g', progress) || '|' || msg_id from agent_job_status")"
expect_eq "events: event and lifecycle, a copy once" "alert|low anomaly|high startup|" \
  "$(q "select group_concat(type || '|' || coalesce(severity, ''), ' ') from (select * from events order by type)")"
expect_eq "job_requests: one" "1" "$(q "select count(*) from job_requests")"
expect_eq "metrics stored as readings of agent_metrics" "6" "$(q "select count(*) from agent_metrics")"
expect_eq "logs go to the stream, not the table (no store = true)" "0" "$(q "select count(*) from logs")"
expect_eq "the job update without status rejected as schema" "schema|kind job: no status" \
  "$($PY -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print("|".join([r[0]["reason"], r[0]["detail"]]) if len(r) == 1 else r)' dlq.ndjson)"
# Each distinct state and metrics message once, in its channel, as sent.
$PY - "$STATE_CH" "$METRICS_CH" <<'PY' > channel_check.txt
import json, sys
got = {}
for line in open("sub.txt"):
    if not line.startswith('"message"'): continue
    row = json.loads("[" + line + "]")  # redis-cli --csv: quoted, backslash-escaped
    got.setdefault(row[1], []).append(json.loads(row[2])["msg_id"])
print(sorted(got.get(sys.argv[1], [])), sorted(got.get(sys.argv[2], [])))
PY
expect_eq "subscriber: each state and metrics message exactly once" "['s1', 's2', 's3'] ['m1', 'm2', 'm3']" "$(cat channel_check.txt)"
expect_eq "XRANGE: every log line once" "GET /0,GET /1,GET /2,GET /3,GET /4" \
  "$(redis-cli -p "$REDIS_PORT" --json XRANGE "$LOG_STREAM" - + | $PY -c '
import json, sys
lines = []
for entry_id, fields in json.load(sys.stdin):
    fields = dict(zip(fields[::2], fields[1::2]))
    lines.append(json.loads(fields["data"])["message"])
print(",".join(lines))')"
check "the summary counts notices" grep -q "11 notices sent" sqlite.log

# --- the same again: nothing changes -----------------------------------------
sqlite3 kinds.db .dump > before.sql
iot-ingest --db sqlite:kinds.db --create --registry "$REG" --notify "$REDIS_URL/" in.ndjson 2>again.log
sqlite3 kinds.db .dump > after.sql
check "re-ingest changes no table" cmp -s before.sql after.sql

# --- a sink without the kinds' tables: rejected, named, never dropped -------
iot-ingest --db line-protocol:out.lp --registry "$REG" --notify "$REDIS_URL/" --dlq lp_dlq.ndjson in.ndjson 2>lp.log || true
expect_eq "line protocol: state, event, lifecycle, job and request lines unsupported; metrics and logs still go" \
  "unsupported:13" "$($PY -c '
import json, sys
r = [json.loads(l)["reason"] for l in open(sys.argv[1])]
print("unsupported:%d" % r.count("unsupported"))' lp_dlq.ndjson)"
check "line protocol: the metrics readings still written" grep -q "^agent_metrics\|^readings" out.lp

# --- PostgreSQL, read with psql ------------------------------------------------
start_postgres
iot-ingest --db "$PG_URL" --create --registry "$REG" --notify "$REDIS_URL/" in.ndjson 2>pg.log
$PY -c 'import sys; l = open(sys.argv[1]).read().splitlines(); print("\n".join(l[::-1]))' in.ndjson > reversed.ndjson
iot-ingest --db "$PG_URL" --registry "$REG" --notify "$REDIS_URL/" --dedup off reversed.ndjson 2>pg2.log
p() { psql -Atc "$1"; }
expect_eq "pg agent_state: the newest state" "s3|3" "$(p "select msg_id || '|' || (state->>'version') from agent_state")"
expect_eq "pg agent_state_history" "3" "$(p "select count(*) from agent_state_history")"
expect_eq "pg agent_job_status: newest wins" "J-1|done|99" "$(p "select job_id || '|' || status || '|' || progress from agent_job_status")"
expect_eq "pg events" "3" "$(p "select count(*) from events")"
expect_eq "pg job_requests" "1" "$(p "select count(*) from job_requests")"
expect_eq "pg agent_metrics readings" "6" "$(p "select count(*) from agent_metrics")"

# --- PostgreSQL away: the kinds' rows wait in the spool, then land ------------
stop_postgres
rc=0; iot-ingest --db "$PG_URL" --schema spooled --registry "$REG" --notify "$REDIS_URL/" --spool spool \
  --drain-timeout 0s in.ndjson 2>spool.log || rc=$?
expect_eq "database away: the batch is spooled (exit 75)" 75 "$rc"
resume_postgres
iot-ingest --db "$PG_URL" --schema spooled --registry "$REG" --notify "$REDIS_URL/" --spool spool /dev/null 2>drain.log
expect_eq "from the spool: the newest state" "s3" "$(p "select msg_id from spooled.agent_state")"
expect_eq "from the spool: the newest job update" "done" "$(p "select status from spooled.agent_job_status")"
expect_eq "from the spool: events, requests, history" "3|1|3" \
  "$(p "select (select count(*) from spooled.events) || '|' || (select count(*) from spooled.job_requests) || '|' || (select count(*) from spooled.agent_state_history)")"
finish
