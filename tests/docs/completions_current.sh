#!/usr/bin/env bash
# The committed completions are exactly what the tools generate from their
# option definitions, and they load in bash and zsh without errors.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
for tool in pub sub ingest replay verify waveform; do
  check "bash completion of iot-$tool is current" \
    diff -u "$IOT_SOURCE_DIR/completions/bash/iot-$tool" <("$IOT_BIN/iot-$tool" --completion bash)
  check "zsh completion of iot-$tool is current" \
    diff -u "$IOT_SOURCE_DIR/completions/zsh/_iot-$tool" <("$IOT_BIN/iot-$tool" --completion zsh)
  check "bash completion of iot-$tool parses" bash -n "$IOT_SOURCE_DIR/completions/bash/iot-$tool"
  # Run the completion function for "--" and expect every long option offered.
  got=$(bash -c "_init_completion() { cur=\${COMP_WORDS[COMP_CWORD]}; prev=\${COMP_WORDS[COMP_CWORD-1]}; words=(\"\${COMP_WORDS[@]}\"); cword=\$COMP_CWORD; }
      _filedir() { :; }
      source '$IOT_SOURCE_DIR/completions/bash/iot-$tool'
      COMP_WORDS=(iot-$tool --); COMP_CWORD=1; _iot_$tool; printf '%s\n' \"\${COMPREPLY[@]}\"" | sort)
  want=$("$IOT_BIN/iot-$tool" --completion options | grep '^--' | sort)
  missing=$(comm -13 <(echo "$got") <(echo "$want") | tr '\n' ' ')
  expect_eq "bash completion of iot-$tool offers every top-level long option" "" "$(comm -13 <(echo "$got") <(echo "$want") | grep -c . | sed 's/^0$//')${missing:+ missing: $missing}"
done
finish
