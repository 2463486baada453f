#!/usr/bin/env bash
# The second broker: iot-pub and iot-sub against RabbitMQ's MQTT plugin at
# MQTT 3.1.1, so "works with your broker" is shown, not assumed: QoS 0 and 1
# from iot-pub to iot-sub, from iot-pub to mosquitto_sub and from
# mosquitto_pub to iot-sub (clients we did not write), and a persistent
# session (iot-sub --session) that receives, after a restart, what was
# published while it was away; QoS 2, which the broker does not do: iot-pub
# stops at once with exit 69, iot-sub warns that it got QoS 1. Then, on the same broker (it is slow to start),
# the Python interop suites that judge with paho (PY_SUITES): each runs as it
# does against mosquitto, minus the cases RabbitMQ cannot have (MQTT 5
# properties, publishing at QoS 2), which it skips one by one, saying why.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
command -v mosquitto_pub >/dev/null || skip "mosquitto_pub not installed (Debian package mosquitto-clients)"
/usr/bin/python3 -c 'import paho.mqtt.client, msgpack, lz4.frame' 2>/dev/null ||
  skip "paho-mqtt, msgpack or lz4 for Python missing (Debian packages python3-paho-mqtt, python3-msgpack, python3-lz4)"
start_rabbitmq_mqtt
cd "$TEST_TMP"
B=(--broker "$MQTT_URL" -V 311)
gen() {  # gen FIRST LAST: payload lines
  /usr/bin/python3 -c '
import json, sys
for i in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    print(json.dumps({"device_id": f"D{i % 3}", "msg_id": f"m{i}", "v": i}))' "$1" "$2"
}
# ids FILE KIND: the msg_ids received, sorted, one line ("iot" envelopes or raw "payload" lines).
ids() {
  /usr/bin/python3 -c '
import json, sys
out = []
for line in open(sys.argv[1]):
    d = json.loads(line)
    out.append((d["payload"] if sys.argv[2] == "iot" else d)["msg_id"])
print(" ".join(sorted(out, key=lambda m: int(m[1:]))))' "$1" "$2"
}
want() { gen "$1" "$2" | /usr/bin/python3 -c 'import json, sys; print(" ".join(json.loads(l)["msg_id"] for l in sys.stdin))'; }
gen 1 20 > twenty.ndjson

for q in 0 1; do
  # iot-pub -> iot-sub
  iot-sub "${B[@]}" -q $q -i "sub-q$q" -t "q$q/#" --count 20 -W 60 > "sub$q.out" 2>"sub$q.err" &
  sub=$!
  rabbit_subscribed $sub "sub-q$q" "q$q/#" || fail "iot-sub did not subscribe (QoS $q)"
  iot-pub "${B[@]}" -q $q -t "q$q/{device_id}" twenty.ndjson 2>"pub$q.err"
  expect_eq "iot-pub -> RabbitMQ -> iot-sub at QoS $q: iot-pub exits 0" 0 $?
  rc=0; wait $sub || rc=$?
  expect_eq "iot-sub at QoS $q exits 0 after --count" 0 $rc
  expect_eq "iot-sub at QoS $q got every message" "$(want 1 20)" "$(ids "sub$q.out" iot)"
  expect_eq "iot-sub at QoS $q: topics from the template" 20 "$(grep -cE "\"topic\":\"q$q/D[012]\"" "sub$q.out")"

  # iot-pub -> mosquitto_sub
  mosquitto_sub -V mqttv311 -p "$MQTT_PORT" -i "msub-q$q" -q $q -t "mq$q/#" -C 20 -W 60 > "msub$q.out" 2>/dev/null &
  sub=$!
  rabbit_subscribed $sub "msub-q$q" "mq$q/#" || fail "mosquitto_sub did not subscribe (QoS $q)"
  iot-pub "${B[@]}" -q $q -t "mq$q/{device_id}" twenty.ndjson 2>/dev/null
  rc=0; wait $sub || rc=$?
  expect_eq "mosquitto_sub at QoS $q exits 0" 0 $rc
  expect_eq "mosquitto_sub got iot-pub's messages at QoS $q" "$(want 1 20)" "$(ids "msub$q.out" raw)"

  # mosquitto_pub -> iot-sub
  iot-sub "${B[@]}" -q $q -i "psub-q$q" -t "pq$q/#" --count 20 -W 60 > "psub$q.out" 2>/dev/null &
  sub=$!
  rabbit_subscribed $sub "psub-q$q" "pq$q/#" || fail "iot-sub did not subscribe (mosquitto_pub, QoS $q)"
  mosquitto_pub -V mqttv311 -p "$MQTT_PORT" -q $q -t "pq$q/D0" -l < twenty.ndjson
  rc=0; wait $sub || rc=$?
  expect_eq "iot-sub gets mosquitto_pub's messages at QoS $q (exit)" 0 $rc
  expect_eq "iot-sub gets mosquitto_pub's messages at QoS $q" "$(want 1 20)" "$(ids "psub$q.out" iot)"
done

# A persistent session: subscribe, leave, messages published meanwhile
# are queued by RabbitMQ and arrive when the same session comes back.
gen 100 100 > first.ndjson
iot-sub "${B[@]}" -q 1 --session keep -t 'ps/#' --count 1 -W 60 > ps1.out 2>ps1.err &
sub=$!
rabbit_subscribed $sub keep 'ps/#' || fail "iot-sub --session did not subscribe"
iot-pub "${B[@]}" -q 1 -t 'ps/{device_id}' first.ndjson 2>/dev/null
rc=0; wait $sub || rc=$?
expect_eq "the session's first run got its message" "0 m100" "$rc $(ids ps1.out iot)"
gen 101 130 | iot-pub "${B[@]}" -q 1 -t 'ps/{device_id}' 2>/dev/null
expect_eq "published while the session was away" 0 $?
iot-sub "${B[@]}" -q 1 --session keep -t 'ps/#' --count 30 -W 60 > ps2.out 2>ps2.err
expect_eq "the session's second run exits 0" 0 $?
expect_eq "every message queued meanwhile arrived" "$(want 101 130)" "$(ids ps2.out iot)"

# What RabbitMQ does its own way, as iot-toolkit(7), BROKERS, tells users.
# A retained message reaches a later subscriber to its exact topic, flagged
# retained (a wildcard filter gets none: not checked, a negative would need
# a wait).
iot-pub "${B[@]}" -q 1 --retain -t kept/x -m '{"msg_id":"r1"}' 2>/dev/null
iot-sub "${B[@]}" -q 1 -t kept/x --count 1 -W 60 > kept.out 2>/dev/null
expect_eq "a retained message reaches a subscriber to its topic, flagged" \
  "r1 True" "$(/usr/bin/python3 -c 'import json, sys; e = json.load(sys.stdin); print(e["payload"]["msg_id"], e["retain"])' < kept.out)"
# A '.' in a topic is a level separator to RabbitMQ: it arrives as '/'.
iot-sub "${B[@]}" -q 1 -i dots -t 'dots/#' --count 1 -W 60 > dots.out 2>/dev/null &
sub=$!
rabbit_subscribed $sub dots 'dots/#' || fail "iot-sub did not subscribe (dots)"
iot-pub "${B[@]}" -q 1 -t dots/a.b -m '{"msg_id":"d1"}' 2>/dev/null
rc=0; wait $sub || rc=$?
expect_eq "a '.' in a topic arrives as '/'" "0 dots/a/b" \
  "$rc $(/usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["topic"])' < dots.out)"

# QoS 2, which RabbitMQ does not do (iot-toolkit(7), BROKERS). It takes a
# QoS 2 PUBLISH as QoS 1 and answers PUBACK, a protocol error to
# libmosquitto: iot-pub used to reconnect and send the same messages again
# and again (a subscriber got dozens of copies) until it gave up with exit
# 75. Now it stops at the first such answer, says why and exits 69; what it
# had sent before reached the subscriber once.
iot-sub "${B[@]}" -q 1 -i q2-watch -t 'q2/#' > q2watch.out 2>/dev/null &
sub=$!
rabbit_subscribed $sub q2-watch 'q2/#' || fail "iot-sub did not subscribe (QoS 2 watch)"
gen 1 5 > five.ndjson
rc=0; timeout 120 iot-pub "${B[@]}" -q 2 -t 'q2/{device_id}' five.ndjson 2>q2pub.err || rc=$?
expect_eq "iot-pub -q 2 to RabbitMQ exits 69 (no QoS 2 there)" 69 $rc
expect_eq "iot-pub -q 2 to RabbitMQ says why, once" 1 \
  "$(grep -c "broker 127.0.0.1:$MQTT_PORT does not support QoS 2: .*PUBACK.*; publish at QoS 1 (-q 1)" q2pub.err)"
expect_eq "iot-pub -q 2 to RabbitMQ did not reconnect" 0 "$(grep -c reconnecting q2pub.err)"
# A QoS 1 message after iot-pub's last one: once it is in, every copy is.
iot-pub "${B[@]}" -q 1 -t q2/end -m '{"msg_id":"m999"}' 2>/dev/null
for ((i=0; i<300; i++)); do grep -q '"m999"' q2watch.out && break; sleep 0.2; done
kill $sub 2>/dev/null || true; wait $sub 2>/dev/null || true
expect_eq "the QoS 2 messages reached the subscriber at most once each" "" \
  "$(/usr/bin/python3 -c '
import collections, json, sys
n = collections.Counter(json.loads(l)["payload"]["msg_id"] for l in open(sys.argv[1]))
print(" ".join(f"{m}x{c}" for m, c in sorted(n.items()) if c > 1))' q2watch.out)"
expect_eq "the watch got the end marker" 1 "$(grep -c '"m999"' q2watch.out)"

# iot-sub -q 2: RabbitMQ grants QoS 1; iot-sub says so once and receives at QoS 1.
iot-sub "${B[@]}" -q 2 -i q2-sub -t 'q2s/#' --count 3 -W 60 > q2sub.out 2>q2sub.err &
sub=$!
rabbit_subscribed $sub q2-sub 'q2s/#' || fail "iot-sub -q 2 did not subscribe"
gen 1 3 | iot-pub "${B[@]}" -q 1 -t 'q2s/{device_id}' 2>/dev/null
rc=0; wait $sub || rc=$?
expect_eq "iot-sub -q 2 on RabbitMQ exits 0 after --count" 0 $rc
expect_eq "iot-sub -q 2 on RabbitMQ got every message" "$(want 1 3)" "$(ids q2sub.out iot)"
expect_eq "iot-sub -q 2 on RabbitMQ: messages at QoS 1" 3 "$(grep -c '"qos":1' q2sub.out)"
expect_eq "iot-sub -q 2 on RabbitMQ warns of the granted QoS, once" 1 \
  "$(grep -c "granted QoS 1 for q2s/# (asked 2)" q2sub.err)"

# The paho suites, against this broker: interop both ways with persistent
# sessions (mqtt_interop), iot-pub's bytes as paho gets them (pub_raw), and
# the byte-exact round trip through a recording (replay_bytes). The other
# paho suites are about mosquitto's own features or not about the broker
# (qos_classes: QoS 2 and the broker's log; sub_human: retained messages
# on wildcard filters, which RabbitMQ does not send: iot-toolkit(7), BROKERS).
PY_SUITES=(interop/mqtt_interop.py integration/pub_raw.py integration/replay_bytes.py)
rabbitmq_for_python
for suite in "${PY_SUITES[@]}"; do
  echo "# $suite against RabbitMQ"
  rc=0; /usr/bin/python3 "$IOT_SOURCE_DIR/tests/$suite" || rc=$?
  expect_eq "$suite passes against RabbitMQ" 0 $rc
done
finish
