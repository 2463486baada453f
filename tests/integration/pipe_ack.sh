#!/usr/bin/env bash
# End-to-end acknowledgement through the pipe (iot-toolkit(7), DELIVERY,
# PER HOP): iot-sub --journal --ack-file | iot-verify --filter |
# iot-ingest --ack-file into SQLite, with a real mosquitto and iot-pub at a
# fixed rate. In each case one stage is SIGKILLed at a random moment of the
# run (after a random number of rows was stored); the stages left die of the
# broken pipe, or are stopped the way a supervisor stops a unit (SIGTERM)
# when nothing more reaches them; then the whole pipeline starts again. Every
# published message must then be stored exactly once: distinct msg_ids ==
# rows == sent. The restart must write out exactly the journal lines above
# the acknowledged position, and no more.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
command -v sqlite3 >/dev/null || skip "sqlite3 not installed"
start_mosquitto
N=300      # messages per case
RATE=150   # per second: about two seconds of publishing

# make_input CASE: N nested payloads, msg_ids unique across cases, one reading each.
make_input() {
  /usr/bin/python3 - "$1" "$N" <<'PY'
import json, sys
case, n = int(sys.argv[1]), int(sys.argv[2])
for i in range(1, n + 1):
    print(json.dumps({"schema_version": "2.1", "device_id": f"D-{i % 3}",
                      "msg_id": f"01HX7K3NBVYD5V{case:04d}{i:08d}", "seq": i // 3 + 1,
                      "ts": 1710844800000 + case * 100000 + i, "d": {"temp_c": {"v": i % 50, "q": 192}}}))
PY
}
rows() { sqlite3 "$1" 'select count(*) from readings' 2>/dev/null || echo 0; }
has_rows() { [ "$(rows "$1")" -ge "$2" ]; }
no_other_rejects() { [ ! -s "$1" ] || ! grep -v '^{"reason":"duplicate"' "$1" >/dev/null; }
alive() { kill -0 "$1" 2>/dev/null; }
gone() { local p; for p in "$@"; do alive "$p" && return 1; done; return 0; }
# ack_of FILE: the acknowledged position (0 when there is no file yet).
ack_of() { if [ -s "$1" ]; then /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["jpos"])' "$1"; else echo 0; fi; }
# above_ack JOURNAL POS: how many journal lines carry a jpos above POS.
above_ack() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    if not line.endswith("\n"): break  # half-written: never replayed
    if json.loads(line)["jpos"] > int(sys.argv[2]): n += 1
print(n)
PY
}

# start_pipeline DIR RUN: the three stages joined by FIFOs, so that each has
# its own pid (SUB, VER, ING) to kill.
start_pipeline() {
  local d=$1 run=$2
  rm -f "$d/p1" "$d/p2"; mkfifo "$d/p1" "$d/p2"
  iot-sub --broker "$MQTT_URL" -t "ack$CASE/#" -q 1 --session "ack-sub-$CASE" \
    --journal "$d/journal" --ack-file "$d/ack" > "$d/p1" 2> "$d/sub-$run.err" &
  SUB=$!
  iot-verify --filter --reject "$d/rejects" < "$d/p1" > "$d/p2" 2> "$d/verify-$run.err" &
  VER=$!
  iot-ingest --db "sqlite:$d/t.db" --ack-file "$d/ack" --dlq "$d/dlq" --batch-size 40 --flush-interval 100ms \
    < "$d/p2" 2> "$d/ingest-$run.err" &
  ING=$!
}

run_case() {  # run_case CASE STAGE (sub | verify | ingest)
  CASE=$1
  local stage=$2 d=$TEST_TMP/case$1
  mkdir -p "$d"
  make_input "$CASE" > "$d/in.ndjson"
  start_pipeline "$d" 1
  wait_subscribed "$SUB" "ack-sub-$CASE" "ack$CASE/#" || fail "$stage: iot-sub did not subscribe"
  iot-pub --broker "$MQTT_URL" -t "ack$CASE/{device_id}" -q 1 --rate "$RATE" < "$d/in.ndjson" 2> "$d/pub.err" &
  local pub=$!
  # The random moment: once between a tenth and a half of the messages are stored.
  local at=$(( N / 10 + RANDOM % (N * 4 / 10) ))
  wait_for has_rows "$d/t.db" "$at" || fail "$stage: $at rows were never stored (see $d)"
  local victim
  case $stage in sub) victim=$SUB ;; verify) victim=$VER ;; ingest) victim=$ING ;; esac
  kill -9 "$victim"
  wait "$victim" 2>/dev/null || true
  wait "$pub" || fail "$stage: iot-pub failed (see $d/pub.err)"
  # The others die of the broken pipe, or, when nothing more reaches them,
  # are stopped the way a supervisor stops the rest of a failed unit.
  local p
  for p in $SUB $VER $ING; do alive "$p" && kill -TERM "$p" 2>/dev/null; done
  for p in $SUB $VER $ING; do wait "$p" 2>/dev/null || true; done
  local acked lines_above
  acked=$(ack_of "$d/ack")
  lines_above=$(above_ack "$d/journal" "$acked")
  local stored_before; stored_before=$(rows "$d/t.db")
  check "$stage: the ack file holds a position once rows were stored (jpos $acked)" test "$acked" -gt 0

  # The restart: everything not acknowledged comes from the journal, the
  # rest of what was published from the broker's session.
  start_pipeline "$d" 2
  wait_for has_rows "$d/t.db" "$N" || true
  kill -TERM "$SUB"
  for p in $SUB $VER $ING; do wait "$p" 2>/dev/null || true; done
  local replayed
  replayed=$(sed -n 's/.*: info: \([0-9]*\) line(s) from the journal.*/\1/p' "$d/sub-2.err")
  expect_eq "$stage: the restart wrote out exactly the $lines_above journal lines above jpos $acked" \
    "$lines_above" "${replayed:-0}"
  local total distinct
  read -r total distinct < <(sqlite3 -separator ' ' "$d/t.db" 'select count(*), count(distinct msg_id) from readings')
  echo "$stage killed after $at rows: $stored_before stored before the restart, acked jpos $acked," \
    "$lines_above replayed, $total rows, $distinct distinct msg_ids of $N sent"
  expect_eq "$stage: every sent msg_id is stored" "$N" "$distinct"
  expect_eq "$stage: each exactly once (rows)" "$N" "$total"
  local ids_ok
  ids_ok=$(sqlite3 "$d/t.db" "select count(*) from readings where msg_id like '01HX7K3NBVYD5V$(printf %04d "$CASE")%'")
  expect_eq "$stage: the rows are this case's messages" "$N" "$ids_ok"
  # A message both replayed from the journal and sent again by the broker
  # (it had no PUBACK yet) is a duplicate for iot-verify: nothing else may be refused.
  check "$stage: iot-ingest refused nothing" test ! -s "$d/dlq"
  check "$stage: iot-verify refused only duplicates" no_other_rejects "$d/rejects"
  check "$stage: the final ack file is well-formed and covers what is stored" \
    test "$(ack_of "$d/ack")" -ge "$acked"
}

run_case 1 sub
run_case 2 verify
run_case 3 ingest

# --- --to-stream: a Redis that stays away fails the batch; nothing past it is acknowledged ---
start_redis
d=$TEST_TMP/stream
mkdir -p "$d"
make_input 9 > "$d/raw.ndjson"
head -20 "$d/raw.ndjson" | /usr/bin/python3 -c '
import json, sys
for i, line in enumerate(sys.stdin, 1):
    print(json.dumps({"topic": "s/D", "payload": json.loads(line), "jpos": i}))' > "$d/in.ndjson"
mkfifo "$d/in"
iot-ingest --db "sqlite:$d/t.db" --to-stream "$REDIS_URL/copy" --ack-file "$d/ack" --retry-for 1s \
  --flush-interval 50ms < "$d/in" 2> "$d/ingest.err" &
ING=$!
exec 5> "$d/in"
head -10 "$d/in.ndjson" >&5
acked_is() { [ "$(ack_of "$1")" = "$2" ]; }
# The last line's position waits for the next one (alarms may follow a line).
wait_for acked_is "$d/ack" 9 || fail "--to-stream: the first lines were never acknowledged (see $d)"
expect_eq "--to-stream: the acknowledged lines are in the stream" 10 "$(redis-cli -p "$REDIS_PORT" xlen copy)"
kill -9 "$REDIS_PID"
wait "$REDIS_PID" 2>/dev/null || true
tail -10 "$d/in.ndjson" >&5
exec 5>&-
rc=0; wait "$ING" || rc=$?
expect_eq "--to-stream: Redis gone past --retry-for fails the run (69)" 69 "$rc"
check "... saying so" grep -q "to-stream: Redis" "$d/ingest.err"
expect_eq "--to-stream: the ack file stays where it was before the batch that failed" 9 "$(ack_of "$d/ack")"

# --- iot-ingest: the last line's position waits for the next one ---
# An alarm iot-verify --rules writes right after a reading has no position
# of its own: until a later position shows up, more may follow that line.
d=$TEST_TMP/holdback
mkdir -p "$d"
mkfifo "$d/in"
iot-ingest --db "sqlite:$d/t.db" --ack-file "$d/ack" --flush-interval 50ms < "$d/in" 2> "$d/ingest.err" &
ING=$!
exec 7> "$d/in"
sed -n '1,2p' "$TEST_TMP/stream/in.ndjson" >&7   # jpos 1 and 2
ack_exists() { [ -s "$1" ]; }
wait_for ack_exists "$d/ack" || fail "iot-ingest wrote no ack file"
check "rows of both lines are stored" has_rows "$d/t.db" 2
expect_eq "the ack file covers the line before the last (jpos 1)" 1 "$(ack_of "$d/ack")"
sed -n '3p' "$TEST_TMP/stream/in.ndjson" >&7
wait_for acked_is "$d/ack" 2 || fail "jpos 2 was not acknowledged once jpos 3 came"
exec 7>&-
wait "$ING" || fail "iot-ingest failed (see $d/ingest.err)"
expect_eq "at the end of the input the last line still waits (jpos 2)" 2 "$(ack_of "$d/ack")"

# --- iot-verify: a reject record is on disk before the next line with a position goes out ---
# (else a SIGKILL after that line was acknowledged would lose the record).
d=$TEST_TMP/verify
mkdir -p "$d"
mkfifo "$d/in" "$d/out"
iot-verify --filter --reject "$d/rejects" < "$d/in" > "$d/out" 2> /dev/null &
VER=$!
cat "$d/out" > "$d/passed" &
CAT=$!
exec 6> "$d/in"
echo '{"topic":"v/D-1","payload":{"device_id":"D-1"},"qos":9,"jpos":1}' >&6
head -1 "$TEST_TMP/case1/in.ndjson" | /usr/bin/python3 -c '
import json, sys
print(json.dumps({"topic": "v/D-1", "payload": json.loads(sys.stdin.readline()), "jpos": 2}))' >&6
has_lines() { [ -f "$1" ] && [ "$(grep -c '' "$1")" -ge "$2" ]; }
wait_for has_lines "$d/passed" 1 || fail "iot-verify did not pass the good line"
kill -9 "$VER"
wait "$VER" 2>/dev/null || true
exec 6>&-
wait "$CAT" || true
check "iot-verify: the reject before a passed jpos line survives its SIGKILL" \
  grep -q '"reason":"schema","detail":"qos is not 0, 1 or 2"' "$d/rejects"

# A malformed ack file stops iot-sub at the start with a clear message (before any connection).
printf 'jpos=12\n' > "$TEST_TMP/bad-ack"
rc=0
iot-sub --broker "$MQTT_URL" -t 'x/#' --journal "$TEST_TMP/j" --ack-file "$TEST_TMP/bad-ack" -C 1 \
  > /dev/null 2> "$TEST_TMP/bad.err" || rc=$?
check "a malformed ack file: iot-sub exits non-zero" test "$rc" -ne 0
check "a malformed ack file: the message names the file and the expected shape" \
  grep -q "ack file $TEST_TMP/bad-ack: not an ack file: found \"jpos=12\" (an ack file holds one line {\"jpos\":N}" "$TEST_TMP/bad.err"
rc=0
iot-sub --broker "$MQTT_URL" -t x --ack-file "$TEST_TMP/a" -C 1 > /dev/null 2> "$TEST_TMP/needs.err" || rc=$?
expect_eq "iot-sub --ack-file without --journal is a usage error" 2 "$rc"
check "... that says it needs --journal" grep -q -- "--journal" "$TEST_TMP/needs.err"
finish
