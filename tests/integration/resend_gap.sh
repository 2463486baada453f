#!/usr/bin/env bash
# The resend loop (iot-toolkit(7), RESEND ON GAP) with a real broker:
#   - heal: iot-pub --keep sends P-1 seqs 1..30; a filter between iot-sub
#     and iot-ingest drops seqs 11..13 the first time they pass; iot-ingest
#     --resend asks for them, iot-pub sends them again (same msg_id) and the
#     gap heals: every seq stored, the gap row filled, the summary counts
#     3 resent and 1 healed;
#   - gone: a second iot-pub keeps only 0.3 s and P-2's seqs 5..7 are
#     dropped the same way: it answers the request with a gone notice, the
#     gap is lost for good (a gap_lost note in the DLQ, its row unfilled) and
#     no more requests are sent for it;
#   - iot-verify --resend heals V-1's seqs 4..5 the same way on a chain of
#     its own (iot-sub | drop | iot-verify --filter): its output has every
#     seq, its summary counts 2 resent and 1 healed;
#   - iot-pub --keep 300ms ends by itself at the end of its input and
#     says it answered with gone notices;
#   - interop: mosquitto_sub reads a request and a gone notice (Python's
#     json checks their members), and a request written by mosquitto_pub
#     makes iot-pub send the messages again with their msg_id.
# Every wait is for a state (a subscription in the broker's log, rows in the
# database, a line in a file), never for a fixed time.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_mosquitto
T=$TEST_TMP

make_input() {  # make_input DEVICE COUNT
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
dev, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    print(json.dumps({"device_id": dev, "msg_id": f"{dev}-m{i:03d}", "seq": i, "ts": 1767225600000 + i,
                      "d": {"temp_c": {"v": 20 + i % 7, "q": 192}}}))
PY
}
# drop.py: passes envelope lines through, except the first time each of the
# given (device, seq) pairs comes by: the loss happens between iot-pub and
# the database, where no broker or client can notice it.
cat > "$T/drop.py" <<'PY'
import json, sys
drop = {(d, int(s)) for d, s in (a.split(":") for a in sys.argv[1:])}
for line in sys.stdin:
    p = json.loads(line).get("payload") or {}
    key = (p.get("device_id"), p.get("seq"))
    if key in drop:
        drop.discard(key)
        continue
    sys.stdout.write(line)
    sys.stdout.flush()
PY
q() { sqlite3 "$T/db.sqlite" "$1" 2>/dev/null || true; }

# The requests and gone notices on the wire, as another program sees them.
mosquitto_sub -p "$MQTT_PORT" -i watch-resend -v -t 'plant/+/resend' -t 'plant/+/resend/gone' > "$T/wire.txt" &
WATCH=$!
at_exit "kill $WATCH"
wait_subscribed "$WATCH" watch-resend 'plant/+/resend/gone' || fail "mosquitto_sub did not subscribe"

# The ingest side: iot-sub | drop | iot-ingest --resend.
( iot-sub --broker "$MQTT_URL" -i sub-resend -q 1 -t 'plant/+/telemetry' \
    | /usr/bin/python3 "$T/drop.py" P-1:11 P-1:12 P-1:13 P-2:5 P-2:6 P-2:7 \
    | iot-ingest --db "sqlite:$T/db.sqlite" --dlq "$T/dlq.ndjson" --flush-interval 100ms \
        --resend "$MQTT_URL" --resend-after 300ms --resend-tries 3 ) 2> "$T/ingest.err" &
PIPE=$!
at_exit "pkill -P $PIPE; kill $PIPE"
wait_subscribed "$PIPE" sub-resend 'plant/+/telemetry' || fail "iot-sub did not subscribe"

# The same loss before iot-verify --filter --resend, for V-1 only (through
# cat: a pipe, so iot-verify writes each line as it passes).
( iot-sub --broker "$MQTT_URL" -i sub-verify -q 1 -t 'plant/V-1/telemetry' \
    | /usr/bin/python3 "$T/drop.py" V-1:4 V-1:5 \
    | iot-verify --filter --resend "$MQTT_URL" --resend-after 300ms --resend-tries 3 | cat > "$T/verified.ndjson" ) \
  2> "$T/verify.err" &
VERIFY=$!
at_exit "pkill -P $VERIFY; kill $VERIFY"
wait_subscribed "$VERIFY" sub-verify 'plant/V-1/telemetry' || fail "iot-sub (verify) did not subscribe"

# --- heal ---
{ make_input P-1 30; make_input V-1 10; } > "$T/p1.ndjson"
iot-pub --broker "$MQTT_URL" -i pub-keep -t 'plant/{device_id}/telemetry' --outbox "$T/outbox1.db" \
  --keep 60s "$T/p1.ndjson" 2> "$T/pub1.err" &
PUB1=$!
at_exit "kill $PUB1"
healed() { [ "$(q "SELECT count(DISTINCT seq) FROM readings WHERE device_id='P-1'")" = 30 ] &&
           [ "$(q "SELECT count(*) FROM gaps WHERE device_id='P-1' AND filled_at IS NOT NULL")" = 1 ]; }
check "P-1: every seq stored and the gap row filled after the resend" wait_for healed
expect_eq "P-1: the gap row is the range that was missing" "11|13" \
  "$(q "SELECT from_seq, to_seq FROM gaps WHERE device_id='P-1'")"
expect_eq "P-1: the resent seqs stored once each" "3" \
  "$(q "SELECT count(*) FROM readings WHERE device_id='P-1' AND seq BETWEEN 11 AND 13")"
check "the request went out on plant/P-1/resend" grep -q '^plant/P-1/resend {' "$T/wire.txt"
verified() { [ "$(/usr/bin/python3 -c 'import json,sys; print(len({json.loads(l)["payload"]["seq"] for l in open(sys.argv[1])}))' "$T/verified.ndjson" 2>/dev/null)" = 10 ]; }
check "V-1: iot-verify --filter passes every seq after its resend request" wait_for verified

# --- gone ---
mkfifo "$T/p2.fifo"
iot-pub --broker "$MQTT_URL" -i pub-short -t 'plant/{device_id}/telemetry' --outbox "$T/outbox2.db" \
  --keep 300ms "$T/p2.fifo" 2> "$T/pub2.err" &
PUB2=$!
at_exit "kill $PUB2"
exec 7> "$T/p2.fifo"  # held open: iot-pub stays up (and answers) after the kept messages expired
make_input P-2 20 >&7
lost() { grep -q '"reason":"gap_lost"' "$T/dlq.ndjson" 2>/dev/null; }
check "P-2: the gap is recorded lost for good (gap_lost in the DLQ)" wait_for lost
# Given up because of the gone notice, not after --resend-tries unanswered requests.
check "P-2: lost because the publisher no longer holds them" \
  grep -q 'device P-2 seqs 5..7 lost for good: the publisher no longer holds them' "$T/dlq.ndjson"
check "P-2: the gone notice went out on plant/P-2/resend/gone" grep -q '^plant/P-2/resend/gone {' "$T/wire.txt"
expect_eq "P-2: the gap row stays unfilled" "5|7|" \
  "$(q "SELECT from_seq, to_seq, coalesce(filled_at, '') FROM gaps WHERE device_id='P-2'")"
expect_eq "P-2: seqs 5..7 not stored" "17" "$(q "SELECT count(DISTINCT seq) FROM readings WHERE device_id='P-2'")"

# --- interop: the messages on the wire, read by Python's json ---
/usr/bin/python3 - "$T/wire.txt" > "$T/wire.check" <<'PY' || true
import json, sys
req = gone = None
for line in open(sys.argv[1]):
    topic, _, body = line.rstrip("\n").partition(" ")
    m = json.loads(body)
    if topic == "plant/P-1/resend" and req is None: req = m
    if topic == "plant/P-2/resend/gone" and gone is None: gone = m
print(sorted(req), req["device_id"], req["from_seq"], req["to_seq"], req["requested_at"].endswith("Z"))
print(sorted(gone), gone["device_id"], gone["from_seq"], gone["to_seq"])
PY
expect_eq "a request as JSON" "['device_id', 'from_seq', 'requested_at', 'to_seq'] P-1 11 13 True" \
  "$(sed -n 1p "$T/wire.check")"
expect_eq "a gone notice as JSON" "['device_id', 'from_seq', 'gone_at', 'to_seq'] P-2 5 7" "$(sed -n 2p "$T/wire.check")"

# A request from mosquitto_pub: iot-pub sends seqs 1..2 of P-1 again, same msg_ids.
mosquitto_sub -p "$MQTT_PORT" -i watch-data -t 'plant/P-1/telemetry' -C 2 > "$T/again.txt" &
AGAIN=$!
at_exit "kill $AGAIN"
wait_subscribed "$AGAIN" watch-data 'plant/P-1/telemetry' || fail "mosquitto_sub did not subscribe"
mosquitto_pub -p "$MQTT_PORT" -q 1 -t plant/P-1/resend -m '{"device_id":"P-1","from_seq":1,"to_seq":2}'
wait "$AGAIN" || true
expect_eq "a request from mosquitto_pub: seqs 1 and 2 again with their msg_ids" "P-1-m001 P-1-m002" \
  "$(/usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["msg_id"] for l in open(sys.argv[1]))))' "$T/again.txt")"

# The end of its input: the short-keep iot-pub has nothing left to keep and
# ends by itself, 0, saying it sent nothing again and answered with gone.
exec 7>&-
wait "$PUB2" && rc=0 || rc=$?
expect_eq "iot-pub --keep 300ms ends at the end of its input" 0 "$rc"
check "iot-pub: no message sent again, gone notices sent" \
  grep -qE 'resend: [1-9][0-9]* requests answered, 0 messages sent again, [1-9][0-9]* gone notices' "$T/pub2.err"

# The summary: stop the pipeline (iot-ingest prints it when interrupted).
kill -INT "$PIPE" 2>/dev/null || true
pkill -INT -P "$PIPE" 2>/dev/null || true
wait "$PIPE" 2>/dev/null || true
grep -q 'resend:' "$T/ingest.err" || cat "$T/ingest.err" >&2
check "summary: 3 resent, 1 healed, 1 lost (1 gone)" grep -q '3 resent, 1 healed, 1 lost (1 gone)' "$T/ingest.err"
kill -INT "$VERIFY" 2>/dev/null || true
pkill -INT -P "$VERIFY" 2>/dev/null || true
wait "$VERIFY" 2>/dev/null || true
grep -q 'resend:' "$T/verify.err" || cat "$T/verify.err" >&2
check "iot-verify summary: 2 resent, 1 healed" grep -q '2 resent, 1 healed, 0 lost' "$T/verify.err"
finish
