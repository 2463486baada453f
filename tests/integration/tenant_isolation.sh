#!/usr/bin/env bash
# Tenant isolation at the broker with examples/mosquitto/ as shipped (the
# tenants.conf fragment, its passwd and acl): iot-sub -u tenantA subscribed
# to all of i/# receives tenant A's messages only; tenant A's publish into
# tenant B's tree never reaches storage (iot-sub -u ingest | iot-ingest into
# SQLite, read back with sqlite3); anonymous clients are refused.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
command -v sqlite3 >/dev/null || skip "sqlite3 not installed"
EX=$IOT_SOURCE_DIR/examples/mosquitto
T=$TEST_TMP
cd "$T"
# The fragment's own lines, with its paths pointing at the example files.
mapfile -t fragment < <(sed -e '/^#/d' -e '/^$/d' -e "s|/etc/mosquitto/iot-toolkit|$EX|" "$EX/tenants.conf")
start_mosquitto "${fragment[@]}"
# The fragment says allow_anonymous false; start_mosquitto's own line said true first.
sed -i '0,/^allow_anonymous true$/{/^allow_anonymous true$/d}' "$MOSQ_CONF"
kill "$MOSQ_PID"; wait "$MOSQ_PID" 2>/dev/null || true
restart_mosquitto
for u in tenantA tenantB ingest; do printf '%s-example-password\n' "$u" > "$u.pw"; done

A=ASNFZ4mr B=_ty6mHZU                                   # tenants 0123456789ab, fedcba987654
AGENT_A=Ej5FZ-ibEtOkVkJmFBdAAA AGENT_B=mywfCuTVTHqOMfanuMnQ4Q  # their agents
reading() { printf '{"topic":"i/%s/a/%s/endpoints/modbus","payload":{"device_id":"d","ts":%s,"d":{"%s":{"v":%s}}}}\n' "$@"; }
pub_as() { local user=$1; shift; iot-pub --broker "$MQTT_URL" -u "$user" --password-file "$user.pw" -q 1 "$@"; }

# --- iot-sub -u tenantA asks for every tenant's tree ------------------------
iot-sub --broker "$MQTT_URL" -u tenantA --password-file tenantA.pw -i iso-a -t 'i/#' -C 2 -W 60 > a.ndjson 2>a.err &
SUB_A=$!
wait_subscribed "$SUB_A" iso-a 'i/#' || fail "iot-sub as tenantA did not subscribe"
# B's own message first: had it leaked, it would be one of the two iot-sub stops at.
reading "$B" "$AGENT_B" 1710844800000 b_own 1 | pub_as tenantB 2>/dev/null
reading "$A" "$AGENT_A" 1710844801000 a_own 2 | pub_as tenantA 2>/dev/null
reading "$A" "$AGENT_A" 1710844802000 a_own 3 | pub_as tenantA 2>/dev/null
rc=0; wait "$SUB_A" || rc=$?
expect_eq "iot-sub -u tenantA: exit 0 after two messages" 0 "$rc"
expect_eq "iot-sub -u tenantA received tenant A's tree only" "i/$A/a/$AGENT_A/endpoints/modbus i/$A/a/$AGENT_A/endpoints/modbus" \
  "$(/usr/bin/python3 -c 'import json, sys; print(" ".join(json.loads(l)["topic"] for l in sys.stdin))' < a.ndjson)"

# --- tenant A publishes into tenant B's tree ----------------------------------
iot-sub --broker "$MQTT_URL" -u ingest --password-file ingest.pw -i iso-ingest -t 'i/#' -C 3 -W 60 > ingest.ndjson 2>ingest.err &
SUB_I=$!
wait_subscribed "$SUB_I" iso-ingest 'i/#' || fail "the ingest user's iot-sub did not subscribe"
reading "$B" "$AGENT_B" 1710844803000 b_own 4 | pub_as tenantB 2>/dev/null
rc=0; pub_as tenantA -m "$(reading "$B" "$AGENT_B" 1710844804000 forged 666)" 2>forged.err || rc=$?
# MQTT 3.1.1 has no way to refuse a PUBLISH: the broker acknowledges it and drops it.
reading "$B" "$AGENT_B" 1710844804500 forged 667 | pub_as tenantA -V 311 2>/dev/null
reading "$A" "$AGENT_A" 1710844805000 a_own 5 | pub_as tenantA 2>/dev/null
reading "$B" "$AGENT_B" 1710844806000 b_own 6 | pub_as tenantB 2>/dev/null
check "MQTT 5: the broker refused tenant A's publish into B's tree, and iot-pub said so" \
  grep -q "the broker refused message 1" forged.err
expect_eq "... exit 1: the one message given with -m was refused" 1 "$rc"
rc=0; wait "$SUB_I" || rc=$?
expect_eq "the ingest user's iot-sub: exit 0 after three messages" 0 "$rc"
start_redis  # the seed 001 registry publishes state and metrics: --notify
iot-ingest --db sqlite:t.db --registry "$IOT_SOURCE_DIR/examples/seed001-iotistica.toml" --notify "$REDIS_URL/" ingest.ndjson 2>ingest2.err \
  || fail "iot-ingest failed: $(cat ingest2.err)"
expect_eq "storage holds tenant B's own readings and tenant A's, nothing forged" \
  "b_own|fedcba987654|4.0 a_own|0123456789ab|5.0 b_own|fedcba987654|6.0" \
  "$(sqlite3 t.db "select metric, tenant, value from readings order by value" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "no reading of the forged metric" 0 "$(sqlite3 t.db "select count(*) from readings where metric = 'forged' or value in (666, 667)")"

# --- nobody gets in without a user -----------------------------------------------
rc=0; echo '{"v":1}' | iot-pub --broker "$MQTT_URL" --retries 1 -t "i/$A/a/$AGENT_A/endpoints/modbus" 2>anon.err || rc=$?
expect_eq "an anonymous publisher is refused: exit 69" 69 "$rc"
finish
