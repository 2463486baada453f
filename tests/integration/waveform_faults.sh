#!/usr/bin/env bash
# iot-waveform assemble against damaged uploads, from real files and pipes:
# a missing chunk, a corrupted chunk, a wrong checksum, a conflicting
# duplicate, garbage lines, eviction; none of them is ever stored as good.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
W="$IOT_BIN/iot-waveform"
cd "$TEST_TMP"

"$W" synth --rate 10000 --duration 1s --tone 120:1 --tone 800:0.3 --noise 0.3 -o sig.f32
"$W" send sig.f32 --rate 10000 --device M-1 --chunk-size 8192 --upload-id good-1 > good.ndjson 2>/dev/null
chunks=$(/usr/bin/python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["payload"]["total_chunks"])' good.ndjson)
expect_eq "send wrote total_chunks chunks and a complete" "$((chunks + 1))" "$(wc -l < good.ndjson)"
check "at least 4 chunks to damage" test "$chunks" -ge 4

# json field of the line matching a status, via python (no jq dependency)
field() { /usr/bin/python3 -c 'import json,sys
for l in open(sys.argv[1]):
    j=json.loads(l)
    if j["upload_id"]==sys.argv[2]: print(json.dumps(j.get(sys.argv[3])) if not isinstance(j.get(sys.argv[3]),str) else j[sys.argv[3]])' "$@"; }
# rewrite one envelope line with python: mutate upload id, corrupt bytes, etc.
mutate() { /usr/bin/python3 - "$@" <<'PY'
import base64, json, sys
src, new_id, mode = sys.argv[1], sys.argv[2], sys.argv[3]
for i, line in enumerate(open(src)):
    e = json.loads(line)
    e["topic"] = e["topic"].replace("good-1", new_id)
    if "payload" in e:
        e["payload"]["upload_id"] = new_id
        if mode == "badsum":
            e["payload"]["checksum_sha256"] = "0" * 64
    elif mode == "missing" and e["topic"].endswith("/chunk/2"):
        continue
    elif mode == "corrupt" and e["topic"].endswith("/chunk/1"):
        b = bytearray(base64.b64decode(e["payload_b64"])); b[100] ^= 0x55
        e["payload_b64"] = base64.b64encode(bytes(b)).decode()
    elif mode == "conflict" and e["topic"].endswith("/chunk/3"):
        b = bytearray(base64.b64decode(e["payload_b64"])); b[7] ^= 1
        print(json.dumps(e))  # the good copy first
        e["payload_b64"] = base64.b64encode(bytes(b)).decode()
    print(json.dumps(e))
PY
}

{
  cat good.ndjson
  mutate good.ndjson miss-1 missing
  mutate good.ndjson corrupt-1 corrupt
  mutate good.ndjson badsum-1 badsum
  mutate good.ndjson conflict-1 conflict
  echo 'not json at all'
  echo '{"topic":"M-1/telemetry","payload":{"t":1}}'
} > mixed.ndjson

rc=0
"$W" assemble --store store --reject rejects.ndjson mixed.ndjson > meta.ndjson 2> assemble.err || rc=$?
expect_eq "assemble exits 0 when everything was stored or reported" 0 "$rc"
expect_eq "one metadata line per upload" 5 "$(wc -l < meta.ndjson)"
expect_eq "good upload ok" ok "$(field meta.ndjson good-1 status)"
expect_eq "missing chunk: incomplete" incomplete "$(field meta.ndjson miss-1 status)"
expect_eq "missing chunk index reported" "[2]" "$(field meta.ndjson miss-1 missing)"
expect_eq "corrupted chunk: checksum_mismatch" checksum_mismatch "$(field meta.ndjson corrupt-1 status)"
expect_eq "wrong checksum: checksum_mismatch" checksum_mismatch "$(field meta.ndjson badsum-1 status)"
expect_eq "conflicting duplicate refused, first copy kept" ok "$(field meta.ndjson conflict-1 status)"
expect_eq "conflicting index named" "[3]" "$(field meta.ndjson conflict-1 conflicting)"
expect_eq "two bad lines rejected (bad_json, duplicate)" "bad_json duplicate" \
  "$(/usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["reason"] for l in open(sys.argv[1]))))' rejects.ndjson)"
expect_eq "only good blobs in the store (good-1 and conflict-1 share one blob)" 1 "$(find store -name '*.lz4' | wc -l)"
check "no by-upload entry for a bad upload" test ! -e store/by-upload/corrupt-1.json -a ! -e store/by-upload/miss-1.json -a ! -e store/by-upload/badsum-1.json
blob=$(field meta.ndjson good-1 blob)
check "stored blob is the sent blob, byte for byte" /usr/bin/python3 - "$blob" good.ndjson <<'PY'
import base64, hashlib, json, sys
chunks = {}
for l in open(sys.argv[2]):
    e = json.loads(l)
    if "payload_b64" in e: chunks[int(e["topic"].rsplit("/", 1)[1])] = base64.b64decode(e["payload_b64"])
sent = b"".join(chunks[i] for i in sorted(chunks))
stored = open(sys.argv[1], "rb").read()
assert stored == sent and hashlib.sha256(stored).hexdigest() in sys.argv[1]
PY

rc=0; "$W" assemble --strict < mixed.ndjson > /dev/null 2>&1 || rc=$?
expect_eq "--strict exits 1 with rejected lines" 1 "$rc"

# Bounded memory: with --max-pending 1 the first of two interleaved uploads is evicted.
mutate good.ndjson evict-a missing > ea.ndjson
mutate good.ndjson evict-b none > eb.ndjson
cat ea.ndjson eb.ndjson | "$W" assemble --max-pending 1 > evict.ndjson 2>/dev/null
expect_eq "evicted upload reported incomplete" incomplete "$(field evict.ndjson evict-a status)"
expect_eq "eviction says why" evicted "$(field evict.ndjson evict-a detail)"
expect_eq "the newer upload still completes" ok "$(field evict.ndjson evict-b status)"

# Timeout: a live pipe that stays open and goes quiet; the incomplete line comes out before end of input.
mutate good.ndjson slow-1 missing > slow.ndjson
mkfifo pipe
"$W" assemble --timeout 1s < pipe 2>/dev/null | cat > timeout.ndjson &
apid=$!
exec 7> pipe
cat slow.ndjson >&7
# No more input: assemble wakes up on its own timer to report it.
for _ in $(seq 100); do [ -s timeout.ndjson ] && break; sleep 0.1; done
expect_eq "timeout reported while the input is still open" timeout "$(field timeout.ndjson slow-1 detail)"
exec 7>&-
wait $apid

# Sending more than the MQTT limit is refused and points to the HTTP path.
"$W" synth --rate 10000 --duration 10s --noise 1 -o big.f32
rc=0; "$W" send big.f32 --rate 10000 > big.ndjson 2> big.err || rc=$?
expect_eq "oversized capture refused with status 1" 1 "$rc"
check "message points to --upload-url" grep -q -- "--upload-url" big.err
expect_eq "nothing sent for it" 0 "$(wc -l < big.ndjson)"

rc=0; "$W" send sig.f32 > /dev/null 2>&1 || rc=$?
expect_eq "raw samples without --rate: usage error" 2 "$rc"
finish
