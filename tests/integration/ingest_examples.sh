#!/usr/bin/env bash
# The example registries of examples/ (seeds 000 and 001; 002 and 003 are in
# ingest_sqlite.sh) against a real PostgreSQL: what landed is what was sent
# (Python recounts it), tags and captured columns are filled, the declared
# rollups exist, and the registries load without a warning.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_postgres
start_redis  # seed 001's state and log routes need --notify
cd "$TEST_TMP"
chmod 777 "$TEST_TMP"
EX=$IOT_SOURCE_DIR/examples

/usr/bin/python3 - <<'PY'
import base64, json, uuid
nested, flat, agents = open("seed000.ndjson", "w"), open("seed000-flat.ndjson", "w"), open("seed001.ndjson", "w")
sent = {}
for i in range(40):
    dev = f"P-{i % 4:03d}"; ts = 1773916800000 + i * 1000
    d = {"temp_inlet_c": {"v": 20 + i / 4, "q": 192}, "pressure_bar": {"v": 4.5, "q": 68 if i % 7 == 0 else 192}}
    nested.write(json.dumps({"topic": f"plant/{dev}/telemetry", "payload": {"schema_version": "2.1", "msg_id": f"m{i}",
                 "device_id": dev, "ts": ts, "seq": i // 4 + 1, "d": d}}) + "\n")
    for m, r in d.items(): sent[(dev, m, ts)] = (r["v"], r["q"])
    # the flat shape on the flat route: short keys by the key map
    flat.write(json.dumps({"topic": f"plant/F-{i % 2}/flat", "payload": {"v": "2.1", "id": f"F-{i % 2}", "t": ts,
               "ti": 30 + i, "p": 1.25}}) + "\n")
    sent[(f"F-{i % 2}", "temp_inlet_c", ts)] = (30 + i, 192); sent[(f"F-{i % 2}", "pressure_bar", ts)] = (1.25, 192)
tenant_hex = "0a1b2c3d4e5f"
tenant_b64 = base64.urlsafe_b64encode(bytes.fromhex(tenant_hex)).decode().rstrip("=")
agent = uuid.UUID("5b8f2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b")
agent_b64 = base64.urlsafe_b64encode(agent.bytes).decode().rstrip("=")
for i in range(10):
    ts = 1773916800000 + i * 1000
    agents.write(json.dumps({"topic": f"i/{tenant_b64}/a/{agent_b64}/endpoints/modbus",
                 "payload": {"device_id": "ignored", "ts": ts, "d": {"rpm": {"v": 1000 + i, "q": "good"}}}}) + "\n")
    sent[(str(agent), "rpm", ts)] = (1000 + i, 192)
json.dump({f"{k[0]}|{k[1]}|{k[2]}": v for k, v in sent.items()}, open("sent.json", "w"))
PY

iot-ingest --db "$PG_URL" --registry "$EX/seed000-pumps.toml" seed000.ndjson seed000-flat.ndjson 2> s0.log
check "seed000-pumps.toml loads without a warning" bash -c "! grep -q warning s0.log"
iot-ingest --db "$PG_URL" --registry "$EX/seed001-iotistica.toml" --notify "$REDIS_URL/" seed001.ndjson 2> s1.log
check "seed001-iotistica.toml loads without a warning" bash -c "! grep -q warning s1.log"
PGTZ=UTC psql -AtF'|' -c "select device_id, metric, (extract(epoch from time) * 1000)::bigint, value, quality from readings" > landed.txt
/usr/bin/python3 - <<'PY' > compare.txt
import json
sent = json.load(open("sent.json"))
landed = {}
for line in open("landed.txt"):
    dev, m, ts, v, q = line.strip().split("|")
    landed[f"{dev}|{m}|{ts}"] = [float(v), int(q)]
diff = [k for k in sent if landed.get(k) != [float(sent[k][0]), sent[k][1]]]
print(len(sent), len(landed), len(diff), diff[:3])
PY
expect_eq "every reading of both registries landed as sent (sent, landed, differences)" "170 170 0 []" "$(cat compare.txt)"
expect_eq "pumps: the route's tag" '{"plant": "detroit"}|80' \
  "$(psql -Atc "select tags, count(*) from readings where device_id like 'P-%' group by tags")"
expect_eq "agents: tenant and protocol from the decoded topic" "0a1b2c3d4e5f|modbus|10" \
  "$(psql -Atc "select tenant, protocol, count(*) from readings where metric = 'rpm' group by 1, 2")"
expect_eq "the rollups the two registries declare for readings" "readings_1h readings_1m" \
  "$(psql -Atc "select matviewname from pg_matviews where matviewname like 'readings%' order by 1" | tr '\n' ' ' | sed 's/ $//')"
# Seed 002's environments as --config files (LOCAL, DEV, PRD). Relative
# paths in them are relative to where iot-ingest runs: examples/ is linked here.
ln -s "$EX" examples
/usr/bin/python3 -c '
import json
for i in range(30):
    print(json.dumps({"topic": "FCTS/FAE/S%d/SolvExtract/FI-10%d" % (i % 3, i % 5), "payload": {"site_code": "S%d" % (i % 3),
          "sensor_id": "sens-%d" % (i % 5), "timestamp": "2026-03-19T10:40:%02d.000Z" % i, "value": 1.5 + i}}))' > kpi.ndjson
iot-ingest --config examples/config/seed002-local.toml < kpi.ndjson > local.lp 2> local.log
expect_eq "LOCAL: every reading on standard output as line protocol" 30 "$(grep -c '^kpi_readings,device_id=sens-' local.lp)"
check "LOCAL: the site as a tag" grep -q '^kpi_readings,device_id=sens-1,quality=192,site=S1 FI-101=2.5' local.lp
check "LOCAL: nothing but the summary on stderr" bash -c "! grep -qv 'rows written' local.log"
/usr/bin/python3 - > envs.txt <<'PY'
import tomllib
for env in ("dev", "prd"):
    c = tomllib.load(open(f"examples/config/seed002-{env}.toml", "rb"))
    schemes = sorted(d.split(":")[0] for d in c["db"])
    print(env, " ".join(schemes), c["registry"])
PY
expect_eq "DEV and PRD: Pub/Sub and BigQuery load files, the KPI registry" \
  "dev bigquery-files pubsub examples/seed002-kpi.toml
prd bigquery-files pubsub examples/seed002-kpi.toml" "$(cat envs.txt)"
# Every other key of DEV and PRD is a valid option: the files load with --db
# (and the paths) given on the command line, which wins over --config;
# ingest_pubsub.sh runs DEV as shipped against the Pub/Sub emulator.
for env in dev prd; do
  iot-ingest --config "examples/config/seed002-$env.toml" --db "bigquery-files:bq-$env" --spool "spool-$env" \
    --dlq "dlq-$env.ndjson" kpi.ndjson 2> "$env.log"
  expect_eq "$env: loads and writes every reading to its load files" 30 "$(cat bq-$env/kpi_readings/*.ndjson | wc -l)"
done
finish
