#!/usr/bin/python3
"""Interop with code we did not write, over a real mosquitto on a free port.

paho-mqtt publishes in every encoding (and binary, and a zlib bomb): iot-sub
must decode each one (zlib -> MessagePack -> JSON, else payload_b64,
byte-exact) with its QoS and v5 properties. iot-pub publishes signed and
encoded messages: paho must receive the topic, the payload bytes, the QoS and
the properties as specified, and Python's hmac must verify the signatures
(iot-stream(5), CANONICAL JSON). Exit 77 when mosquitto is missing.
"""
import base64, json, os, pathlib, shutil, subprocess, sys, tempfile, threading, time, zlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from iot_testlib import (bin_dir, check, finish, hmac_b64, paho_subscribe, skip_without,  # noqa: E402
                         start_mosquitto, wait_subscribed)

skip_without("msgpack", "paho.mqtt.client")
import msgpack  # noqa: E402
import paho.mqtt.client as mqtt  # noqa: E402
from paho.mqtt.packettypes import PacketTypes  # noqa: E402
from paho.mqtt.properties import Properties  # noqa: E402
BIN = bin_dir()


def start_broker(tmp):
    return start_mosquitto(tmp, "max_queued_messages 0\n")


def paho_client(port, v5=True):
    c = mqtt.Client(client_id=f"interop-{os.getpid()}-{time.monotonic_ns()}",
                    protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311)
    c.connect("127.0.0.1", port)
    c.loop_start()
    return c


def sub_receives(broker, port, published):
    """Starts iot-sub, publishes with paho once the broker has iot-sub's
    subscription, returns iot-sub's envelopes."""
    n = len(published)
    sub = subprocess.Popen([f"{BIN}/iot-sub", "--broker", f"mqtt://127.0.0.1:{port}", "-i", "interop-sub", "-t", "in/#",
                            "-q", "1", "--count", str(n), "-W", "15"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check("iot-sub subscribed", wait_subscribed(broker, sub, "interop-sub", "in/#"))
    client = paho_client(port)
    for topic, payload, qos, props in published:
        client.publish(topic, payload, qos=qos, properties=props).wait_for_publish()
    out, err = sub.communicate(timeout=30)
    client.loop_stop()
    check("iot-sub exits 0 after --count", sub.returncode == 0, err.decode()[-300:])
    return [json.loads(line) for line in out.decode().splitlines()]


def test_iot_sub_decodes_paho(broker, port):
    doc = {"device_id": "P-7", "d": {"temp_c": {"v": 21.5, "q": 192}}, "tags": ["a", "ü"], "n": None}
    raw = bytes(range(256)) + b"\xff\x00"
    bomb = zlib.compress(b"\0" * (80 << 20), 9)  # 80 MiB of zeros: over the 64 MiB cap
    props = Properties(PacketTypes.PUBLISH)
    props.ContentType = "application/json"
    props.UserProperty = [("site", "S1")]
    props.MessageExpiryInterval = 120
    props.ResponseTopic = "reply/x"
    props.CorrelationData = b"\x01\x02"
    published = [
        ("in/json", json.dumps(doc).encode(), 1, props),
        ("in/msgpack", msgpack.packb(doc), 1, None),
        ("in/zjson", zlib.compress(json.dumps(doc).encode()), 0, None),
        ("in/zmsgpack", zlib.compress(msgpack.packb(doc)), 1, None),
        ("in/binary", raw, 1, None),
        ("in/bomb", bomb, 1, None),
        ("in/notutf8json", b'{"a":"\xff"}', 1, None),
    ]
    envs = {e["topic"]: e for e in sub_receives(broker, port, published)}
    check("iot-sub received every message", len(envs) == len(published), sorted(envs))
    for topic, enc in [("in/json", "json"), ("in/msgpack", "msgpack"), ("in/zjson", "zlib+json"),
                       ("in/zmsgpack", "zlib+msgpack")]:
        e = envs.get(topic, {})
        check(f"{enc} from paho decoded", e.get("payload") == doc and e.get("enc") == enc, e)
    check("QoS carried", envs["in/zjson"]["qos"] == 0 and envs["in/json"]["qos"] == 1)
    p = envs["in/json"].get("props", {})
    check("v5 properties decoded", p == {"content_type": "application/json", "user": {"site": "S1"},
                                         "message_expiry": 120, "response_topic": "reply/x",
                                         "correlation_b64": base64.b64encode(b"\x01\x02").decode()}, p)
    for topic, data in [("in/binary", raw), ("in/bomb", bomb), ("in/notutf8json", b'{"a":"\xff"}')]:
        e = envs.get(topic, {})
        ok = e.get("enc") == "binary" and base64.b64decode(e.get("payload_b64", "")) == data
        check(f"{topic} kept byte-exact as payload_b64", ok, str(e)[:200])


def test_paho_receives_iot_pub(port, tmp):
    key = b"interop-secret"
    key_file = os.path.join(tmp, "site.key")
    with open(key_file, "wb") as f:
        f.write(key + b"\n")
    got, done = [], threading.Event()
    client = mqtt.Client(client_id=f"interop-rx-{os.getpid()}", protocol=mqtt.MQTTv5)

    def on_message(c, u, msg):
        got.append(msg)
        if len(got) == 5:
            done.set()
    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.loop_start()
    check("paho subscribed (SUBACK)", paho_subscribe(client, "out/#", 2))
    lines = [json.dumps({"device_id": f"D{i}", "v": 1.5 + i, "s": "é"}) for i in range(4)]
    lines.append(json.dumps({"topic": "out/env", "payload": {"x": 1},
                             "props": {"user": {"k": "v"}, "response_topic": "r/t"}}))
    encs = ["json", "msgpack", "zlib+json", "zlib+msgpack"]
    for i, enc in enumerate(encs):
        r = subprocess.run([f"{BIN}/iot-pub", "--broker", f"mqtt://127.0.0.1:{port}", "-t", "out/{device_id}",
                            "-q", "2", "--encode", enc, "--key-file", key_file, "--stamp"],
                           input=(lines[i] + "\n").encode(), capture_output=True)
        check(f"iot-pub --encode {enc} exits 0", r.returncode == 0, r.stderr.decode())
    r = subprocess.run([f"{BIN}/iot-pub", "--broker", f"mqtt://127.0.0.1:{port}", "-q", "1"],
                       input=(lines[4] + "\n").encode(), capture_output=True)
    done.wait(10)
    client.loop_stop()
    by_topic = {m.topic: m for m in got}
    decoders = {"json": json.loads, "msgpack": msgpack.unpackb,
                "zlib+json": lambda b: json.loads(zlib.decompress(b)),
                "zlib+msgpack": lambda b: msgpack.unpackb(zlib.decompress(b))}
    for i, enc in enumerate(encs):
        m = by_topic.get(f"out/D{i}")
        if m is None:
            check(f"paho got out/D{i}", False)
            continue
        msg = decoders[enc](m.payload)
        inner = msg["payload"]
        expected = hmac_b64(key, inner)
        check(f"{enc}: Python's hmac verifies iot-pub's signature", msg["hmac"] == expected, msg)
        check(f"{enc}: payload kept and stamped",
              inner["device_id"] == f"D{i}" and inner["s"] == "é" and "ts" in inner and "ts_ns" in inner
              and len(inner["msg_id"]) == 26, inner)
        check(f"{enc}: QoS 2 and content type", m.qos == 2 and
              getattr(m.properties, "ContentType", None) == f"application/{enc}")
    m = by_topic.get("out/env")
    check("envelope topic, payload and user properties",
          m is not None and json.loads(m.payload) == {"x": 1} and m.qos == 1 and
          ("k", "v") in getattr(m.properties, "UserProperty", []) and
          getattr(m.properties, "ResponseTopic", None) == "r/t")


def main():
    tmp = tempfile.mkdtemp(prefix="iot-interop.")
    broker, port = start_broker(tmp)
    try:
        test_iot_sub_decodes_paho(broker, port)
        test_paho_receives_iot_pub(port, tmp)
    finally:
        broker.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(finish())


main()
