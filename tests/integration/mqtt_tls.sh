#!/usr/bin/env bash
# TLS with a test CA made by openssl at test time: iot-pub and iot-sub connect
# with --cafile (and a client certificate when the broker requires one);
# a wrong CA is refused quickly with exit 69, never a hang.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
command -v openssl >/dev/null || skip "openssl not installed"
T=$TEST_TMP
mk_ca() {  # mk_ca NAME
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/$1.key" -out "$T/$1.pem" -days 1 -subj "/CN=$1" 2>/dev/null
}
mk_cert() {  # mk_cert NAME CA [SAN]
  openssl req -newkey rsa:2048 -nodes -keyout "$T/$1.key" -out "$T/$1.csr" -subj "/CN=$1" 2>/dev/null
  printf "subjectAltName=%s\n" "${3:-IP:127.0.0.1,DNS:localhost}" > "$T/$1.ext"
  openssl x509 -req -in "$T/$1.csr" -CA "$T/$2.pem" -CAkey "$T/$2.key" -CAcreateserial -out "$T/$1.pem" \
    -days 1 -extfile "$T/$1.ext" 2>/dev/null
}
mk_ca test-ca
mk_ca other-ca
mk_cert server test-ca
mk_cert client test-ca "DNS:client"
TLS_PORT=$(free_port)
MTLS_PORT=$(free_port)
start_mosquitto "listener $TLS_PORT 127.0.0.1" "cafile $T/test-ca.pem" "certfile $T/server.pem" "keyfile $T/server.key" \
  "listener $MTLS_PORT 127.0.0.1" "cafile $T/test-ca.pem" "certfile $T/server.pem" "keyfile $T/server.key" \
  "require_certificate true"
wait_port "$TLS_PORT" || fail "TLS listener did not start"

iot-sub --broker "mqtts://127.0.0.1:$TLS_PORT" --cafile "$T/test-ca.pem" -i tls-sub -t 'tls/#' --count 1 -W 10 > "$T/tls.out" 2>"$T/sub.err" &
SUB=$!; wait_subscribed "$SUB" tls-sub 'tls/#' || fail "iot-sub did not subscribe over TLS"
rc=0; echo '{"v":1}' | iot-pub --broker "mqtts://127.0.0.1:$TLS_PORT" --cafile "$T/test-ca.pem" -t tls/a 2>"$T/pub.err" || rc=$?
expect_eq "iot-pub over TLS with the right CA exits 0" 0 "$rc"
rc=0; wait "$SUB" || rc=$?
expect_eq "iot-sub over TLS with the right CA exits 0" 0 "$rc"
check "the message came through TLS" grep -q '"topic":"tls/a","payload":{"v":1}' "$T/tls.out"

start=$(date +%s)
rc=0; echo '{"v":1}' | iot-pub --broker "mqtts://127.0.0.1:$TLS_PORT" --cafile "$T/other-ca.pem" -t tls/a 2>"$T/wrong.err" || rc=$?
expect_eq "a wrong CA is refused: exit 69" 69 "$rc"
check "refused within 10 s, not after the retries (took $(( $(date +%s) - start )) s)" test $(( $(date +%s) - start )) -lt 10
check "the message says TLS" grep -qi "tls\|certificate" "$T/wrong.err"
rc=0; iot-sub --broker "mqtts://127.0.0.1:$TLS_PORT" --cafile "$T/other-ca.pem" -t x 2>/dev/null || rc=$?
expect_eq "iot-sub with a wrong CA: exit 69" 69 "$rc"

# Client certificates, when the broker requires them.
rc=0; echo '{"v":2}' | iot-pub --broker "mqtts://127.0.0.1:$MTLS_PORT" --cafile "$T/test-ca.pem" \
  --cert "$T/client.pem" --key "$T/client.key" -t tls/b 2>"$T/mtls.err" || rc=$?
expect_eq "iot-pub with a client certificate exits 0" 0 "$rc"
rc=0; echo '{"v":2}' | iot-pub --broker "mqtts://127.0.0.1:$MTLS_PORT" --cafile "$T/test-ca.pem" --retries 2 \
  -t tls/b 2>/dev/null || rc=$?
expect_eq "without the client certificate: exit 69" 69 "$rc"
rc=0; iot-pub --broker "mqtt://127.0.0.1:$MQTT_PORT" --insecure -t x </dev/null 2>/dev/null || rc=$?
expect_eq "--insecure without TLS is a usage error" 2 "$rc"
finish
