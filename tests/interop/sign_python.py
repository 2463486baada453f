#!/usr/bin/python3
"""Signing (iot-stream(5), CANONICAL JSON), our C++ against Python itself, through the real binaries.

(a) iot-replay --synthetic shape=signed signs with our canonical JSON and
    HMAC (a binary hex: key); Python verifies every message exactly as seed
    003 does, and rejects a tampered copy.
(b) Python signs random payloads (unicode, non-BMP, control characters,
    extreme doubles, big ints) with Python's json and hmac; iot-verify must find
    every signature good, and every tampered one bad (a missing iot-verify
    fails the suite).
"""
import base64
import hmac
import json
import os
import pathlib
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from iot_testlib import bin_dir, check, finish, hmac_digest  # noqa: E402

BIN = bin_dir("build/tools")
KEY = bytes(range(7, 39))  # 32 bytes, not text


def seed003_digest(payload):
    return hmac_digest(KEY, payload)


def random_payload(rng):
    chars = list("abcXYZ09 _-/\"\\\n\t\x00\x1f\x7f") + ["\u00e9", "\u2028", "\uffff", "\U0001F600", "\U0010FFFF"]
    def s():
        return "".join(rng.choice(chars) for _ in range(rng.randint(0, 8)))
    def num():
        k = rng.randrange(5)
        if k == 0:
            while True:
                x = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
                if x == x and abs(x) != float("inf"):
                    return x
        if k == 1:
            return rng.uniform(1e15, 1e17)
        if k == 2:
            return rng.uniform(1e-5, 1e-3)
        if k == 3:
            return rng.randint(-(2**63), 2**63 - 1)
        return round(rng.uniform(-100, 100), 2)
    p = {s(): num() for _ in range(rng.randint(1, 6))}
    p[s()] = {s(): [num(), s(), None, True] for _ in range(rng.randint(0, 3))}
    p["ts"], p["ts_ns"] = 1759384453, rng.randrange(10**9)
    return p


with tempfile.TemporaryDirectory() as tmp:
    key_file = os.path.join(tmp, "k.key")
    with open(key_file, "w") as f:
        f.write("hex:" + KEY.hex() + "\n")

    # (a) our signatures, Python's verification
    out = subprocess.run([os.path.join(BIN, "iot-replay"), "--synthetic",
                          "devices=40,duration=50,shape=signed,metrics=temp_c:h\u00e9:z,seed=9,start=1773916800000",
                          "--key-file", key_file, "--fast"], capture_output=True, text=True)
    check("iot-replay shape=signed runs", out.returncode == 0, out.stderr)
    msgs = [json.loads(line)["payload"] for line in out.stdout.splitlines()]
    good = sum(hmac.compare_digest(base64.b64decode(m["hmac"]), seed003_digest(m["payload"])) for m in msgs)
    check("2000 messages signed by us verify in Python", good == len(msgs) == 2000, "%d of %d" % (good, len(msgs)))
    tampered = msgs[0]
    tampered["payload"]["seq"] += 1
    check("a tampered message fails in Python",
          not hmac.compare_digest(base64.b64decode(tampered["hmac"]), seed003_digest(tampered["payload"])))

    # (b) Python's signatures, our verification (iot-verify)
    # A missing iot-verify is a failure, not a shorter test: part (b) is half
    # of what this suite promises.
    verify = os.path.join(BIN, "iot-verify")
    check("iot-verify is built", os.access(verify, os.X_OK), verify)
    if os.access(verify, os.X_OK):
        rng = random.Random(2026)
        path, bad_path = os.path.join(tmp, "py.ndjson"), os.path.join(tmp, "py-bad.ndjson")
        with open(path, "w") as good_f, open(bad_path, "w") as bad_f:
            for i in range(3000):
                p = random_payload(rng)
                line = {"hmac": base64.b64encode(seed003_digest(p)).decode(), "payload": p}
                good_f.write(json.dumps(line) + "\n")
                p["ts_ns"] += 1
                bad_f.write(json.dumps(line) + "\n")
        for name, file, want in (("Python-signed", path, 0), ("tampered", bad_path, 3000)):
            r = subprocess.run([verify, "--key-file", key_file, "--report", "json", file], capture_output=True, text=True)
            try:
                report = json.loads(r.stdout)
                got = report["bad_signature"]
            except (ValueError, KeyError):
                got = "no report: " + r.stderr[:300]
            check("iot-verify: %s messages, bad signatures = %d" % (name, want), got == want, str(got))

sys.exit(finish())
