#!/usr/bin/python3
"""Make a signed sample capture for iot-verify, with known faults injected.

Messages are nested-shape payloads (iot-stream(5)) (schema_version, msg_id ULID,
device_id, device_type, ts in Unix ms, seq, d{metric:{v,q}}, meta{...})
signed as iot-stream(5) CANONICAL JSON says, in Python: json.dumps(payload, indent=None,
separators=(",", ":"), sort_keys=True), hmac.digest(key, ..., "sha256"),
base64. Each line is an envelope {"topic", "payload": {"hmac", "payload"}}
(or the bare signed message with --bare).

Faults, each on distinct messages spread apart so that their effects do
not overlap: --missing (dropped: one gap each), --reorder (delivered two
places late: one gap opened and filled, one reordered), --duplicates
(exact copies later on), --forged (copies with a value changed, old HMAC),
--unsigned (copies without their HMAC), --schema (copies with quality code
999, re-signed), --future / --stale / --drift (timestamps 1 h ahead, 2 days
old, edge latency 15 s), --garbage (lines that are not JSON).

--expect FILE writes the report iot-verify must give (totals), --good FILE
the lines iot-verify --filter must pass, byte for byte.

Example (the demo): make_sample.py --out sample.ndjson --key-file sample.key \
    --count 1000 --devices 5 --forged 3 --duplicates 4 --missing 5
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import time

CANONICAL_JSON = {"indent": None, "separators": (",", ":"), "sort_keys": True}
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
METRICS = ["temp_inlet_c", "temp_outlet_c", "pressure_bar", "flow_m3h", "vibration_rms", "power_kw"]


def ulid(ms, rng):
    value = (ms << 80) | rng.getrandbits(80)
    return "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in range(25, -1, -1))


def sign(payload, key):
    # The signed shape: canonical dumps, HMAC-SHA256, base64.
    payload_str = json.dumps(payload, **CANONICAL_JSON)
    digest = hmac.digest(key, payload_str.encode(), "sha256")
    return {"hmac": base64.b64encode(digest).decode(), "payload": payload}


def make_payload(device, seq, ts_ns, rng, latency_ms=None):
    ms = ts_ns // 1_000_000
    latency = latency_ms if latency_ms is not None else rng.randint(20, 400)
    payload = {
        "schema_version": "2.1",
        "msg_id": ulid(ms, rng),
        "device_id": device,
        "device_type": "centrifugal_pump",
        "ts": ms,
        "seq": seq,
        "d": {m: {"v": round(rng.uniform(0, 200), 2), "q": rng.choice([192, 192, 192, 68])} for m in METRICS},
        "meta": {"fw_version": "2.3.1", "gw_id": "gw-detroit-l3-01", "source_ts": ms - latency,
                 "edge_latency_ms": latency},
    }
    # A nested payload has its own ts (Unix ms), so the signed shape's ts/ts_ns
    # stamping does not apply (as with iot-pub --stamp --key-file).
    return payload


def line_for(device, signed, bare):
    if bare:
        return json.dumps(signed, separators=(",", ":"))
    env = {"topic": f"plant/{device}/telemetry", "payload": signed, "qos": 1}
    return json.dumps(env, separators=(",", ":"))


def pick_spread(rng, candidates, n, used):
    """n indices from candidates, none within 3 of another used one."""
    chosen = []
    pool = list(candidates)
    rng.shuffle(pool)
    for i in pool:
        if len(chosen) == n:
            break
        if any(j in used for j in range(i - 3, i + 4)):
            continue
        used.add(i)
        chosen.append(i)
    if len(chosen) < n:
        raise SystemExit("make_sample: too many faults for this --count; raise --count")
    return chosen


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--key-file", required=True, help="written when missing, else read")
    ap.add_argument("--count", type=int, default=1000, help="messages generated before faults")
    ap.add_argument("--devices", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bare", action="store_true", help="signed messages without the envelope")
    for fault in ["missing", "reorder", "duplicates", "forged", "unsigned", "schema", "future", "stale", "drift",
                  "garbage"]:
        ap.add_argument("--" + fault, type=int, default=0)
    ap.add_argument("--expect", help="write the expected report totals (JSON) here")
    ap.add_argument("--good", help="write the lines --filter must pass here")
    a = ap.parse_args()
    rng = random.Random(a.seed)

    if os.path.exists(a.key_file):
        with open(a.key_file, "rb") as f:
            key = f.read()
        key = key[:-1] if key.endswith(b"\n") else key
    else:
        key = base64.b64encode(rng.randbytes(24))
        with open(a.key_file, "wb") as f:
            f.write(key + b"\n")

    per_device = a.count // a.devices
    now_ns = time.time_ns()
    start_ns = now_ns - 3600 * 1_000_000_000  # an hour of data, ending now
    step_ns = 3600 * 1_000_000_000 // max(per_device, 1)
    # Device streams of (device, seq, ts): round robin over devices.
    plan = []
    for k in range(per_device):
        for dev in range(a.devices):
            plan.append((f"P-{dev:03d}", 1000 + k, start_ns + k * step_ns + dev * 1000))
    # Faults are chosen per device position k so each device's stream keeps them apart.
    interior = [i for i in range(len(plan)) if a.devices * 4 <= i < len(plan) - a.devices * 4]
    used_k = set()

    def pick(n):
        # choose plan indices whose per-device positions k are spread apart
        ks = pick_spread(rng, sorted({i // a.devices for i in interior}), n, used_k)
        return [k * a.devices + rng.randrange(a.devices) for k in ks]

    missing = set(pick(a.missing))
    reorder = set(pick(a.reorder))
    future = set(pick(a.future))
    stale = set(pick(a.stale))
    drift = set(pick(a.drift))

    messages = []  # (plan index, line, device)
    for i, (device, seq, ts) in enumerate(plan):
        if i in future:
            ts = now_ns + 3600 * 1_000_000_000
        if i in stale:
            ts = now_ns - 48 * 3600 * 1_000_000_000
        payload = make_payload(device, seq, ts, rng, 15000 if i in drift else None)
        messages.append((i, payload, device))

    order = [m for m in messages if m[0] not in missing]
    # reorder: move message two places later within its device's stream
    # (2 * devices lines later overall).
    for i in sorted(reorder):
        pos = next(p for p, m in enumerate(order) if m[0] == i)
        m = order.pop(pos)
        order.insert(min(pos + 2 * a.devices, len(order)), m)

    lines = [(line_for(d, sign(p, key), a.bare), True) for _, p, d in order]
    good = [text for text, _ in lines]

    extras = []
    src = list(range(len(order)))
    for _ in range(a.duplicates):
        j = rng.choice(src)
        extras.append((j, line_for(order[j][2], sign(order[j][1], key), a.bare)))
    for _ in range(a.forged):
        j = rng.choice(src)
        p = json.loads(json.dumps(order[j][1]))
        s = sign(p, key)
        p["d"]["power_kw"]["v"] = round(p["d"]["power_kw"]["v"] + 1.5, 2)  # changed after signing
        extras.append((j, line_for(order[j][2], s, a.bare)))
    for _ in range(a.unsigned):
        j = rng.choice(src)
        extras.append((j, line_for(order[j][2], order[j][1], a.bare)))
    for _ in range(a.schema):
        j = rng.choice(src)
        p = json.loads(json.dumps(order[j][1]))
        p["d"]["flow_m3h"]["q"] = 999
        p["msg_id"] = ulid(p["ts"], rng)
        extras.append((j, line_for(order[j][2], sign(p, key), a.bare)))
    for n in range(a.garbage):
        extras.append((rng.choice(src), rng.choice(["not json at all", "{\"topic\": \"x\", \"payload\": ", "[1,2",
                                                    "\xff\xfe garbage %d" % n, "42"])))
    # Each extra goes somewhere after the line it copies (a duplicate after its original).
    out = [text for text, _ in lines]
    for j, text in sorted(extras, key=lambda e: -e[0]):
        out.insert(rng.randint(j + 1, len(out)), text)

    with open(a.out, "w", encoding="utf-8", errors="surrogateescape") as f:
        for text in out:
            f.write(text + "\n")
    if a.good:
        with open(a.good, "w", encoding="utf-8") as f:
            for text in good:
                f.write(text + "\n")
    invalid = a.duplicates + a.forged + a.unsigned + a.schema + a.garbage
    expect = {
        "total": len(out), "valid": len(good), "invalid": invalid, "bad_json": a.garbage,
        "bad_signature": a.forged + a.unsigned, "schema_errors": a.schema, "duplicates": a.duplicates,
        "gaps": {"events": a.missing + a.reorder, "missing": a.missing}, "reordered": a.reorder,
        "future_ts": a.future, "stale_ts": a.stale, "clock_drift": a.drift,
    }
    if a.expect:
        with open(a.expect, "w") as f:
            json.dump(expect, f, indent=1)


if __name__ == "__main__":
    main()
