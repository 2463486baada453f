#!/usr/bin/env bash
# The dependency map tells the truth (ARCHITECTURE.md "Direction of
# dependencies"): scripts/check-layering passes on the tree, and fails on a
# copy of it given each defect it guards against.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
CHECK="$IOT_SOURCE_DIR/scripts/check-layering"
status() { set +e; "$@" > out.txt 2>&1; rc=$?; set -e; }

status "$CHECK" "$IOT_SOURCE_DIR"
cat out.txt
expect_eq "the tree's includes, CMake graph and ARCHITECTURE.md agree" 0 "$rc"

copy() {
  rm -rf tree && mkdir tree
  cp -r "$IOT_SOURCE_DIR/common" "$IOT_SOURCE_DIR/ARCHITECTURE.md" tree/
}

copy
printf '#include "cli/options.hpp"\n' >> tree/common/mqtt/session.hpp
status "$CHECK" tree
expect_eq "a common/mqtt file including cli/ fails" 1 "$rc"
check "and says which file and module" grep -q 'common/mqtt/session.hpp includes cli/' out.txt

copy
sed -i 's/^iot_concern(codec     DEPS iot::core/iot_concern(codec     DEPS iot::core iot::registry/' tree/common/CMakeLists.txt
printf '#include "registry/registry.hpp"\n' >> tree/common/codec/base64.cpp
status "$CHECK" tree
expect_eq "an upward edge (codec -> registry), even declared and used, fails" 1 "$rc"
check "and names the layers" grep -q 'codec (layer 1) links registry (layer 3)' out.txt

copy
sed -i 's/^iot_concern(spool     DEPS iot::core/iot_concern(spool     DEPS iot::core iot::codec/' tree/common/CMakeLists.txt
status "$CHECK" tree
expect_eq "a declared edge no include uses fails" 1 "$rc"
check "and names it" grep -q 'spool links iot::codec, but no file of common/spool includes it' out.txt

copy
sed -i 's/^| 4 | spool | core, checks |$/| 4 | spool | core, checks, codec |/' tree/ARCHITECTURE.md
status "$CHECK" tree
expect_eq "ARCHITECTURE.md's table disagreeing with CMake fails" 1 "$rc"

finish
