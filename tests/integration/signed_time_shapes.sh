#!/usr/bin/env bash
# The signed shape's time form (ts in seconds + ts_ns) read the same way by every tool
# that reads time, whatever shape is signed inside: a signed nested payload
# (iot-replay shape=signed) must not land in January 1970 (iot-stream(5)
# "Time"). Judged by Python's own arithmetic over the payloads themselves.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
PY=/usr/bin/python3
status() { set +e; "$@"; rc=$?; set -e; }

printf 'site secret\n' > k.key
"$IOT_BIN/iot-replay" --synthetic devices=3,duration=2,shape=signed --key-file k.key --fast > s.ndjson
expect_eq "six signed nested lines" 6 "$(wc -l < s.ndjson)"
check "the payload is nested (d) with ts and ts_ns" grep -q '"d":{.*"ts_ns":' s.ndjson

# What each line's time is, by the signed form's rule, as SQLite stores it.
$PY - s.ndjson > want.txt <<'PY'
import json, sys, datetime
for line in open(sys.argv[1]):
    p = json.loads(line)["payload"]["payload"]
    t = datetime.datetime.fromtimestamp(p["ts"], datetime.timezone.utc) + datetime.timedelta(microseconds=p["ts_ns"] // 1000)
    for metric in sorted(p["d"]):
        print(p["device_id"], metric, t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
PY

# iot-ingest into SQLite
"$IOT_BIN/iot-ingest" --key-file k.key --db sqlite:s.db < s.ndjson 2> ingest.log
sqlite3 s.db "select device_id, metric, time from readings order by device_id, time, metric" | tr '|' ' ' > got.txt
sort want.txt > want.sorted; sort got.txt > got.sorted
check "iot-ingest stores the time the signed form says, every reading" cmp -s want.sorted got.sorted
check "no reading in 1970" bash -c "! grep -q ' 1970-' got.txt"
expect_eq "every reading stored" "$(wc -l < want.txt)" "$(wc -l < got.txt)"

# iot-verify --strict: no stale or future findings, exit 0
status "$IOT_BIN/iot-verify" --key-file k.key --strict --report json s.ndjson > report.json
expect_eq "iot-verify --strict accepts the fresh signed lines" 0 "$rc"
expect_eq "no stale or future timestamps" "0 0 6" \
  "$($PY -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["stale_ts"], r["future_ts"], r["valid"])' report.json)"

# iot-replay reads the same time: a --since of an hour ago keeps every line,
# an --until of an hour ago keeps none (a 1970 time would invert both).
hour_ago=$(( $(date +%s) - 3600 ))
expect_eq "iot-replay --since an hour ago keeps all" 6 "$("$IOT_BIN/iot-replay" s.ndjson --fast --since "$hour_ago" | wc -l)"
expect_eq "iot-replay --until an hour ago keeps none" 0 "$("$IOT_BIN/iot-replay" s.ndjson --fast --until "$hour_ago" | wc -l)"

finish
