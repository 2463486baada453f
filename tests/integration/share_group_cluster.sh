#!/usr/bin/env bash
# Scaling out on a Redis Cluster gives the same rows: the same messages
# through one iot-sub | iot-ingest --to-stream and one iot-ingest --from
# --group, then through two of each (iot-sub --share, one consumer group),
# end in the same set of rows, none lost and none stored twice, and both
# members of each pair did part of the work. (Speed: scripts/bench/scaleout.)
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_mosquitto
start_redis_cluster 3 0
cd "$TEST_TMP"
/usr/bin/python3 - <<'PY'
import json
with open("msgs.ndjson", "w") as out:
    for i in range(3000):
        dev = f"P-{i % 50:03d}"
        out.write(json.dumps({"msg_id": f"m{i}", "device_id": dev, "ts": 1710844800000 + i, "seq": i // 50,
                              "d": {"flow": {"v": i, "q": 192}, "temp": {"v": i / 10, "q": 192}}}) + "\n")
PY
rows_in() { /usr/bin/python3 -c '
import sqlite3, sys
n = 0
for f in sys.argv[1:]:
    try: n += sqlite3.connect(f).execute("select count(*) from readings").fetchone()[0]
    except sqlite3.Error: pass
print(n)' "$@"; }
all_in() { local want=$1; shift; [ "$(rows_in "$@")" = "$want" ]; }

run() {  # run K: K iot-sub --share | iot-ingest --to-stream, K iot-ingest --from --group
  local k=$1 i pids=()
  for ((i=1; i<=k; i++)); do
    mkfifo "edge$k$i.fifo"
    iot-sub --broker "$MQTT_URL" -q 1 --share "g$k" -i "sub$k$i" -t 'm/#' > "edge$k$i.fifo" 2>"sub$k$i.log" &
    local sub=$!; pids+=($sub)
    iot-ingest --db "sqlite:edge$k$i.db" --to-stream "$REDIS_CLUSTER_URL/s:{{k$k}}" "edge$k$i.fifo" 2>"edge$k$i.log" &
    pids+=($!)
    wait_subscribed "$sub" "sub$k$i" "\$share/g$k/m/#" || fail "iot-sub $k$i did not subscribe"
  done
  for ((i=1; i<=k; i++)); do
    iot-ingest --from "$REDIS_CLUSTER_URL/s:{k$k}" --group g --consumer "c$k$i" --db "sqlite:cloud$k$i.db" \
      2>"cloud$k$i.log" &
    pids+=($!)
  done
  iot-pub --broker "$MQTT_URL" -q 1 -t 'm/{device_id}' msgs.ndjson 2>"pub$k.log" || fail "iot-pub failed"
  local dbs=(); for ((i=1; i<=k; i++)); do dbs+=("cloud$k$i.db"); done
  wait_for all_in 6000 "${dbs[@]}" || fail "run $k: $(rows_in "${dbs[@]}") of 6000 rows"
  kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
}
run 1
run 2
expect_eq "1+1 stored every row" 6000 "$(rows_in cloud11.db)"
expect_eq "2+2 stored every row, none twice" 6000 "$(rows_in cloud21.db cloud22.db)"
same=$(/usr/bin/python3 - <<'PY'
import sqlite3
def rows(*files):
    out = []
    for f in files:
        out += sqlite3.connect(f).execute("select device_id, metric, time, value, msg_id from readings").fetchall()
    return sorted(out)
print("same" if rows("cloud11.db") == rows("cloud21.db", "cloud22.db") else "different")
PY
)
expect_eq "2+2 stored the same rows as 1+1" same "$same"
for f in edge21.db edge22.db cloud21.db cloud22.db; do
  check "$f did part of the work" test "$(rows_in $f)" -gt 0
done
finish
