#!/usr/bin/env bash
# SQL injection against a real PostgreSQL: table and schema names, rollup
# periods and aggregate words that try it, from the command line or from a
# registry, are refused (exit 2, an error naming what is wrong) before
# anything is written; data that looks like SQL (device ids, tag values from
# topic levels) is stored verbatim.
source "$IOT_SOURCE_DIR/tests/lib/servers.sh"
start_postgres
cd "$TEST_TMP"
chmod 777 "$TEST_TMP"

psql -q -c "CREATE TABLE canary (x int); INSERT INTO canary VALUES (1)"
cat > in.ndjson <<'EOF'
{"topic":"plant/P-1/telemetry","payload":{"device_id":"P-1","ts":1710844800000,"seq":1,"d":{"t":{"v":1.5,"q":192}}}}
EOF
tables() { psql -Atc "select string_agg(schemaname || '.' || tablename, ' ' order by 1, 2) from pg_tables where schemaname not in ('pg_catalog','information_schema')"; }
before=$(tables)

refused() {  # refused NAME SAYS ARGS... : iot-ingest ARGS exits 2, its error names SAYS
  local name=$1 says=$2; shift 2
  local rc=0
  iot-ingest --db "$PG_URL" "$@" in.ndjson 2> err.log || rc=$?
  expect_eq "$name: exit 2" 2 "$rc"
  check "$name: the error says what is wrong" grep -qF -- "$says" err.log
}
bad_table='readings" (x int); DROP TABLE canary; --'
bad_schema="public\"; DROP TABLE canary; --"
refused "--table with DROP" "'x; DROP TABLE canary'" --table 'x; DROP TABLE canary'
refused "--table with a quote" "$bad_table" --table "$bad_table"
refused "--schema with DROP" "'iot; DROP TABLE canary'" --schema 'iot; DROP TABLE canary'
refused "--schema with a quote" "$bad_schema" --schema "$bad_schema"

cat > evil-table.toml <<'TOML'
[[route]]
pattern = "#"
table = "readings; DROP TABLE canary"
TOML
refused "registry table" 'bad table name "readings; DROP TABLE canary"' --registry evil-table.toml
check "registry error names the file and route" grep -q "evil-table.toml: route 1: table" err.log

cat > evil-rollup.toml <<'TOML'
[[route]]
pattern = "#"
[route.rollup]
every = "1m'; DROP TABLE canary; --"
aggregates = ["mean"]
TOML
refused "registry rollup period" "evil-rollup.toml: route 1: rollup" --registry evil-rollup.toml

cat > evil-agg.toml <<'TOML'
[[route]]
pattern = "#"
[route.rollup]
every = "1m"
aggregates = ["mean", "max(value)); DROP TABLE canary; --"]
TOML
refused "registry rollup aggregate" "evil-agg.toml: route 1: rollup.aggregates: not one of" --registry evil-agg.toml

expect_eq "canary table intact" 1 "$(psql -Atc 'select count(*) from canary')"
expect_eq "no table created by a refused run" "$before" "$(tables)"

# Data that looks like SQL is data: a device id and a tag value taken from
# the topic land exactly as sent.
cat > tags.toml <<'TOML'
[[route]]
pattern = "site/{site}/{dev}"
shape = "nested"
device = "{dev}"
[route.tags]
site = "{site}"
TOML
/usr/bin/python3 - <<'PY'
import json
site = "x'); DROP TABLE canary; --"
dev = "D'1\"; DELETE FROM readings"
with open("data.ndjson", "w") as f:
    f.write(json.dumps({"topic": f"site/{site}/{dev}", "payload": {"device_id": dev, "ts": 1710844800000, "seq": 1,
                        "d": {"t": {"v": 2.5, "q": 192}}}}) + "\n")
PY
rc=0
iot-ingest --db "$PG_URL" --registry tags.toml data.ndjson 2> data.log || rc=$?
expect_eq "SQL-looking data stored" 0 "$rc"
expect_eq "device id verbatim" "D'1\"; DELETE FROM readings" "$(psql -Atc 'select device_id from readings')"
expect_eq "tag value verbatim" "x'); DROP TABLE canary; --" "$(psql -Atc "select tags->>'site' from readings")"
expect_eq "canary still intact" 1 "$(psql -Atc 'select count(*) from canary')"

finish
