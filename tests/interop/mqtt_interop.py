#!/usr/bin/python3
"""Interop with code we did not write, over a real mosquitto on a free port,
or over RabbitMQ's MQTT plugin when tests/interop/rabbitmq_mqtt.sh runs it.

paho-mqtt publishes in every encoding (and binary, and a zlib bomb): iot-sub
must decode each one (zlib -> MessagePack -> JSON, else payload_b64,
byte-exact) with its QoS and v5 properties. iot-pub publishes signed and
encoded messages: paho must receive the topic, the payload bytes, the QoS and
the properties as specified, and Python's hmac must verify the signatures
(iot-stream(5), CANONICAL JSON). MQTT 3.1.1 persistent sessions both ways:
a paho session (clean session off) gets what iot-pub published while it was
away, an iot-sub --session gets what paho published while it was away. On
RabbitMQ (MQTT 3.1.1, no QoS 2) the cases of MQTT 5 properties are skipped,
iot-pub publishes at QoS 1 where it would at 2, and paho's QoS 2
subscription is shown to be granted QoS 1. Exit 77 when mosquitto is
missing.
"""
import base64, json, os, pathlib, shutil, subprocess, sys, tempfile, threading, time, zlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from iot_testlib import (bin_dir, check, finish, hmac_b64, paho_protocol, paho_subscribe, skip_case,  # noqa: E402
                         skip_without, start_broker, wait_subscribed)

skip_without("msgpack", "paho.mqtt.client")
import msgpack  # noqa: E402
import paho.mqtt.client as mqtt  # noqa: E402
from paho.mqtt.packettypes import PacketTypes  # noqa: E402
from paho.mqtt.properties import Properties  # noqa: E402
BIN = bin_dir()


NO_V5 = "RabbitMQ's MQTT plugin speaks MQTT 3.1.1: no properties"
# RabbitMQ takes a QoS 2 PUBLISH as QoS 1 and answers it with a PUBACK, which
# a client waiting for PUBREC takes as a protocol error: iot-pub reconnects
# and sends it again, a copy each time (iot-toolkit(7), BROKERS).
NO_QOS2 = "RabbitMQ has no QoS 2 (it answers a QoS 2 PUBLISH with a PUBACK): QoS 1 instead"


def paho_client(broker, port):
    c = mqtt.Client(client_id=f"interop-{os.getpid()}-{time.monotonic_ns()}", protocol=paho_protocol(broker))
    c.connect("127.0.0.1", port)
    c.loop_start()
    return c


def tool(name, broker, port, *args):
    """The command line of tool `name` connected to the broker at its MQTT version."""
    return [f"{BIN}/{name}", "--broker", f"mqtt://127.0.0.1:{port}", "-V", broker.version, *args]


def sub_receives(broker, port, published):
    """Starts iot-sub, publishes with paho once the broker has iot-sub's
    subscription, returns iot-sub's envelopes."""
    n = len(published)
    sub = subprocess.Popen(tool("iot-sub", broker, port, "-i", "interop-sub", "-t", "in/#", "-q", "1", "--count", str(n),
                                "-W", "60"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check("iot-sub subscribed", wait_subscribed(broker, sub, "interop-sub", "in/#"))
    client = paho_client(broker, port)
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
        ("in/json", json.dumps(doc).encode(), 1, None if broker.rabbitmq else props),
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
    check("QoS carried", envs.get("in/zjson", {}).get("qos") == 0 and envs.get("in/json", {}).get("qos") == 1)
    p = envs.get("in/json", {}).get("props", {})
    if broker.rabbitmq:
        skip_case("v5 properties decoded", NO_V5)
    else:
        check("v5 properties decoded", p == {"content_type": "application/json", "user": {"site": "S1"},
                                             "message_expiry": 120, "response_topic": "reply/x",
                                             "correlation_b64": base64.b64encode(b"\x01\x02").decode()}, p)
    for topic, data in [("in/binary", raw), ("in/bomb", bomb), ("in/notutf8json", b'{"a":"\xff"}')]:
        e = envs.get(topic, {})
        ok = e.get("enc") == "binary" and base64.b64decode(e.get("payload_b64", "")) == data
        check(f"{topic} kept byte-exact as payload_b64", ok, str(e)[:200])


def test_paho_receives_iot_pub(broker, port, tmp):
    key = b"interop-secret"
    key_file = os.path.join(tmp, "site.key")
    with open(key_file, "wb") as f:
        f.write(key + b"\n")
    got, done = [], threading.Event()
    client = mqtt.Client(client_id=f"interop-rx-{os.getpid()}", protocol=paho_protocol(broker))

    def on_message(c, u, msg):
        got.append(msg)
        if len(got) == 5:
            done.set()
    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.loop_start()
    check("paho subscribed (SUBACK)", paho_subscribe(client, "out/#", 2))
    lines = [json.dumps({"device_id": f"D{i}", "v": 1.5 + i, "s": "é"}) for i in range(4)]
    env = {"topic": "out/env", "payload": {"x": 1}}
    if not broker.rabbitmq:
        env["props"] = {"user": {"k": "v"}, "response_topic": "r/t"}
    lines.append(json.dumps(env))
    encs = ["json", "msgpack", "zlib+json", "zlib+msgpack"]
    qos = 1 if broker.rabbitmq else 2
    if broker.rabbitmq:
        skip_case("iot-pub at QoS 2", NO_QOS2)
        skip_case("content type of each encoding", NO_V5)
    for i, enc in enumerate(encs):
        r = subprocess.run(tool("iot-pub", broker, port, "-t", "out/{device_id}", "-q", str(qos), "--encode", enc,
                                "--key-file", key_file, "--stamp"),
                           input=(lines[i] + "\n").encode(), capture_output=True)
        check(f"iot-pub --encode {enc} exits 0", r.returncode == 0, r.stderr.decode())
    r = subprocess.run(tool("iot-pub", broker, port, "-q", "1"), input=(lines[4] + "\n").encode(), capture_output=True)
    check("iot-pub of an envelope exits 0", r.returncode == 0, r.stderr.decode())
    done.wait(60)
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
        check(f"{enc}: QoS {qos} (paho asked for 2)", m.qos == qos, m.qos)
        if not broker.rabbitmq:
            check(f"{enc}: content type", getattr(m.properties, "ContentType", None) == f"application/{enc}")
    m = by_topic.get("out/env")
    check("envelope topic, payload and QoS", m is not None and json.loads(m.payload) == {"x": 1} and m.qos == 1)
    if broker.rabbitmq:
        skip_case("envelope user properties and response topic", NO_V5)
    else:
        check("envelope user properties and response topic",
              m is not None and ("k", "v") in getattr(m.properties, "UserProperty", []) and
              getattr(m.properties, "ResponseTopic", None) == "r/t")


def ids_of(payloads):
    return sorted(json.loads(p)["msg_id"] for p in payloads)


def test_paho_session_gets_what_iot_pub_sent_meanwhile(broker, port):
    """A paho session (clean session off) subscribes at QoS 1 and leaves;
    iot-pub publishes; the same client id comes back to a session the broker
    kept, with every message published while it was away."""
    cid = f"interop-paho-session-{os.getpid()}"
    got, arrived, connacks = [], threading.Event(), []
    docs = [{"device_id": f"S{i % 2}", "msg_id": f"p{i}", "v": i} for i in range(12)]

    def session():
        c = mqtt.Client(client_id=cid, clean_session=False, protocol=mqtt.MQTTv311)
        c.on_connect = lambda cl, u, flags, rc: connacks.append((flags.get("session present"), rc))
        c.on_message = lambda cl, u, m: (got.append((m.topic, bytes(m.payload), m.qos)),
                                         len(got) == len(docs) and arrived.set())
        c.connect("127.0.0.1", port)
        c.loop_start()
        return c

    c = session()
    check("paho session subscribed at QoS 1 (SUBACK)", paho_subscribe(c, "psess/#", 1))
    c.disconnect()
    c.loop_stop()
    r = subprocess.run(tool("iot-pub", broker, port, "-q", "1", "-t", "psess/{device_id}"),
                       input="".join(json.dumps(d) + "\n" for d in docs).encode(), capture_output=True)
    check("iot-pub published while the paho session was away", r.returncode == 0, r.stderr.decode())
    c = session()
    arrived.wait(60)
    c.disconnect()
    c.loop_stop()
    check("the paho session came back to its session (session present)", connacks[-1:] == [(1, 0)], connacks)
    check("every message iot-pub published meanwhile arrived, at QoS 1",
          ids_of(p for _, p, _ in got) == sorted(d["msg_id"] for d in docs) and {q for _, _, q in got} == {1},
          [(t, p[:40], q) for t, p, q in got])
    check("under the topics of iot-pub's template",
          sorted({t for t, _, _ in got}) == ["psess/S0", "psess/S1"], sorted({t for t, _, _ in got}))


def test_iot_sub_session_gets_what_paho_sent_meanwhile(broker, port):
    """iot-sub --session subscribes at QoS 1, takes one message and exits;
    paho publishes JSON and MessagePack while it is away; the same session
    comes back to every one, decoded."""
    name = f"interop-sub-session-{os.getpid()}"
    run = tool("iot-sub", broker, port, "--session", name, "-q", "1", "-t", "ssess/#", "-W", "60")
    first = subprocess.Popen(run + ["--count", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check("iot-sub --session subscribed", wait_subscribed(broker, first, name, "ssess/#"))
    pub = paho_client(broker, port)
    pub.publish("ssess/first", json.dumps({"msg_id": "s0"}).encode(), qos=1).wait_for_publish()
    out, err = first.communicate(timeout=120)
    check("the session's first run got its message and exits 0",
          first.returncode == 0 and [json.loads(l)["payload"] for l in out.decode().splitlines()] == [{"msg_id": "s0"}],
          out.decode() + err.decode()[-300:])
    docs = [{"device_id": "D1", "msg_id": f"s{i}", "v": i / 4, "s": "ü"} for i in range(1, 11)]
    sent = {}
    for d in docs:
        enc, data = ("msgpack", msgpack.packb(d)) if int(d["msg_id"][1:]) % 2 else ("json", json.dumps(d).encode())
        sent[d["msg_id"]] = enc
        pub.publish(f"ssess/{enc}", data, qos=1).wait_for_publish()  # PUBACK: the broker holds it for the session
    pub.loop_stop()
    r = subprocess.run(run + ["--count", str(len(docs))], capture_output=True, timeout=120)
    envs = [json.loads(l) for l in r.stdout.decode().splitlines()]
    check("the session's second run exits 0", r.returncode == 0, r.stderr.decode()[-300:])
    check("every message paho published meanwhile arrived, decoded as sent",
          sorted((e.get("payload") or {}).get("msg_id", "") for e in envs) == sorted(sent) and
          all(e["payload"] in docs and e["enc"] == sent[e["payload"]["msg_id"]] and e["qos"] == 1 for e in envs),
          r.stdout.decode()[:600])


def main():
    tmp = tempfile.mkdtemp(prefix="iot-interop.")
    broker, port = start_broker(tmp, "max_queued_messages 0\n")
    try:
        test_iot_sub_decodes_paho(broker, port)
        test_paho_receives_iot_pub(broker, port, tmp)
        test_paho_session_gets_what_iot_pub_sent_meanwhile(broker, port)
        test_iot_sub_session_gets_what_paho_sent_meanwhile(broker, port)
    finally:
        broker.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(finish())


main()
