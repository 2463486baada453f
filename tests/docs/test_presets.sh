#!/usr/bin/env bash
# Every test preset in CMakePresets.json errors when it selects no test
# (execution.noTestsAction "error"): a label that drifts must not turn a
# stage such as the ASan unit tests into a green run of nothing.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
# presets_without_guard FILE: the test presets of FILE that lack it, one a line.
presets_without_guard() {
  /usr/bin/python3 -c '
import json, sys
presets = json.load(open(sys.argv[1])).get("testPresets", [])
print(len(presets))
for p in presets:
    if p.get("execution", {}).get("noTestsAction") != "error":
        print(p["name"])' "$1"
}
out=$(presets_without_guard "$IOT_SOURCE_DIR/CMakePresets.json")
check "CMakePresets.json has test presets ($(head -1 <<< "$out"))" test "$(head -1 <<< "$out")" -gt 0
expect_eq "every test preset errors on no tests" "" "$(tail -n +2 <<< "$out")"
# The check itself: a preset without the setting is named.
echo '{"version": 6, "testPresets": [{"name": "bare", "configurePreset": "x"}]}' > bare.json
expect_eq "a preset without noTestsAction is named" "bare" "$(presets_without_guard bare.json | tail -n +2)"
finish
