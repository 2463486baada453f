#!/usr/bin/env bash
# User name and password (from a file or IOT_PASSWORD, never the command
# line) against a broker that requires them; a refused CONNACK (v5 and
# 3.1.1, which libmosquitto alone would retry forever) ends in exit 69 after
# --retries, never a hang.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
command -v mosquitto_passwd >/dev/null || skip "mosquitto_passwd not installed"
T=$TEST_TMP
mosquitto_passwd -b -c "$T/passwd" alice 's3cret pass' 2>/dev/null
start_mosquitto "password_file $T/passwd"
sed -i 's/^allow_anonymous true/allow_anonymous false/' "$MOSQ_CONF"
kill "$MOSQ_PID"; wait "$MOSQ_PID" 2>/dev/null || true
restart_mosquitto
printf 's3cret pass\n' > "$T/pw"
printf 'wrong\n' > "$T/bad-pw"

for v in 5 311; do
  iot-sub --broker "$MQTT_URL" -V $v -u alice --password-file "$T/pw" -i "auth-sub-$v" -t 'auth/#' --count 1 -W 10 > "$T/sub$v.out" 2>/dev/null &
  SUB=$!; wait_subscribed "$SUB" "auth-sub-$v" 'auth/#' || fail "iot-sub did not subscribe"
  rc=0; echo '{"v":1}' | iot-pub --broker "$MQTT_URL" -V $v -u alice --password-file "$T/pw" -t auth/x 2>/dev/null || rc=$?
  expect_eq "v$v: right password from a file: exit 0" 0 "$rc"
  rc=0; wait "$SUB" || rc=$?
  expect_eq "v$v: iot-sub with the password received the message" "0 1" "$rc $(wc -l < "$T/sub$v.out")"
  start=$(date +%s)
  rc=0; echo '{"v":1}' | iot-pub --broker "$MQTT_URL" -V $v -u alice --password-file "$T/bad-pw" --retries 2 -t auth/x 2>"$T/bad$v.err" || rc=$?
  expect_eq "v$v: wrong password: exit 69" 69 "$rc"
  check "v$v: refused after the retries, not forever ($(( $(date +%s) - start )) s)" test $(( $(date +%s) - start )) -lt 20
  check "v$v: the message says why" grep -qi "refused\|not authori\|bad user" "$T/bad$v.err"
done
rc=0; echo '{"v":1}' | IOT_PASSWORD='s3cret pass' iot-pub --broker "mqtt://alice@127.0.0.1:$MQTT_PORT" -t auth/y 2>/dev/null || rc=$?
expect_eq "password from IOT_PASSWORD, user from the URL: exit 0" 0 "$rc"
finish
