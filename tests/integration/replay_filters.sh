#!/usr/bin/env bash
# iot-replay: the filters work on every source alike (a synthetic fleet
# filtered gives exactly the lines of its recording filtered), --metrics-file
# counts what was played and left out, and a corrupt (not only truncated)
# .gz or .lz4 stops at the right line with what came before kept.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
R=$IOT_BIN/iot-replay
FLEET=devices=6,rate=2,duration=20,seed=11,start=1700000000

"$R" --synthetic "$FLEET" --fast > all.ndjson
expect_eq "the whole fleet" 240 "$(wc -l < all.ndjson)"
for filter in "--device P-0002 --device P-0005" "--topic plant/P-0003/#" "--since 1700000005 --until 1700000012" \
              "--device P-0001 --since 1700000010"; do
  # shellcheck disable=SC2086
  "$R" --synthetic "$FLEET" --fast $filter > synth.out
  # shellcheck disable=SC2086
  "$R" all.ndjson --fast $filter > rec.out
  check "synthetic with $filter: the lines of the recording with $filter" cmp -s synth.out rec.out
  check "synthetic with $filter: something is left, not everything" \
    test "$(wc -l < synth.out)" -gt 0 -a "$(wc -l < synth.out)" -lt 240
done
expect_eq "--device on a synthetic fleet: 2 devices x 40" 80 \
  "$("$R" --synthetic "$FLEET" --fast --device P-0002 --device P-0005 | wc -l)"
set +e
"$R" --synthetic "$FLEET" --inject dup=0.1 --truth t.json --device P-0001 --fast > /dev/null 2> truth.err
expect_eq "--truth with a filter is a usage error" 2 $?
set -e
check "and says why" grep -q "whole fleet" truth.err

# --metrics-file: Prometheus text of what was played and what was not.
{ head -100 all.ndjson; echo "not json at all"; sed -n '101,$p' all.ndjson; } > mixed.ndjson
"$R" mixed.ndjson --fast --loop 2 --device P-0004 --metrics-file m.prom > played.ndjson 2>/dev/null
metric() { sed -n "s/^iot_replay_$1 //p" m.prom; }
expect_eq "metrics: messages played (2 passes x 40)" 80 "$(metric messages_total)"
expect_eq "metrics: bytes written" "$(wc -c < played.ndjson)" "$(metric bytes_total)"
expect_eq "metrics: left out by the filter (2 x 241 lines - 80)" 402 "$(metric filtered_out_total)"
expect_eq "metrics: passes" 2 "$(metric passes_total)"
check "metrics: lag and duration are there" bash -c "grep -q '^iot_replay_lag_max_seconds ' m.prom && grep -q '^iot_replay_duration_seconds ' m.prom"
"$R" mixed.ndjson --speed 1000 --metrics-file m2.prom > /dev/null 2>&1  # paced: every line is read
expect_eq "metrics: a line that is not JSON is counted (and passed on)" 1 "$(sed -n 's/^iot_replay_lines_not_json_total //p' m2.prom)"

# Corrupt in the middle, not truncated: bytes flipped inside the compressed data.
/usr/bin/python3 - <<'PY'
import gzip, lz4.frame
data = open("all.ndjson", "rb").read()
for name, blob in (("bad.ndjson.gz", gzip.compress(data)), ("bad.ndjson.lz4", lz4.frame.compress(data, block_size=lz4.frame.BLOCKSIZE_MAX64KB, content_checksum=True, block_checksum=True))):
    b = bytearray(blob)
    mid = len(b) * 2 // 3
    for i in range(mid, mid + 64):
        b[i] ^= 0x5A
    open(name, "wb").write(bytes(b))
PY
for f in bad.ndjson.gz bad.ndjson.lz4; do
  set +e
  "$R" "$f" --fast > "$f.out" 2> "$f.err"
  rc=$?
  set -e
  expect_eq "corrupt $f exits 74" 74 "$rc"
  n=$(wc -l < "$f.out")
  check "corrupt $f: lines before the damage are kept, byte for byte" cmp -s "$f.out" <(head -n "$n" all.ndjson)
  check "corrupt $f: the error names the file and the last good line" grep -q "$f: after line $n" "$f.err"
done
finish
