#!/usr/bin/env python3
"""Every fault, one table: the orchestration behind scripts/faults.

One run per fault. Each run builds the whole pipeline afresh (its own topics,
session, journal, outbox, spool, tables and stream) on the servers
scripts/faults started, feeds it a fleet at 1 msg/s per device, injects one
fault a third of the way in, stops feeding at the end, waits until nothing
moves any more, and counts by msg_id:

  source -> FIFO -> iot-pub --outbox -> [proxy] -> mosquitto -> [proxy] ->
    iot-sub --session --journal -q 1 | iot-verify --filter |
      iot-ingest --db PostgreSQL --spool --to-stream redis://.../STREAM
  redis STREAM -> iot-ingest --from --group (two consumers) -> PostgreSQL

Each stage is restarted the way examples/systemd/ restarts it (Unit below
mirrors Restart=always, RestartSec= and KillMode=control-group; the README
there gives the correspondence line by line).
"""
import argparse
import fcntl
import glob
import json
import os
import random
import re
import selectors
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

FAULTS = [
    ("kill-pub", "SIGKILL + restart of iot-pub"),
    ("kill-sub", "SIGKILL + restart of iot-sub"),
    ("kill-verify", "SIGKILL + restart of iot-verify"),
    ("kill-ingest", "SIGKILL + restart of iot-ingest"),
    ("kill-broker", "broker SIGKILL + restart, persistence on"),
    ("kill-broker-nopersist", "broker SIGKILL + restart, persistence off"),
    ("stop-postgres", "PostgreSQL stopped for the outage"),
    ("kill-consumer", "a Redis-stream consumer SIGKILLed (the other claims)"),
    ("outbox-full", "the outbox's filesystem full (broker unreachable)"),
    ("spool-full", "the spool's filesystem full (PostgreSQL stopped)"),
    ("power-cut", "SIGKILL of every process at once, all restarted"),
    ("network-drop", "network to the broker dropped for the outage"),
]
FAULT_NAMES = [name for name, _ in FAULTS]
RESTART_SEC = 1.0       # examples/systemd: RestartSec=1
TIMEOUT_STOP_SEC = 5.0  # examples/systemd: TimeoutStopSec=5
METRICS = ("temp_inlet_c", "pressure_bar")


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="scripts/faults",
        description="Run the plant pipeline (MQTT, PostgreSQL, a Redis stream) once per fault and print one row each.",
        epilog="Faults: " + "; ".join(f"{n} ({d})" for n, d in FAULTS))
    p.add_argument("--quick", action="store_true",
                   help="100 devices, 10 s runs, 4 s outages: the whole table in about three minutes")
    p.add_argument("--json", action="store_true", help="print the rows as JSON lines")
    p.add_argument("--devices", type=int, help="devices at 1 msg/s (default 1000; --quick 100)")
    p.add_argument("--seconds", type=float, help="how long the fleet sends (default 60; --quick 10)")
    p.add_argument("--outage", type=float, help="length of an outage fault (default 20; --quick 4)")
    p.add_argument("--only", help="comma-separated faults to run (default: all)")
    p.add_argument("--list", action="store_true", help="list the faults and exit")
    p.add_argument("--check-args", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    a.devices = a.devices or (100 if a.quick else 1000)
    a.seconds = a.seconds or (10.0 if a.quick else 60.0)
    a.outage = a.outage or (4.0 if a.quick else 20.0)
    a.faults = FAULT_NAMES if not a.only else [f.strip() for f in a.only.split(",") if f.strip()]
    for f in a.faults:
        if f not in FAULT_NAMES:
            p.error(f"unknown fault {f!r}; --list lists them")
    if a.devices < 1 or a.seconds < 3 or a.outage <= 0:
        p.error("--devices >= 1, --seconds >= 3 and --outage > 0")
    return a


class CannotRun(Exception):
    """A fault this machine cannot stage (no tmpfs): the row is skipped, said so."""


def log(msg):
    print(f"[faults {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Options of work not yet on every branch. Each is switched on only when the
# installed binary's --help lists it, so this harness runs against today's
# tools and uses the end-to-end acknowledgement (iot-sub --ack-file with
# --journal, iot-ingest --ack-file) and resend-on-gap (iot-ingest --resend
# with --resend-after, iot-pub --keep with --outbox) as soon as they are
# built in, with no other change. This is the one place that decides it.
# A row whose guarantee needs one of them that is missing is printed as it
# came out, marked "pending", and does not fail the run (NEEDS below).
# ---------------------------------------------------------------------------
def tool_help(bin_dir, tool):
    try:
        return subprocess.run([f"{bin_dir}/{tool}", "--help"], capture_output=True, text=True,
                              timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def lists_option(help_text, option):
    return re.search(r"(^|[\s,])" + re.escape(option) + r"(?![\w-])", help_text, re.M) is not None


class Extras:
    def __init__(self, bin_dir):
        pub, sub, ingest = (tool_help(bin_dir, t) for t in ("iot-pub", "iot-sub", "iot-ingest"))
        self.ack = lists_option(sub, "--ack-file") and lists_option(ingest, "--ack-file")
        self.resend = lists_option(ingest, "--resend") and lists_option(pub, "--keep")
        self.resend_after = lists_option(ingest, "--resend-after")

    def pub_extra(self):
        return ["--keep", "10m"] if self.resend else []

    def sub_extra(self, ack_file):
        return ["--ack-file", ack_file] if self.ack else []

    def verify_extra(self):
        return []  # the resend requests come from iot-ingest, the last stage: one asker is enough

    def ingest_extra(self, ack_file, broker_url, quick):
        extra = ["--ack-file", ack_file] if self.ack else []
        if self.resend:
            extra += ["--resend", broker_url]
            if self.resend_after:
                extra += ["--resend-after", "3s" if quick else "10s"]
        return extra

    def missing(self):
        out = []
        if not self.ack:
            out.append("ack")
        if not self.resend:
            out.append("resend")
        return out


# What each fault's "nothing lost" rests on beyond today's tools: a row is
# held to lost = 0 and duplicates = 0 only when those options are built in.
# - kill-broker: what mosquitto acknowledged (PUBACK, so iot-pub forgot it)
#   but held only in memory dies with it; only iot-pub --keep answering a
#   resend request brings it back.
# - kill-broker-nopersist: the restarted broker has forgotten the subscriber's
#   session and the messages queued for it: the same cure.
# - spool-full: iot-ingest cannot spool and exits; the pipeline restarts, and
#   may die again before the lines iot-sub --journal replayed are committed.
#   The journal started anew at the first restart and no longer holds them:
#   only the end-to-end acknowledgement (replay from what was stored) keeps
#   them.
# - power-cut: both of the above (the broker dies with the rest).
NEEDS = {
    "kill-broker": ["resend"],
    "kill-broker-nopersist": ["resend"],
    "spool-full": ["ack"],
    "power-cut": ["ack", "resend"],
}


# ---------------------------------------------------------------------------
# ULIDs and the fleet
# ---------------------------------------------------------------------------
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(ms, rng):
    n = (ms << 80) | rng.getrandbits(80)
    return "".join(CROCKFORD[(n >> (5 * i)) & 31] for i in range(25, -1, -1))


class Source:
    """The data source in front of iot-pub: the fleet's lines on a schedule,
    written into the FIFO iot-pub reads.

    It plays an upstream that keeps its place (a device buffer, or iot-replay
    over a recording): after iot-pub exits, whatever it had read but not
    committed to its outbox (its input queue reads up to 4,096 lines ahead)
    is offered again from the outbox's commit mark (SQLite AUTOINCREMENT:
    every input line committed takes the next number). A plain pipe would
    lose those lines: that is the pipe's, not the outbox's, and their count
    (what iot-pub had read, not what still sat in the FIFO) is printed as
    "reoffered"."""

    def __init__(self, fifo, devices, seconds, prefix, seed):
        self.fifo, self.devices, self.seconds, self.prefix = fifo, devices, seconds, prefix
        self.rng = random.Random(seed)
        self.lines = []      # every line produced, in order
        self.msg_ids = []
        self.cursor = 0      # next line to write into the FIFO
        self.reoffered = 0
        self.lock = threading.Lock()
        self.stop = False
        self.closed = False
        os.mkfifo(fifo)
        # Held open for reading and writing, as systemd's ListenFIFO= does:
        # the FIFO outlives every iot-pub and a restarted one reads on.
        self.fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
        try:
            fcntl.fcntl(self.fd, 1031, 1 << 20)  # F_SETPIPE_SZ: 1 MiB, the default unprivileged maximum
        except OSError:
            pass
        self.seq = [0] * devices
        self.t0 = None

    def make_line(self, dev, now_ms):
        self.seq[dev] += 1
        name = f"P-{dev + 1:04d}"
        mid = ulid(now_ms, self.rng)
        rng = self.rng
        payload = {"schema_version": "2.1", "msg_id": mid, "device_id": name,
                   "device_type": "centrifugal_pump", "ts": now_ms, "seq": self.seq[dev],
                   "d": {METRICS[0]: {"v": round(70 + rng.random() * 5, 2), "q": 192},
                         METRICS[1]: {"v": round(4 + rng.random(), 2), "q": 192}},
                   "meta": {"fw_version": "2.3.1", "gw_id": "gw-01",
                            "source_ts": now_ms - 120, "edge_latency_ms": 120}}
        self.msg_ids.append(mid)
        return (json.dumps({"topic": f"{self.prefix}/{name}/telemetry", "payload": payload},
                           separators=(",", ":")) + "\n").encode()

    def run(self):
        """Produces devices lines a second in ten slices, paced by the clock,
        and writes what it can; never blocks on a full FIFO."""
        self.t0 = time.time()
        self.produce_until = self.t0 + self.seconds
        slices = 10
        k = 0
        while not self.stop:
            due = self.t0 + k / slices
            if due >= self.produce_until:
                break
            while time.time() < due:
                self.write_some()
                time.sleep(min(0.02, max(0.0, due - time.time())))
            lo = self.devices * (k % slices) // slices
            hi = self.devices * (k % slices + 1) // slices
            now_ms = int(time.time() * 1000)
            new = [self.make_line(d, now_ms) for d in range(lo, hi)]
            with self.lock:
                self.lines.extend(new)
            self.write_some()
            k += 1

    def feed(self):
        """After the last line was made: keeps the FIFO fed (a reoffer may
        move the cursor back) until the run closes it."""
        while not self.stop:
            self.write_some()
            time.sleep(0.02)

    def write_some(self):
        with self.lock:
            while not self.closed and self.cursor < len(self.lines):
                try:
                    os.write(self.fd, self.lines[self.cursor])  # < PIPE_BUF: all or nothing
                except BlockingIOError:
                    return
                self.cursor += 1

    def all_written(self):
        with self.lock:
            return self.cursor >= len(self.lines)

    def reoffer_from(self, committed):
        """iot-pub is down: what is still in the FIFO and what it read but
        did not commit goes again, from line committed + 1."""
        with self.lock:
            unread = 0  # lines still in the FIFO: they were never iot-pub's
            while True:
                try:
                    chunk = os.read(self.fd, 1 << 16)
                except BlockingIOError:
                    break
                if not chunk:
                    break
                unread += chunk.count(b"\n")
            if committed < self.cursor:
                self.reoffered += max(0, self.cursor - committed - unread)
                self.cursor = committed

    def close(self):
        with self.lock:
            self.closed = True
            os.close(self.fd)


def outbox_committed(path):
    """How many input lines the outbox has committed (its AUTOINCREMENT mark)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute("select seq from sqlite_sequence where name = 'outbox'").fetchone()
        finally:
            con.close()
        return row[0] if row else 0
    except sqlite3.Error:
        return None


def outbox_pending(path):
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("select count(*) from outbox").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return None


# ---------------------------------------------------------------------------
# The supervisor: examples/systemd/ in a loop
# ---------------------------------------------------------------------------
class Unit:
    """One systemd service with Restart=always, RestartSec=RESTART_SEC and
    KillMode=control-group: the command runs in a process group of its own
    (the unit's cgroup); when its main process exits, for any reason, the
    rest of the group gets SIGTERM, then SIGKILL after TIMEOUT_STOP_SEC; then
    after RESTART_SEC it is started again, until the unit is stopped."""

    def __init__(self, name, argv, log_path, stdin_path=None, on_exit=None, env=None):
        self.name, self.argv, self.log_path = name, argv, log_path
        self.stdin_path, self.on_exit = stdin_path, on_exit
        self.env = env
        self.keep_going = None  # while stopping: restart anyway when this says so
        self.proc = None
        self.exits = []       # the main process's exit statuses, in order
        self.starts = 0
        self.stopping = False
        self.wake = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.lock = threading.Lock()

    def start(self):
        self.spawn()
        self.thread.start()

    def spawn(self):
        stdin, own_fd = subprocess.DEVNULL, False
        if self.stdin_path:
            # StandardInput=socket hands the service the FIFO systemd holds
            # open; here a reader of its own, so that closing the source's
            # end gives iot-pub its end of input when the run is over.
            fd = os.open(self.stdin_path, os.O_RDONLY | os.O_NONBLOCK)
            os.set_blocking(fd, True)
            stdin, own_fd = fd, True
        with open(self.log_path, "ab") as err:
            self.proc = subprocess.Popen(self.argv, stdin=stdin, stdout=subprocess.DEVNULL,
                                         stderr=err, start_new_session=True, env=self.env)
        if own_fd:
            os.close(stdin)
        self.starts += 1

    def loop(self):
        while True:
            rc = self.proc.wait()
            self.kill_group(self.proc.pid)
            with self.lock:
                self.exits.append(rc)
            if self.on_exit:
                self.on_exit(rc)
            if self.stopping and not (self.keep_going and self.keep_going()):
                return
            self.wake.wait(RESTART_SEC)
            if self.stopping and not (self.keep_going and self.keep_going()):
                return
            self.spawn()

    @staticmethod
    def kill_group(pgid):
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.time() + TIMEOUT_STOP_SEC
        while time.time() < deadline:
            if not group_members(pgid):
                return
            time.sleep(0.05)
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def pid_of(self, comm):
        """The pid of the stage named comm in the unit's process group."""
        if not self.proc:
            return None
        for pid, c in group_members(self.proc.pid):
            if c == comm:
                return pid
        return None

    def stop(self, gentle=None, timeout=60):
        """systemctl stop: no restart after this. gentle() ends the main
        process the way it ends a run (else SIGTERM to the group)."""
        self.stopping = True
        self.wake.set()
        if self.proc and self.proc.poll() is None:
            if gentle:
                gentle()
            else:
                try:
                    os.killpg(self.proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        self.thread.join(timeout)
        if self.thread.is_alive():
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.thread.join(10)

    def sigkill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def group_members(pgid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append((int(entry), comm))
    return out


# ---------------------------------------------------------------------------
# The network between the clients and the broker
# ---------------------------------------------------------------------------
class Proxy:
    """A TCP relay in front of the broker. drop() closes every connection
    and refuses new ones (each is accepted and closed at once) until
    restore(): both clients keep running and see the network go."""

    def __init__(self, target_port):
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.listener, selectors.EVENT_READ, None)
        self.pairs = {}
        self.down = False
        self.stopped = False
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while not self.stopped:
            for key, _ in self.sel.select(0.2):
                with self.lock:
                    if key.data is None:
                        self.accept()
                    else:
                        self.pump(key.fileobj)

    def accept(self):
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        if self.down:
            client.close()
            return
        try:
            upstream = socket.create_connection(self.target, timeout=2)
        except OSError:
            client.close()
            return
        for s in (client, upstream):
            s.setblocking(False)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.pairs[client] = upstream
        self.pairs[upstream] = client
        self.sel.register(client, selectors.EVENT_READ, 1)
        self.sel.register(upstream, selectors.EVENT_READ, 1)

    def pump(self, s):
        other = self.pairs.get(s)
        if other is None:
            return
        try:
            data = s.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.close_pair(s)
            return
        try:
            other.setblocking(True)
            other.settimeout(10)
            other.sendall(data)
            other.setblocking(False)
        except OSError:
            self.close_pair(s)

    def close_pair(self, s):
        other = self.pairs.pop(s, None)
        for x in (s, other):
            if x is None:
                continue
            self.pairs.pop(x, None)
            try:
                self.sel.unregister(x)
            except (KeyError, ValueError):
                pass
            x.close()

    def drop(self):
        with self.lock:
            self.down = True
            for s in list(self.pairs):
                if s in self.pairs:
                    self.close_pair(s)

    def restore(self):
        with self.lock:
            self.down = False

    def close(self):
        self.stopped = True
        self.thread.join(2)
        self.drop()
        self.listener.close()


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------
def psql(pg_url, sql, check=True):
    r = subprocess.run(["psql", "-X", "-q", "-At", pg_url, "-c", sql], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"psql: {r.stderr.strip()}")
    return r.stdout if r.returncode == 0 else None


class Env:
    def __init__(self):
        e = os.environ
        self.bin = e["IOT_BIN"]
        self.work = e["FAULTS_WORK"]
        self.pg_url = e["PG_URL"]
        self.pg_ctl = [x for x in e["FAULTS_PG_CTL"].split("\x1f") if x]
        self.redis_url = e["REDIS_URL"]
        self.mqtt_port = int(e["MQTT_PORT"])
        self.mosq_conf = e["MOSQ_CONF"]
        self.mosq_log = e["MOSQ_LOG"]
        self.mosquitto = e["FAULTS_MOSQUITTO"]
        self.root = os.geteuid() == 0

    def tool(self, name):
        return f"{self.bin}/{name}"

    def pg_stop(self):
        subprocess.run(self.pg_ctl + ["-m", "fast", "stop"], capture_output=True, check=True)

    def pg_start(self):
        subprocess.run(self.pg_ctl + ["-w", "start"], capture_output=True, check=True)


class Broker:
    """mosquitto as a unit of its own (mosquitto.service, Restart=always)."""

    def __init__(self, env):
        self.env = env
        self.conf_nopersist = os.path.join(env.work, "mosquitto-nopersist.conf")
        with open(env.mosq_conf) as f:
            text = f.read()
        with open(self.conf_nopersist, "w") as f:
            f.write(re.sub(r"^persistence true$", "persistence false", text, flags=re.M))
        self.unit = None
        self.start(env.mosq_conf)

    def start(self, conf):
        self.unit = Unit("mosquitto", [self.env.mosquitto, "-c", conf],
                         os.path.join(self.env.work, "mosquitto.out"))
        self.unit.start()
        if not wait(lambda: port_open(self.env.mqtt_port), 30):
            raise RuntimeError("mosquitto did not start")

    def reconfigure(self, conf):
        self.unit.stop()
        self.start(conf)

    def stop(self):
        self.unit.stop()


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def wait(cond, timeout, step=0.1):
    """Polls cond until it holds; the bound is against hanging, not a timing
    assumption."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(step)
    return cond()


def subscribed(log_path, client_id, topic_filter):
    try:
        with open(log_path, errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 4 and parts[1] == client_id and parts[3] == topic_filter:
                    return True
    except OSError:
        pass
    return False


def broker_saved_after(log_path, client_id):
    """The broker wrote its database after it logged client_id's
    subscription: a restart from that file knows the session."""
    at = None
    try:
        with open(log_path, errors="replace") as f:
            for n, line in enumerate(f):
                parts = line.split()
                if len(parts) == 4 and parts[1] == client_id:
                    at = n
                elif at is not None and "Saving in-memory database" in line and n > at:
                    return True
    except OSError:
        pass
    return False


# ---------------------------------------------------------------------------
# One run
# ---------------------------------------------------------------------------
class Run:
    def __init__(self, env, broker, extras, args, number, fault):
        self.env, self.broker, self.extras, self.args = env, broker, extras, args
        self.k, self.fault = number, fault
        self.dir = os.path.join(env.work, f"run{number:02d}-{fault}")
        os.makedirs(self.dir)
        os.chmod(self.dir, 0o777)
        self.prefix = f"faults{number}"
        self.topic_filter = f"{self.prefix}/+/telemetry"
        self.session = f"faults-{number}-sub"
        self.table = f"r{number}"
        self.stream_table = f"s{number}"
        self.stream = f"faults-{number}"
        self.mounts = []
        self.notes = []
        self.fault_end = None
        self.recovered_at = None
        self.settled_counts = None  # stored (both paths) when settle() gave up waiting

    def path(self, name):
        return os.path.join(self.dir, name)

    def small_fs(self, name, size_bytes):
        d = self.path(name)
        os.makedirs(d)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", d],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise CannotRun(f"cannot mount a tmpfs here: {r.stderr.strip()}")
        self.mounts.append(d)
        return d

    def build(self):
        a, e = self.args, self.env
        quick = a.quick
        # The outbox and the spool each on a tmpfs of their own: the fault
        # fills it to the last byte with a ballast file for the outage (what
        # a runaway log does to a real disk), then frees it.
        outbox_dir, spool_dir = self.path("outbox"), self.path("spool")
        if self.fault == "outbox-full":
            outbox_dir = self.small_fs("outbox", 64 << 20)
        else:
            os.makedirs(outbox_dir)
        if self.fault == "spool-full":
            spool_dir = self.small_fs("spool", 64 << 20)
        else:
            os.makedirs(spool_dir)
        self.outbox_dir, self.spool_dir = outbox_dir, spool_dir
        self.outbox = os.path.join(outbox_dir, "outbox.db")
        self.ack_file = self.path("ack")
        self.proxy = Proxy(e.mqtt_port)
        broker_url = f"mqtt://127.0.0.1:{self.proxy.port}"

        self.source = Source(self.path("readings.fifo"), a.devices, a.seconds, self.prefix, seed=self.k)
        pub = [e.tool("iot-pub"), "--broker", broker_url, "-q", "1", "--outbox", self.outbox,
               "--metrics-file", self.path("pub.prom")] + self.extras.pub_extra()
        self.pub = Unit("iot-pub", pub, self.path("pub.log"), stdin_path=self.source.fifo,
                        on_exit=self.pub_exited)

        # The data topics only: resend requests ({prefix}/DEVICE/resend, once
        # iot-ingest --resend is on) are for iot-pub, not for the pipeline.
        topic = self.topic_filter
        stream_url = f"{e.redis_url}/{self.stream}"
        sub = [e.tool("iot-sub"), "--broker", broker_url, "-t", topic, "-q", "1",
               "--session", self.session, "--journal", self.path("journal.ndjson")] + \
            self.extras.sub_extra(self.ack_file)
        verify = [e.tool("iot-verify"), "--filter", "--reject", self.path("verify-rejects.ndjson")] + \
            self.extras.verify_extra()
        ingest = [e.tool("iot-ingest"), "--db", e.pg_url, "--table", self.table, "--no-rollups",
                  "--spool", spool_dir, "--to-stream", stream_url,
                  "--dlq", self.path("ingest-dlq.ndjson"),
                  "--metrics-file", self.path("ingest.prom")] + \
            self.extras.ingest_extra(self.ack_file, broker_url, quick)
        # The same shape as examples/systemd/iot-cloud@.service: one bash
        # pipeline, each stage's log apart, the stages' exit statuses logged.
        q = lambda argv: " ".join(shquote(x) for x in argv)  # noqa: E731
        script = (f"{q(sub)} 2>>{shquote(self.path('sub.log'))} | "
                  f"{q(verify)} 2>>{shquote(self.path('verify.log'))} | "
                  f"{q(ingest)} 2>>{shquote(self.path('ingest.log'))}; "
                  f"echo \"${{PIPESTATUS[*]}}\" >> {shquote(self.path('cloud.status'))}")
        self.cloud = Unit("cloud", ["/bin/bash", "-c", script], self.path("cloud.log"),
                          on_exit=self.cloud_exited)
        self.cloud_lines, self.cloud_codes = 0, [[], [], []]

        claim = "3s" if quick else "10s"
        self.consumers = []
        for c in (1, 2):
            argv = [e.tool("iot-ingest"), "--from", stream_url, "--group", "g", "--claim-idle", claim,
                    "--db", e.pg_url, "--table", self.stream_table, "--no-rollups",
                    "--dlq", self.path(f"consumer{c}-dlq.ndjson")]
            self.consumers.append(Unit(f"consumer{c}", argv, self.path(f"consumer{c}.log")))

    def keep_metrics(self, name):
        """A restarted stage writes its --metrics-file anew: keep each
        start's counters apart (NAME-1.prom, NAME-2.prom, ...) to sum them."""
        src = self.path(f"{name}.prom")
        if os.path.exists(src):
            n = 1
            while os.path.exists(self.path(f"{name}-{n}.prom")):
                n += 1
            os.replace(src, self.path(f"{name}-{n}.prom"))

    def pub_exited(self, rc):
        self.keep_metrics("pub")
        if self.source.closed:
            return  # the end of the run: nothing more to offer
        committed = outbox_committed(self.outbox)
        if committed is None:
            self.notes.append("outbox unreadable after an iot-pub exit")
            return
        self.source.reoffer_from(committed)

    def start(self):
        self.cloud.start()
        if not wait(lambda: subscribed(self.env.mosq_log, self.session, self.topic_filter), 60):
            raise RuntimeError("iot-sub did not subscribe (see " + self.path("sub.log") + ")")
        # The broker keeps the session across its own SIGKILL only once it
        # has saved it: wait for a save after the subscription.
        if self.fault in ("kill-broker", "power-cut"):
            if not wait(lambda: broker_saved_after(self.env.mosq_log, self.session), 30):
                raise RuntimeError("mosquitto did not save its database after the subscription")
        for c in self.consumers:
            c.start()
        self.pub.start()
        self.source_thread = threading.Thread(target=self.source.run, daemon=True)
        self.source_thread.start()
        threading.Thread(target=self.source.feed, daemon=True).start()

    # --- the faults ---
    def inject(self):
        e, out = self.env, self.args.outage
        f = self.fault
        if f == "kill-pub":
            self.kill_stage(self.pub, "iot-pub")
        elif f == "kill-sub":
            self.kill_stage(self.cloud, "iot-sub")
        elif f == "kill-verify":
            self.kill_stage(self.cloud, "iot-verify")
        elif f == "kill-ingest":
            self.kill_stage(self.cloud, "iot-ingest")
        elif f in ("kill-broker", "kill-broker-nopersist"):
            self.broker.unit.sigkill()
        elif f == "stop-postgres":
            e.pg_stop()
            time.sleep(out)
            e.pg_start()
        elif f == "spool-full":
            ballast = fill_up(self.spool_dir)
            e.pg_stop()
            time.sleep(out)
            os.remove(ballast)
            e.pg_start()
        elif f == "kill-consumer":
            self.kill_stage(self.consumers[0], "iot-ingest")
        elif f == "network-drop":
            self.proxy.drop()
            time.sleep(out)
            self.proxy.restore()
        elif f == "outbox-full":
            ballast = fill_up(self.outbox_dir)
            self.proxy.drop()
            time.sleep(out)
            os.remove(ballast)
            self.proxy.restore()
        elif f == "power-cut":
            units = [self.pub, self.cloud, self.broker.unit] + self.consumers
            for u in units:
                u.sigkill()
        self.fault_end = time.time()

    def kill_stage(self, unit, comm):
        wait(lambda: unit.pid_of(comm) is not None, 30)
        pid = unit.pid_of(comm)
        if pid is None:
            raise RuntimeError(f"no {comm} to kill in {unit.name}")
        os.kill(pid, signal.SIGKILL)

    # --- counting ---
    def stored_ids(self, table):
        out = psql(self.env.pg_url, f"select distinct msg_id from {table}", check=False)
        return set(out.split()) if out else set()

    def dup_rows(self, table):
        out = psql(self.env.pg_url,
                   f"select count(*) - count(distinct (msg_id, metric)) from {table}", check=False)
        return int(out.strip()) if out and out.strip() else 0

    def has_row_after(self, table, t):
        out = psql(self.env.pg_url,
                   f"select 1 from {table} where time >= to_timestamp({t:.3f}) limit 1", check=False)
        return bool(out and out.strip())

    def watch_recovery(self):
        """Time to recover: from the end of the fault to the first moment a
        message the source made after it is stored by both paths."""
        while self.recovered_at is None and not self.finished:
            if self.fault_end and self.has_row_after(self.table, self.fault_end) and \
                    self.has_row_after(self.stream_table, self.fault_end):
                self.recovered_at = time.time()
                return
            time.sleep(0.5)

    def go(self):
        a = self.args
        self.finished = False
        self.build()
        t_start = time.time()
        self.start()
        fault_at = t_start + a.seconds / 3
        while time.time() < fault_at:
            time.sleep(0.1)
        log(f"run {self.k}: {self.fault}")
        self.inject()
        # The fleet goes on for a third of the run after the fault ended, so
        # that recovery is seen on live data, not only on a backlog.
        self.source.produce_until = max(self.source.produce_until, self.fault_end + a.seconds / 3)
        watcher = threading.Thread(target=self.watch_recovery, daemon=True)
        watcher.start()
        # End of input: the source writes every line it made, then closes
        # its end of the FIFO; iot-pub reads to the end, sends what its
        # outbox holds and exits 0. While its outbox holds anything, the unit
        # starts it again after any exit (it then reads end of input at once
        # and only drains).
        self.source_thread.join()
        if not self.wait_committed():
            self.notes.append(f"iot-pub committed {outbox_committed(self.outbox)} of "
                              f"{len(self.source.lines)} lines; the rest was never taken")
        self.source.stop = True
        self.source.close()
        self.pub.keep_going = lambda: bool(outbox_pending(self.outbox))
        if self.extras.resend:
            # iot-pub --keep stays up after its input to answer resend
            # requests (iot-pub(1), --keep): the tables are waited for while
            # it runs, then it is interrupted, which ends it at once.
            self.settle()
            self.pub.stop(gentle=lambda: os.killpg(self.pub.proc.pid, signal.SIGINT), timeout=60)
        else:
            self.pub.stop(gentle=lambda: wait(lambda: self.pub.proc.poll() is not None, 180) or
                          os.killpg(self.pub.proc.pid, signal.SIGTERM), timeout=240)
            self.settle()
        self.finished = True
        watcher.join(5)
        self.stop_all()
        return self.row()

    def wait_committed(self):
        """The source stays open (offering again what an iot-pub exit left
        uncommitted) until the outbox has committed every line, or the
        commit mark stood still for a while."""
        total = len(self.source.lines)
        idle_limit = 10 if self.args.quick else 30
        last, last_change = None, time.time()
        while True:
            mark = outbox_committed(self.outbox) or 0
            if mark >= total:
                return True
            if mark != last:
                last, last_change = mark, time.time()
            elif time.time() - last_change > idle_limit:
                return False
            time.sleep(0.2)

    def settle(self):
        """Waits until nothing moves: the outbox is empty and both tables
        hold every message, or nothing changed for a while."""
        sent = len(self.source.msg_ids)
        idle_limit = 10 if self.args.quick else 30
        last, last_change, counts = None, time.time(), (0, 0)
        deadline = time.time() + (240 if self.args.quick else 600)
        while time.time() < deadline:
            main = psql(self.env.pg_url, f"select count(distinct msg_id) from {self.table}", check=False)
            side = psql(self.env.pg_url, f"select count(distinct msg_id) from {self.stream_table}",
                        check=False)
            pending = outbox_pending(self.outbox)
            state = (main, side, pending, self.pub.starts, self.cloud.starts)
            done = (main and side and int(main) >= sent and int(side) >= sent and not pending)
            if done:
                return
            counts = (int(main or 0), int(side or 0))
            if state != last:
                last, last_change = state, time.time()
            elif time.time() - last_change > idle_limit:
                self.notes.append(f"stopped waiting: nothing moved for {idle_limit} s")
                self.settled_counts = counts
                return
            time.sleep(1)
        self.notes.append("stopped waiting: the bound ran out")
        self.settled_counts = counts

    def stop_all(self):
        def end_sub():
            pid = self.cloud.pid_of("iot-sub")
            if pid:
                os.kill(pid, signal.SIGTERM)  # the rest of the pipe drains and ends
            else:
                os.killpg(self.cloud.proc.pid, signal.SIGTERM)
        self.cloud.stop(gentle=end_sub)
        for c in self.consumers:
            c.stop()
        self.proxy.close()
        for d in self.mounts:
            subprocess.run(["umount", "-l", d], capture_output=True)

    def cloud_exited(self, rc):
        """Each cloud start's stage statuses (iot-sub iot-verify iot-ingest)
        from the PIPESTATUS line bash logs; a start that left none was killed
        with its shell (the power cut)."""
        self.keep_metrics("ingest")
        try:
            with open(self.path("cloud.status")) as f:
                lines = [line.split() for line in f if line.strip()]
        except OSError:
            lines = []
        codes = lines[-1] if len(lines) > self.cloud_lines and len(lines[-1]) == 3 else [status(rc)] * 3
        self.cloud_lines = len(lines)
        for j in range(3):
            self.cloud_codes[j].append(codes[j])

    def row(self):
        sent_ids = self.source.msg_ids
        sent = len(sent_ids)
        main_ids = self.stored_ids(self.table)
        side_ids = self.stored_ids(self.stream_table)
        want = set(sent_ids)
        lost_main = len(want - main_ids)
        lost_stream = len(want - side_ids)
        dups = self.dup_rows(self.table) + self.dup_rows(self.stream_table)
        resent = resent_count(sorted(glob.glob(self.path("pub-*.prom"))))
        if resent is None:
            resent = resent_count(sorted(glob.glob(self.path("ingest-*.prom"))))
        sub_x, ver_x, ing_x = self.cloud_codes

        def codes(unit):
            return [status(rc) for rc in unit.exits]
        exits = {"iot-pub": codes(self.pub), "iot-sub": sub_x, "iot-verify": ver_x,
                 "iot-ingest": ing_x,
                 "consumers": codes(self.consumers[0]) + ["|"] + codes(self.consumers[1])}
        recover = round(self.recovered_at - self.fault_end, 1) if self.recovered_at else None
        needs = [n for n in NEEDS.get(self.fault, []) if n in self.extras.missing()]
        if self.settled_counts:
            late = (len(want & main_ids) - self.settled_counts[0], len(want & side_ids) - self.settled_counts[1])
            if any(late):
                self.notes.append(f"{late[0]} (table) and {late[1]} (stream) messages were stored only "
                                  "when the run stopped the pipeline")
        if self.fault == "outbox-full":
            # iot-pub holds what it read while its outbox's disk is full and
            # stops reading (iot-pub(1), --outbox): one warning an episode,
            # no exit. A line it read and then exited without committing is
            # lost behind a plain pipe: counted as lost below.
            n = count_lines_with(self.path("pub.log"), ("disk full; holding",))
            self.notes.append(f"iot-pub logged {n} full-disk episode(s)")
        elif self.fault == "spool-full":
            n = count_lines_with(self.path("ingest.log"), ("full", "No space"))
            self.notes.append(f"iot-ingest logged a full disk {n} times")
        lost_on_pipe = self.source.reoffered if self.fault == "outbox-full" else 0
        if lost_on_pipe:
            self.notes.append(f"iot-pub's exits left {lost_on_pipe} lines read but not committed: the source "
                              "offered them again, a plain pipe would have lost them (counted as lost)")
        elif self.source.reoffered:
            self.notes.append(f"iot-pub's exits left {self.source.reoffered} lines read but not committed "
                              "(summed over its exits); the source offered them again, a plain pipe would "
                              "lose them")
        return {"fault": self.fault, "sent": sent, "stored": len(want & main_ids),
                "stored_stream": len(want & side_ids), "lost": lost_main + lost_stream + lost_on_pipe,
                "lost_db": lost_main, "lost_stream": lost_stream, "lost_on_pipe": lost_on_pipe,
                "duplicate_rows": dups,
                "resent": resent, "reoffered": self.source.reoffered, "recover_s": recover, "exits": exits,
                "held": not needs, "pending": needs, "notes": self.notes}

    def cleanup(self):
        for u in [getattr(self, n, None) for n in ("pub", "cloud")] + getattr(self, "consumers", []):
            if u and u.proc and not u.stopping:
                u.stopping = True
                u.wake.set()
                u.sigkill()
        if getattr(self, "proxy", None):
            self.proxy.close()
        for d in self.mounts:
            subprocess.run(["umount", "-l", d], capture_output=True)


def fill_up(directory):
    """Fills directory's filesystem to the last byte; returns the ballast."""
    path = os.path.join(directory, "ballast")
    chunk = b"\0" * (1 << 20)
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError:
            pass
        while True:  # the last partial MiB too
            try:
                if not f.write(b"\0" * 4096):
                    break
            except OSError:
                break
    return path


def count_lines_with(path, words):
    try:
        with open(path, errors="replace") as f:
            return sum(1 for line in f if any(w in line for w in words))
    except OSError:
        return 0


def status(rc):
    return f"sig{-rc}" if rc < 0 else str(rc)


def resent_count(paths):
    """Messages published again on a resend request: the counters whose name
    says "resent" in iot-pub's --metrics-file of every start (iot-ingest's
    when iot-pub writes none), summed; None while no tool writes one. A
    start ended by SIGKILL writes no counters, so this is a lower bound."""
    total, seen = 0, False
    for p in paths:
        try:
            with open(p) as f:
                for line in f:
                    parts = line.split()
                    if line.startswith("#") or len(parts) != 2 or "resent" not in parts[0]:
                        continue
                    seen = True
                    total += int(float(parts[1]))
        except (OSError, ValueError):
            pass
    return total if seen else None


def shquote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def fmt_exits(exits):
    """pub:sig9,0 sub:74x18,130 ...: each start's exit status in order, a
    status repeated n times in a row as STATUSxn."""
    short = {"iot-pub": "pub", "iot-sub": "sub", "iot-verify": "ver", "iot-ingest": "ing", "consumers": "cons"}

    def runs(codes):
        out = []
        for c in codes:
            if out and out[-1][0] == c and c != "|":
                out[-1][1] += 1
            else:
                out.append([c, 1])
        return ",".join(c if n == 1 else f"{c}x{n}" for c, n in out).replace(",|,", "|")
    return " ".join(f"{short[k]}:{runs(v)}" for k, v in exits.items())


def print_row(row, as_json, header_done):
    if as_json:
        print(json.dumps(row), flush=True)
        return True
    if not header_done:
        print(f"{'fault':22} {'sent':>7} {'stored':>7} {'stream':>7} {'lost':>6} {'dups':>5} "
              f"{'resent':>6} {'recover':>8}  exit codes", flush=True)
    rec = f"{row['recover_s']}s" if row["recover_s"] is not None else "-"
    res = "-" if row["resent"] is None else str(row["resent"])
    flag = "" if row["held"] else f"  [pending: needs {', '.join(row['pending'])}]"
    print(f"{row['fault']:22} {row['sent']:7d} {row['stored']:7d} {row['stored_stream']:7d} "
          f"{row['lost']:6d} {row['duplicate_rows']:5d} {res:>6} {rec:>8}  {fmt_exits(row['exits'])}{flag}",
          flush=True)
    for n in row["notes"]:
        print(f"{'':22}   note: {n}", flush=True)
    return True


def main(argv):
    args = parse_args(argv)
    if args.list:
        for n, d in FAULTS:
            print(f"{n:24} {d}")
        return 0
    if args.check_args:
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds: each run stops its processes
    env = Env()
    extras = Extras(env.bin)
    log(f"{args.devices} devices x {args.seconds:g} s, outages {args.outage:g} s; "
        f"end-to-end ack {'on' if extras.ack else 'not built in'}, "
        f"resend on gap {'on' if extras.resend else 'not built in'}")
    broker = Broker(env)
    failed, header = [], False
    try:
        for k, fault in enumerate(args.faults, 1):
            if fault in ("outbox-full", "spool-full") and not env.root:
                row = {"fault": fault, "skipped": "needs root to mount a small tmpfs"}
                print(json.dumps(row) if args.json else f"{fault:22} skipped: {row['skipped']}", flush=True)
                continue
            if fault == "kill-broker-nopersist":
                broker.reconfigure(broker.conf_nopersist)
            run = Run(env, broker, extras, args, k, fault)
            try:
                row = run.go()
            except CannotRun as exc:
                run.cleanup()
                print(json.dumps({"fault": fault, "skipped": str(exc)}) if args.json
                      else f"{fault:22} skipped: {exc}", flush=True)
                continue
            except BaseException as exc:  # a run that could not be carried out is a failed row
                run.cleanup()
                if not isinstance(exc, Exception):
                    raise  # interrupted: every process of the run is gone, now stop
                row = {"fault": fault, "error": str(exc)}
                print(json.dumps(row) if args.json else f"{fault:22} error: {exc}", flush=True)
                failed.append(fault)
                continue
            finally:
                if fault == "kill-broker-nopersist":
                    broker.reconfigure(env.mosq_conf)
            header = print_row(row, args.json, header)
            if row["held"] and (row["lost"] > 0 or row["duplicate_rows"] > 0):
                failed.append(fault)
    finally:
        broker.stop()
    if failed:
        print(f"scripts/faults: data lost or stored twice under: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
