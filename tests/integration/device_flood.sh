#!/usr/bin/env bash
# A device-id flood: 5,000,000 lines, each from a new random-looking device
# id, piped through the real iot-verify and iot-ingest (writing InfluxDB
# line protocol to a pipe: a B-tree database would spend this test's time
# on 5 M random keys, not on the device state under test) with
# --max-devices 10000. Both stay under the cap: exactly 10,000 devices
# tracked, the other 4,990,000 evicted and counted (report, summary,
# metrics), every line still counted and every row stored, and the peak RSS
# far below what 5 M tracked devices would take (iot-verify(1) and
# iot-ingest(1), Resource use).
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
PY=/usr/bin/python3
GEN="$PY $IOT_SOURCE_DIR/scripts/lib/random_fleet.py"
N=5000000
CAP=10000
EVICTED=$((N - CAP))

field() { $PY -c 'import json,sys
v=json.load(open(sys.argv[2]))
for k in sys.argv[1].split("."): v=v[k]
print(json.dumps(v))' "$1" "$2"; }
metric() { awk -v n="$1" '$1 == n { printf "%d\n", $2 }' "$2"; }

# One generator, both tools at the ends of real pipes (tee into a FIFO).
mkfifo to_ingest
( /usr/bin/time -f %M -o ingest.rss iot-ingest --db line-protocol:- --max-devices $CAP \
  --dedup-window 10000 --metrics-file ingest.prom < to_ingest 2> ingest.err | wc -l > ingest.lines ) &
ingest_pid=$!
$GEN $N --ids random | tee to_ingest \
  | /usr/bin/time -f %M -o verify.rss iot-verify --max-devices $CAP --window 10000 --report json \
      --report-devices none --metrics-file verify.prom > report.json 2> verify.err
wait $ingest_pid || { cat ingest.err >&2; fail "iot-ingest failed"; }

# --- iot-verify ---------------------------------------------------------------
expect_eq "verify: every line counted" $N "$(field total report.json)"
expect_eq "verify: every line valid" $N "$(field valid report.json)"
expect_eq "verify: the cap's worth of devices tracked" $CAP "$(field tracked_devices report.json)"
expect_eq "verify: the rest evicted" $EVICTED "$(field evicted_devices report.json)"
expect_eq "verify: evictions in the metrics" $EVICTED "$(metric iot_verify_evicted_devices_total verify.prom)"
expect_eq "verify: tracked devices in the metrics" $CAP "$(metric iot_verify_tracked_devices verify.prom)"
check "verify: the exit log says how many were evicted" \
  grep -q "$EVICTED devices evicted past --max-devices $CAP" verify.err
# 5 M tracked devices would take over 900 MB; the cap holds it near the
# tool's size with no devices (about 40 MB).
verify_kb=$(cat verify.rss)
check "verify: peak RSS ${verify_kb} KB stays under 150 MB" test "$verify_kb" -lt 153600

# --- iot-ingest ---------------------------------------------------------------
expect_eq "ingest: every row stored" $N "$(metric iot_ingest_rows_written_total ingest.prom)"
expect_eq "ingest: the cap's worth of devices tracked" $CAP "$(metric iot_ingest_tracked_devices ingest.prom)"
expect_eq "ingest: the rest evicted" $EVICTED "$(metric iot_ingest_evicted_devices_total ingest.prom)"
check "ingest: the summary counts the evictions" \
  grep -q "$EVICTED devices evicted past --max-devices ($CAP tracked)" ingest.err
expect_eq "ingest: every row came out of the pipe" $N "$(tr -d ' ' < ingest.lines)"
# 5 M devices' seq state would take some 400 MB.
ingest_kb=$(cat ingest.rss)
check "ingest: peak RSS ${ingest_kb} KB stays under 150 MB" test "$ingest_kb" -lt 153600

# --- the same tools without the flood's cap keep every device -----------------
$GEN 20000 --ids random | iot-verify --report json --report-devices none > small.json
expect_eq "verify: under the default cap nothing is evicted" 0 "$(field evicted_devices small.json)"
expect_eq "verify: under the default cap every device is tracked" 20000 "$(field tracked_devices small.json)"

finish
