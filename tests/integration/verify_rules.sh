#!/usr/bin/env bash
# iot-verify --rules (iot-rules(5)) against iot-replay's injected sensor
# faults: every stuck, spike and dead fault raises exactly one alarm of its
# rule on its device (and metric), the alarm clears at the device's first
# message after the fault, and nothing else raises (tests/lib/alarm_truth.py
# reads the truth and the alarms with Python's json). Alarms come in stream
# order with the data under --filter, or go to --alarms FILE; the data lines
# pass unchanged, and a verifier downstream passes the alarms on. The fleet's own failing pump raises bad_quality once per
# metric. --live: a device that stops sending raises silence by the wall
# clock while its stream stays open, and clears when it sends again (the
# detection latency is printed, not asserted). Through iot-pub's outbox the
# alarms reach a real mosquitto ahead of the data waiting with them. Bad
# rules files are usage errors naming FILE:LINE and the key.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
R=$IOT_BIN/iot-replay
V=$IOT_BIN/iot-verify
PY=/usr/bin/python3
TRUTH_CHECK="$IOT_SOURCE_DIR/tests/lib/alarm_truth.py"

cat > faults.toml <<'TOML'
# One rule per injected fault kind.
[[rule]]
name = "spike"
range = [-500, 900]

[[rule]]
name = "flat"
stuck = "20s"
epsilon = 0

[[rule]]
name = "watchdog"
device = "P-*"
silence = "10s"
TOML

# --- injected faults -> alarms in the stream, exactly the truth --------------
"$R" --synthetic devices=25,duration=900,seed=4 --fast \
  --inject stuck=0.002,spike=0.003,dead=0.002,hold=30s --truth truth.json > fleet.ndjson
rc=0; "$V" --filter --rules faults.toml --expect truth.json fleet.ndjson > out.ndjson 2> err.txt || rc=$?
expect_eq "iot-verify --filter --rules --expect: exit 0" 0 "$rc"
check "the verifier's report still matches the transport truth" grep -q "matches truth.json" err.txt
rc=0; $PY "$TRUTH_CHECK" truth.json out.ndjson flat spike watchdog > truth_check.txt || rc=$?
cat truth_check.txt
expect_eq "every fault one alarm and one clear, nothing else" 0 "$rc"
faults=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["episodes"]))' truth.json)
check "the fleet had faults of every kind ($faults)" $PY -c '
import json, sys
kinds = {e["fault"] for e in json.load(open(sys.argv[1]))["episodes"]}
sys.exit(kinds != {"stuck", "spike", "dead"})' truth.json
check "the log counts the alarms" grep -q "alarms: $faults raised, $faults cleared" err.txt

# The data lines pass unchanged and in order; each alarm follows the line
# whose reading (or clock) raised or cleared it.
grep -v '"kind":"alarm"' out.ndjson > data_only.ndjson
check "data lines unchanged, in order" cmp -s fleet.ndjson data_only.ndjson
check "alarms in stream order: each stamped with the time of the line before it" $PY -c '
import json, sys
last = None
for line in open(sys.argv[1]):
    d = json.loads(line)
    p = d["payload"]
    if p.get("kind") == "alarm":
        if last is None or p["ts"] != last:
            sys.exit("alarm at %s after a line at %s" % (p["ts"], last))
    else:
        last = p["ts"]' out.ndjson

# A second verifier downstream passes the alarms through, checked.
rc=0; "$V" --filter out.ndjson > again.ndjson 2> again.err || rc=$?
expect_eq "iot-verify --filter over a stream with alarms: exit 0" 0 "$rc"
check "and it passes every line, alarms included" cmp -s out.ndjson again.ndjson

# --- --alarms FILE: the same alarms in a file, the data alone on stdout ------------
rc=0; "$V" --filter --rules faults.toml --alarms alarms.ndjson --alarm-topic 'site/alarms/{device_id}/{metric}/{state}' \
  fleet.ndjson > data.ndjson 2> /dev/null || rc=$?
expect_eq "--alarms FILE: exit 0" 0 "$rc"
check "stdout holds only the data" cmp -s fleet.ndjson data.ndjson
rc=0; $PY "$TRUTH_CHECK" truth.json alarms.ndjson flat spike watchdog > /dev/null || rc=$?
expect_eq "the file holds exactly the truth's alarms" 0 "$rc"
check "topics from the template" $PY -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line); p = d["payload"]
    want = "site/alarms/%s/%s/%s" % (p["device_id"], p["metric"].replace("/", "_"), p["state"])
    if d["topic"] != want: sys.exit(d["topic"] + " != " + want)' alarms.ndjson
# Report mode with --alarms: the report on stdout, the alarms in the file.
rm -f alarms2.ndjson
rc=0; "$V" --rules faults.toml --alarms alarms2.ndjson --report json fleet.ndjson > report.json 2> /dev/null || rc=$?
expect_eq "report mode with --alarms: exit 0" 0 "$rc"
expect_eq "the report counts every line" "$(wc -l < fleet.ndjson)" "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' report.json)"
expect_eq "and the file every alarm" "$((2 * faults))" "$(wc -l < alarms2.ndjson)"

# --- the failing pump of the fleet: bad quality, once per metric -------------
cat > quality.toml <<'TOML'
[[rule]]
name = "bad"
bad_quality = "5s"
TOML
"$R" --synthetic devices=10,duration=300,seed=13 --fast > pumps.ndjson
"$V" --filter --rules quality.toml pumps.ndjson 2> /dev/null | grep '"kind":"alarm"' > quality_alarms.ndjson || true
expect_eq "bad_quality: one alarm per metric, all on the failing pump P-0004 (seed 13 % 10 devices)" \
  "6 P-0004 raise" "$($PY -c '
import json, sys
a = [json.loads(l)["payload"] for l in open(sys.argv[1])]
print(len({x["metric"] for x in a}), " ".join(sorted({x["device_id"] for x in a})), " ".join(sorted({x["state"] for x in a})))' quality_alarms.ndjson)"

# --- --live: the watchdog notices a device that went quiet -------------------
cat > live.toml <<'TOML'
[[rule]]
name = "watchdog"
silence = "1s"
[[rule]]
name = "hot"
metric = "temp"
range = [0, 100]
TOML
# The feeder writes A and B every 0.1 s; after 1 s only B, until the alarm
# for A is in the file (the pipe stays open all along: only the wall clock
# can raise it), then A again until the clear is there.
cat > feeder.py <<'PYEOF'
import json, sys, time
alarms = sys.argv[1]
def states():
    try:
        return [json.loads(l)["payload"] for l in open(alarms)]
    except (OSError, ValueError):
        return []
seq = {"A": 0, "B": 0}
def send(dev, temp=50.0):
    seq[dev] += 1
    msg = {"device_id": dev, "ts": int(time.time() * 1000), "seq": seq[dev], "d": {"temp": {"v": temp, "q": 192}}}
    print(json.dumps({"topic": "p/" + dev, "payload": msg}), flush=True)
def until(cond, devices, limit=60):
    end = time.time() + limit
    while not cond() and time.time() < end:
        for d in devices: send(d)
        time.sleep(0.1)
for _ in range(10):
    send("A"); send("B"); time.sleep(0.1)
until(lambda: any(a["state"] == "raise" for a in states()), ["B"])
send("A", 150.0)  # back, and too hot: a range alarm on the live stream too
until(lambda: any(a["state"] == "clear" for a in states()), ["A", "B"], limit=30)
for _ in range(5):
    send("A"); send("B"); time.sleep(0.1)
PYEOF
rm -f live_alarms.ndjson
rc=0; $PY feeder.py live_alarms.ndjson | "$V" --filter --rules live.toml --live --alarms live_alarms.ndjson \
  > live_out.ndjson 2> live_err.txt || rc=$?
expect_eq "--live: exit 0" 0 "$rc"
expect_eq "--live: silence raised and cleared for A only, one range raise and clear" \
  "hot:A:raise hot:A:clear watchdog:A:raise watchdog:A:clear" \
  "$($PY -c '
import json, sys
a = [json.loads(l)["payload"] for l in open(sys.argv[1])]
order = {"raise": 0, "clear": 1}
print(" ".join("%s:%s:%s" % (x["rule"], x["device_id"], x["state"]) for x in sorted(a, key=lambda x: (x["rule"], order[x["state"]]))))' live_alarms.ndjson)"
$PY -c '
import json, sys
for l in open(sys.argv[1]):
    p = json.loads(l)["payload"]
    if p["rule"] == "watchdog" and p["state"] == "raise":
        print("--live silence detection latency: %d ms after the 1 s threshold" % (p["ts"] - p["since"] - 1000))' live_alarms.ndjson
check "--live: the data passed" test "$(wc -l < live_out.ndjson)" -ge 20

# --- through iot-pub's outbox: the alarms go ahead of the data ---------------
start_mosquitto
"$R" --synthetic devices=5,duration=120,seed=2 --fast --inject spike=0.01 > spikes.ndjson
"$V" --filter --rules faults.toml spikes.ndjson 2>/dev/null > spikes_alarms.ndjson
n_alarms=$(grep -c '"kind":"alarm"' spikes_alarms.ndjson || true)
n_lines=$(wc -l < spikes_alarms.ndjson)
check "the spikes raised alarms ($n_alarms)" test "$n_alarms" -ge 2
rc=0; iot-pub --broker "mqtt://127.0.0.1:1" --retries 3 --outbox outbox.db < spikes_alarms.ndjson 2>/dev/null || rc=$?
expect_eq "unreachable broker, everything in the outbox: exit 75" 75 "$rc"
iot-sub --broker "$MQTT_URL" -i sub-alarms -t '#' --count "$n_lines" -W 20 > received.ndjson 2>/dev/null &
SUB=$!; wait_subscribed "$SUB" sub-alarms '#' || fail "iot-sub did not subscribe"
rc=0; iot-pub --broker "$MQTT_URL" --outbox outbox.db --max-inflight 1 </dev/null 2>/dev/null || rc=$?
expect_eq "the outbox drained: exit 0" 0 "$rc"
wait "$SUB" || true
expect_eq "every line arrived" "$n_lines" "$(wc -l < received.ndjson)"
expect_eq "the alarms arrived first, in their order" \
  "$(grep '"kind":"alarm"' spikes_alarms.ndjson | $PY -c 'import json,sys; print(" ".join(json.loads(l)["payload"]["msg_id"] for l in sys.stdin))')" \
  "$(head -n "$n_alarms" received.ndjson | $PY -c 'import json,sys; print(" ".join(json.loads(l)["payload"].get("msg_id", "-") for l in sys.stdin if json.loads(l)["payload"].get("kind") == "alarm"))')"

# --- rules files are checked at load ------------------------------------------
printf '[[rule]]\nname = "x"\nmetric = "temp_*"\nrange = [100, 0]\n' > bad1.toml
printf '[[rule]]\nname = "y"\nrate = 1\nstcuk = "5m"\n' > bad2.toml
printf '[[rule]]\nname = "z"\nsilence = "soon"\n' > bad3.toml
for f in bad1 bad2 bad3; do
  rc=0; "$V" --filter --rules $f.toml fleet.ndjson > /dev/null 2> $f.err || rc=$?
  expect_eq "--rules $f.toml: exit 2" 2 "$rc"
done
check "names file, line, rule and key" grep -q 'bad1.toml:4: rule 1 ("x"): range: min must be below max' bad1.err
check "an unknown key is named" grep -q 'unknown key "stcuk"' bad2.err
check "a bad duration is named" grep -q 'bad3.toml:3: rule 1 ("z"): silence:' bad3.err
rc=0; "$V" --rules faults.toml fleet.ndjson > /dev/null 2> where.err || rc=$?
expect_eq "--rules with neither --filter nor --alarms: exit 2" 2 "$rc"
rc=0; "$V" --live fleet.ndjson > /dev/null 2> live.err || rc=$?
expect_eq "--live without --rules: exit 2" 2 "$rc"
rc=0; "$V" --filter --rules faults.toml --alarm-topic 'a/{site}' fleet.ndjson > /dev/null 2> topic.err || rc=$?
expect_eq "an unknown name in --alarm-topic: exit 2" 2 "$rc"
check "and it is named" grep -q '{site}' topic.err
finish
