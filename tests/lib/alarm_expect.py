#!/usr/bin/env python3
"""The alarms and alarm_state that iot-ingest(1) (Tables) should hold for the
alarm lines of an NDJSON capture, computed with Python's json alone.

Usage: alarm_expect.py CAPTURE (alarms|state)
  alarms: one line per distinct msg_id, "msg_id|device|rule|check|metric|state|ts_ms", sorted
  state:  one line per alarm, "device|rule|check|metric|active|first_seen_ms|last_seen_ms|raises|cleared_ms",
          sorted; empty fields for NULL; active as 1/0
The state follows the man page: events by (ts, msg_id); a raise opens an
episode when none is active, a repeated raise continues it, a clear ends it.
"""
import json
import sys

capture, what = sys.argv[1], sys.argv[2]
alarms = {}
for line in open(capture, encoding="utf-8"):
    env = json.loads(line)
    p = env.get("payload")
    if isinstance(p, dict) and p.get("kind") == "alarm":
        alarms[p["msg_id"]] = p

if what == "alarms":
    for m in sorted(alarms):
        p = alarms[m]
        print("|".join(str(x) for x in (m, p["device_id"], p["rule"], p["check"], p["metric"], p["state"], p["ts"])))
    sys.exit(0)

by_alarm = {}
for p in alarms.values():
    by_alarm.setdefault((p["device_id"], p["rule"], p["check"], p["metric"]), []).append(p)
for key in sorted(by_alarm):
    active, first, last, raises, cleared = False, None, None, 0, None
    for p in sorted(by_alarm[key], key=lambda p: (p["ts"], p["msg_id"])):
        if p["state"] == "raise":
            raises += 1
            if not active:
                active, first, cleared = True, p["ts"], None
            last = p["ts"]
        else:
            if not active and first is None:
                first = p["since"]
            if active or cleared is None:
                cleared = p["ts"]
            active = False
    f = lambda v: "" if v is None else str(v)
    print("|".join(list(key) + ["1" if active else "0", f(first), f(last), str(raises), f(cleared)]))
