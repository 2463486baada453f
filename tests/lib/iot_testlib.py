"""Shared plumbing of the Python interop suites (tests/interop/*.py).

Import it with the tests/lib dir put on sys.path relative to the script:

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
    import iot_testlib as t

It gives what every suite repeated: the check()/finish() counters that print
"ok - ..." / "not ok - ..." and the closing "N passed, N failed" line (the
same format as tests/lib/servers.sh), where the binaries are (IOT_BIN,
IOT_BUILD_DIR), a free loopback port, a throwaway mosquitto, and the
canonical JSON and HMAC signature.

The pub/sub suites take their broker from start_broker(): a throwaway
mosquitto of their own, or, when tests/interop/rabbitmq_mqtt.sh runs them
(IOT_TEST_BROKER=rabbitmq), the RabbitMQ that suite started once for all of
them (it takes tens of seconds to start). A case that needs what RabbitMQ
has not (MQTT 5, QoS 2) is skipped there with skip_case(), which prints
why; the suite itself runs.
"""
import importlib
import base64
import hmac
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time

# The json.dumps arguments of iot-stream(5), CANONICAL JSON: the signed bytes are exactly this text.
CANONICAL_JSON = {"indent": None, "separators": (",", ":"), "sort_keys": True}


class Counts:
    passed = 0
    failed = 0
    skipped = 0


counts = Counts()


def check(what, ok, detail=""):
    """Counts one assertion; a failure goes to stderr with its detail."""
    if ok:
        counts.passed += 1
        print(f"ok - {what}")
    else:
        counts.failed += 1
        print(f"not ok - {what} {detail}", file=sys.stderr)


def skip_case(what, why):
    """Records a case this broker cannot run (the suite goes on), with why."""
    counts.skipped += 1
    print(f"skip - {what}: {why}")


def finish():
    """Prints "N passed, N failed" (and the cases skipped) and returns the
    exit code (1 on any failure)."""
    skipped = f", {counts.skipped} case(s) skipped" if counts.skipped else ""
    print(f"{counts.passed} passed, {counts.failed} failed{skipped}")
    return 1 if counts.failed else 0


def bin_dir(default=""):
    """The tools' directory: $IOT_BIN, else `default`."""
    return os.environ.get("IOT_BIN", default)


def find_unit_test(name):
    """Path of the unit test binary `name` (in $IOT_BUILD_DIR/tests or next to
    $IOT_BIN); exits 1 with a message when it is not built."""
    candidates = []
    if os.environ.get("IOT_BUILD_DIR"):
        candidates.append(pathlib.Path(os.environ["IOT_BUILD_DIR"]) / "tests" / name)
    if os.environ.get("IOT_BIN"):
        candidates.append(pathlib.Path(os.environ["IOT_BIN"]).parent / "tests" / name)
    for c in candidates:
        if c.is_file():
            return c
    print(f"FAIL: {name} not found in {candidates} (build it first)", file=sys.stderr)
    sys.exit(1)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def mosquitto_path():
    """The mosquitto binary, or None when it is not installed (the caller skips)."""
    path = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    return path if os.path.exists(path) else None


def skip_without(*modules, mosquitto=True):
    """Exits 77 (skip) when a Python module of `modules` cannot be imported or,
    with mosquitto=True, the broker is not installed; the caller then imports
    the modules itself."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as e:
            print(f"SKIP: {e}")
            sys.exit(77)
    if mosquitto and not on_rabbitmq() and mosquitto_path() is None:
        print("SKIP: mosquitto not installed")
        sys.exit(77)


def start_mosquitto(tmp, extra_conf="", name="mosquitto"):
    """Starts an anonymous mosquitto on a free loopback port with its config in
    `tmp` (file NAME.conf); returns (process, port) once it accepts
    connections. Another port is tried when the one found free was taken in
    the meantime by a parallel suite (the process then exits at once). The
    broker logs every SUBSCRIBE to NAME.log (process.log_path), which
    wait_subscribed reads."""
    for _ in range(5):
        port = free_port()
        conf = os.path.join(tmp, f"{name}.conf")
        log_path = os.path.join(tmp, f"{name}.log")
        with open(conf, "w") as f:
            f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nlog_dest file {log_path}\n")
            f.write("".join(f"log_type {t}\n" for t in ("error", "warning", "notice", "information", "subscribe")))
            f.write(extra_conf)
            if os.getuid() == 0:
                f.write("user root\n")
        proc = subprocess.Popen([mosquitto_path(), "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if proc.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                time.sleep(0.05)
                if proc.poll() is None:
                    proc.log_path = log_path
                    return proc, port
                break
            except OSError:
                time.sleep(0.05)
        proc.kill()
    raise SystemExit("mosquitto did not start")


def on_rabbitmq():
    """True when tests/interop/rabbitmq_mqtt.sh runs this suite against its RabbitMQ."""
    return os.environ.get("IOT_TEST_BROKER") == "rabbitmq"


class RabbitMQ:
    """The RabbitMQ (MQTT plugin, MQTT 3.1.1) that tests/interop/rabbitmq_mqtt.sh
    started and described in the environment (rabbitmq_for_python in
    tests/lib/servers.sh). That suite stops it, so kill() leaves it running."""
    rabbitmq = True
    version = "311"  # the plugin speaks MQTT 3.1.1 (and 3.1), not 5

    def __init__(self):
        self.port = int(os.environ["IOT_TEST_MQTT_PORT"])
        self.env = dict(os.environ)
        self.env.update(line.split("=", 1) for line in os.environ["IOT_TEST_RABBITMQ_ENV"].splitlines() if "=" in line)

    def kill(self):
        pass

    def bound(self, client_id, *filters):
        """True when client_id's subscription queue is bound with every
        filter's routing key ('/' -> '.', '+' -> '*'): RabbitMQ's form of a
        subscription, in place before its SUBACK. One rabbitmqctl call (an
        Erlang VM start: a second or two)."""
        p = subprocess.run(["/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", self.env["RABBITMQ_NODENAME"], "-q",
                            "list_bindings", "destination_name", "routing_key"],
                           env=self.env, capture_output=True, text=True, timeout=120)
        keys = {r[1] for r in (line.split("\t") for line in p.stdout.splitlines())
                if len(r) == 2 and r[0].startswith(f"mqtt-subscription-{client_id}qos")}
        return all(f.replace("/", ".").replace("+", "*") in keys for f in filters)


def start_broker(tmp, extra_conf="", name="mosquitto"):
    """(broker, port): RabbitMQ when on_rabbitmq(), else start_mosquitto(tmp,
    extra_conf, name). broker.rabbitmq tells which; broker.version is the MQTT
    version to give the tools' -V and paho_protocol(): "5" for mosquitto,
    "311" for RabbitMQ."""
    if on_rabbitmq():
        broker = RabbitMQ()
        return broker, broker.port
    proc, port = start_mosquitto(tmp, extra_conf, name)
    proc.rabbitmq = False
    proc.version = "5"
    return proc, port


def paho_protocol(broker):
    """paho's protocol constant for broker.version."""
    import paho.mqtt.client as mqtt
    return mqtt.MQTTv311 if broker.version == "311" else mqtt.MQTTv5


def wait_subscribed(broker, client, client_id, *filters):
    """True once the broker has client_id's (a process started with -i
    client_id or --session client_id) subscription to every filter: a message
    published after that reaches it. mosquitto says so in its log, RabbitMQ
    in its bindings. False when the client process ended first, or after
    600 looks (a bound against hanging; a busy machine only makes it later)."""
    if getattr(broker, "rabbitmq", False):
        for _ in range(600):
            if client.poll() is not None:
                return False
            if broker.bound(client_id, *filters):
                return True
            time.sleep(0.2)
        return False
    for _ in range(600):
        if client.poll() is not None:
            return False
        seen = set()
        with open(broker.log_path, errors="replace") as log:
            for line in log:
                parts = line.split()
                if len(parts) == 4 and parts[1] == client_id:
                    seen.add(parts[3])
        if all(f in seen for f in filters):
            return True
        time.sleep(0.1)
    return False


def paho_subscribe(client, topic, qos):
    """Subscribes a started paho client (loop running) and waits for the
    broker's SUBACK; True when it came within a minute."""
    import threading
    acked = threading.Event()
    client.on_subscribe = lambda *args: acked.set()
    client.subscribe(topic, qos=qos)
    return acked.wait(60)


def canonical(obj):
    """The canonical JSON text of obj (iot-stream(5))."""
    return json.dumps(obj, **CANONICAL_JSON)


def hmac_digest(key, payload):
    """The signed shape's HMAC-SHA256 over the canonical JSON of payload (raw bytes)."""
    return hmac.digest(key, canonical(payload).encode(), "sha256")


def hmac_b64(key, payload):
    """The signature as the signed shape holds it: base64 of hmac_digest."""
    return base64.b64encode(hmac_digest(key, payload)).decode()
