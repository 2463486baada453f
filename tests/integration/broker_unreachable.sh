#!/usr/bin/env bash
# A broker that was never reached (iot-sub(1) and iot-pub(1), EXIT STATUS):
# exit 69, never 3 "nothing arrived"; a closed port or a name that does not
# resolve ends the first connection after a few quick attempts (the long
# backoff is for a connection that was up once); a mistyped URL is a usage
# error; the reason is printed once. "Quickly" is checked as "exits 69 well
# before a generous timeout", never as a measured duration.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
CLOSED=$(free_port)  # nothing listens there: connections are refused

# Default --retries (10) and a long -W: only the first-connection rule ends
# this before the timeout (the old backoff alone took over a minute).
rc=0; timeout 45 iot-sub -p "$CLOSED" -h 127.0.0.1 -t x -W 120s > sub.out 2> sub.err || rc=$?
expect_eq "iot-sub, closed port: exit 69 (not 3, not killed by the timeout)" 69 "$rc"
check "iot-sub, closed port: nothing on stdout" test ! -s sub.out
expect_eq "iot-sub, closed port: the reason is printed once" 1 "$(grep -c 'error: .*Connection refused' sub.err)"
check "iot-sub, closed port: no doubled punctuation" bash -c "! grep -q '\\.;\\|\\.\\.\\|;;' sub.err"

rc=0; echo '{"v":1}' | timeout 45 iot-pub --broker "mqtt://127.0.0.1:$CLOSED" -t x > /dev/null 2> pub.err || rc=$?
expect_eq "iot-pub, closed port: exit 69" 69 "$rc"
expect_eq "iot-pub, closed port: the reason is printed once" 1 "$(grep -c 'error: .*Connection refused' pub.err)"

# A name that does not resolve (.invalid never does, RFC 6761).
rc=0; timeout 45 iot-sub --broker mqtt://no-such-broker.invalid -t x -W 120s > /dev/null 2> dns.err || rc=$?
expect_eq "iot-sub, unknown host: exit 69" 69 "$rc"
expect_eq "iot-sub, unknown host: one error line" 1 "$(grep -c 'error:' dns.err)"
check "iot-sub, unknown host: no doubled punctuation" bash -c "! grep -q '\\.;\\|\\.\\.\\|;;' dns.err"

# -W runs out while iot-sub still retries (--retries 0: forever): no broker was
# ever reached, so 69, not 3.
rc=0; timeout 45 iot-sub -h 127.0.0.1 -p "$CLOSED" --retries 0 -t x -W 2s > /dev/null 2> w.err || rc=$?
expect_eq "iot-sub -W ran out before any connection: exit 69" 69 "$rc"
check "and says it never connected" grep -q "never connected" w.err
rc=0; timeout 45 iot-sub -h 127.0.0.1 -p "$CLOSED" --retries 0 -t x --idle 2s > /dev/null 2>/dev/null || rc=$?
expect_eq "iot-sub --idle ran out before any connection: exit 69" 69 "$rc"

# A mistyped URL is a usage error at once, not a host "mqtt" looked up.
rc=0; timeout 45 iot-sub --broker mqtt//127.0.0.1 -t x -W 5s > /dev/null 2> url.err || rc=$?
expect_eq "iot-sub --broker mqtt//host: usage error" 2 "$rc"
check "iot-sub --broker mqtt//host: the message names the URL" grep -q 'bad broker URL "mqtt//127.0.0.1"' url.err
rc=0; echo '{"v":1}' | timeout 45 iot-pub --broker 'mqtt://127.0.0.1:18x3' -t x > /dev/null 2>/dev/null || rc=$?
expect_eq "iot-pub with a bad port in the URL: usage error" 2 "$rc"

# With a real broker: -W with nothing published is still 3, and a reachable
# broker is unaffected by the first-connection rule.
start_mosquitto
rc=0; timeout 45 iot-sub --broker "$MQTT_URL" -t 'quiet/#' -W 1s > /dev/null 2>/dev/null || rc=$?
expect_eq "iot-sub -W against a live broker with no traffic: exit 3" 3 "$rc"

# Once a connection was up, refusals are an outage, not a wrong address:
# iot-sub keeps retrying past the three quick first-connection attempts
# and gets the message after the broker is back.
iot-sub --broker "$MQTT_URL" -t 'back/#' -q 1 --session back-sub --count 1 -W 120 > back.out 2> back.err &
SUB=$!
for ((i = 0; i < 100; i++)); do
  mosquitto_sub -p "$MQTT_PORT" -t '$SYS/broker/clients/connected' -C 1 -W 2 2>/dev/null | grep -q '^[1-9]' && break
  sleep 0.1
done
sleep 0.5
kill "$MOSQ_PID"; wait "$MOSQ_PID" 2>/dev/null || true
# Wait (without a clock) until iot-sub met a refused port more often than
# the first-connection rule would have allowed.
for ((i = 0; i < 600; i++)); do
  [ "$(grep -c 'Connection refused' back.err || true)" -ge 4 ] && break
  kill -0 "$SUB" 2>/dev/null || break
  sleep 0.1
done
check "iot-sub met more than three refusals and still runs" \
  bash -c "[ \$(grep -c 'Connection refused' back.err) -ge 4 ] && kill -0 $SUB"
restart_mosquitto
for ((i = 0; i < 300; i++)); do
  grep -q '"n":1' back.out && break
  mosquitto_pub -p "$MQTT_PORT" -t back/x -q 1 -m '{"n":1}' 2>/dev/null || true
  sleep 0.5
done
rc=0; wait "$SUB" || rc=$?
expect_eq "iot-sub got the message once the broker was back: exit 0" 0 "$rc"
check "and printed it" grep -q '"payload":{"n":1}' back.out
check "its summary counts the reconnect" grep -qE 'received 1, [0-9]+ payload bytes, [1-9][0-9]* reconnects' back.err
# Stopped and waited for here: a broker still saving its persistence would
# race the removal of the temp dir.
kill "$MOSQ_PID"; wait "$MOSQ_PID" 2>/dev/null || true
finish
