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
  # Run the completion function for "--" (at the top and after each
  # subcommand) and expect every long option offered somewhere.
  offered() {
    bash -c "_init_completion() { cur=\${COMP_WORDS[COMP_CWORD]}; prev=\${COMP_WORDS[COMP_CWORD-1]}; words=(\"\${COMP_WORDS[@]}\"); cword=\$COMP_CWORD; }
      _filedir() { :; }
      source '$IOT_SOURCE_DIR/completions/bash/iot-$tool'
      COMP_WORDS=(iot-$tool $* --); COMP_CWORD=\$((\${#COMP_WORDS[@]}-1)); _iot_$tool; printf '%s\n' \"\${COMPREPLY[@]}\""
  }
  got=$( { offered; for sub in $("$IOT_BIN/iot-$tool" --completion options | grep -v '^-'); do offered "$sub"; done; } | sort -u)
  want=$("$IOT_BIN/iot-$tool" --completion options | grep '^--' | sort -u)
  missing=$(comm -13 <(echo "$got") <(echo "$want") | tr '\n' ' ')
  expect_eq "bash completion of iot-$tool offers every long option" "" "${missing% }"
done
finish
