#!/usr/bin/env bash
# Shared option text lives once in man/fragments/*.scd; man/assemble.cmake
# puts it into each page where a line says "#include NAME". This suite checks
# the assembler itself (exact bytes, and failing loudly on a bad directive)
# and that no page carries its own copy of an option a fragment describes,
# which is how the copies drifted apart before.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
command -v cmake >/dev/null || skip "cmake not installed"
assemble() {  # assemble IN OUT FRAGMENTS_DIR
  cmake -DIN="$1" -DOUT="$2" -DFRAGMENTS="$3" -P "$IOT_SOURCE_DIR/man/assemble.cmake"
}

# --- the assembler, on pages made up here ---
frag=$TEST_TMP/fragments
mkdir -p "$frag"
# Bytes that CMake or a regex could mangle: ; \ [ ] $ and a trailing blank line.
printf '*--a* _X_\n\tone; two \\\\++ [x] ${y}\n\n' > "$frag/alpha.scd"
printf 'beta text\n' > "$frag/beta.scd"
printf '#include alpha\ntitle(1)\n\n#include beta\nmiddle\n#include alpha' > "$TEST_TMP/page.scd"
check "a page with directives first, inside and last (no newline) assembles" \
  assemble "$TEST_TMP/page.scd" "$TEST_TMP/page.out" "$frag"
expected=$(printf '*--a* _X_\n\tone; two \\\\++ [x] ${y}\ntitle(1)\n\nbeta text\nmiddle\n*--a* _X_\n\tone; two \\\\++ [x] ${y}')
expect_eq "fragments replace their directive lines byte for byte" "$expected" "$(cat "$TEST_TMP/page.out")"

printf 'plain(1)\n\n# NAME\n\nno directives; a \\\\ stays\n' > "$TEST_TMP/plain.scd"
assemble "$TEST_TMP/plain.scd" "$TEST_TMP/plain.out" "$frag"
check "a page without directives comes out unchanged" cmp -s "$TEST_TMP/plain.scd" "$TEST_TMP/plain.out"

printf 'x(1)\n#include gamma\n' > "$TEST_TMP/missing.scd"
assemble "$TEST_TMP/missing.scd" "$TEST_TMP/missing.out" "$frag" > "$TEST_TMP/missing.log" 2>&1 && status=0 || status=$?
check "a directive naming no fragment fails" test "$status" -ne 0
check "the failure names the fragment" grep -q "include gamma" "$TEST_TMP/missing.log"

printf 'x(1)\n#include Alpha beta\n' > "$TEST_TMP/bad.scd"
assemble "$TEST_TMP/bad.scd" "$TEST_TMP/bad.out" "$frag" > "$TEST_TMP/bad.log" 2>&1 && status=0 || status=$?
check "a malformed directive fails" test "$status" -ne 0

mkdir -p "$TEST_TMP/nested"
printf 'inner\n#include beta\n' > "$TEST_TMP/nested/outer.scd"
printf 'x(1)\n#include outer\n' > "$TEST_TMP/nest.scd"
assemble "$TEST_TMP/nest.scd" "$TEST_TMP/nest.out" "$TEST_TMP/nested" > "$TEST_TMP/nest.log" 2>&1 && status=0 || status=$?
check "a fragment that includes another fails" test "$status" -ne 0

# --- the repository's pages and fragments ---
pages=("$IOT_SOURCE_DIR"/man/*.scd)
for fragment in "$IOT_SOURCE_DIR"/man/fragments/*.scd; do
  name=$(basename "$fragment" .scd)
  check "fragment $name is used by a page" grep -qx "#include $name" "${pages[@]}"
  # An option heading of a fragment (a line "*--name*...") written again in
  # a page is a copy that will drift: the page must include the fragment.
  copied=""
  for opt in $(grep -oE '^\*-{1,2}[a-z0-9-]+\*' "$fragment" | tr -d '*'); do
    grep -lE -- "^\\*${opt//-/\\-}\\*" "${pages[@]}" > /dev/null && copied+=" $opt"
  done
  expect_eq "no page copies the options of fragment $name" "" "${copied# }"
done
for page in "${pages[@]}"; do
  assemble "$page" "$TEST_TMP/$(basename "$page")" "$IOT_SOURCE_DIR/man/fragments"
  check "$(basename "$page") keeps no directive after assembly" \
    bash -c "! grep -q '^#include' '$TEST_TMP/$(basename "$page")'"
done
finish
