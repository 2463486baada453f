#!/usr/bin/env bash
# A device written in Python following iot-waveform(1) to the letter
# (struct.pack, python-lz4, 16 KiB chunks, paho-mqtt QoS 1), with its chunks
# shuffled and one duplicated, into a real mosquitto; iot-sub -> assemble.
# Python's `lz4.compress` is ambiguous, so both lz4.frame.compress and
# lz4.block.compress devices are tested.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
W="$IOT_BIN/iot-waveform"
/usr/bin/python3 -c 'import paho.mqtt.client, lz4.frame, lz4.block' 2>/dev/null || skip "python3-paho-mqtt or python3-lz4 missing"
source "$IOT_SOURCE_DIR/tests/lib/waveform.sh"  # subscribe, subscribe_live
start_mosquitto
cd "$TEST_TMP"

cat > device.py <<'PY'
import hashlib, json, math, random, struct, sys, uuid
from math import ceil
import lz4.block, lz4.frame
import paho.mqtt.client as mqtt

port, base, mode, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
rng = random.Random(42 if mode == "frame" else 43)
# Step 1: a 10 kHz capture of 1 s (a 97 Hz tone, a 2.2 kHz tone, some noise)
samples = [math.sin(2 * math.pi * 97 * i / 10000) + 0.25 * math.sin(2 * math.pi * 2200 * i / 10000)
           + rng.gauss(0, 0.05) for i in range(10000)]
raw = struct.pack(f'{len(samples)}f', *samples)
# Step 2: compress
compressed = lz4.frame.compress(raw) if mode == "frame" else lz4.block.compress(raw)
# Step 3: chunked upload
chunk_size = 16384
total_chunks = ceil(len(compressed) / chunk_size)
upload_id = str(uuid.uuid4())
chunks = [(i, compressed[i * chunk_size:(i + 1) * chunk_size]) for i in range(total_chunks)]
rng.shuffle(chunks)
chunks.append(chunks[0])  # a QoS 1 redelivery
client = mqtt.Client(client_id=f"device-{mode}")
client.connect("127.0.0.1", port)
client.loop_start()
infos = [client.publish(topic=f"{base}/waveform/{upload_id}/chunk/{i}", payload=chunk, qos=1) for i, chunk in chunks]
infos.append(client.publish(
    topic=f"{base}/waveform/{upload_id}/complete",
    payload=json.dumps({
        "upload_id": upload_id,
        "total_chunks": total_chunks,
        "total_bytes": len(compressed),
        "sample_rate_hz": 10000,
        "sample_count": 10000,
        "format": "float32_le",
        "checksum_sha256": hashlib.sha256(compressed).hexdigest(),
    }),
    qos=1))
for info in infos:
    info.wait_for_publish()
client.loop_stop()
client.disconnect()
json.dump({"upload_id": upload_id, "raw_sha256": hashlib.sha256(raw).hexdigest(),
           "sha256": hashlib.sha256(compressed).hexdigest(), "chunks": total_chunks}, open(out, "w"))
PY

subscribe_live received.ndjson '+/waveform/#'
check "frame device published" /usr/bin/python3 device.py "$MQTT_PORT" VIB-F frame frame.json
check "block device published" /usr/bin/python3 device.py "$MQTT_PORT" VIB-B block block.json
wait $sub_pid || true

"$W" assemble --store store --analyze < received.ndjson > meta.ndjson 2> assemble.err
for mode in frame block; do
  check "$mode device: assembled, verified, same samples, 97 Hz dominant" /usr/bin/python3 - meta.ndjson $mode.json $mode <<'PY'
import hashlib, json, sys
import lz4.block, lz4.frame
dev = json.load(open(sys.argv[2]))
lines = [json.loads(l) for l in open(sys.argv[1])]
mine = [m for m in lines if m["upload_id"] == dev["upload_id"]]
assert len(mine) == 1, mine
m = mine[0]
assert m["status"] == "ok", m
assert m["sha256"] == dev["sha256"] and m["total_chunks"] == dev["chunks"]
assert m["compression"] == ("lz4_frame" if sys.argv[3] == "frame" else "lz4_block"), m["compression"]
blob = open(m["blob"], "rb").read()
raw = lz4.frame.decompress(blob) if sys.argv[3] == "frame" else lz4.block.decompress(blob)
assert hashlib.sha256(raw).hexdigest() == dev["raw_sha256"]
assert abs(m["dominant_hz"][0] - 97) <= 1 and abs(m["dominant_hz"][1] - 2200) <= 1, m["dominant_hz"]
PY
done
check "no reject: the duplicated chunk was an exact duplicate" grep -q ' 0 lines rejected' assemble.err
finish
