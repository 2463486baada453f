#!/usr/bin/python3
"""iot-sub's human output and -F formats against mosquitto_sub.

Retained messages published by mosquitto_pub are read by both subscribers
(no waiting for a subscription to be in place): -F gives what mosquitto_sub
-F gives for the directives both have, -v gives mosquitto_sub -v's lines
with the receive time in front. A terminal (a pty) gets the human output:
JSON pretty-printed, coloured unless NO_COLOR or --color never, a count at
the end; --ndjson and a pipe get NDJSON. Bad formats are usage errors.
Exit 77 when mosquitto is missing.
"""
import json, os, pathlib, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from iot_testlib import bin_dir, check, finish, mosquitto_path, start_mosquitto  # noqa: E402

if mosquitto_path() is None:
    print("SKIP: mosquitto not installed")
    sys.exit(77)
BIN = bin_dir()
SUB = os.path.join(BIN, "iot-sub")
ESC = "\x1b["
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"

tmp = tempfile.mkdtemp(prefix="iot-sub-human.")
broker, port = start_mosquitto(tmp)
P = ["-p", str(port)]


def publish(topic, *how):
    subprocess.run(["mosquitto_pub", *P, "-q", "1", "-r", "-t", topic, *how], check=True)


# Retained, so that every subscriber started later gets them, in topic order.
publish("h/1text", "-m", "pump stopped")
publish("h/2json", "-m", '{"device_id":"P-1","v":21.50,"ok":true,"none":null,"list":[1,"x"],"empty":{}}')
binary = os.path.join(tmp, "bin")
with open(binary, "wb") as f:
    f.write(b"\x00\x01\xffA\x1b")
publish("h/3bin", "-f", binary)
publish("h/4pct", "-m", "50% done\tnow")
TEXT_TOPICS = ["h/1text", "h/2json", "h/4pct"]


def run(args, env=None, tty=False):
    """(exit status, stdout text, stderr text); stdout is a pty when tty."""
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    full_env["TERM"] = "xterm"
    full_env.update(env or {})
    if not tty:
        p = subprocess.run(args, env=full_env, capture_output=True, timeout=60)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode()
    master, slave = os.openpty()
    p = subprocess.Popen(args, env=full_env, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    err = p.stderr.read().decode()
    p.wait(timeout=60)
    return p.returncode, out.decode("utf-8", "replace").replace("\r\n", "\n"), err


def iot_sub(*args, **kw):
    return run([SUB, *P, "-t", "h/#", "-C", "4", "-W", "30", *args], **kw)


def mosquitto_sub(*args, count=4):
    p = subprocess.run(["mosquitto_sub", *P, "-q", "1", "-t", "h/#", "-C", str(count), "-W", "30", *args],
                       capture_output=True, timeout=60)
    return p.stdout


# --- -F: the directives mosquitto_sub has give what it gives -----------------
fmt = "%t|%p|%q|%r|%l|%x|%%|\\t|end"
got = subprocess.run([SUB, *P, "-t", "h/#", "-C", "4", "-W", "30", "-F", fmt], capture_output=True, timeout=60).stdout
want = mosquitto_sub("-F", fmt)
check("-F output is byte for byte mosquitto_sub -F's", got == want and len(want) > 40, f"\n{got!r}\n{want!r}")
rc, out, _ = iot_sub("-F", "%m %U %C|%I")
lines = out.splitlines()
check("-F %m %U %C %I: a message id, Unix time with ns, no content type, RFC 3339 time",
      len(lines) == 4 and all(re.fullmatch(r"[1-9]\d* \d{10}\.\d{9} \|" + TIME, l) for l in lines), out)

# --- -v: mosquitto_sub -v with the time in front, a count at the end --------
rc, out, _ = iot_sub("-v", "--color", "never")
lines = out.split("\n")
check("-v ends with the count", lines[-2:] == ["-- 4 messages", ""], repr(lines[-3:]))
text_lines = [l for l in lines if l.split(" ")[1:2] and l.split(" ")[1] in ("h/1text", "h/4pct")]
ref = mosquitto_sub("-v", "-T", "h/2json", "-T", "h/3bin", count=2).decode().splitlines()  # -T: not counted
check("-v lines of text payloads are mosquitto_sub -v's after the time",
      [l.split(" ", 1)[1] for l in text_lines] == ref and len(ref) == 2, f"{text_lines} {ref}")
check("each message starts with its receive time (RFC 3339, ms)",
      all(re.match(TIME + " h/", l) for l in text_lines), repr(text_lines))
check("-v with a pipe does not colour (auto)", ESC not in iot_sub("-v")[1])
check("-v --color always colours a pipe", ESC in iot_sub("-v", "--color", "always")[1])

# --- a terminal gets the human output -----------------------------------------
rc, out, err = iot_sub(tty=True)
plain = ANSI.sub("", out)
want_json = """ h/2json {
  "device_id": "P-1",
  "v": 21.50,
  "ok": true,
  "none": null,
  "list": [
    1,
    "x"
  ],
  "empty": {}
}
"""
check("a terminal: exit 0", rc == 0, err)
check("a terminal gets JSON pretty-printed, numbers as sent", want_json in plain, plain)
check("a terminal gets colours: keys, strings, numbers",
      '\x1b[34;1m"device_id"\x1b[0m: \x1b[32m"P-1"\x1b[0m' in out and "\x1b[36m21.50\x1b[0m" in out, repr(out))
check("binary payloads as a length and hex, no control byte on the terminal",
      re.search(r"h/3bin \(5 bytes\) 00 01 ff 41 1b\n", plain) is not None and "\x1bA" not in out, plain)
check("text as it is, tab included", " h/4pct 50% done\tnow\n" in plain, plain)
check("the terminal gets the count", plain.endswith("-- 4 messages\n"), repr(plain[-40:]))
check("NO_COLOR turns colour off", ESC not in iot_sub(tty=True, env={"NO_COLOR": "1"})[1])
check("an empty NO_COLOR does not", ESC in iot_sub(tty=True, env={"NO_COLOR": ""})[1])
check("--color never turns it off", ESC not in iot_sub("--color", "never", tty=True)[1])
check("--color always beats NO_COLOR", ESC in iot_sub("--color", "always", tty=True, env={"NO_COLOR": "1"})[1])
check("TERM=dumb turns it off", ESC not in iot_sub(tty=True, env={"TERM": "dumb"})[1])
rc, out, _ = iot_sub("--ndjson", tty=True)
envelopes = [json.loads(l) for l in out.splitlines()]
check("--ndjson: a terminal gets envelopes", [e["topic"] for e in envelopes] == ["h/1text", "h/2json", "h/3bin", "h/4pct"]
      and envelopes[1]["payload"]["v"] == 21.5, out)
rc, out, _ = iot_sub("--payload-only", tty=True)
check("--payload-only on a terminal: payloads as before", '{"device_id":"P-1"' in out and "-- 4" not in out, out)

# --- a pipe still gets NDJSON --------------------------------------------------
rc, out, _ = iot_sub()
envelopes = [json.loads(l) for l in out.splitlines()]
check("a pipe gets one envelope a line", [e["topic"] for e in envelopes] == ["h/1text", "h/2json", "h/3bin", "h/4pct"]
      and envelopes[2]["payload_b64"] == "AAH/QRs=" and all(e["retain"] for e in envelopes), out)

# --- decoded encodings ---------------------------------------------------------
subprocess.run([os.path.join(BIN, "iot-pub"), *P, "-t", "m/pack", "--encode", "msgpack", "-r", "-m", '{"a":1}'],
               check=True, capture_output=True)
rc, out, _ = run([SUB, *P, "-t", "m/#", "-C", "1", "-W", "30", "-v", "--color", "never"])
check("MessagePack shown decoded, with its encoding", re.match(TIME + ' m/pack \\(msgpack\\) {\n  "a": 1\n}\n', out), out)

# --- mistakes are usage errors ------------------------------------------------
for args, says in [(["-F", "%t %z"], "unknown directive %z at position 4"),
                   (["-F", "100%"], "lone '%' at the end"),
                   (["-F", "\\q"], "unknown escape \\q"),
                   (["-v", "--journal", os.path.join(tmp, "j")], "excludes"),
                   (["-F", "%t", "--payload-only"], "excludes"),
                   (["-v", "-F", "%t"], "excludes"),
                   (["--color", "sometimes"], "sometimes")]:
    rc, out, err = iot_sub(*args)
    check(f"{' '.join(args)}: exit 2, says why", rc == 2 and says in err and out == "", f"{rc} {err!r}")

broker.kill()
code = finish()
if code == 0:
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(code)
