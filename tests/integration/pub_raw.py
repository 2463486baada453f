#!/usr/bin/python3
"""iot-pub publishes what mosquitto_pub publishes, with paho as the judge.

-m with --raw, -f (a binary file), -s (stdin whole) and -l (stdin lines,
empty ones and a carriage return included) reach a paho subscriber byte for
byte, and for -l the same messages as mosquitto_pub -l sends. --topic-rewrite
and --topic-prefix rename topics; iot-replay --topic-rewrite into iot-pub
gives a subscriber the rewritten topics with the recorded payloads. Mistakes
are usage errors. tests/interop/rabbitmq_mqtt.sh runs it against RabbitMQ's
MQTT plugin as well (MQTT 3.1.1). Exit 77 when mosquitto or paho is missing.
"""
import json, os, pathlib, queue, shutil, subprocess, sys, tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from iot_testlib import (bin_dir, check, finish, skip_case, skip_without, start_broker)  # noqa: E402

skip_without("paho.mqtt.client")
import paho.mqtt.client as mqtt  # noqa: E402
BIN = bin_dir()
PUB, REPLAY = os.path.join(BIN, "iot-pub"), os.path.join(BIN, "iot-replay")

tmp = tempfile.mkdtemp(prefix="iot-pub-raw.")
broker, port = start_broker(tmp)
URL = f"mqtt://127.0.0.1:{port}"
CONNECT = ["--broker", URL, "-V", broker.version]


class Judge:
    """A paho subscriber to '#' that collects (topic, payload bytes)."""

    def __init__(self):
        self.got = queue.Queue()
        subscribed = queue.Queue()
        self.client = mqtt.Client(client_id="judge", protocol=mqtt.MQTTv311)
        self.client.on_message = lambda c, u, m: self.got.put((m.topic, bytes(m.payload)))
        self.client.on_subscribe = lambda c, u, mid, q: subscribed.put(mid)
        self.client.on_connect = lambda c, u, f, rc: c.subscribe("#", qos=1)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        subscribed.get(timeout=30)

    def take(self, n):
        """The next n messages (a missing one fails after 30 s instead of hanging)."""
        out = []
        try:
            for _ in range(n):
                out.append(self.got.get(timeout=30))
        except queue.Empty:
            pass
        return out


judge = Judge()


def run(cmd, stdin=b"", shell=False):
    p = subprocess.run(cmd, input=stdin, capture_output=True, timeout=120, shell=shell)
    return p.returncode, p.stderr.decode()


# --- -m --raw: text as it is --------------------------------------------------
rc, err = run([PUB, *CONNECT, "-t", "raw/m", "--raw", "-m", "pump stopped", "-m", '{"not": "parsed"}'])
check("--raw -m: exit 0", rc == 0, err)
check("--raw -m: each text as it is", judge.take(2) == [("raw/m", b"pump stopped"), ("raw/m", b'{"not": "parsed"}')])

# --- -f: a binary file, whole ----------------------------------------------
blob = bytes(range(256)) * 300 + b"\n\r\n\x00end"
path = os.path.join(tmp, "blob.bin")
with open(path, "wb") as f:
    f.write(blob)
rc, err = run([PUB, *CONNECT, "-t", "raw/f", "-f", path])
got = judge.take(1)
check("-f: the file byte for byte, one message", rc == 0 and got == [("raw/f", blob)], f"{rc} {err} {len(got)}")

# --- -s: stdin whole ---------------------------------------------------------
if broker.rabbitmq:  # it answers a QoS 2 PUBLISH with a PUBACK (iot-toolkit(7), BROKERS)
    skip_case("-s at QoS 2", "RabbitMQ has no QoS 2: -s at QoS 1 instead")
rc, err = run([PUB, *CONNECT, "-t", "raw/s", "-s", "-q", "1" if broker.rabbitmq else "2"],
              stdin=b"line 1\nline 2\n\x00\xff")
check("-s: all of stdin, one message", rc == 0 and judge.take(1) == [("raw/s", b"line 1\nline 2\n\x00\xff")], err)

# --- -l: lines, as mosquitto_pub -l sends them ------------------------------
lines_in = "first\n\nwith cr\r\nü tab\there\nlast".encode()
rc, err = run(["mosquitto_pub", "-p", str(port), "-q", "1", "-t", "raw/l", "-l"], stdin=lines_in)
theirs = judge.take(lines_in.count(b"\n") + 1)
rc, err = run([PUB, *CONNECT, "-t", "raw/l", "-l"], stdin=lines_in)
mine = judge.take(len(theirs))
check("-l: exit 0", rc == 0, err)
check("-l: the messages mosquitto_pub -l sends", mine == theirs and len(mine) >= 4, f"\n{mine}\n{theirs}")
check("-l: a carriage return stays, an empty line is an empty message",
      ("raw/l", b"with cr\r") in mine and ("raw/l", b"") in mine, mine)
rc, err = run([PUB, *CONNECT, "-t", "raw/l2", "--raw", "-"], stdin=b"a b\n{\"x\":1}\n")
check("--raw with an input: each line as it is", judge.take(2) == [("raw/l2", b"a b"), ("raw/l2", b'{"x":1}')], err)

# --- topic rewriting in iot-pub ---------------------------------------------
rc, err = run([PUB, *CONNECT, "--topic-rewrite", "plant/+/#=>staging/{1}/{2}", "--topic-prefix", "lab/",
               "-m", '{"topic":"plant/P-1/telemetry/x","payload":{"v":1}}',
               "-m", '{"topic":"other/y","payload":{"v":2}}'])
got = judge.take(2)
check("iot-pub --topic-rewrite and --topic-prefix", rc == 0 and [t for t, _ in got] ==
      ["lab/staging/P-1/telemetry/x", "lab/other/y"], f"{got} {err}")
rc, err = run([PUB, *CONNECT, "-t", "plant/P-2/alarm", "--raw", "-m", "hot",
               "--topic-rewrite", "plant/+/alarm=>alarms/{1}"])
check("the rewrite applies to raw messages too", judge.take(1) == [("alarms/P-2", b"hot")], err)

# --- iot-replay --topic-rewrite | iot-pub: the integration of item 7 --------
rec = os.path.join(tmp, "rec.ndjson")
with open(rec, "wb") as f:
    subprocess.run([REPLAY, "--synthetic", "devices=3,duration=2,seed=5", "--fast"], stdout=f, check=True)
recorded = [json.loads(l) for l in open(rec)]
p = subprocess.run(f"'{REPLAY}' '{rec}' --fast --topic-rewrite 'plant/+/#=>staging/{{1}}/{{2}}' "
                   f"| '{PUB}' --broker {URL} -V {broker.version}", shell=True, capture_output=True, timeout=120)
got = judge.take(len(recorded))
want = [("staging/" + r["topic"].split("/", 1)[1], r["payload"]) for r in recorded]
check("replay | pub: every message arrived under its rewritten topic",
      p.returncode == 0 and [(t, json.loads(b)) for t, b in got] == want and len(want) == 6,
      f"{p.stderr.decode()} {got[:2]} {want[:2]}")
replayed = subprocess.run([REPLAY, rec, "--fast", "--topic-prefix", "copy/"], capture_output=True).stdout.decode()
check("iot-replay changes only the topic of a line",
      replayed.splitlines() == [l.replace('"topic":"', '"topic":"copy/', 1) for l in open(rec).read().splitlines()])
p = subprocess.run([REPLAY, rec, "--fast", "--topic-rewrite", "plant/+/#=>{2}", "--topic", "plant/P-0001/#"],
                   capture_output=True)
check("filters see the recorded topics, rewriting comes after",
      [json.loads(l)["topic"] for l in p.stdout.decode().splitlines()] == ["telemetry", "telemetry"], p.stdout)

# --- mistakes -----------------------------------------------------------------
for args, says in [(["-f", path, "-m", "x", "-t", "a"], "-f, -s and -l are the message source"),
                   (["-l", "-t", "a/{device_id}"], "fixed topic"),
                   (["-s"], "need -t TOPIC"),
                   (["-l", "-t", "a", "--stamp"], "work on JSON payloads"),
                   (["-f", path, "-s", "-t", "a"], "excludes"),
                   (["-t", "a", "--raw", "-m", "x", "--topic-rewrite", "a/+=>b/+"], "wildcard"),
                   (["-t", "a", "--raw", "-m", "x", "--topic-prefix", "#"], "--topic-prefix")]:
    rc, err = run([PUB, *CONNECT, *args])
    check(f"iot-pub {' '.join(args)}: exit 2, says why", rc == 2 and says in err, f"{rc} {err}")
rc, err = run([REPLAY, rec, "--fast", "--topic-rewrite", "nothing here"])
check("iot-replay with a bad rule: exit 2, says why", rc == 2 and "FROM=>TO" in err, err)
rc, err = run([PUB, *CONNECT, "-t", "a", "-f", os.path.join(tmp, "missing")])
check("-f of a missing file: exit 74, names it", rc == 74 and "missing" in err, f"{rc} {err}")

judge.client.loop_stop()
broker.kill()
code = finish()
if code == 0:
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(code)
