#!/usr/bin/python3
"""The peer for scripts/bench/verify: a verifier written the plain
way in Python (json.loads, canonical json.dumps, hmac.digest, compare_digest),
one message a line, bare signed messages or envelopes. Prints
"<lines> <valid> <seconds>" on stdout."""
import base64
import hmac
import json
import sys
import time

CANONICAL_JSON = {"indent": None, "separators": (",", ":"), "sort_keys": True}


def main():
    with open(sys.argv[1], "rb") as f:
        key = f.read()
    key = key[:-1] if key.endswith(b"\n") else key
    lines = valid = 0
    start = time.perf_counter()
    with open(sys.argv[2], "rb") as f:
        for line in f:
            lines += 1
            try:
                msg = json.loads(line)
                if "topic" in msg:
                    msg = msg["payload"]
                payload_str = json.dumps(msg["payload"], **CANONICAL_JSON)
                digest = hmac.digest(key, payload_str.encode(), "sha256")
                if hmac.compare_digest(digest, base64.b64decode(msg["hmac"])):
                    valid += 1
            except (ValueError, KeyError, TypeError):
                pass
    print(lines, valid, time.perf_counter() - start)


if __name__ == "__main__":
    main()
