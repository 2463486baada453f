#!/usr/bin/env bash
# Every benchmark states its figures as scripts/bench/all reads them: each
# executable in scripts/bench/ other than all prints "RESULT name=..." lines
# (the form is at the top of scripts/bench/all). One without them shows in
# bench/all only as a failed run, after the whole benchmark was run, so a
# benchmark added or rewritten without them fails here instead.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
# without_results DIR: the executables of DIR other than all that hold no
# result line, one a line.
without_results() {
  local f
  for f in "$1"/*; do
    [ -f "$f" ] && [ -x "$f" ] && [ "$(basename "$f")" != all ] || continue
    grep -q 'RESULT name=' "$f" || basename "$f"
  done
}
count=$(find "$IOT_SOURCE_DIR/scripts/bench" -maxdepth 1 -type f -perm -u+x ! -name all | wc -l)
check "scripts/bench holds benchmarks ($count)" test "$count" -gt 0
expect_eq "every benchmark prints result lines" "" "$(without_results "$IOT_SOURCE_DIR/scripts/bench" | tr '\n' ' ' | sed 's/ $//')"
# README's list of benchmarks names each of them.
unlisted=""
for f in "$IOT_SOURCE_DIR"/scripts/bench/*; do
  name=$(basename "$f")
  [ -f "$f" ] && [ -x "$f" ] && [ "$name" != all ] || continue
  grep -Eq "scripts/bench/\{([a-z_-]+,)*$name(,[a-z_-]+)*\}" "$IOT_SOURCE_DIR/README.md" || unlisted="$unlisted $name"
done
expect_eq "README names every benchmark" "" "${unlisted# }"
# The check itself: in a made-up directory, a script without result lines is
# named; one with them, all itself and a file that is not executable are not.
fake=$TEST_TMP/bench
mkdir -p "$fake"
printf '#!/bin/sh\necho "RESULT name=x value=1 peer=y peer_value=1 ratio=1.00 goal=-"\n' > "$fake/good"
printf '#!/bin/sh\necho "x: 1 msg/s"\n' > "$fake/bare"
printf '#!/bin/sh\necho runs the others\n' > "$fake/all"
printf 'int main() {}\n' > "$fake/helper.cpp"
chmod +x "$fake/good" "$fake/bare" "$fake/all"
expect_eq "a benchmark without result lines is named, and only it" "bare" "$(without_results "$fake")"
finish
