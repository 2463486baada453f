"""Helpers of the Pub/Sub suites, talking to the emulator's REST API with
urllib (code we did not write on the other side of iot-ingest):

  pubsub_emulator.py setup API PROJECT TOPIC SUB
      creates the topic and a subscription with enableMessageOrdering
  pubsub_emulator.py pull API PROJECT SUB OUT [STOP_FILE]
      pulls and acknowledges, appending one JSON line per message to OUT
      ({"id", "key", "attributes", "data"}, data decoded); without STOP_FILE
      until the subscription is empty, with it until STOP_FILE exists and the
      subscription is empty (an emulator away in between is waited for)
  pubsub_emulator.py forward LISTEN_PORT TARGET_FILE
      a TCP forwarder from 127.0.0.1:LISTEN_PORT to the port named in
      TARGET_FILE, read for each new connection: one address for iot-ingest
      while the emulator behind it is killed and started again elsewhere
"""
import asyncio
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.request


def call(api, path, body=None, method="POST"):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{api}/{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def setup(api, project, topic, sub):
    call(api, f"projects/{project}/topics/{topic}", None, "PUT")
    call(api, f"projects/{project}/subscriptions/{sub}",
         {"topic": f"projects/{project}/topics/{topic}", "enableMessageOrdering": True}, "PUT")


def pull(api, project, sub, out, stop_file=None):
    path = f"projects/{project}/subscriptions/{sub}"
    empty = 0
    with open(out, "a") as f:
        while True:
            try:
                got = call(api, f"{path}:pull", {"maxMessages": 1000, "returnImmediately": True})
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)  # the emulator is away: wait for it
                continue
            received = got.get("receivedMessages", [])
            for r in received:
                m = r["message"]
                f.write(json.dumps({"id": m["messageId"], "key": m.get("orderingKey", ""),
                                    "attributes": m.get("attributes", {}),
                                    "data": json.loads(base64.b64decode(m.get("data", "")))}) + "\n")
            f.flush()
            if received:
                empty = 0
                try:
                    call(api, f"{path}:acknowledge", {"ackIds": [r["ackId"] for r in received]})
                except (urllib.error.URLError, ConnectionError, OSError):
                    pass
                continue
            empty += 1
            done = stop_file is None or os.path.exists(stop_file)
            if done and empty >= 3:
                return
            time.sleep(0.05)


async def forward(listen_port, target_file):
    async def pipe(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def handle(client_r, client_w):
        port = int(open(target_file).read().strip())
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            client_w.close()  # nobody there: the client sees the connection end
            return
        await asyncio.gather(pipe(client_r, up_w), pipe(up_r, client_w))

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "setup":
        setup(*args)
    elif cmd == "pull":
        pull(*args)
    elif cmd == "forward":
        asyncio.run(forward(int(args[0]), args[1]))
    else:
        sys.exit(f"unknown command {cmd}")
