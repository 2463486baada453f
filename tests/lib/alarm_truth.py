#!/usr/bin/env python3
"""Compares alarm envelopes with iot-replay's sensor-fault truth (the
"episodes" of --truth): every injected fault raised exactly one alarm of its
rule, on its device (and metric, but for dead), while the fault lasted, and
that alarm cleared exactly at the device's first message after the fault;
no alarm was raised for anything else. Prints one line per problem and
exits 1 when there is any; prints a summary and exits 0 otherwise.

Usage: alarm_truth.py TRUTH.json ALARMS.ndjson RULE_FOR_STUCK RULE_FOR_SPIKE RULE_FOR_DEAD
(ALARMS may hold data lines too: only lines whose payload kind is "alarm" count.)
"""
import json
import sys

truth_path, alarms_path, stuck_rule, spike_rule, dead_rule = sys.argv[1:6]
rule_of = {"stuck": stuck_rule, "spike": spike_rule, "dead": dead_rule}
episodes = json.load(open(truth_path))["episodes"]
alarms = []
for line in open(alarms_path):
    try:
        doc = json.loads(line)
    except ValueError:
        continue
    p = doc.get("payload") if isinstance(doc, dict) else None
    if isinstance(p, dict) and p.get("kind") == "alarm":
        alarms.append((doc, p))

problems = []
for doc, p in alarms:
    for key in ("msg_id", "rule", "check", "device_id", "metric", "since", "ts", "state"):
        if key not in p:
            problems.append(f"alarm without {key}: {p}")
    if doc.get("qos") != 1 or p.get("priority") != "high":
        problems.append(f"alarm not qos 1 / priority high: {doc}")
ids = [p["msg_id"] for _, p in alarms]
if len(set(ids)) != len(ids):
    problems.append("msg_ids repeat")

raises = [p for _, p in alarms if p["state"] == "raise"]
clears = [p for _, p in alarms if p["state"] == "clear"]
used_raise, used_clear = set(), set()
for e in episodes:
    rule = rule_of[e["fault"]]
    def fits(p):
        return p["rule"] == rule and p["device_id"] == e["device_id"] and (e["fault"] == "dead" or p["metric"] == e["metric"])
    # Raised while the fault lasted: from its first message (a dead device is
    # noticed after its last message) until the message that ends it.
    r = [i for i, p in enumerate(raises) if i not in used_raise and fits(p) and e["start_ms"] - 60_000 <= p["ts"] < e["end_ms"]
         and p["since"] <= e["start_ms"]]
    c = [i for i, p in enumerate(clears) if i not in used_clear and fits(p) and p["ts"] == e["end_ms"]]
    if len(r) != 1:
        problems.append(f"{e['fault']} on {e['device_id']} {e['metric']} (seq {e['first_seq']}..{e['last_seq']}): {len(r)} raises")
    if len(c) != 1:
        problems.append(f"{e['fault']} on {e['device_id']} {e['metric']}: {len(c)} clears at {e['end_ms']}")
    used_raise.update(r[:1])
    used_clear.update(c[:1])
for i, p in enumerate(raises):
    if i not in used_raise:
        problems.append(f"an alarm no fault explains: {p}")
for i, p in enumerate(clears):
    if i not in used_clear:
        problems.append(f"a clear no fault explains: {p}")
for line in problems[:30]:
    print(line)
if problems:
    sys.exit(1)
kinds = {}
for e in episodes:
    kinds[e["fault"]] = kinds.get(e["fault"], 0) + 1
print(f"{len(episodes)} faults {kinds}: {len(raises)} raises, {len(clears)} clears, all explained")
