#!/usr/bin/python3
"""Interop: what Python signs (json.dumps, hmac), iot-verify accepts,
byte for byte through its canonical JSON; any change to a signed payload or
its HMAC is caught. Payloads stress the canonical form: non-ASCII (BMP and
surrogate pairs), escapes, floats where Python's repr switches to exponent
form, 64-bit integer limits, -0.0, nested arrays and objects, unsorted keys.
Checks the bad_signature counter only, so the result does not hang on how
the normalizer reads these payloads. Exit 0 all passed, 1 a failure."""
import base64
import json
import os
import pathlib
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from iot_testlib import bin_dir, check, finish, hmac_b64  # noqa: E402

BIN = bin_dir()


def sign(payload, key):
    return {"hmac": hmac_b64(key, payload), "payload": payload}


PAYLOADS = [
    {"humidity": 60.64, "temperature": 20.52, "ts": 1759384453, "ts_ns": 920529791},
    {"z": 1, "a": 2, "m": {"y": [3, 2, 1], "b": None, "a": True}, "ts": 1759384453, "ts_ns": 1},
    {"name": "Pumpe Nr. 7 \u00fc\u00df \u20ac", "emoji": "\U0001f600 \U0001d11e", "ts": 1, "ts_ns": 0},
    {"esc": "quote\" back\\ nl\n tab\t ctl\u0001 del\u007f ls\u2028", "ts": 2, "ts_ns": 0},
    {"f": [1e16, 1e15, 1e-4, 1e-5, 0.1, 0.30000000000000004, 123456789.123, -0.0, 5e-324, 1.7976931348623157e308],
     "ts": 3, "ts_ns": 0},
    {"u64": 18446744073709551615, "i64": -9223372036854775808, "ts": 4, "ts_ns": 0},
    {"floats": [72.4, 81.2, 4.2, 142.7, 0.82, 18.4, 2.5e-7, 1234567.0, 100.0], "ts": 5, "ts_ns": 0},
    {"\u00e9t\u00e9": 1, "Zeta": 2, "alpha": 3, "\U0001f600": 4, "ts": 6, "ts_ns": 0},
]


def report(args, lines):
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False, encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        path = f.name
    try:
        out = subprocess.run([os.path.join(BIN, "iot-verify"), *args, "--report", "json", path],
                             capture_output=True, text=True, timeout=60)
        return json.loads(out.stdout)
    finally:
        os.unlink(path)


def main():
    if not os.path.exists(os.path.join(BIN, "iot-verify")):
        print(f"FAIL: no iot-verify in IOT_BIN={BIN!r}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        key = b"seed-003-site-key"
        key_file = os.path.join(tmp, "site.key")
        with open(key_file, "wb") as f:
            f.write(key + b"\n")  # one trailing newline is ignored
        signed = [sign(p, key) for p in PAYLOADS]
        # as Python would publish them (ensure_ascii default) and as UTF-8 text
        ascii_lines = [json.dumps(s) for s in signed]
        utf8_lines = [json.dumps(s, ensure_ascii=False) for s in signed]
        for name, lines in [("ASCII-escaped", ascii_lines), ("raw UTF-8", utf8_lines)]:
            r = report(["--key-file", key_file], lines)
            check(f"every Python-signed payload verifies ({name})",
                  r["bad_signature"] == 0 and r["bad_json"] == 0, json.dumps(r))
            check(f"all {len(lines)} lines read ({name})", r["total"] == len(lines))
        for i, s in enumerate(signed):
            r = report(["--key-file", key_file], [json.dumps(s)])
            check(f"payload {i} verifies alone", r["bad_signature"] == 0 and r["bad_json"] == 0, json.dumps(r))
        # Tampering: a changed value, an added key, a changed HMAC, another key.
        tampered = []
        for s in signed:
            t = json.loads(json.dumps(s))
            t["payload"]["ts"] += 1
            tampered.append(json.dumps(t))
            t = json.loads(json.dumps(s))
            t["payload"]["extra"] = 0
            tampered.append(json.dumps(t))
            t = json.loads(json.dumps(s))
            d = bytearray(base64.b64decode(t["hmac"]))
            d[0] ^= 1
            t["hmac"] = base64.b64encode(bytes(d)).decode()
            tampered.append(json.dumps(t))
            tampered.append(json.dumps(sign(s["payload"], b"another key")))
        r = report(["--key-file", key_file], tampered)
        check("every tampered line is a bad signature", r["bad_signature"] == len(tampered), json.dumps(r))
        check("tampered lines are invalid", r["invalid"] == len(tampered))
        # Integers beyond 64 bits: the stream parser (simdjson) refuses them, so
        # such a line is counted and rejected, never crashes, never passes forged.
        big = sign({"big": 123456789012345678901234567890, "ts": 7, "ts_ns": 0}, key)
        big["payload"]["ts"] = 8
        r = report(["--key-file", key_file], [json.dumps(big)])
        check("a tampered line with a >64-bit integer is counted invalid", r["total"] == 1 and r["invalid"] == 1,
              json.dumps(r))
        # Binary keys in key files (iot-registry(5), key_file): base64: and hex: prefixes.
        raw = bytes(range(32))
        for prefix, text in [("base64:", base64.b64encode(raw).decode()), ("hex:", raw.hex())]:
            kf = os.path.join(tmp, "bin.key")
            with open(kf, "w") as f:
                f.write(prefix + text + "\n")
            r = report(["--key-file", kf], [json.dumps(sign(PAYLOADS[0], raw))])
            check(f"a {prefix} key file holds a binary key", r["bad_signature"] == 0, json.dumps(r))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
