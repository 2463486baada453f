#!/usr/bin/env bash
# iot-ingest against a real Redis Cluster (three masters, a replica each):
# --to-stream, --from ... --group and --dedup with a redis+cluster:// URL;
# keys land on the master owning their slot, a tenant's hash tag keeps its
# stream and DLQ stream together, and a replica promoted while a writer and
# a reader run (CLUSTER FAILOVER, then a master killed) loses nothing.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_redis_cluster 3 1
cd "$TEST_TMP"
C=$REDIS_CLUSTER_URL
q() { /usr/bin/python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(sys.argv[2]).fetchone()[0])' "$1" "$2"; }
rc() { redis-cli -c -p "${REDIS_CLUSTER_PORTS[0]}" "$@" | tr -d '\r'; }
gen() {  # gen FIRST LAST TENANTS...: one line per device and seq
  /usr/bin/python3 - "$@" <<'PY'
import json, sys
first, last, tenants = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
for seq in range(first, last + 1):
    for t in tenants:
        for dev in ("A", "B"):
            d = f"{t}-{dev}"
            print(json.dumps({"topic": f"i/{t}/{d}", "fields": {"tenant": t}, "payload": {"msg_id": f"{d}-{seq}",
                  "device_id": d, "ts": 1710844800000 + seq, "seq": seq, "d": {"x": {"v": seq, "q": 192}}}}))
PY
}
stream_of() { echo "tenant:{$1}:agent:devices:ingestion"; }
rows_are() { [ "$(q "$1" 'select count(*) from readings' 2>/dev/null || echo 0)" = "$2" ]; }

# --to-stream: one stream per tenant, hash-tagged, each on its slot's master.
gen 1 500 t1 t2 t3 t4 t5 t6 > a.ndjson
iot-ingest --db sqlite:edge.db --to-stream "$C/tenant:{{{tenant}}}:agent:devices:ingestion" a.ndjson 2>edge.log
expect_eq "edge rows" 6000 "$(q edge.db 'select count(*) from readings')"
masters=""
for t in t1 t2 t3 t4 t5 t6; do
  s=$(stream_of $t)
  expect_eq "stream of $t holds its entries" 1000 "$(rc xlen "$s")"
  owner=$(redis_cluster_master_of "$s")
  expect_eq "stream of $t lives on the master of its slot" 1000 "$(redis-cli -p "$owner" xlen "$s" | tr -d '\r')"
  # The hash tag: the tenant's DLQ stream and device keys share the slot.
  expect_eq "tenant $t's keys share one slot" "$(rc cluster keyslot "$s")" "$(rc cluster keyslot "$s:dlq")"
  expect_eq "tenant $t's device key too" "$(rc cluster keyslot "$s")" "$(rc cluster keyslot "tenant:{$t}:device:42:state")"
  masters+="$owner "
done
check "the six tenants' streams spread over more than one master" \
  test "$(echo $masters | tr ' ' '\n' | sort -u | wc -l)" -gt 1

# Two workers in one group split each stream; rows once each.
for t in t1 t2; do
  s="$C/$(stream_of $t)"
  iot-ingest --from "$s" --group g --consumer w1 --db sqlite:cloud-$t.db --idle 2s --batch-size 100 2>w1-$t.log &
  p1=$!
  iot-ingest --from "$s" --group g --consumer w2 --db sqlite:cloud-$t.db --idle 2s --batch-size 100 2>w2-$t.log &
  p2=$!
  wait $p1; wait $p2
  expect_eq "cloud rows of $t, once each" 1000 "$(q cloud-$t.db 'select count(*) from readings')"
  expect_eq "nothing pending for $t" 0 "$(rc xpending "$(stream_of $t)" g | head -1)"
done

# Shared dedup on the cluster: the keys spread over the masters; a second
# worker drops everything the first stored.
gen 1 50 t1 t2 t3 > d.ndjson
iot-ingest --db sqlite:d1.db --dedup "$C" d.ndjson 2>/dev/null
iot-ingest --db sqlite:d2.db --dedup "$C" d.ndjson 2>/dev/null
expect_eq "first worker stored" 300 "$(q d1.db 'select count(*) from readings')"
expect_eq "second worker dropped all by msg_id" 0 "$(q d2.db 'select count(*) from readings')"
holding=0
for p in "${REDIS_CLUSTER_PORTS[@]}"; do
  [ "$(redis-cli -p "$p" role | head -1 | tr -d '\r')" = master ] || continue
  n=$(redis-cli -p "$p" --scan --pattern 't?-?:t?-?-*' | grep -c . || true)
  [ "$n" -gt 0 ] && holding=$((holding + 1))
done
check "dedup keys on more than one master" test "$holding" -gt 1
expect_eq "a dedup key" 1 "$(rc exists t2-B:t2-B-7)"

# Failover while running: a writer fed through a pipe and a group reader on
# tenant t7's stream; between the phases its master hands over to its replica.
S7=$(stream_of t7)
gen 1 400 t7 > f1.ndjson
gen 401 800 t7 > f2.ndjson
gen 801 1200 t7 > f3.ndjson
mkfifo feed
iot-ingest --db sqlite:fw.db --to-stream "$C/tenant:{{t7}}:agent:devices:ingestion" --batch-size 50 --flush-interval 100ms feed 2>fw.log &
writer=$!
exec 7>feed  # (the reader must not hold the feed open: 7>&-)
iot-ingest --from "$C/$S7" --group g7 --consumer r1 --db sqlite:fr.db --batch-size 50 2>fr.log 7>&- &
reader=$!
cat f1.ndjson >&7
wait_for rows_are fr.db 800 || fail "phase 1 not read"
redis_cluster_failover "$S7"
check "the stream's master changed" test "$(redis_cluster_master_of "$S7")" = "$REDIS_FAILOVER_NEW"
cat f2.ndjson >&7
wait_for rows_are fr.db 1600 || fail "phase 2 not read after the failover"
# Now the master is killed outright; its replica (the old master) is
# promoted once the others see it fail. Only once the replica holds every
# entry, so that what the test counts was written before the kill.
old=$(redis_cluster_master_of "$S7")
replica=$(redis_cluster_replica_of "$old")
replica_holds() { [ "$(printf 'READONLY\nXLEN %s\n' "$S7" | redis-cli -p "$replica" | tail -1 | tr -d '\r')" = "$1" ]; }
wait_for replica_holds 1600 ||
  fail "the replica did not catch up"
victim=${REDIS_CLUSTER_PIDS[$(redis_cluster_index_of "$old")]}
kill -9 "$victim"; wait "$victim" 2>/dev/null || true
cat f3.ndjson >&7
exec 7>&-
wait $writer
expect_eq "writer exit status after the failovers" 0 $?
wait_for rows_are fr.db 2400 || fail "phase 3 not read after the kill"
kill -TERM $reader; wait $reader || true
expect_eq "the promoted replica owns the stream" "$replica" "$(redis_cluster_master_of "$S7")"
expect_eq "every row written at the edge" 2400 "$(q fw.db 'select count(*) from readings')"
expect_eq "every row read in the cloud, none lost" 2400 "$(q fr.db 'select count(*) from readings')"
check "the stream holds every entry" test "$(redis-cli -c -p "$replica" xlen "$S7" | tr -d '\r')" -ge 2400
expect_eq "nothing left pending" 0 "$(redis-cli -c -p "$replica" xpending "$S7" g7 | head -1 | tr -d '\r')"
finish
