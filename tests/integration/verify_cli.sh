#!/usr/bin/env bash
# iot-verify end to end: a signed capture made by /usr/bin/python3 with seed
# 003's exact signing code and known faults (forged, unsigned, duplicated,
# missing, reordered, schema errors, future/stale timestamps, clock drift,
# garbage) -> every report counter equals what the generator injected;
# --filter passes the good lines byte for byte; reject records; exit codes
# of every mode; --expect-count; --max-gap; a 64 MiB line; stdin vs files.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
PY=/usr/bin/python3
GEN="$PY $IOT_SOURCE_DIR/scripts/lib/make_sample.py"
V="$IOT_BIN/iot-verify"

$GEN --out s.ndjson --key-file k.key --count 2000 --devices 7 --seed 42 \
  --missing 6 --reorder 4 --duplicates 5 --forged 4 --unsigned 2 --schema 3 \
  --future 3 --stale 2 --drift 3 --garbage 4 --expect expect.json --good good.ndjson

# field PATH FILE: one value out of a JSON file ("gaps.events", "devices.P-000.total").
field() { $PY -c 'import json,sys
v=json.load(open(sys.argv[2]))
for k in sys.argv[1].split("."): v=v[k]
print(json.dumps(v))' "$1" "$2"; }
# status CMD...: runs it and leaves its exit status in $rc (redirections apply to CMD).
status() { set +e; "$@"; rc=$?; set -e; }

# --- report json: every counter as injected --------------------------------
status "$V" --key-file k.key --report json s.ndjson > report.json 2> report.err
expect_eq "report mode with invalid lines exits 1" 1 "$rc"
for f in total valid invalid bad_json bad_signature schema_errors duplicates gaps.events gaps.missing \
         reordered future_ts stale_ts clock_drift; do
  expect_eq "report.$f equals what was injected" "$(field "$f" expect.json)" "$(field "$f" report.json)"
done
expect_eq "7 devices in the report" 7 "$($PY -c 'import json;print(len(json.load(open("report.json"))["devices"]))')"
expect_eq "device totals add up to the valid+attributed lines" \
  "$(field valid report.json)" \
  "$($PY -c 'import json;r=json.load(open("report.json"));print(sum(d["valid"] for d in r["devices"].values()))')"
expect_eq "device missing adds up to the total" "$(field gaps.missing report.json)" \
  "$($PY -c 'import json;r=json.load(open("report.json"));print(sum(d["gaps"]["missing"] for d in r["devices"].values()))')"
last=$($PY -c 'import json
m=-1
for l in open("good.ndjson"):
    p=json.loads(l)["payload"]["payload"]
    if p["device_id"]=="P-003": m=max(m,p["seq"])
print(m)')
expect_eq "last_seq of a device is its highest seq" "$last" "$(field devices.P-003.last_seq report.json)"

# --- filter: good lines byte for byte, bad ones as reject records ----------
status "$V" --key-file k.key --filter --reject bad.ndjson < s.ndjson > passed.ndjson 2> filter.err
expect_eq "--filter exits 0 when every line was passed or rejected" 0 "$rc"
check "--filter passes exactly the good lines, byte for byte" cmp -s passed.ndjson good.ndjson
reasons=$($PY -c 'import json,collections
c=collections.Counter(json.loads(l)["reason"] for l in open("bad.ndjson"))
print(" ".join(f"{k}={c[k]}" for k in sorted(c)))')
expect_eq "reject reasons" \
  "bad_json=$(field bad_json expect.json) bad_signature=$(field bad_signature expect.json) duplicate=$(field duplicates expect.json) schema=$(field schema_errors expect.json)" \
  "$reasons"
check "each reject record names stdin as -:LINE and holds the original line" $PY -c '
import json, sys
lines = open("s.ndjson", encoding="utf-8", errors="surrogateescape").read().split("\n")
for rec in map(json.loads, open("bad.ndjson")):
    src, n = rec["source"].rsplit(":", 1)
    assert src == "-", rec["source"]
    assert rec["line"] == lines[int(n) - 1], rec["source"]
    assert rec["detail"], rec
'
check "a forged line is rejected as forged" grep -q '"detail":"forged' bad.ndjson
check "an unsigned line is rejected as missing its hmac" grep -q '"detail":"missing' bad.ndjson
status "$V" --key-file k.key --filter --strict s.ndjson > /dev/null 2>&1
expect_eq "--filter --strict exits 1 on rejects" 1 "$rc"
status "$V" --key-file k.key --filter --report json --report-file fr.json s.ndjson > /dev/null 2>/dev/null
expect_eq "--filter with --report-file exits 0" 0 "$rc"
expect_eq "--report-file holds the same totals" "$(field total expect.json)" "$(field total fr.json)"
"$V" --key-file k.key --filter --report json s.ndjson 2> fe.json > /dev/null || true
check "--filter --report puts the report on stderr" grep -q '"total":'"$(field total expect.json)" fe.json
check "reject source names the file when read from one" \
  bash -c "'$V' --key-file k.key --filter --reject bad2.ndjson s.ndjson >/dev/null 2>&1; grep -q '\"source\":\"s.ndjson:' bad2.ndjson"

# --threads: the same capture (forged, unsigned, duplicated, missing,
# reordered, schema errors, garbage) through 1, 2 and 4 workers, from a file
# and from a pipe fed in small writes with pauses (the input goes quiet, so
# partial batches are passed on): the same lines in the same order, the
# same reject records, the same report.
for t in 1 2 4; do
  "$V" --threads $t --key-file k.key --filter --reject rej$t.ndjson --report json --report-file rep$t.json \
    s.ndjson > out$t.ndjson 2>/dev/null
  "$V" --threads $t --key-file k.key --report text s.ndjson > txt$t.txt 2>/dev/null || true
done
$PY -c '
import sys, time
data = open("s.ndjson", "rb").read()
for i in range(0, len(data), 4096):
    sys.stdout.buffer.write(data[i:i + 4096]); sys.stdout.flush()
    if i % (64 * 4096) == 0: time.sleep(0.01)
' | IOT_VERIFY_THREADS=4 "$V" --key-file k.key --filter --reject rejp.ndjson --report json --report-file repp.json \
    > outp.ndjson 2>/dev/null
for t in 2 4; do
  check "--threads $t passes the same lines in the same order" cmp -s out1.ndjson out$t.ndjson
  check "--threads $t writes the same reject records" cmp -s rej1.ndjson rej$t.ndjson
  check "--threads $t gives the same JSON report" cmp -s rep1.json rep$t.json
  check "--threads $t gives the same text report" cmp -s txt1.txt txt$t.txt
done
check "the rejects hold bad JSON, bad signatures, schema errors and duplicates" $PY -c '
import json
reasons = {json.loads(l)["reason"] for l in open("rej4.ndjson")}
assert reasons == {"bad_json", "bad_signature", "schema", "duplicate"}, reasons'
check "the report counts gaps and reordering" $PY -c '
import json
r = json.load(open("rep4.json"))
assert r["gaps"]["events"] > 0 and r["reordered"] > 0, r'
sed 's/"source":"-:/"source":"s.ndjson:/' rejp.ndjson > rejp_named.ndjson
check "IOT_VERIFY_THREADS=4 from a pipe: the same lines in the same order" cmp -s out1.ndjson outp.ndjson
check "IOT_VERIFY_THREADS=4 from a pipe: the same reject records" cmp -s rej1.ndjson rejp_named.ndjson
check "IOT_VERIFY_THREADS=4 from a pipe: the same report" cmp -s rep1.json repp.json
status "$V" --threads 0 --key-file k.key s.ndjson > /dev/null 2>&1
expect_eq "--threads 0 is a usage error" 2 "$rc"

# --- report exit codes on a clean capture ----------------------------------
n_good=$(wc -l < good.ndjson)
status "$V" --key-file k.key --report json good.ndjson > g.json 2>/dev/null
expect_eq "report on good lines only exits 0 (gaps and timestamps are findings, not invalid)" 0 "$rc"
expect_eq "no invalid lines in the good ones" 0 "$(field invalid g.json)"
status "$V" --key-file k.key --report --strict good.ndjson > /dev/null 2>&1
expect_eq "--strict exits 1 on findings" 1 "$rc"
status "$V" --key-file k.key --max-gap 5 good.ndjson > /dev/null 2>&1
expect_eq "--max-gap below the missing count exits 1" 1 "$rc"
status "$V" --key-file k.key --max-gap 6 good.ndjson > /dev/null 2>&1
expect_eq "--max-gap at the missing count exits 0" 0 "$rc"
status "$V" --key-file k.key --expect-count "$n_good" good.ndjson > /dev/null 2>&1
expect_eq "--expect-count matching exits 0" 0 "$rc"
status "$V" --key-file k.key --expect-count $((n_good + 1)) good.ndjson > /dev/null 2>&1
expect_eq "--expect-count differing exits 1" 1 "$rc"
status "$V" --key-file k.key --filter --expect-count 3 good.ndjson > /dev/null 2>&1
expect_eq "--expect-count applies to --filter too" 1 "$rc"
"$V" --key-file k.key --report text good.ndjson > g.txt 2>/dev/null || true
check "text report starts with the totals" grep -q "^total: $n_good lines, $n_good valid, 0 invalid" g.txt
check "text report lists devices with problems" grep -q "^  P-00[0-6]: " g.txt
"$V" --key-file k.key --report good.ndjson > g2.txt 2>/dev/null || true
check "--report without a value is text, and the next word is an input" cmp -s g.txt g2.txt
status "$V" --report xml good.ndjson > x.out 2> x.err
expect_eq "--report xml is a usage error, not an input file" 2 "$rc"
check "--report xml: the message names the bad value" grep -q '"xml" is not a report format' x.err
check "--report xml: nothing on stdout" test ! -s x.out

# --- keys ------------------------------------------------------------------
printf 'not the key\n' > wrong.key
"$V" --key-file wrong.key --report json good.ndjson > w.json 2>/dev/null || true
expect_eq "a wrong key makes every signed line bad_signature" "$n_good" "$(field bad_signature w.json)"
"$V" --report json s.ndjson > nokey.json 2>/dev/null || true
expect_eq "without --key-file no signature is checked" 0 "$(field bad_signature nokey.json)"
"$V" --key-file k.key --allow-unsigned --report json s.ndjson > au.json 2>/dev/null || true
expect_eq "--allow-unsigned accepts lines without hmac: only the forged ones stay bad" 4 "$(field bad_signature au.json)"
expect_eq "--allow-unsigned: the unsigned copies are then duplicates of their originals" \
  $(( $(field duplicates expect.json) + 2 )) "$(field duplicates au.json)"

# --- registry: per-route keys, no_route ------------------------------------
printf '[[route]]\npattern = "plant/{device}/telemetry"\nkey_file = "k.key"\n' > reg.toml
"$V" --registry reg.toml --report json s.ndjson > reg.json 2>/dev/null || true
for f in total valid invalid bad_signature schema_errors duplicates gaps.missing; do
  expect_eq "with a route's key: report.$f as with --key-file" "$(field "$f" expect.json)" "$(field "$f" reg.json)"
done
{ head -n 3 good.ndjson; echo '{"topic":"elsewhere/x","payload":{"device_id":"X","ts":1,"seq":1,"d":{}}}'; } > noroute.ndjson
"$V" --registry reg.toml --filter --reject noroute.rej noroute.ndjson > noroute.out 2>/dev/null
expect_eq "a topic no route matches is rejected" "no_route" "$($PY -c 'import json;print(json.loads(open("noroute.rej").readline())["reason"])')"
expect_eq "routed lines pass" 3 "$(wc -l < noroute.out)"
printf '[[route]]\npattern = "plant/+/telemetry"\nkey_file = "wrong.key"\n' > wrongreg.toml
"$V" --registry wrongreg.toml --report json good.ndjson > wr.json 2>/dev/null || true
expect_eq "a route's wrong key makes its lines bad_signature" "$n_good" "$(field bad_signature wr.json)"
status "$V" --registry /nonexistent/reg.toml good.ndjson > /dev/null 2>&1
expect_eq "a missing registry is a usage error (2)" 2 "$rc"

# --- bad input: a 64 MiB line and garbage never stop the stream ------------
head -n 2 good.ndjson > big.ndjson
$PY -c 'import sys; sys.stdout.write("{\"topic\":\"x\",\"payload\":\"" + "x" * (64 << 20) + "\"}\n")' >> big.ndjson
printf '\x00\x01 binary junk\n{"unterminated": \n[]\n' >> big.ndjson
sed -n 3p good.ndjson >> big.ndjson
status "$V" --key-file k.key --report json big.ndjson > big.json 2>/dev/null
expect_eq "garbage makes report mode exit 1" 1 "$rc"
expect_eq "lines after the 64 MiB line are still read" 7 "$(field total big.json)"
expect_eq "the 64 MiB line and the garbage count as bad_json" 4 "$(field bad_json big.json)"
expect_eq "the good lines around them stay valid" 3 "$(field valid big.json)"
"$V" --key-file k.key --filter --reject bigbad.ndjson big.ndjson > bigpass.ndjson 2>/dev/null
expect_eq "--filter passes the 3 good lines around the garbage" 3 "$(wc -l < bigpass.ndjson)"
check "the 64 MiB line is rejected as too_large" grep -q '"reason":"too_large"' bigbad.ndjson

# --- sources, compression, errors ------------------------------------------
gzip -k s.ndjson
"$V" --key-file k.key --report json s.ndjson.gz > gz.json 2>/dev/null || true
expect_eq ".gz input gives the same totals" "$(field total expect.json)" "$(field total gz.json)"
cat s.ndjson | "$V" --key-file k.key --report json - > stdin.json 2>/dev/null || true
expect_eq "stdin ('-') gives the same report as the file" "$(field invalid report.json)" "$(field invalid stdin.json)"
status "$V" --max-future soon good.ndjson > /dev/null 2>&1
expect_eq "a bad duration is a usage error (2)" 2 "$rc"
status "$V" --key-file /nonexistent/key good.ndjson > /dev/null 2>&1
expect_eq "a missing key file is a usage error (2)" 2 "$rc"
status "$V" no-such-file.ndjson > /dev/null 2>&1
expect_eq "a missing input file is an I/O error (74)" 74 "$rc"
"$V" --key-file k.key --metrics-file m.prom good.ndjson > /dev/null 2>&1 || true
check "--metrics-file holds the line count" grep -q "^iot_verify_lines_total $n_good" m.prom
status "$V" --max-future 2h --max-age 30m --max-drift 20s --key-file k.key --report json good.ndjson > th.json 2>/dev/null
expect_eq "raised thresholds: the future messages are no finding" 0 "$(field future_ts th.json)"
expect_eq "raised thresholds: drift under 20 s is no finding" 0 "$(field clock_drift th.json)"
check "lowered --max-age flags the old half of the capture" $PY -c 'import json,sys; sys.exit(json.load(open("th.json"))["stale_ts"] < 100)'
finish
