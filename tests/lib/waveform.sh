# Shared plumbing of the waveform integration suites (waveform_device.sh,
# waveform_roundtrip.sh). Source it after tests/lib/servers.sh; subscribe()
# uses $MQTT_URL / $MQTT_PORT set by start_mosquitto and sets $sub_pid.
# subscribe OUT FILTER...: iot-sub when built, else (until it is) a small
# paho-mqtt subscriber writing the same envelopes {topic, payload_b64, enc}.
# Either stops after 4 s without a message.
subscribe() {
  local out=$1; shift
  if [ -x "$IOT_BIN/iot-sub" ]; then
    local args=(); for f in "$@"; do args+=(-t "$f"); done
    # through a pipe, so that iot-sub flushes every line (a file would be buffered)
    "$IOT_BIN/iot-sub" --broker "$MQTT_URL" "${args[@]}" --idle 4 2> "$out.err" | cat > "$out" &
  else
    /usr/bin/python3 - "$MQTT_PORT" "$out" "$@" 2> "$out.err" <<'PY' &
import base64, json, sys, time
import paho.mqtt.client as mqtt
port, out, filters = int(sys.argv[1]), open(sys.argv[2], "w"), sys.argv[3:]
last = [time.time()]
def on_connect(c, u, f, rc):
    for t in filters: c.subscribe(t, qos=1)
def on_message(c, u, m):
    out.write(json.dumps({"topic": m.topic, "payload_b64": base64.b64encode(m.payload).decode(), "enc": "binary", "qos": m.qos}) + "\n")
    out.flush(); last[0] = time.time()
c = mqtt.Client(client_id="waveform-test-sub")
c.on_connect, c.on_message = on_connect, on_message
c.connect("127.0.0.1", port); c.loop_start()
while time.time() - last[0] < 4: time.sleep(0.1)
c.loop_stop()
PY
  fi
  sub_pid=$!
}

# subscribe_live OUT FILTER...: subscribe, then publish probes on
# probe/waveform/ready (a non-waveform level the FILTERs must match, e.g.
# '+/waveform/#') until OUT has a line, and check that it has one.
subscribe_live() {
  subscribe "$@"
  local out=$1
  for _ in $(seq 100); do
    mosquitto_pub -p "$MQTT_PORT" -h 127.0.0.1 -t probe/waveform/ready -m x
    [ -s "$out" ] && break
    sleep 0.1
  done
  check "subscriber is live" test -s "$out"
}
