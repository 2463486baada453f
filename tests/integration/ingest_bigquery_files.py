#!/usr/bin/python3
"""iot-ingest --db bigquery-files:DIR killed with SIGKILL at random moments.

The real binary is fed a capture (two registry routes: two tables) through a
pipe and killed (SIGKILL) after a random number of lines, several times
over; each run starts again from the first line, as a restarted pipeline
would. The whole time a watcher thread lists DIR/*/*.ndjson and reads
every file it finds with Python's json: no visible load file may be partial
(every line a JSON object, the last one ended) or change after it appeared.
After each kill the same is checked of the whole directory. Then one run
to the end (no kill): every reading of the capture is in exactly one load
file, with its values; no temporary part is left; the files rotated at
--rotate-size; DIR/TABLE.schema.json is a BigQuery schema naming every
field the lines hold. A second process on the same DIR is refused.
"""
import hashlib, json, os, pathlib, random, shutil, signal, subprocess, sys, tempfile, threading, time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from iot_testlib import bin_dir, check, finish  # noqa: E402

INGEST = os.path.join(bin_dir(), "iot-ingest")
work = pathlib.Path(tempfile.mkdtemp(prefix="iot-bq-"))
os.chdir(work)
seed = int(os.environ.get("IOT_TEST_SEED", random.randrange(1 << 30)))
rng = random.Random(seed)
print(f"# random seed {seed} (IOT_TEST_SEED={seed} repeats this run)")

(work / "fleet.toml").write_text("""
[[route]]
pattern = "plant/{dev}/telemetry"
shape = "nested"
table = "plant"

[[route]]
pattern = "line/{dev}/telemetry"
shape = "nested"
table = "line"
""")

# 6,000 messages x 3 metrics; the expected rows keyed like the sink's primary key.
lines, expected = [], {}
for seq in range(1, 1001):
    for prefix, table in (("plant", "plant"), ("line", "line")):
        for dev in ("D-1", "D-2", "D-3"):
            ms = 1710844800000 + seq * 1000 + 7
            d = {"temp": {"v": seq + 0.25, "q": 192}, "pres": {"v": -seq / 3, "q": 192}, "vib": {"v": seq % 7, "q": 68}}
            lines.append(json.dumps({"topic": f"{prefix}/{dev}/telemetry", "payload": {
                "msg_id": f"{prefix}-{dev}-{seq}", "device_id": dev, "ts": ms, "seq": seq, "d": d}}) + "\n")
            t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}000Z"
            for m, r in d.items():
                expected[(table, dev, m, t)] = (float(r["v"]), r["q"], f"{prefix}-{dev}-{seq}", seq)
capture = "".join(lines).encode()
print(f"# {len(lines)} lines, {len(expected)} readings")


def load_files():
    return sorted(pathlib.Path("bq").glob("*/*.ndjson"))


def whole(data):
    """A load file is whole when it ends with a newline and every line is a JSON object."""
    if not data.endswith(b"\n"):
        return False
    try:
        return all(isinstance(json.loads(l), dict) for l in data.split(b"\n")[:-1])
    except ValueError:
        return False


class Watcher(threading.Thread):
    """Reads every visible load file again and again while the writer runs."""
    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.seen = {}          # path -> sha256 at first sight
        self.partial = []       # files seen partial
        self.changed = []       # files whose bytes changed after they appeared
        self.reads = 0

    def run(self):
        while not self.stop.is_set():
            for path in load_files():
                try:
                    data = path.read_bytes()
                except FileNotFoundError:
                    continue
                self.reads += 1
                digest = hashlib.sha256(data).hexdigest()
                if not whole(data):
                    self.partial.append(str(path))
                if self.seen.setdefault(str(path), digest) != digest:
                    self.changed.append(str(path))


def start_writer(batch):
    return subprocess.Popen([INGEST, "--db", "bigquery-files:bq", "--registry", "fleet.toml",
                             "--batch-size", str(batch), "--flush-interval", "10ms", "--rotate-size", "32KiB"],
                            stdin=subprocess.PIPE, stderr=open("ingest.log", "ab"))


watcher = Watcher()
watcher.start()
kills, parts_left = 0, 0
for run in range(8):
    writer = start_writer(rng.choice([50, 200, 700]))
    cut = rng.randrange(len(capture) // 10, len(capture))
    cut = capture.index(b"\n", cut) + 1
    try:
        writer.stdin.write(capture[:cut])
        writer.stdin.flush()
    except BrokenPipeError:
        pass
    time.sleep(rng.random() * 0.05)  # a random moment after those lines, not a wait for anything
    if writer.poll() is None:
        writer.send_signal(signal.SIGKILL)
        kills += 1
    writer.wait()
    writer.stdin.close()
    bad = [str(p) for p in load_files() if not whole(p.read_bytes())]
    check(f"run {run + 1} (killed after {cut} bytes): every visible load file whole", not bad, str(bad))
    parts_left += len(list(pathlib.Path("bq").glob("*/.*.ndjson.part")))

writer = start_writer(500)
writer.communicate(capture)
check("the last run ends with exit 0", writer.returncode == 0, open("ingest.log").read()[-2000:])
watcher.stop.set()
watcher.join()

check("the writer was killed mid-run every time", kills == 8, f"{kills} of 8")
check("kills left temporary parts behind (the case under test)", parts_left > 0)
check("the watcher read load files while the writer ran", watcher.reads > 0)
check("no load file was ever seen partial", not watcher.partial, str(watcher.partial[:5]))
check("no load file changed after it appeared", not watcher.changed, str(watcher.changed[:5]))
check("no temporary part is left after a clean run", not list(pathlib.Path("bq").glob("*/.*")))

found, twice, wrong = {}, [], []
for path in load_files():
    table = path.parent.name
    for l in path.read_text().splitlines():
        row = json.loads(l)
        key = (table, row["device_id"], row["metric"], row["time"])
        if key in found:
            twice.append(key)
        found[key] = str(path)
        want = expected.get(key)
        if want != (row["value"], row["quality"], row["msg_id"], row["seq"]):
            wrong.append((key, want, row))
check("every reading is in a load file", set(expected) <= set(found), str(list(set(expected) - set(found))[:3]))
check("and no other", set(found) <= set(expected), str(list(set(found) - set(expected))[:3]))
check("no reading is in two files (or twice in one)", not twice, str(twice[:3]))
check("every value, quality, msg_id and seq as sent", not wrong, str(wrong[:2]))
files = load_files()
check("both tables have their folder", {p.parent.name for p in files} == {"plant", "line"})
# A file is published once it reaches --rotate-size, so it holds at most
# that plus one batch: --batch-size readings (700 at the most) of the
# longest line written.
longest = max(len(l) + 1 for p in files for l in p.read_text().splitlines())
check("files were rotated at --rotate-size", len(files) > 8 and all(p.stat().st_size < 32 * 1024 + 700 * longest for p in files),
      str([(p.name, p.stat().st_size) for p in files[:5]]))
check("file names are YYYYMMDDTHHMMSSZ-N.ndjson",
      all(len(p.name.split("-")[0]) == 16 and p.name.split("-")[0].endswith("Z") for p in files))
schema = json.loads(pathlib.Path("bq/plant.schema.json").read_text())
types = {f["name"]: f["type"] for f in schema}
check("the schema names every field of a line", set(types) == set(json.loads(files[0].read_text().splitlines()[0])))
check("time TIMESTAMP, value FLOAT64, tags JSON",
      (types["time"], types["value"], types["tags"]) == ("TIMESTAMP", "FLOAT64", "JSON"), str(types))

def held_by_someone(path):
    import fcntl
    with open(path, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


holder = start_writer(500)
deadline = time.monotonic() + 30
while not held_by_someone("bq/.lock") and time.monotonic() < deadline and holder.poll() is None:
    time.sleep(0.01)  # polling for the first writer's lock, bounded
other = subprocess.run([INGEST, "--db", "bigquery-files:bq"], stdin=subprocess.DEVNULL, capture_output=True, text=True)
holder.communicate(b"")
check("a second writer on the same DIR is refused", other.returncode != 0 and "in use" in other.stderr, other.stderr)
code = finish()
if code == 0:
    shutil.rmtree(work, ignore_errors=True)
sys.exit(code)
