#!/usr/bin/env bash
# iot-replay end to end, no servers: the synthetic fleet (determinism, counts,
# shapes, signatures checked by Python itself, injected faults
# against their ground truth), recordings (byte-exact passthrough of plain,
# .gz and .lz4, merging, filters, --loop, --retime), pacing measured from
# arrival times, truncated compressed input, exit codes.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
PY=/usr/bin/python3
R="$IOT_BIN/iot-replay"
START=start=2026-03-19T10:40:00Z
status() { set +e; "$@"; rc=$?; set -e; }

# --- synthetic fleet ---------------------------------------------------------
"$R" --synthetic devices=20,rate=2,duration=30,seed=7,$START --fast > a.ndjson
"$R" --synthetic devices=20,rate=2,duration=30,seed=7,$START --fast > b.ndjson
"$R" --synthetic devices=20,rate=2,duration=30,seed=8,$START --fast > c.ndjson
check "same seed and start: identical output" cmp -s a.ndjson b.ndjson
differ() { ! cmp -s "$1" "$2"; }
check "another seed: different output" differ a.ndjson c.ndjson
expect_eq "devices x rate x duration messages" 1200 "$(wc -l < a.ndjson)"
$PY - a.ndjson > shape.txt <<'PY'
import json, sys
seen = {}; ok = True; last_ts = 0
for line in open(sys.argv[1]):
    e = json.loads(line); p = e["payload"]
    ok &= e["topic"] == "plant/%s/telemetry" % p["device_id"]
    ok &= p["schema_version"] == "2.1" and len(p["msg_id"]) == 26 and p["ts"] >= last_ts
    ok &= set(p["meta"]) == {"fw_version", "gw_id", "source_ts", "edge_latency_ms"}
    ok &= all(set(v) == {"v", "q"} and v["q"] in (0, 68, 192) for v in p["d"].values())
    last_ts = p["ts"]
    seen.setdefault(p["device_id"], []).append(p["seq"])
ok &= all(s == list(range(1, 61)) for s in seen.values())
print(len(seen), ok)
PY
expect_eq "nested shape, seq 1..N per device, time order" "20 True" "$(cat shape.txt)"

printf 'site secret\n' > k.key
"$R" --synthetic devices=5,duration=20,shape=signed,$START --key-file k.key --fast > signed.ndjson
$PY - signed.ndjson > signed.txt <<'PY'
import base64, hmac, json, sys
CANONICAL = {"indent": None, "separators": (",", ":"), "sort_keys": True}
good = 0
for line in open(sys.argv[1]):
    msg = json.loads(line)["payload"]
    payload_str = json.dumps(msg["payload"], **CANONICAL)
    want = hmac.digest(b"site secret", payload_str.encode(), "sha256")
    good += hmac.compare_digest(base64.b64decode(msg["hmac"]), want)
print(good)
PY
expect_eq "every signed message verifies in Python" 100 "$(cat signed.txt)"
status "$R" --synthetic shape=signed --fast
expect_eq "shape=signed without --key-file is a usage error" 2 "$rc"
status "$R" --synthetic devices=0 --fast
expect_eq "a bad --synthetic spec is a usage error" 2 "$rc"

# --- injected faults and the ground truth -----------------------------------
"$R" --synthetic devices=30,duration=200,seed=3,$START --fast \
  --inject dup=0.01,gap=0.01,reorder=0.01,corrupt=0.01,late=0.01 --truth truth.json > faulty.ndjson
$PY - faulty.ndjson truth.json > truthcheck.txt <<'PY'
import json, sys
ids, last, missing = set(), {}, {}
c = dict(total=0, bad_json=0, duplicates=0, reordered=0, events=0)
for line in open(sys.argv[1]):
    c["total"] += 1
    try:
        p = json.loads(line)["payload"]
    except ValueError:
        c["bad_json"] += 1; continue
    if p["msg_id"] in ids:
        c["duplicates"] += 1; continue
    ids.add(p["msg_id"]); d, s = p["device_id"], p["seq"]
    if d not in last: last[d] = s
    elif s > last[d]:
        if s > last[d] + 1:
            c["events"] += 1; missing.setdefault(d, set()).update(range(last[d] + 1, s))
        last[d] = s
    else:
        c["reordered"] += 1; missing.get(d, set()).discard(s)
t = json.load(open(sys.argv[2]))
mine = [c["total"], c["bad_json"], c["duplicates"], c["reordered"], c["events"], sum(map(len, missing.values()))]
theirs = [t["total"], t["bad_json"], t["duplicates"], t["reordered"], t["gaps"]["events"], t["gaps"]["missing"]]
print("agree" if mine == theirs and t["invalid"] == c["bad_json"] + c["duplicates"] else "differ %s %s" % (mine, theirs))
print(min(theirs[1:]) > 0)
PY
expect_eq "truth file agrees with an independent recount" "agree" "$(sed -n 1p truthcheck.txt)"
expect_eq "every kind of fault was injected" "True" "$(sed -n 2p truthcheck.txt)"

# A missing iot-verify fails the suite rather than shortening it.
check "iot-verify is built" test -x "$IOT_BIN/iot-verify"
if [ -x "$IOT_BIN/iot-verify" ]; then
  set +e; "$IOT_BIN/iot-verify" --report json --max-age 100000d faulty.ndjson > report.json 2> /dev/null; set -e
  $PY - report.json truth.json > agree.txt <<'PY'
import json, sys
r, t = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
keys = ["total", "valid", "invalid", "bad_json", "duplicates", "reordered"]
diff = [k for k in keys if r[k] != t[k]] + (["gaps"] if r["gaps"] != t["gaps"] else [])
print("agree" if not diff else "differ: %s" % diff)
PY
  expect_eq "iot-verify's report agrees with the truth file" "agree" "$(cat agree.txt)"
fi

# --- recordings: byte-exact passthrough, compressed, merged -----------------
"$R" a.ndjson --fast > out.ndjson
check "plain recording passes byte for byte" cmp -s a.ndjson out.ndjson
gzip -k a.ndjson
lz4 -q a.ndjson a.ndjson.lz4
"$R" a.ndjson.gz --fast > out.gz.ndjson
"$R" a.ndjson.lz4 --fast > out.lz4.ndjson
check ".gz recording passes byte for byte" cmp -s a.ndjson out.gz.ndjson
check ".lz4 recording passes byte for byte" cmp -s a.ndjson out.lz4.ndjson
lz4 -dc a.ndjson.lz4 | "$R" --fast > out.stdin.ndjson
check "stdin passes byte for byte" cmp -s a.ndjson out.stdin.ndjson
grep -E '"P-00(0[1-9]|10)"' a.ndjson > part1.ndjson
grep -vE '"P-00(0[1-9]|10)"' a.ndjson | gzip > part2.ndjson.gz
"$R" part1.ndjson part2.ndjson.gz --fast > merged.ndjson
check "two files merged back into time order" cmp -s a.ndjson merged.ndjson

# --- filters, loop, retime ---------------------------------------------------
expect_eq "--device keeps one device" 60 "$("$R" a.ndjson --fast --device P-0003 | wc -l)"
expect_eq "--topic filter" 120 "$("$R" a.ndjson --fast --topic 'plant/P-0001/#' --topic 'plant/P-0002/+' | wc -l)"
expect_eq "--since/--until: 10 s of 20 devices x 2/s" 400 \
  "$("$R" a.ndjson --fast --since 2026-03-19T10:40:10Z --until 1773916820000 | wc -l)"
"$R" a.ndjson --fast --loop 3 > looped.ndjson
expect_eq "--loop 3 plays three times" 3600 "$(wc -l < looped.ndjson)"
"$R" a.ndjson --fast --retime --new-ids --device P-0001 > retimed.ndjson
$PY - retimed.ndjson a.ndjson > retime.txt <<'PY'
import json, sys, time
new = [json.loads(l)["payload"] for l in open(sys.argv[1])]
old = [json.loads(l)["payload"] for l in open(sys.argv[2]) if '"P-0001"' in l]
now = time.time() * 1000
shift = {n["ts"] - o["ts"] for n, o in zip(new, old)}
print(abs(new[0]["ts"] - now) < 60000, len(shift) == 1,
      all(n["msg_id"] != o["msg_id"] for n, o in zip(new, old)),
      all(n["meta"]["source_ts"] - o["meta"]["source_ts"] in shift for n, o in zip(new, old)))
PY
expect_eq "--retime moves the first message to now, one shift for all, fresh ids" "True True True True" "$(cat retime.txt)"
status "$R" --loop 2 --fast < a.ndjson
expect_eq "--loop over stdin is a usage error" 2 "$rc"

# --- pacing, measured from arrival times -------------------------------------
# A 10-second recording (2 devices, 2/s) at --speed 10 should take ~1 s. The
# check is that nothing arrives early (the schedule is honoured) and that the
# whole run is not far behind (generous bound: noisy machines).
"$R" --synthetic devices=2,rate=2,duration=10,seed=1,$START --fast > ten.ndjson
# The clock starts before iot-replay does, so a line can never be "early"
# because the reader started late (a busy machine): only a replay that
# ignored its schedule could deliver one before start + offset / speed.
cat > paced.py <<'PY'
import json, subprocess, sys, time
speed, cmd = float(sys.argv[1]), sys.argv[2:]
t0 = time.monotonic()
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
early = n = 0; ts0 = None
for line in proc.stdout:
    now = time.monotonic() - t0
    ts = json.loads(line)["payload"]["ts"]
    ts0 = ts if ts0 is None else ts0
    due = (ts - ts0) / 1000 / speed if speed else n / -speed
    early += now < due - 0.01
    n += 1; last, last_due = now, due
proc.wait()
print(n, early, last < last_due + 3)
PY
expect_eq "paced at --speed 10: all 40 lines, none early, not far behind" "40 0 True" \
  "$($PY paced.py 10 "$R" ten.ndjson --speed 10)"
expect_eq "--rate 20: 40 lines, none early (line i at i/20 s)" "40 0 True" \
  "$($PY paced.py -20 "$R" ten.ndjson --rate 20)"

# --- faults in the input -----------------------------------------------------
head -c $(( $(stat -c %s a.ndjson.gz) / 2 )) a.ndjson.gz > cut.ndjson.gz
status "$R" cut.ndjson.gz --fast > cut.out 2> cut.err
expect_eq "truncated .gz exits 74" 74 "$rc"
check "truncated .gz: the error names the file and line" grep -q "cut.ndjson.gz: after line $(wc -l < cut.out)" cut.err
check "truncated .gz: what came before is kept, byte for byte" cmp -s cut.out <(head -n "$(wc -l < cut.out)" a.ndjson)
check "truncated .gz: something came out" test "$(wc -l < cut.out)" -gt 10
head -c $(( $(stat -c %s a.ndjson.lz4) / 2 )) a.ndjson.lz4 > cut.ndjson.lz4
status "$R" cut.ndjson.lz4 --fast > cut4.out 2> cut4.err
expect_eq "truncated .lz4 exits 74" 74 "$rc"
check "truncated .lz4: what came before is kept" cmp -s cut4.out <(head -n "$(wc -l < cut4.out)" a.ndjson)
printf '{"topic":"t","payload":{"ts":1}}\nnot json\n{"topic":"t","payload":{"ts":2}}\n' > bad.ndjson
status "$R" bad.ndjson --fast --device x > /dev/null 2> bad.err
expect_eq "a bad line does not stop the replay" 0 "$rc"
"$R" bad.ndjson --speed 1000 > bad.out 2> /dev/null
check "a bad line is passed on as recorded" cmp -s bad.ndjson bad.out
status "$R" missing.ndjson --fast
expect_eq "a missing file exits 74" 74 "$rc"
status "$R" --bogus
expect_eq "an unknown option exits 2" 2 "$rc"
set +o pipefail
"$R" --synthetic devices=100,duration=1000,$START --fast | head -1 > /dev/null
rc=${PIPESTATUS[0]}
set -o pipefail
expect_eq "a reader that leaves early (| head) is not an error" 0 "$rc"

finish
