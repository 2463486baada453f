#!/usr/bin/python3
"""Oracle for canonical_python_test.cpp: Python's json and hmac, run for real.

generate N SEED OUT: writes N random payloads, three lines each: the payload
  as JSON text (varied spacing, key order, duplicate keys, number spellings,
  escapes), then json.dumps(json.loads(text), sort_keys=True,
  separators=(",", ":")), then base64(hmac.digest(KEY, that, "sha256")).
verify IN: checks each line {"hmac": ..., "payload": ...} exactly as a Python
  verifier does; prints "verified N" and exits 1 on the first failure.
"""
import base64
import hmac
import json
import random
import struct
import sys

KEY = "interop-key-\u00e9".encode()
CANONICAL = {"indent": None, "separators": (",", ":"), "sort_keys": True}

ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyzABC_-/ 0123456789")
    + ['"', "\\", "\n", "\t", "\r", "\b", "\f", "\x00", "\x01", "\x1f", "\x7f", "\x80"]
    + ["\u00e9", "\u00fc", "\u2028", "\u6e29", "\uffff", "\ufeff", "\U0001F600", "\U00010000", "\U0010FFFF"]
)


def rand_string(rng):
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))


def rand_float(rng):
    kind = rng.randrange(8)
    if kind == 0:
        while True:
            x = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
            if x == x and abs(x) != float("inf"):
                return x
    if kind == 1:
        return rng.uniform(-1, 1) * 10 ** rng.uniform(-30, 30)
    if kind == 2:
        return rng.uniform(1e15, 1e17)
    if kind == 3:
        return rng.uniform(1e-5, 1e-3)
    if kind == 4:
        return float(rng.randint(-(10**17), 10**17))
    if kind == 5:
        return rng.randint(1, 2**52) * 5e-324
    if kind == 6:
        return round(rng.uniform(-1000, 1000), 2)
    return rng.choice([0.0, -0.0, 1e16, 1e-4, 9.999999999999999e15, 1e-5, 1.7976931348623157e308, 5e-324])


def rand_int(rng):
    kind = rng.randrange(4)
    if kind == 0:
        return rng.randint(-1000, 1000)
    if kind == 1:
        return rng.randint(-(2**63), 2**64 - 1)
    if kind == 2:
        return rng.randint(-(10**40), 10**40)
    return rng.choice([0, -1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1])


def rand_value(rng, depth):
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind in (0, 1):
        return rand_float(rng)
    if kind == 2:
        return rand_int(rng)
    if kind == 3:
        return rand_string(rng)
    if kind == 4:
        return rng.choice([True, False, None])
    if kind == 5:
        return rand_float(rng)
    if kind in (6, 7):
        return rand_object(rng, depth + 1)
    return [rand_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def rand_object(rng, depth):
    n = rng.randint(1 if depth == 0 else 0, 6)
    return {rand_string(rng): rand_value(rng, depth) for _ in range(n)}


def spell_float(rng, x):
    form = rng.randrange(5)
    if form == 0 or x != x:
        return repr(x)
    if form == 1:
        return "%.17e" % x
    if form == 2:
        return ("%.20G" % x).replace("E", "e") if rng.random() < 0.5 else "%.20G" % x
    if form == 3 and x == int(x) and abs(x) < 1e20:
        return "%d.000" % int(x) if x >= 0 else "-%d.0" % -int(x)
    return repr(x).upper()


def write(rng, v, out):
    """A JSON writer with varied but valid spellings of the same value."""
    sp = lambda: out.append(rng.choice(["", "", " ", "\t", "\n "]) if rng.random() < 0.3 else "")
    if isinstance(v, dict):
        out.append("{")
        items = list(v.items())
        rng.shuffle(items)
        if items and rng.random() < 0.1:  # a duplicate key before the real one: the last wins
            items.insert(0, (items[-1][0], "overwritten"))
        for i, (k, val) in enumerate(items):
            if i:
                out.append(",")
            sp()
            out.append(json.dumps(k, ensure_ascii=rng.random() < 0.5))
            sp()
            out.append(":")
            sp()
            write(rng, val, out)
        sp()
        out.append("}")
    elif isinstance(v, list):
        out.append("[")
        for i, val in enumerate(v):
            if i:
                out.append(",")
            sp()
            write(rng, val, out)
        out.append("]")
    elif isinstance(v, float):
        out.append(spell_float(rng, v))
    elif isinstance(v, str):
        s = json.dumps(v, ensure_ascii=rng.random() < 0.5)
        out.append(s.replace("/", "\\/") if rng.random() < 0.2 else s)
    else:
        out.append(json.dumps(v))


def generate(n, seed, path):
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for _ in range(n):
            payload = rand_object(rng, 0)
            parts = []
            write(rng, payload, parts)
            text = "".join(parts).replace("\n", " ")
            canonical = json.dumps(json.loads(text), **CANONICAL)
            digest = base64.b64encode(hmac.digest(KEY, canonical.encode(), "sha256")).decode()
            f.write(text + "\n" + canonical + "\n" + digest + "\n")


def verify(path):
    n = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            msg = json.loads(line)
            payload_str = json.dumps(msg["payload"], **CANONICAL)
            want = hmac.digest(KEY, payload_str.encode(), "sha256")
            if not hmac.compare_digest(base64.b64decode(msg["hmac"]), want):
                print("bad signature on line", n + 1, line[:200])
                return 1
            n += 1
    print("verified", n)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(verify(sys.argv[2]))
