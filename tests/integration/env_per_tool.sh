#!/usr/bin/env bash
# Environment variables stay with their tool (iot-toolkit(7), ENVIRONMENT):
# a variable exported for iot-pub's topic template does not filter
# iot-replay's output in the same shell, iot-replay's own prefix does, and
# the shared names (log level, broker) reach every tool.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
cd "$TEST_TMP"
FLEET=devices=3,rate=2,duration=5,seed=7,start=1700000000

iot-replay --synthetic "$FLEET" --fast > plain.ndjson 2>/dev/null
expect_eq "the fleet without any variable" 30 "$(wc -l < plain.ndjson)"

# The pipeline: meant for iot-pub's template, once read by iot-replay as a filter.
IOT_TOPIC='plant/{device_id}/telemetry' iot-replay --synthetic "$FLEET" --fast > leaked.ndjson 2>/dev/null
check "IOT_TOPIC does not change iot-replay's output" cmp -s plain.ndjson leaked.ndjson
IOT_PUB_TOPIC='plant/{device_id}/telemetry' iot-replay --synthetic "$FLEET" --fast > pubvar.ndjson 2>/dev/null
check "IOT_PUB_TOPIC (iot-pub's) does not change it either" cmp -s plain.ndjson pubvar.ndjson

IOT_REPLAY_TOPIC='plant/P-0001/#' iot-replay --synthetic "$FLEET" --fast > own.ndjson 2>/dev/null
iot-replay --synthetic "$FLEET" --fast --topic 'plant/P-0001/#' > flag.ndjson 2>/dev/null
check "IOT_REPLAY_TOPIC filters as --topic does" cmp -s own.ndjson flag.ndjson
check "IOT_REPLAY_TOPIC left some lines, not all" test "$(wc -l < own.ndjson)" -gt 0 -a "$(wc -l < own.ndjson)" -lt 30

# A shared name reaches every tool: IOT_LOG_LEVEL=error silences iot-ingest's
# info summary, and an iot-replay of the same shell is not bothered by it.
iot-ingest --db sqlite:info.db < plain.ndjson 2> info.err
IOT_LOG_LEVEL=error iot-ingest --db sqlite:quiet.db < plain.ndjson 2> quiet.err
check "without IOT_LOG_LEVEL iot-ingest prints its summary" grep -q "rows written" info.err
check "IOT_LOG_LEVEL=error (shared) silences it" test ! -s quiet.err
# iot-ingest's own prefix: IOT_INGEST_TABLE puts the rows elsewhere.
IOT_INGEST_TABLE=other iot-ingest --db sqlite:own.db < plain.ndjson 2>/dev/null
expect_eq "IOT_INGEST_TABLE is read by iot-ingest" "$(sqlite3 info.db 'select count(*) from readings')" \
  "$(sqlite3 own.db 'select count(*) from other')"

# --help says which names a tool reads.
check "iot-replay --help names its prefix" bash -c "iot-replay --help | grep -q 'IOT_REPLAY_<NAME>'"
check "iot-pub --help lists the shared broker name" bash -c "iot-pub --help | grep -q 'IOT_BROKER'"
check "iot-verify --help lists no broker name (it has no broker)" bash -c "! iot-verify --help | grep -q 'IOT_BROKER'"
finish
