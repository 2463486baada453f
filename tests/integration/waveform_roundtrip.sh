#!/usr/bin/env bash
# The whole path through a real broker: synth -> send -> iot-pub ->
# mosquitto -> iot-sub -> assemble --store --analyze -> analyze --plot.
# The stored blob is byte-identical to the sent one, the checksum verified,
# the synthetic tones found within one FFT bin, the plot a valid SVG with
# the peaks labelled.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
W="$IOT_BIN/iot-waveform"
[ -x "$IOT_BIN/iot-pub" ] || fail "iot-pub not built in $IOT_BIN"
source "$IOT_SOURCE_DIR/tests/lib/waveform.sh"  # subscribe, subscribe_live
start_mosquitto
cd "$TEST_TMP"

"$W" synth --rate 10000 --duration 1s --tone 157:1.0 --tone 1234.5:0.4 --noise 0.02 -o a.f32
"$W" synth --rate 25600 --duration 2s --harmonics 50:3:2000 --gain 1 --format wav -o b.wav
"$W" send a.f32 --rate 10000 --device P-007 > send.ndjson
"$W" send b.wav --device P-008 --topic-base 'plant/{device}' >> send.ndjson
sent_lines=$(wc -l < send.ndjson)

# Subscribe first; a probe on a non-waveform level of the same filter says when it is live.
subscribe_live received.ndjson '+/waveform/#' 'plant/+/waveform/#'
rc=0; "$IOT_BIN/iot-pub" --broker "$MQTT_URL" -q 1 < send.ndjson 2> pub.err || rc=$?
expect_eq "iot-pub published and got every ack" 0 "$rc"
wait $sub_pid || true
expect_eq "every message arrived" "$sent_lines" "$(grep -c '/waveform/[^/]*/\(chunk\|complete\)' received.ndjson)"

"$W" assemble --store store --analyze < received.ndjson > meta.ndjson 2> assemble.err
expect_eq "two uploads stored" "ok ok" "$(/usr/bin/python3 -c 'import json,sys; print(" ".join(json.loads(l)["status"] for l in open(sys.argv[1])))' meta.ndjson)"
check "blobs byte-identical to what send produced, checksums verified" /usr/bin/python3 - meta.ndjson send.ndjson <<'PY'
import base64, hashlib, json, sys
sent = {}
for l in open(sys.argv[2]):
    e = json.loads(l)
    t = e["topic"].split("/")
    if "payload_b64" in e:
        sent.setdefault(t[-3], {})[int(t[-1])] = base64.b64decode(e["payload_b64"])
for l in open(sys.argv[1]):
    m = json.loads(l)
    chunks = sent[m["upload_id"]]
    blob = b"".join(chunks[i] for i in sorted(chunks))
    stored = open(m["blob"], "rb").read()
    assert stored == blob, m["upload_id"]
    assert hashlib.sha256(stored).hexdigest() == m["sha256"]
    assert m["blob"].endswith("/" + m["sha256"][:2] + "/" + m["sha256"] + ".lz4")
PY
check "device ids from the topic base" bash -c "grep -q '\"device_id\":\"P-007\"' meta.ndjson && grep -q '\"device_id\":\"P-008\"' meta.ndjson"
check "WAV rate and format carried" bash -c "grep '\"P-008\"' meta.ndjson | grep -q '\"sample_rate_hz\":25600.0,\"sample_count\":51200,\"format\":\"int16_le\"'"

id=$(/usr/bin/python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][0]["upload_id"])' meta.ndjson)
"$W" analyze --store store --upload-id "$id" --plot spectrum.svg --top 3 > features.json
check "analyze finds 157 Hz and 1234.5 Hz within one bin (1 Hz)" /usr/bin/python3 - features.json <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
hz = [d["hz"] for d in f["dominant"]]
assert abs(hz[0] - 157) <= 1 and abs(hz[1] - 1234.5) <= 1, hz
assert abs(f["dominant"][0]["magnitude"] - 1.0) < 0.05
for k in ("rms", "peak", "peak_to_peak", "crest_factor", "kurtosis", "bands"): assert k in f, k
PY
check "assemble --analyze carried the same dominant frequency" bash -c "grep -q '\"dominant_hz\":\[157' meta.ndjson"
check "spectrum.svg is valid SVG with labelled axes and peaks" /usr/bin/python3 - spectrum.svg <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg"
texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
assert "Frequency (Hz)" in texts and any(t.startswith("Amplitude") for t in texts)
assert any(t.startswith("1. 157") for t in texts) and any(t.startswith("2. 123") for t in texts), texts
PY
harm=$(grep '"P-008"' meta.ndjson | /usr/bin/python3 -c 'import json,sys; print(" ".join(str(round(h)) for h in sorted(json.loads(sys.stdin.read())["dominant_hz"][:3])))')
expect_eq "WAV harmonics found at 50, 100, 150 Hz" "50 100 150" "$harm"
finish
