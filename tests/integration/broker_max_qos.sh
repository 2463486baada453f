#!/usr/bin/env bash
# A broker that does not do QoS 2 and says so: mosquitto with max_qos 1
# sends Maximum QoS 1 in its MQTT 5 CONNACK. iot-pub -q 2 stops before it
# sends anything, with the reason and exit 69 (iot-pub(1), EXIT STATUS);
# iot-sub -q 2 is granted QoS 1, says so once and receives at QoS 1.
# Under MQTT 3.1.1 there is no Maximum QoS to read: mosquitto closes the
# connection after each QoS 2 publish, and iot-pub -q 2 stops after the
# third close with the reason and exit 69, instead of sending it for ever.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_mosquitto "max_qos 1"
cd "$TEST_TMP"
B=(--broker "$MQTT_URL" -V 5)

iot-sub "${B[@]}" -q 2 -i maxq-sub -t 'maxq/#' --count 2 -W 60 > sub.out 2>sub.err &
sub=$!
wait_subscribed $sub maxq-sub 'maxq/#' || fail "iot-sub did not subscribe"

printf '{"msg_id":"q2-%s"}\n' 1 2 3 > three.ndjson
rc=0; timeout 120 iot-pub "${B[@]}" -q 2 -t maxq/two three.ndjson 2>pub2.err || rc=$?
expect_eq "iot-pub -q 2 to a broker of Maximum QoS 1 exits 69" 69 $rc
expect_eq "iot-pub -q 2 says why" 1 \
  "$(grep -c "broker 127.0.0.1:$MQTT_PORT does not support QoS 2: its CONNACK says Maximum QoS 1; publish at QoS 1 (-q 1)" pub2.err)"

rc=0; timeout 120 iot-pub --broker "$MQTT_URL" -V 311 -q 2 -t maxq/two three.ndjson 2>pub311.err || rc=$?
expect_eq "iot-pub -V 311 -q 2 to a broker of max_qos 1 exits 69" 69 $rc
expect_eq "iot-pub -V 311 -q 2 says why" 1 \
  "$(grep -c "broker 127.0.0.1:$MQTT_PORT does not support QoS 2: it closed the connection right after a QoS 2 publish, 3 times in a row" pub311.err)"

printf '{"msg_id":"q1-%s"}\n' 1 2 > two.ndjson
rc=0; iot-pub "${B[@]}" -q 1 -t maxq/one two.ndjson 2>pub1.err || rc=$?
expect_eq "iot-pub -q 1 to the same broker exits 0" 0 $rc
rc=0; wait $sub || rc=$?
expect_eq "iot-sub -q 2 exits 0 after --count" 0 $rc
# Only the QoS 1 messages: nothing of the QoS 2 run was sent.
expect_eq "iot-sub got the QoS 1 messages, none of the QoS 2 ones" "q1-1 q1-2" \
  "$(/usr/bin/python3 -c 'import json, sys; print(" ".join(json.loads(l)["payload"]["msg_id"] for l in open(sys.argv[1])))' sub.out)"
expect_eq "iot-sub -q 2: messages at QoS 1" 2 "$(grep -c '"qos":1' sub.out)"
expect_eq "iot-sub -q 2 warns of the granted QoS, once" 1 "$(grep -c "granted QoS 1 for maxq/# (asked 2)" sub.err)"
finish
