#!/usr/bin/env bash
# Unit tests mirror common/ (ARCHITECTURE.md): every common/<module>/<file>.cpp
# has tests/unit/<module>/<file>_test.cpp, so a new source file without a
# test of its own fails here.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
missing=""
for source_file in "$IOT_SOURCE_DIR"/common/*/*.cpp; do
  module=$(basename "$(dirname "$source_file")")
  name=$(basename "$source_file" .cpp)
  [ -f "$IOT_SOURCE_DIR/tests/unit/$module/${name}_test.cpp" ] || missing+=" common/$module/$name.cpp"
done
expect_eq "every common/ source file has its unit test" "" "${missing# }"
# The check itself, once (not in the nested run): a made-up tree with one
# file tested and one not.
if [ -z "${IOT_MIRROR_NESTED:-}" ]; then
  fake=$TEST_TMP/tree
  mkdir -p "$fake/common/m" "$fake/tests/unit/m"
  touch "$fake/common/m/a.cpp" "$fake/common/m/b.cpp" "$fake/tests/unit/m/a_test.cpp"
  cp -r "$IOT_SOURCE_DIR/tests/lib" "$fake/tests/lib"
  found=$(IOT_BIN=${IOT_BIN:-/} IOT_MIRROR_NESTED=1 IOT_SOURCE_DIR=$fake bash "${BASH_SOURCE[0]}" 2>&1 | grep -c "common/m/b.cpp" || true)
  expect_eq "a source file without a test is named" 1 "$found"
fi
finish
