#!/usr/bin/env bash
# The fuzz stage can fail on what it is there to find: the fuzz build's
# compile flags (IOT_FUZZ_FLAGS in CMakeLists.txt) make undefined behaviour
# fatal, every fuzz target has an entry in scripts/fuzz-seeds naming fixtures
# that exist, and the committed corpus stays small.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
command -v clang++ >/dev/null || skip "clang++ not installed (scripts/bootstrap installs clang)"
src=$IOT_SOURCE_DIR

flags=$(sed -n 's/^ *set(IOT_FUZZ_FLAGS \(.*\))$/\1/p' "$src/CMakeLists.txt")
check "CMakeLists.txt names the fuzz build's flags (IOT_FUZZ_FLAGS)" test -n "$flags"
# A signed overflow the compiler cannot see coming: argc is only known at run time.
cat > ub.cpp <<'CPP'
#include <climits>
#include <cstdio>
int main(int argc, char**) {
  int x = INT_MAX - 1 + argc;
  x += argc;
  std::puts("went on after the overflow");
  return 0;
}
CPP
# The canary has its own main: everything but libFuzzer's part of the flags.
# shellcheck disable=SC2086
clang++ ${flags//fuzzer-no-link,/} ub.cpp -o ub 2> build.err
rc=0; env -u UBSAN_OPTIONS ./ub > ub.out 2>&1 || rc=$?
check "undefined behaviour ends a program built with the fuzz flags (exit $rc)" test "$rc" -ne 0
check "with UBSan's report" grep -q "runtime error: signed integer overflow" ub.out
check "and does not go on" bash -c '! grep -q "went on" ub.out'

for f in "$src"/fuzz/*_fuzz.cpp; do
  name=$(basename "$f" _fuzz.cpp)
  rc=0; seeds=$("$src/scripts/fuzz-seeds" "$name") || rc=$?
  expect_eq "scripts/fuzz-seeds knows $name" 0 "$rc"
  for s in $seeds; do check "seed $s of $name exists" test -s "$src/$s"; done
done
rc=0; "$src/scripts/fuzz-seeds" no_such_target 2>/dev/null || rc=$?
expect_eq "scripts/fuzz-seeds refuses a target it has no entry for" 1 "$rc"
large=$(find "$src/fuzz/corpus" -type f -size +4k | wc -l)
expect_eq "no committed corpus input is 4 KiB or more" 0 "$large"
kib=$(find "$src/fuzz/corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { print int(s / 1024) }')
check "the committed corpus is a few hundred KiB at most ($kib KiB)" test "$kib" -le 512
finish
