#!/usr/bin/python3
"""Byte-exact round trip: iot-sub -> recording -> iot-replay -> iot-pub -> paho.

paho-mqtt publishes every payload encoding to broker A (JSON with odd number
spellings and spaces, JSON over several lines, MessagePack, zlib of either,
an lz4 frame, binary, an empty payload) with MQTT v5 properties. iot-sub
--raw records them; the recording is also written as .gz and .lz4 by
Python's own zlib and lz4. Each of the three files is played by iot-replay
--fast into iot-pub on broker B, where paho receives every message: topic,
payload bytes and properties must be exactly what was published first.
The decoded recording (iot-sub without --raw) round-trips every payload to
the same value, which Python decodes from both sides.
tests/interop/rabbitmq_mqtt.sh runs it against RabbitMQ's MQTT plugin
(MQTT 3.1.1, one broker as both A and B), where no message has properties
and the property cases are skipped. Exit 77 when mosquitto or a Python
module is missing.
"""
import gzip, json, os, pathlib, subprocess, sys, tempfile, threading, time, zlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from iot_testlib import (bin_dir, check, finish, on_rabbitmq, paho_protocol, paho_subscribe, skip_case,  # noqa: E402
                         skip_without, start_broker, wait_subscribed)

skip_without("lz4.frame", "msgpack", "paho.mqtt.client")
import lz4.frame  # noqa: E402
import msgpack  # noqa: E402
import paho.mqtt.client as mqtt  # noqa: E402
from paho.mqtt.packettypes import PacketTypes  # noqa: E402
from paho.mqtt.properties import Properties  # noqa: E402
BIN = bin_dir()


def props(content_type=None, user=None, expiry=None, response=None, correlation=None):
    p = Properties(PacketTypes.PUBLISH)
    if content_type: p.ContentType = content_type
    if user: p.UserProperty = user
    if expiry: p.MessageExpiryInterval = expiry
    if response: p.ResponseTopic = response
    if correlation: p.CorrelationData = correlation
    return p


doc = {"device_id": "P-7", "ts": 1710844800123, "d": {"temp_c": {"v": 21.5, "q": 192}}, "tags": ["a", "ü"], "n": None}
MESSAGES = [  # topic, payload bytes, properties or None
    ("rec/json/odd", b'{"v": 1.50, "big": 123456789012345678901234567890, "e": 1E3, "z": -0.0,  "s": "\\u00fc"}',
     props("application/json", [("site", "S1"), ("line", "3")], 300, "reply/x", b"\x01\x02\xff")),
    ("rec/json/lines", b'{\n  "a": [1,\n 2],\n  "b": {"c": true}\n}\n', None),
    ("rec/msgpack", msgpack.packb(doc), props("application/msgpack")),
    ("rec/zlib/json", zlib.compress(json.dumps(doc).encode(), 9), None),
    ("rec/zlib/msgpack", zlib.compress(msgpack.packb(doc), 1), None),
    ("rec/lz4", lz4.frame.compress(json.dumps(doc).encode()), None),
    ("rec/binary", bytes(range(256)) * 3 + b"\x00\xff", props(user=[("chunk", "1/3")])),
    ("rec/empty", b"", None),
    ("rec/json/compact", json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode(), None),
]
if on_rabbitmq():  # MQTT 3.1.1: the same bytes without properties
    MESSAGES = [(topic, payload, None) for topic, payload, _ in MESSAGES]
N = len(MESSAGES)


def client(broker, port):
    c = mqtt.Client(client_id=f"rt-{os.getpid()}-{time.monotonic_ns()}", protocol=paho_protocol(broker))
    c.connect("127.0.0.1", port)
    c.loop_start()
    return c


def record(broker, port, tmp):
    """iot-sub --raw and iot-sub (decoded) both record what paho publishes,
    from the moment the broker has both subscriptions."""
    subs = {}
    for name, extra in (("raw", ["--raw"]), ("decoded", [])):
        subs[name] = subprocess.Popen([f"{BIN}/iot-sub", "--broker", f"mqtt://127.0.0.1:{port}", "-V", broker.version,
                                       "-q", "1", "-i", f"rec-{name}", "-t", "rec/#", "-C", str(N), "-W", "60"] + extra,
                                      stdout=open(f"{tmp}/{name}.ndjson", "wb"), stderr=subprocess.PIPE)
    for name, s in subs.items():
        check(f"iot-sub ({name}) subscribed", wait_subscribed(broker, s, f"rec-{name}", "rec/#"))
    pub = client(broker, port)
    for topic, payload, p in MESSAGES:
        pub.publish(topic, payload, qos=1, properties=p).wait_for_publish()
    for name, s in subs.items():
        _, err = s.communicate(timeout=30)
        check(f"iot-sub ({name}) recorded {N} messages", s.returncode == 0, err.decode()[-300:])
    pub.loop_stop()


def play(path, broker, port):
    """iot-replay --fast FILE | iot-pub to broker B; returns what paho got, by topic."""
    got, done = {}, threading.Event()

    def on_message(_c, _u, m):
        got[m.topic] = m
        if len(got) == N:
            done.set()

    sub = mqtt.Client(client_id=f"rx-{os.getpid()}-{time.monotonic_ns()}", protocol=paho_protocol(broker))
    sub.on_message = on_message
    sub.connect("127.0.0.1", port)
    sub.loop_start()
    check(f"{os.path.basename(path)}: paho subscribed (SUBACK)", paho_subscribe(sub, "rec/#", 1))
    replay = subprocess.Popen([f"{BIN}/iot-replay", "--fast", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pub = subprocess.run([f"{BIN}/iot-pub", "--broker", f"mqtt://127.0.0.1:{port}", "-V", broker.version, "-q", "1"],
                         stdin=replay.stdout, capture_output=True, timeout=60)
    replay.stdout.close()
    replay.wait(timeout=30)
    check(f"{os.path.basename(path)}: iot-replay exits 0", replay.returncode == 0, replay.stderr.read().decode()[-300:])
    check(f"{os.path.basename(path)}: iot-pub exits 0", pub.returncode == 0, pub.stderr.decode()[-300:])
    done.wait(60)
    sub.loop_stop()
    sub.disconnect()
    return got


def props_of(m):
    p = getattr(m, "properties", None)
    if p is None:
        return {}
    out = {}
    for key in ("ContentType", "UserProperty", "MessageExpiryInterval", "ResponseTopic", "CorrelationData"):
        if hasattr(p, key):
            out[key] = getattr(p, key)
    return out


def expected_props(p):
    return {} if p is None else props_of(type("M", (), {"properties": p})())


def check_exact(label, got):
    check(f"{label}: every message arrived", len(got) == N, sorted(got))
    if on_rabbitmq():
        skip_case(f"{label}: properties exact", "RabbitMQ's MQTT plugin speaks MQTT 3.1.1: no properties")
    for topic, payload, p in MESSAGES:
        m = got.get(topic)
        if m is None:
            continue
        check(f"{label}: {topic} payload bytes exact", m.payload == payload, f"{m.payload[:80]!r} != {payload[:80]!r}")
        if on_rabbitmq():
            continue
        want = expected_props(p)
        have = {k: v for k, v in props_of(m).items() if k in want or k != "MessageExpiryInterval"}
        if "MessageExpiryInterval" in want:  # the broker counts it down while the message waits
            check(f"{label}: {topic} expiry kept (<= sent)", 0 < have.get("MessageExpiryInterval", 0) <= want["MessageExpiryInterval"], have)
            want = {k: v for k, v in want.items() if k != "MessageExpiryInterval"}
            have.pop("MessageExpiryInterval", None)
        check(f"{label}: {topic} properties exact", have == want, f"{have} != {want}")


def decode(payload):
    """Python's own decoding of a payload, in iot-sub(1)'s order."""
    for attempt in (lambda b: zlib.decompress(b), lambda b: b):
        try:
            body = attempt(payload)
        except zlib.error:
            continue
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            pass
        try:
            return msgpack.unpackb(body, raw=False, strict_map_key=False)
        except Exception:  # noqa: BLE001 - not MessagePack either
            pass
    return payload


def main():
    tmp = tempfile.mkdtemp(prefix="iot-replay-bytes-")
    a_proc, a_port = start_broker(tmp, "max_queued_messages 0\n", name="broker-a")
    b_proc, b_port = start_broker(tmp, "max_queued_messages 0\n", name="broker-b")
    try:
        record(a_proc, a_port, tmp)
        raw = open(f"{tmp}/raw.ndjson", "rb").read()
        envs = [json.loads(line) for line in raw.splitlines()]
        check("--raw keeps every payload as payload_b64",
              len(envs) == N and all("payload_b64" in e and "payload" not in e for e in envs), raw[:300])
        with gzip.open(f"{tmp}/raw.ndjson.gz", "wb") as f:
            f.write(raw)
        with open(f"{tmp}/raw.ndjson.lz4", "wb") as f:
            f.write(lz4.frame.compress(raw))
        for name in ("raw.ndjson", "raw.ndjson.gz", "raw.ndjson.lz4"):
            check_exact(name, play(f"{tmp}/{name}", b_proc, b_port))
        got = play(f"{tmp}/decoded.ndjson", b_proc, b_port)
        check("decoded recording: every message arrived", len(got) == N, sorted(got))
        for topic, payload, _ in MESSAGES:
            if topic in got:
                check(f"decoded recording: {topic} has the same value", decode(got[topic].payload) == decode(payload),
                      f"{got[topic].payload[:80]!r} vs {payload[:80]!r}")
        compact = got.get("rec/json/compact")
        check("decoded recording: compact JSON comes back byte for byte",
              compact is not None and compact.payload == MESSAGES[-1][1],
              compact.payload[:120] if compact else None)
    finally:
        for p in (a_proc, b_proc):
            p.kill()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
