#!/usr/bin/env bash
# The pre-signed URL path of iot-waveform(1): `send --upload-url` PUTs the
# compressed blob to an HTTP server (nginx with its DAV module, on a free
# loopback port) and emits only the complete message with the URL;
# `assemble` fetches, verifies and stores it. A blob altered on the server
# is a checksum_mismatch, a missing one an incomplete upload.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
W="$IOT_BIN/iot-waveform"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || skip "nginx not installed"
cd "$TEST_TMP"
HTTP_PORT=$(free_port)
mkdir -p www tmp logs
cat > nginx.conf <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
pid $TEST_TMP/nginx.pid;
error_log $TEST_TMP/logs/error.log;
events { worker_connections 64; }
http {
  access_log $TEST_TMP/logs/access.log;
  client_body_temp_path $TEST_TMP/tmp;
  proxy_temp_path $TEST_TMP/tmp; fastcgi_temp_path $TEST_TMP/tmp; uwsgi_temp_path $TEST_TMP/tmp; scgi_temp_path $TEST_TMP/tmp;
  client_max_body_size 64m;
  server {
    listen 127.0.0.1:$HTTP_PORT;
    root $TEST_TMP/www;
    location /uploads/ { dav_methods PUT; create_full_put_path on; }
  }
}
CONF
"$NGINX" -p "$TEST_TMP" -c "$TEST_TMP/nginx.conf" -g 'daemon off;' 2> logs/stderr &
NGINX_PID=$!
at_exit "kill $NGINX_PID"
wait_port "$HTTP_PORT" || fail "nginx did not start (see $TEST_TMP/logs)"
URL="http://127.0.0.1:$HTTP_PORT/uploads/{upload_id}.lz4"

# 60 s at 10 kHz of noise: ~2.4 MB compressed, far over the MQTT limit.
"$W" synth --rate 10000 --duration 60s --tone 333:1 --noise 0.5 -o big.f32
rc=0; "$W" send big.f32 --rate 10000 --device G-1 --upload-url "$URL" > send.ndjson 2> send.err || rc=$?
expect_eq "send by HTTP PUT exits 0" 0 "$rc"
expect_eq "only the complete message goes to MQTT" 1 "$(wc -l < send.ndjson)"
check "complete carries the URL" grep -q "\"url\":\"http://127.0.0.1:$HTTP_PORT/uploads/" send.ndjson
id=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read())["payload"]["upload_id"])' send.ndjson)
check "the server holds the blob" test -s "www/uploads/$id.lz4"

"$W" assemble --store store < send.ndjson > meta.ndjson 2> assemble.err
check "fetched, verified and stored" grep -q '"status":"ok"' meta.ndjson
blob=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read())["blob"])' meta.ndjson)
check "stored blob equals the uploaded one" cmp -s "$blob" "www/uploads/$id.lz4"
"$W" analyze "$blob" > features.json
check "analyze of the stored blob finds 333 Hz" /usr/bin/python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); assert abs(f["dominant"][0]["hz"]-333)<=1/60+1e-9, f["dominant"]' features.json

# The object altered on the server: checksum_mismatch, not stored.
printf 'X' | dd of="www/uploads/$id.lz4" bs=1 seek=1000 conv=notrunc 2>/dev/null
"$W" assemble --store store2 < send.ndjson > meta2.ndjson 2>/dev/null
check "altered blob is a checksum_mismatch" grep -q '"status":"checksum_mismatch"' meta2.ndjson
expect_eq "nothing stored for it" 0 "$(find store2 -name '*.lz4' | wc -l)"
rm "www/uploads/$id.lz4"
"$W" assemble --store store3 < send.ndjson > meta3.ndjson 2>/dev/null
check "missing object is an incomplete upload naming the HTTP status" grep -q '"status":"incomplete".*404' meta3.ndjson

# A server that refuses the PUT: send fails with 69 (unavailable), emits nothing.
rc=0; "$W" send big.f32 --rate 10000 --upload-url "http://127.0.0.1:$HTTP_PORT/readonly/x.lz4" > none.ndjson 2>/dev/null || rc=$?
expect_eq "refused PUT exits 69" 69 "$rc"
expect_eq "nothing emitted after a failed PUT" 0 "$(wc -l < none.ndjson)"
finish
