#!/usr/bin/python3
"""iot-ingest --db influxdb2://HOST:PORT/ORG/BUCKET: the InfluxDB 2 write request.

No InfluxDB 2 server runs here (Debian ships InfluxDB 1.6, which has no
/api/v2 API), so this is a mock: a small HTTP listener written here with
Python's http.server records what iot-ingest sends and answers as InfluxDB 2
documents its write API (204; 400 with {"code", "message"}; 401; 503).
What it can check is the request's shape, not what a real InfluxDB 2 does
with it: POST /api/v2/write with org, bucket (percent-encoded) and
precision=ns; "Authorization: Token T" with the token from --token-file;
a gzip body whose lines are exactly what --db line-protocol: writes for the
same capture (the line protocol the 1.x sink's tests check against a real
influxd). Then: a 400 for one reading dead-letters just that one with
InfluxDB's message; a 401 exits 2 naming it; 503 with --spool spools and
the next run drains; the token is never in a log line or on argv.
"""
import gzip, json, os, pathlib, shutil, subprocess, sys, tempfile, threading, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from iot_testlib import bin_dir, check, finish  # noqa: E402

INGEST = os.path.join(bin_dir(), "iot-ingest")
work = pathlib.Path(tempfile.mkdtemp(prefix="iot-influx2-"))
os.chdir(work)
TOKEN = "s3cr3t-T0ken_abc=="
(work / "token").write_text(TOKEN + "\n")


class Mock:
    requests = []        # (path, query dict, headers dict, body lines)
    mode = "ok"          # ok | refuse-marker | unauthorized | unavailable


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        url = urllib.parse.urlsplit(self.path)
        lines = body.decode().splitlines()
        Mock.requests.append((url.path, dict(urllib.parse.parse_qsl(url.query)), dict(self.headers), lines))
        if Mock.mode == "unauthorized":
            return self.answer(401, {"code": "unauthorized", "message": "unauthorized access"})
        if Mock.mode == "unavailable":
            return self.answer(503, {"code": "unavailable", "message": "service unavailable"})
        if Mock.mode == "refuse-marker" and any("REFUSE" in l for l in lines):
            return self.answer(400, {"code": "invalid", "message": "partial write: field type conflict: REFUSE"})
        self.send_response(204)
        self.end_headers()

    def answer(self, status, doc):
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
port = server.server_address[1]
threading.Thread(target=server.serve_forever, daemon=True).start()
URL = f"influxdb2://127.0.0.1:{port}/my%20org/tel"

capture = []
for seq in range(1, 301):
    for dev in ("P-1", "P-2"):
        capture.append({"topic": f"plant/{dev}/telemetry", "payload": {"msg_id": f"{dev}-{seq}", "device_id": dev,
                        "ts": 1710844800000 + seq * 1000, "seq": seq,
                        "d": {"temp": {"v": seq + 0.5, "q": 192}, "state": {"v": seq % 3, "q": 68}}}})
pathlib.Path("in.ndjson").write_text("".join(json.dumps(c) + "\n" for c in capture))


def ingest(*args, stdin="in.ndjson"):
    return subprocess.run([INGEST, *args, stdin], capture_output=True, text=True)


# 1. The request: path, query, headers, body.
run = ingest("--db", URL, "--token-file", "token", "--batch-size", "250")
check("exit 0", run.returncode == 0, run.stderr)
ref = ingest("--db", "line-protocol:ref.lp")
sent = [l for _, _, _, lines in Mock.requests for l in lines]
want = pathlib.Path("ref.lp").read_text().splitlines()
check("the lines sent are what line-protocol: writes", sorted(sent) == sorted(want) and len(want) == 1200,
      f"{len(sent)} vs {len(want)}")
path, query, headers, _ = Mock.requests[0]
check("POST /api/v2/write", path == "/api/v2/write", path)
check("org, bucket and precision ns in the query", query == {"org": "my org", "bucket": "tel", "precision": "ns"}, str(query))
check("Authorization: Token from --token-file", headers.get("Authorization") == f"Token {TOKEN}")
check("gzip body, text/plain", headers.get("Content-Encoding") == "gzip" and
      headers.get("Content-Type", "").startswith("text/plain"), str(headers))
check("batches of --batch-size readings", len(Mock.requests) >= 4 and max(len(r[3]) for r in Mock.requests) <= 250,
      str([len(r[3]) for r in Mock.requests]))
check("the token is in no log line", TOKEN not in run.stderr)

# 2. A 400 for one reading: the others stored, that one dead-lettered with InfluxDB's message.
Mock.requests.clear()
Mock.mode = "refuse-marker"
odd = [{"topic": "plant/REFUSE/telemetry", "payload": {"msg_id": "r-1", "device_id": "REFUSE",
        "ts": 1710844800000, "d": {"temp": {"v": 1, "q": 192}}}}] + capture[:10]
pathlib.Path("odd.ndjson").write_text("".join(json.dumps(c) + "\n" for c in odd))
run = ingest("--db", URL, "--token-file", "token", "--dlq", "dlq.ndjson", stdin="odd.ndjson")
check("a refused reading is not a failed run", run.returncode == 0, run.stderr)
dlq = [json.loads(l) for l in pathlib.Path("dlq.ndjson").read_text().splitlines()]
check("it went to the DLQ with InfluxDB's message", len(dlq) == 1 and dlq[0]["reason"] == "db_rejected" and
      "field type conflict" in dlq[0]["detail"] and "REFUSE" in dlq[0]["line"], str(dlq))
stored = {l for _, _, _, lines in Mock.requests if len(lines) == 1 and "REFUSE" not in lines[0] for l in lines}
check("the other 20 readings were sent again one by one and stored", len(stored) == 20, str(len(stored)))

# 3. 401: exit 2, InfluxDB's words, no token.
Mock.mode = "unauthorized"
run = ingest("--db", URL, "--token-file", "token")
check("401: exit 2", run.returncode == 2, str(run.returncode))
check("naming the 401", "HTTP 401" in run.stderr and "unauthorized access" in run.stderr, run.stderr[-500:])
check("without the token", TOKEN not in run.stderr)

# 4. 503 with --spool: spooled, exit 75; back to 204: the next run drains it.
Mock.mode = "unavailable"
run = ingest("--db", URL, "--token-file", "token", "--spool", "spool", "--drain-timeout", "1s")
check("503: exit 75 with the batches spooled", run.returncode == 75, run.stderr[-500:])
check("the spool holds them", any(p.suffix == ".batch" for p in pathlib.Path("spool").iterdir()))
Mock.mode = "ok"
Mock.requests.clear()
run = ingest("--db", URL, "--token-file", "token", "--spool", "spool", stdin="/dev/null")
check("back: the next run drains the spool, exit 0", run.returncode == 0, run.stderr[-500:])
check("every reading sent", len({l for _, _, _, lines in Mock.requests for l in lines}) == 1200)

# 5. Without a token: a usage error before any request.
Mock.requests.clear()
run = ingest("--db", URL)
check("no --token-file: exit 2", run.returncode == 2 and "--token-file" in run.stderr, run.stderr)
check("and no request", not Mock.requests)

server.shutdown()
code = finish()
if code == 0:
    shutil.rmtree(work, ignore_errors=True)
sys.exit(code)
