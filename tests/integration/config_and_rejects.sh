#!/usr/bin/env bash
# Config files and command-line messages are checked like the registry
# (iot-toolkit(7), SHARED OPTIONS; iot-pub(1), EXIT STATUS): a TOML syntax
# error names file, line and column; an unknown key names file, line and
# key; a --config that is fine is used; iot-pub exits 1 when every message
# given with -m was rejected. Real binaries, a real mosquitto.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"

# The case: an unclosed string used to surface as a bad broker URL.
printf 'qos = 1\nbroker = "mqtt://127.0.0.1:1883\n' > syntax.toml
rc=0; iot-pub --config syntax.toml -t x -m '{"v":1}' > /dev/null 2> syntax.err || rc=$?
expect_eq "TOML syntax error: usage error" 2 "$rc"
check "TOML syntax error: file, line and column" grep -q "syntax.toml:2:[0-9]*: TOML syntax error" syntax.err
check "TOML syntax error: not reported as a broker URL" bash -c "! grep -qi 'broker URL' syntax.err"

printf '# replay settings\nspeed = 2\nbrokr = "mqtt://localhost"\n' > unknown.toml
rc=0; iot-replay --config unknown.toml --synthetic devices=1,duration=1 --fast > unknown.out 2> unknown.err || rc=$?
expect_eq "unknown key: usage error" 2 "$rc"
check "unknown key: file, line and key" grep -q 'unknown.toml:3: unknown key "brokr"' unknown.err
check "unknown key: nothing played" test ! -s unknown.out

printf '[send]\nrate = 100\nratee = 5\n' > section.toml
rc=0; iot-waveform --config section.toml synth --duration 1s > /dev/null 2> section.err || rc=$?
expect_eq "unknown key in a subcommand's section: usage error" 2 "$rc"
check "unknown key in a section: named with its section" grep -q 'section.toml:3: unknown key "send.ratee"' section.err

printf 'topic = "plant/P-0001/#"\n' > good.toml
iot-replay --config good.toml --synthetic devices=3,duration=2,start=1700000000 --fast > cfg.out 2>/dev/null
iot-replay --topic 'plant/P-0001/#' --synthetic devices=3,duration=2,start=1700000000 --fast > flag.out 2>/dev/null
check "a good --config works as the flags do" cmp -s cfg.out flag.out
check "and it filtered something" test -s cfg.out

# --- iot-pub -m: every message rejected is an error -------------------------
start_mosquitto
rc=0; iot-pub --broker "$MQTT_URL" -t 'm/{device_id}' -m 'not json' -m '{"v":1}' > /dev/null 2> m.err || rc=$?
expect_eq "iot-pub: every -m message rejected: exit 1" 1 "$rc"
check "and says so" grep -q "every message given with -m was rejected" m.err
iot-sub --broker "$MQTT_URL" -t 'm/#' --count 1 -W 10 > m.out 2>/dev/null &
SUB=$!; sleep 0.5
rc=0; iot-pub --broker "$MQTT_URL" -t 'm/{device_id}' -m 'not json' -m '{"device_id":"P-1","v":1}' > /dev/null 2>/dev/null || rc=$?
expect_eq "iot-pub: one -m message of two rejected: exit 0" 0 "$rc"
wait "$SUB" || true
check "the good one arrived" grep -q '"topic":"m/P-1"' m.out
finish
