#!/usr/bin/env bash
# iot-verify --expect: the report compared with iot-replay's truth file. The
# man page's CI example (a --fast fleet piped straight into iot-verify, the
# truth written as iot-replay ends) exits 0 with no future_ts finding; a truth
# file that says otherwise gives the differences and exit 1; a file that is
# no truth file is a usage error.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
R=$IOT_BIN/iot-replay
V=$IOT_BIN/iot-verify
PY=/usr/bin/python3

# --- the man page's example, as written there ----------------------------------
rc=0
"$R" --synthetic devices=50,duration=600,seed=7 --fast \
  --inject dup=0.01,gap=0.01,reorder=0.01 --truth truth.json \
  | "$V" --expect truth.json > out.txt 2> err.txt || rc=$?
expect_eq "iot-replay --truth | iot-verify --expect: exit 0" 0 "$rc"
check "it says the report matches" grep -q "matches truth.json" err.txt
expect_eq "no report unless asked for" "" "$(cat out.txt)"

# --- --fast stamps no time in the future -------------------------------------
before=$(date +%s)
"$R" --synthetic devices=5,duration=600,seed=7 --fast --inject dup=0.01,late=0.01,corrupt=0.01 --truth t2.json > fleet.ndjson
rc=0; "$V" --expect t2.json --report json fleet.ndjson > report.json 2> err2.txt || rc=$?
expect_eq "--expect with --report json: exit 0" 0 "$rc"
expect_eq "no future_ts from a --fast fleet" "0 0" "$($PY -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["future_ts"], r["stale_ts"])' report.json)"
latest=$($PY -c '
import json, sys
ts = []
for line in open(sys.argv[1]):
    try: ts.append(json.loads(line)["payload"]["ts"])
    except ValueError: pass
print(max(ts) // 1000)' fleet.ndjson)
check "the last message is stamped no later than when iot-replay started ($latest <= $before)" test "$latest" -le "$before"
check "and a --fast fleet still spans its duration" test "$latest" -ge "$((before - 60))"
"$R" --synthetic devices=1,duration=10,start=1700000000 --fast | head -1 > fixed.ndjson
expect_eq "an explicit start= is kept with --fast" 1700000000000 "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["payload"]["ts"])' fixed.ndjson)"

# --- a truth that does not match: the differences, exit 1 ----------------------
$PY - t2.json wrong.json <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t["duplicates"] += 1
t["gaps"]["missing"] += 2
t["devices"].setdefault("P-0004", {"duplicates": 0, "bad_json": 0, "gaps": {"events": 0, "missing": 0}, "reordered": 0})
t["devices"]["P-0004"]["reordered"] += 3
json.dump(t, open(sys.argv[2], "w"))
PY
rc=0; "$V" --expect wrong.json fleet.ndjson > /dev/null 2> wrong.err || rc=$?
expect_eq "a truth that differs: exit 1" 1 "$rc"
check "names the stream's duplicates" grep -qE "duplicates: expected [0-9]+, found [0-9]+" wrong.err
check "names the missing seqs" grep -qE "gaps.missing: expected [0-9]+, found [0-9]+" wrong.err
check "names the device" grep -qE "device P-0004 reordered: expected [0-9]+, found [0-9]+" wrong.err
expect_eq "and nothing else" 4 "$(grep -c "^iot-verify: error: " wrong.err)"
rc=0; "$V" --expect t2.json --strict fleet.ndjson > /dev/null 2>&1 || rc=$?
expect_eq "the faults the truth expects are no problem under --strict" 0 "$rc"
rc=0; "$V" --expect t2.json --expect-count 1 fleet.ndjson > /dev/null 2>&1 || rc=$?
expect_eq "--expect-count still applies" 1 "$rc"
# A stream with a fault the truth does not know of.
{ cat fleet.ndjson; tail -1 fleet.ndjson; } > extra.ndjson
rc=0; "$V" --expect t2.json extra.ndjson > /dev/null 2> extra.err || rc=$?
expect_eq "one more duplicate than the truth says: exit 1" 1 "$rc"
check "and it says which" grep -qE "device P-00[0-9]+ duplicates: expected [0-9]+, found [0-9]+" extra.err

# --- not a truth file: usage error -------------------------------------------
echo '{"total": 3}' > partial.json
echo 'not json' > bad.json
for f in partial.json bad.json missing.json; do
  rc=0; "$V" --expect "$f" fleet.ndjson > /dev/null 2> "$f.err" || rc=$?
  expect_eq "--expect $f: exit 2" 2 "$rc"
  check "--expect $f: names the file" grep -q -- "--expect $f" "$f.err"
done
check "a partial truth file: says what is missing" grep -q 'no "valid"' partial.json.err
finish
