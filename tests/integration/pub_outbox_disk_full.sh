#!/usr/bin/env bash
# iot-pub --outbox on a filesystem that fills up (iot-pub(1), --outbox):
# the input is a plain pipe that cannot offer a line twice, the broker is up,
# the outbox lives on a small tmpfs of its own that a ballast file fills to
# the last byte mid-stream. iot-pub must log the full disk, stop reading,
# stay up (never exit 74), and once the ballast is gone commit what it held
# and send it: every line reaches the subscriber exactly once. Stopped
# while the disk is still full, it says how many lines it read and could
# not commit, and exits 75.
# No step waits for a fixed time: each waits for the state it needs.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs"
mkdir disk
mount -t tmpfs -o size=8m tmpfs disk || skip "cannot mount a tmpfs here"
at_exit "umount -l '$TEST_TMP/disk'"
start_mosquitto

FIRST=200 SECOND=2000
TOTAL=$((FIRST + SECOND))
PAD=$(printf 'x%.0s' $(seq 1 900))
lines() { local i; for ((i=$1; i<=$2; i++)); do printf '{"device_id":"D","n":%d,"pad":"%s"}\n' "$i" "$PAD"; done; }
received() { [ "$(wc -l < sub.out)" -ge "$1" ]; }
logged() { grep -q "$1" pub.err; }
fill_up() { dd if=/dev/zero of=disk/ballast bs=64k 2>/dev/null || true; dd if=/dev/zero of=disk/ballast bs=4k oflag=append conv=notrunc 2>/dev/null || true; }

# The subscriber counts every message once more than the input: the last
# is a marker sent after iot-pub ended, so every duplicate would come before it.
iot-sub --broker "$MQTT_URL" -i sub-df -t 'df/#' --count $((TOTAL + 1)) -W 300 > sub.out 2>sub.err &
SUB=$!
at_exit "kill $SUB 2>/dev/null"
wait_subscribed "$SUB" sub-df 'df/#' || fail "iot-sub did not subscribe"

mkfifo in.fifo
iot-pub --broker "$MQTT_URL" -t 'df/{device_id}' -q 1 --outbox disk/outbox.db \
  --metrics-file pub.prom < in.fifo 2> pub.err &
PUB=$!
at_exit "kill $PUB 2>/dev/null"
exec 3> in.fifo
lines 1 "$FIRST" >&3
check "the first lines arrive" wait_for received "$FIRST"

fill_up
lines $((FIRST + 1)) "$TOTAL" >&3
check "iot-pub logs the full disk" wait_for logged "disk full; holding"
check "and is still running" kill -0 "$PUB"
rm disk/ballast
check "iot-pub says when it commits again" wait_for logged "room again"
exec 3>&-
rc=0; wait "$PUB" || rc=$?
expect_eq "iot-pub ends with its input (exit 0, never 74)" 0 "$rc"
iot-pub --broker "$MQTT_URL" -t df/end -q 1 -m '{"n":0}' 2>/dev/null
wait "$SUB" || true

counts=$(/usr/bin/python3 -c 'import json, sys
ns = [json.loads(l)["payload"]["n"] for l in open("sub.out")]
ns = [n for n in ns if n]
print(len(ns), len(set(ns)), min(ns), max(ns))' )
expect_eq "every line arrived exactly once" "$TOTAL $TOTAL 1 $TOTAL" "$counts"
expect_eq "one episode counted" 1 "$(sed -n 's/^iot_pub_outbox_disk_full_total //p' pub.prom)"

# --- stopped while the disk is full: exit 75, the lost lines counted ---
mkfifo in2.fifo
iot-pub --broker "$MQTT_URL" -t 'df2/{device_id}' -q 1 --outbox disk/outbox2.db < in2.fifo 2> pub.err &
PUB=$!
at_exit "kill $PUB 2>/dev/null"
exec 4> in2.fifo
lines 1 10 >&4
rows() { /usr/bin/python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30)
print(c.execute("select seq from sqlite_sequence where name = ?", ("outbox",)).fetchone()[0])' disk/outbox2.db 2>/dev/null; }
committed() { [ "$(rows)" = 10 ]; }
check "the first lines are committed" wait_for committed
fill_up
lines 11 "$SECOND" >&4
check "iot-pub logs the full disk" wait_for logged "disk full; holding"
kill -TERM "$PUB"
rc=0; wait "$PUB" || rc=$?
exec 4>&-
expect_eq "SIGTERM while the disk is full: exit 75" 75 "$rc"
check "the lines read and not committed are counted in the log" grep -q "line(s) read were not committed" pub.err
rm -f disk/ballast
finish
