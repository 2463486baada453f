#!/usr/bin/python3
"""QoS by class, end to end, with mosquitto and paho as the judges.

iot-sub --registry subscribes every route's filter at the route's QoS on one
connection (the broker's own log says at which QoS), and a message published
at QoS 2 reaches it at the QoS its route was granted (readings 0, alarm 1,
a route with qos = 2 at 2), under MQTT 5 and 3.1.1. With overlapping filters
(-t '#' beside the routes) each message is written once. iot-pub publishes
each envelope at its own qos and retain, then at its --registry route's qos,
then at -q / --retain, through the in-memory queue and through --outbox; an
envelope whose qos is not 0, 1 or 2 becomes a reject record and the rest of
the stream goes out. Exit 77 when mosquitto or paho is missing.
"""
import json, os, pathlib, queue, shutil, subprocess, sys, tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from iot_testlib import (bin_dir, check, finish, skip_without, start_mosquitto, wait_subscribed)  # noqa: E402

skip_without("paho.mqtt.client")
import paho.mqtt.client as mqtt  # noqa: E402
BIN = bin_dir()
PUB, SUB = os.path.join(BIN, "iot-pub"), os.path.join(BIN, "iot-sub")

tmp = tempfile.mkdtemp(prefix="iot-qos.")
broker, port = start_mosquitto(tmp)
URL = f"mqtt://127.0.0.1:{port}"
REGISTRY = os.path.join(tmp, "site.toml")
with open(REGISTRY, "w") as f:
    f.write('[[route]]\npattern = "sensors/{room}/{sensor}"\n\n'      # readings: QoS 0
            '[[route]]\npattern = "alarms/#"\nkind = "alarm"\n\n'     # alarm: QoS 1
            '[[route]]\npattern = "actions/{device}"\nqos = 2\n')    # actions: QoS 2


class Judge:
    """A paho subscriber at QoS 2 that collects (topic, payload, qos, retain)."""

    def __init__(self, client_id, topic):
        self.got = queue.Queue()
        subscribed = queue.Queue()
        self.client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv311)
        self.client.on_message = lambda c, u, m: self.got.put((m.topic, bytes(m.payload), m.qos, bool(m.retain)))
        self.client.on_subscribe = lambda c, u, mid, q: subscribed.put(q)
        self.client.on_connect = lambda c, u, f, rc: c.subscribe(topic, qos=2)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        self.granted = subscribed.get(timeout=60)

    def take(self, n):
        """The next n messages (a missing one ends the wait after 60 s instead of hanging)."""
        out = []
        try:
            for _ in range(n):
                out.append(self.got.get(timeout=60))
        except queue.Empty:
            pass
        return out

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


def run(cmd, stdin=""):
    p = subprocess.run(cmd, input=stdin.encode(), capture_output=True, timeout=120)
    return p.returncode, p.stderr.decode()


def env(topic, **extra):
    return json.dumps({"topic": topic, "payload": {"n": topic}, **extra})


def by_topic(messages):
    return {t: (q, r) for t, _, q, r in messages}


def subscribed_qos(client_id):
    """{filter: requested QoS} from the broker's log lines "TIME: CLIENT QOS FILTER"."""
    out = {}
    with open(broker.log_path, errors="replace") as log:
        for line in log:
            parts = line.split()
            if len(parts) == 4 and parts[1] == client_id:
                out[parts[3]] = int(parts[2])
    return out


# --- iot-sub --registry: each route's filter at its QoS ---------------------
for version in ("5", "311"):
    cid = f"qos-sub-{version}"
    sub = subprocess.Popen([SUB, "--broker", URL, "-V", version, "-i", cid, "--registry", REGISTRY, "-C", "3",
                            "-W", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ok = wait_subscribed(broker, sub, cid, "sensors/+/+", "alarms/#", "actions/+")
    check(f"v{version}: iot-sub --registry subscribed to the three route filters", ok)
    check(f"v{version}: at the routes' QoS (readings 0, alarm 1, qos = 2)",
          subscribed_qos(cid) == {"sensors/+/+": 0, "alarms/#": 1, "actions/+": 2}, str(subscribed_qos(cid)))
    for topic in ("sensors/hall/t1", "alarms/pump/hot", "actions/valve-7"):
        subprocess.run(["mosquitto_pub", "-p", str(port), "-q", "2", "-t", topic, "-m", '{"x":1}'], check=True)
    out, err = sub.communicate(timeout=120)
    lines = [json.loads(line) for line in out.decode().splitlines()]
    check(f"v{version}: published at QoS 2, delivered at the granted QoS",
          {e["topic"]: e["qos"] for e in lines} == {"sensors/hall/t1": 0, "alarms/pump/hot": 1, "actions/valve-7": 2},
          out.decode() + err.decode())

# Overlapping filters: -t '#' at 0 beside the routes. MQTT 5 lets mosquitto
# send one copy per matching filter; iot-sub writes each message once, at the
# highest QoS among the filters it matches.
cid = "qos-overlap"
sub = subprocess.Popen([SUB, "--broker", URL, "-i", cid, "--registry", REGISTRY, "-t", "#", "-q", "0", "-C", "4",
                        "-W", "60", "--log-level", "debug"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
check("overlap: subscribed", wait_subscribed(broker, sub, cid, "#", "alarms/#", "actions/+"))
check("overlap: sensors/+/+ at 0 left out, '#' at 0 covers it",
      subscribed_qos(cid) == {"#": 0, "alarms/#": 1, "actions/+": 2}, str(subscribed_qos(cid)))
for topic in ("sensors/hall/t1", "alarms/pump/hot", "actions/valve-7", "misc/x"):
    subprocess.run(["mosquitto_pub", "-p", str(port), "-q", "2", "-t", topic, "-m", '{"x":1}'], check=True)
out, err = sub.communicate(timeout=120)
lines = [json.loads(line) for line in out.decode().splitlines()]
check("overlap: each message written once, at the highest QoS of its filters",
      sorted((e["topic"], e["qos"]) for e in lines) ==
      [("actions/valve-7", 2), ("alarms/pump/hot", 1), ("misc/x", 0), ("sensors/hall/t1", 0)], out.decode())
check("overlap: the second copies were skipped, and said so", "second copy" in err.decode(), err.decode())

rc, err = run([SUB, "--broker", URL, "--registry", os.path.join(tmp, "missing.toml")])
check("iot-sub --registry of a missing file: exit 2", rc == 2, err)
bad = os.path.join(tmp, "bad.toml")
with open(bad, "w") as f:
    f.write('[[route]]\npattern = "a/#"\nqos = 3\n')
rc, err = run([SUB, "--broker", URL, "--registry", bad])
check("iot-sub --registry with qos = 3: exit 2, names the route and key", rc == 2 and "route 1: qos" in err, err)
rc, err = run([SUB, "--broker", URL])
check("iot-sub without -t or --registry: exit 2", rc == 2 and "--registry" in err, err)

# --- iot-pub: the envelope's qos and retain, then the route's, then -q ------
judge = Judge("judge-env", "env/#")
check("paho judge granted QoS 2", judge.granted == (2,), str(judge.granted))
stream = "\n".join([env("env/q0", qos=0), env("env/q2", qos=2, retain=True), env("env/none"),
                    env("env/q1", qos=1, retain=False)]) + "\n"
rc, err = run([PUB, "--broker", URL, "-q", "1"], stream)
got = by_topic(judge.take(4))
check("iot-pub -q 1: exit 0", rc == 0, err)
check("each envelope at its own qos; -q 1 where it gives none",
      {t: q for t, (q, _) in got.items()} == {"env/q0": 0, "env/q2": 2, "env/none": 1, "env/q1": 1}, str(got))
late = Judge("judge-late", "env/#")
retained = late.take(1)
check("retain: true in the envelope: the broker keeps it (a later subscriber gets it, retained)",
      [(t, r) for t, _, _, r in retained] == [("env/q2", True)], str(retained))
late.close()

rc, err = run([PUB, "--broker", URL, "-q", "2", "--retain"], env("env/r-no", qos=0, retain=False) + "\n" + env("env/r-yes") + "\n")
got = by_topic(judge.take(2))
check("--retain -q 2 under an envelope's qos 0 and retain false: qos 0",
      rc == 0 and got.get("env/r-no", (None,))[0] == 0 and got.get("env/r-yes", (None,))[0] == 2, f"{got} {err}")
late = Judge("judge-late2", "env/#")
retained = sorted(t for t, _, _, r in late.take(2) if r)
check("--retain applies where the envelope does not say; retain false wins over it",
      retained == ["env/q2", "env/r-yes"], str(retained))
late.close()
for t in ("env/q2", "env/r-yes"):  # clear the retained messages
    subprocess.run(["mosquitto_pub", "-p", str(port), "-r", "-n", "-t", t], check=True)
judge.take(2)

# Through a durable outbox: each message is stored with its qos.
outbox = os.path.join(tmp, "outbox.db")
rc, err = run([PUB, "--broker", URL, "-q", "1", "--outbox", outbox],
              env("env/o0", qos=0) + "\n" + env("env/o2", qos=2) + "\n" + env("env/o1") + "\n")
got = by_topic(judge.take(3))
check("--outbox: each message at its own qos",
      rc == 0 and {t: q for t, (q, _) in got.items()} == {"env/o0": 0, "env/o2": 2, "env/o1": 1}, f"{got} {err}")

# Bad qos values: a reject record each, the rest published.
rejects = os.path.join(tmp, "rejects.ndjson")
bad_lines = ['{"topic":"env/b1","payload":{},"qos":3}', '{"topic":"env/b2","payload":{},"qos":"1"}',
             '{"topic":"env/b3","payload":{},"qos":1.5}', '{"topic":"env/b4","payload":{},"qos":-1}',
             '{"topic":"env/b5","payload":{},"qos":true}', '{"topic":"env/b6","payload":{},"retain":"yes"}']
rc, err = run([PUB, "--broker", URL, "--reject", rejects], "\n".join(bad_lines + [env("env/good", qos=2)]) + "\n")
got = judge.take(1)
records = [json.loads(line) for line in open(rejects)] if os.path.exists(rejects) else []
check("bad qos or retain: exit 0, the good line published at its qos 2",
      rc == 0 and [(t, q) for t, _, q, _ in got] == [("env/good", 2)], f"{rc} {got} {err}")
check("bad qos or retain: one schema reject record each, saying why",
      [r["reason"] for r in records] == ["schema"] * 6 and
      all("qos is not 0, 1 or 2" in r["detail"] for r in records[:5]) and "retain" in records[5]["detail"],
      str(records))
judge.close()

# mosquitto_sub as a second judge: the QoS each message arrives with (%q).
msub = subprocess.Popen(["mosquitto_sub", "-p", str(port), "-i", "qos-msub", "-q", "2", "-t", "ms/#", "-C", "3",
                         "-F", "%t %q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
check("mosquitto_sub subscribed", wait_subscribed(broker, msub, "qos-msub", "ms/#"))
rc, err = run([PUB, "--broker", URL, "-q", "1"], env("ms/a", qos=2) + "\n" + env("ms/b", qos=0) + "\n" + env("ms/c") + "\n")
out, _ = msub.communicate(timeout=120)
check("mosquitto_sub -F '%t %q': each envelope's own qos, -q 1 where it gives none",
      rc == 0 and sorted(out.decode().split("\n")[:3]) == ["ms/a 2", "ms/b 0", "ms/c 1"], f"{out} {err}")

# A QoS 2 route under --session: iot-sub warns that QoS 2 is not crash-safe.
rc, err = run([SUB, "--broker", URL, "--registry", REGISTRY, "--session", "qos-warn", "-W", "1"])
check("--session with a qos = 2 route: the warning that QoS 2 is not crash-safe",
      "QoS 2 cannot be made crash-safe" in err, err)

# --registry: the route's qos where the envelope gives none; -q elsewhere.
judge = Judge("judge-reg", "#")
stream = "\n".join([env("sensors/hall/t1"), env("alarms/pump/hot"), env("actions/valve-7"), env("misc/x"),
                    env("actions/valve-8", qos=1)]) + "\n"
rc, err = run([PUB, "--broker", URL, "-q", "1", "--registry", REGISTRY], stream)
got = by_topic(judge.take(5))
check("--registry: readings 0, alarm 1, qos = 2 route 2, no route: -q 1, the envelope's own qos first",
      rc == 0 and {t: q for t, (q, _) in got.items()} ==
      {"sensors/hall/t1": 0, "alarms/pump/hot": 1, "actions/valve-7": 2, "misc/x": 1, "actions/valve-8": 1},
      f"{got} {err}")
rc, err = run([PUB, "--broker", URL, "-q", "2", "--registry", REGISTRY, "-t", "sensors/{room}/{sensor}"],
              '{"room":"hall","sensor":"t2","v":1}\n')
got = judge.take(1)
check("--registry: a bare payload on a readings route at 0 despite -q 2",
      rc == 0 and [(t, q) for t, _, q, _ in got] == [("sensors/hall/t2", 0)], f"{got} {err}")
judge.close()

broker.kill()
code = finish()
if code == 0:
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(code)
