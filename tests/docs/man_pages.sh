#!/usr/bin/env bash
# Every tool's man page documents every long option its --help knows (both
# come from one CLI definition: `--completion options`), every page builds
# with scdoc and renders with man, and --help/--version work.
# The pages checked are the assembled ones (man/assemble.cmake puts the
# shared fragments in), made here from the sources as the build makes them.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
command -v scdoc >/dev/null || skip "scdoc not installed"
man_dir=$TEST_TMP/assembled
mkdir -p "$man_dir"
for source_page in "$IOT_SOURCE_DIR"/man/*.scd; do
  name=$(basename "$source_page" .scd)
  check "$name assembles" cmake -DIN="$source_page" -DOUT="$man_dir/$name.scd" \
    -DFRAGMENTS="$IOT_SOURCE_DIR/man/fragments" -P "$IOT_SOURCE_DIR/man/assemble.cmake"
  # The build's copy is the one installed: it must be the same text.
  built=${IOT_BUILD_DIR:-}/man/$name.scd
  if [ -f "$built" ]; then check "$name as built is current" cmp -s "$built" "$man_dir/$name.scd"; fi
done
for page in "$man_dir"/*.scd; do
  name=$(basename "$page" .scd)
  check "$name builds with scdoc" bash -c "scdoc < '$page' > '$TEST_TMP/$name'"
  check "$name renders with man" bash -c "MANWIDTH=80 man -l '$TEST_TMP/$name' 2>&1 >/dev/null | (! grep -q .)"
done
for page in iot-stream.5 iot-toolkit.7 iot-rules.5; do
  check "man page $page exists" test -f "$man_dir/$page.scd"
done
for tool in pub sub ingest replay verify waveform; do
  page=$man_dir/iot-$tool.1.scd
  check "iot-$tool has a man page" test -f "$page"
  [ -f "$page" ] || continue
  undocumented=""
  for opt in $("$IOT_BIN/iot-$tool" --completion options); do
    # scdoc writes options as *--name* (bold); accept the name with any markup around it.
    grep -qE -- "(^|[^a-z-])${opt//-/\\-}([^a-z-]|$)" "$page" || undocumented+=" $opt"
  done
  expect_eq "iot-$tool(1) documents every option" "" "$undocumented"
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
    check "iot-$tool(1) has a $section section" grep -q "^# $section" "$page"
  done
  check "iot-$tool --help exits 0" bash -c "'$IOT_BIN/iot-$tool' --help >/dev/null"
  check "iot-$tool --version names the version" bash -c "'$IOT_BIN/iot-$tool' --version | grep -q '^iot-$tool [0-9]'"
  # Options documented in the page but unknown to the tool mean the page drifted.
  known=$("$IOT_BIN/iot-$tool" --completion options | grep '^--' | sort -u)
  stale=$(grep -oE '^\*--[a-z0-9-]+' "$page" | tr -d '*' | sort -u | comm -23 - <(echo "$known") | tr '\n' ' ')
  expect_eq "iot-$tool(1) documents no option the tool lacks" "" "${stale% }"
done
finish
