#!/usr/bin/env bash
# iot-ingest with Redis: --to-stream fans lines into a stream; two workers
# in one group split it; a worker killed with SIGKILL leaves entries pending
# that another claims; nothing lost, nothing doubled. --dedup redis:// too.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_redis
cd "$TEST_TMP"
q() { /usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(sys.argv[2]).fetchone()[0])' "$1" "$2"; }
gen() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
for seq in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    for dev in ("A", "B", "C"):
        print(json.dumps({"topic": f"i/t1/{dev}", "fields": {"tenant": "t1"}, "payload": {"msg_id": f"{dev}{seq}",
              "device_id": dev, "ts": 1710844800000 + seq, "seq": seq, "d": {"x": {"v": seq, "q": 192}}}}))
PY
}
gen 1 1000 > a.ndjson
iot-ingest --db sqlite:edge.db --to-stream "$REDIS_URL/tenant:{tenant}:agent:devices:ingestion" a.ndjson 2>/dev/null
expect_eq "edge rows" 3000 "$(q edge.db 'select count(*) from readings')"
expect_eq "stream entries (tenant-scoped name)" 3000 "$(redis-cli -p $REDIS_PORT xlen tenant:t1:agent:devices:ingestion)"

# Two workers in one group split the stream; each row once.
S="$REDIS_URL/tenant:t1:agent:devices:ingestion"
iot-ingest --from "$S" --group g --consumer w1 --db sqlite:cloud.db --idle 2s --batch-size 200 2>w1.log &
p1=$!
iot-ingest --from "$S" --group g --consumer w2 --db sqlite:cloud.db --idle 2s --batch-size 200 2>w2.log &
p2=$!
wait $p1; wait $p2
expect_eq "cloud rows, once each" 3000 "$(q cloud.db 'select count(*) from readings')"
expect_eq "nothing pending" 0 "$(redis-cli -p $REDIS_PORT xpending tenant:t1:agent:devices:ingestion g | head -1)"
n1=$(grep -oE '^iot-ingest: info: [0-9]+ lines' w1.log | grep -oE '[0-9]+ lines' | grep -oE '[0-9]+' || echo 0)
n2=$(grep -oE '^iot-ingest: info: [0-9]+ lines' w2.log | grep -oE '[0-9]+ lines' | grep -oE '[0-9]+' || echo 0)
expect_eq "the two workers together read every entry once" 3000 $((n1 + n2))

# SIGKILL while reading: its pending entries are claimed by another worker.
gen 1001 3000 > b.ndjson
/usr/bin/python3 - "$REDIS_PORT" b.ndjson <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
def cmd(*a):
    out = b"*%d\r\n" % len(a)
    for x in a:
        x = x.encode() if isinstance(x, str) else x
        out += b"$%d\r\n%s\r\n" % (len(x), x)
    return out
buf = b"".join(cmd("XADD", "work", "*", "data", line.rstrip("\n")) for line in open(sys.argv[2]))
s.sendall(buf)
need = sum(1 for _ in open(sys.argv[2])); got = b""
while got.count(b"\r\n") < 2 * need: got += s.recv(65536)
PY
iot-ingest --from "$REDIS_URL/work" --group g2 --consumer victim --db sqlite:k.db --batch-size 1000000 \
  --flush-interval 1h 2>/dev/null &
victim=$!
for _ in $(seq 50); do
  p=$(redis-cli -p $REDIS_PORT xpending work g2 2>/dev/null | head -1)
  [[ "$p" =~ ^[1-9][0-9]*$ ]] && break; sleep 0.1
done
kill -9 $victim; wait $victim 2>/dev/null || true
check "victim left entries pending" test "$(redis-cli -p $REDIS_PORT xpending work g2 | head -1)" -gt 0
iot-ingest --from "$REDIS_URL/work" --group g2 --consumer rescuer --claim-idle 500ms --idle 3s --db sqlite:k.db 2>rescue.log
expect_eq "every entry stored once after the claim" 6000 "$(q k.db 'select count(*) from readings')"
expect_eq "nothing pending after the rescue" 0 "$(redis-cli -p $REDIS_PORT xpending work g2 | head -1)"

# Shared dedup in Redis: a second worker drops what the first stored.
gen 1 50 > d.ndjson
iot-ingest --db sqlite:d1.db --dedup "$REDIS_URL" d.ndjson 2>/dev/null
iot-ingest --db sqlite:d2.db --dedup "$REDIS_URL" d.ndjson 2>dd.log
expect_eq "first worker stored" 150 "$(q d1.db 'select count(*) from readings')"
expect_eq "second worker dropped all by msg_id" 0 "$(q d2.db 'select count(*) from readings')"
expect_eq "dedup keys" 1 "$(redis-cli -p $REDIS_PORT exists A:A1)"
finish
