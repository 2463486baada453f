#!/usr/bin/env bash
# A skip cannot make a run green unless tests/allowed-skips.txt says why:
# skip() after a counted failure fails the suite; scripts/check-skips fails
# on a skipped test the list does not name (and on a name without a reason);
# a project configured with CI=true registers unlisted suites without their
# skip code, so their exit 77 is a failure.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
src=$IOT_SOURCE_DIR

# --- skip() in tests/lib/servers.sh ---
cat > fail_then_skip.sh <<'SH'
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
check "a failing check" false
skip "a server is missing"
SH
cat > skip_only.sh <<'SH'
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
check "a passing check" true
skip "a server is missing"
SH
rc=0; bash fail_then_skip.sh > fts.out 2>&1 || rc=$?
expect_eq "a skip after a failed check fails the suite" 1 "$rc"
check "and says so" grep -q "failed before a skip" fts.out
rc=0; bash skip_only.sh > so.out 2>&1 || rc=$?
expect_eq "a skip with no failure is a skip (77)" 77 "$rc"

# --- scripts/check-skips over a real ctest run's JUnit file ---
mkdir -p proj
cat > proj/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(skips NONE)
enable_testing()
add_test(NAME kind.skips COMMAND sh -c "echo 'SKIP: no server'; exit 77")
set_tests_properties(kind.skips PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME kind.passes COMMAND true)
CMAKE
cmake -S proj -B proj/build > cmake.log 2>&1
rc=0; ctest --test-dir proj/build --output-junit "$TEST_TMP/junit.xml" > ctest.log 2>&1 || rc=$?
expect_eq "ctest itself calls a skip a success" 0 "$rc"
: > empty.txt
rc=0; "$src/scripts/check-skips" junit.xml empty.txt > cs1.out 2>&1 || rc=$?
expect_eq "check-skips: an unlisted skip fails" 1 "$rc"
check "and names it" grep -q "kind.skips skipped" cs1.out
echo "kind.skips  the server is not packaged for this platform" > listed.txt
rc=0; "$src/scripts/check-skips" junit.xml listed.txt > cs2.out 2>&1 || rc=$?
expect_eq "check-skips: a listed skip passes" 0 "$rc"
check "and prints its reason" grep -q "allowed: the server is not packaged" cs2.out
echo "kind.skips" > noreason.txt
rc=0; "$src/scripts/check-skips" junit.xml noreason.txt > cs3.out 2>&1 || rc=$?
expect_eq "check-skips: a listed name without a reason fails" 1 "$rc"
rc=0; "$src/scripts/check-skips" junit.xml > cs4.out 2>&1 || rc=$?
expect_eq "check-skips: the repo's own list does not allow an unknown skip" 1 "$rc"

# --- the project configured with CI=true: unlisted suites lose their skip code ---
# skip_codes DIR: "name code" of every integration, interop and docs suite.
skip_codes() {
  ctest --test-dir "$1" --show-only=json-v1 | /usr/bin/python3 -c '
import json, sys
for t in json.load(sys.stdin)["tests"]:
    if t["name"].split(".")[0] in ("integration", "interop", "docs"):
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        print(t["name"], props.get("SKIP_RETURN_CODE", "none"))'
}
allowed=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/[[:space:]].*//' "$src/tests/allowed-skips.txt")
for ci in true false; do
  rc=0; env CI=$ci cmake -S "$src" -B "ci-$ci" -G Ninja -DCMAKE_BUILD_TYPE=Release > "ci-$ci.log" 2>&1 || rc=$?
  expect_eq "the project configures with CI=$ci" 0 "$rc"
  skip_codes "ci-$ci" > "codes-$ci.txt"
done
check "the suites are listed" test "$(wc -l < codes-false.txt)" -gt 10
expect_eq "without CI every suite may skip" 0 "$(grep -vc ' 77$' codes-false.txt || true)"
wrong=$(while read -r name code; do
  if grep -qxF "$name" <<< "$allowed"; then [ "$code" = 77 ] || echo "$name"; else [ "$code" = none ] || echo "$name"; fi
done < codes-true.txt)
expect_eq "with CI=true only the suites in tests/allowed-skips.txt may skip" "" "$wrong"
finish
