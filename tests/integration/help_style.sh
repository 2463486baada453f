#!/usr/bin/env bash
# --help in one style across the six tools (iot-toolkit(7), SHARED OPTIONS):
# examples and the exit status at the end, durations named DURATION, a
# mistyped option answered with "did you mean", a bare -h with the hint that
# help is --help, and N/s taken by every --rate.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
status() { set +e; "$@"; rc=$?; set -e; }

for tool in pub sub ingest replay verify waveform; do
  "$IOT_BIN/iot-$tool" --help > "help-$tool.txt"
  check "iot-$tool --help ends with examples" grep -q '^Examples:' "help-$tool.txt"
  check "iot-$tool --help lists the exit status" grep -q '^Exit status: 0 ok, 1 problems found, 2 usage error' "help-$tool.txt"
  check "iot-$tool --help names its environment prefix" grep -q "IOT_${tool^^}_<NAME>" "help-$tool.txt"
  check "iot-$tool --help shows no empty list default" bash -c "! grep -q '=\[\]' help-$tool.txt"
done
check "durations are named DURATION, with their default" grep -q -- '--flush-interval DURATION=1s' help-ingest.txt
check "times are named TIME" grep -q -- '--since TIME' help-replay.txt

status "$IOT_BIN/iot-pub" --brokr mqtt://127.0.0.1:1 -m '{}' 2> typo.err
expect_eq "a mistyped option is a usage error" 2 "$rc"
check "and the nearest option is suggested" grep -q '^iot-pub: did you mean --broker?' typo.err
status "$IOT_BIN/iot-ingest" --flush-intervall 2s < /dev/null 2> typo2.err
check "a doubled letter too" grep -q 'did you mean --flush-interval?' typo2.err
status "$IOT_BIN/iot-sub" -h 2> h.err
expect_eq "a bare -h is a usage error" 2 "$rc"
check "with the hint that help is --help" grep -q 'for help, use --help' h.err
status "$IOT_BIN/iot-verify" -h 2> h2.err
check "a tool without -h says the same" grep -q 'for help, use --help' h2.err

expect_eq "iot-replay --rate takes N/s" 3 \
  "$("$IOT_BIN/iot-replay" --synthetic devices=3,duration=1 --rate 1000/s | wc -l)"
expect_eq "iot-replay --rate takes N/m" 3 \
  "$("$IOT_BIN/iot-replay" --synthetic devices=3,duration=1 --rate 60000/m | wc -l)"
"$IOT_BIN/iot-waveform" synth --rate 8000/s --duration 10ms --tone 50 -o s.f32
expect_eq "iot-waveform synth --rate takes N/s (80 float samples)" 320 "$(stat -c %s s.f32)"
status "$IOT_BIN/iot-pub" --rate often -m '{}' 2> rate.err
expect_eq "a bad rate is a usage error" 2 "$rc"
check "that names the option" grep -q -- "--rate: bad rate 'often'" rate.err
finish
