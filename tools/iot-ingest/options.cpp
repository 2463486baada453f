#include "iot-ingest/options.hpp"

#include <unistd.h>

#include <algorithm>

#include "store/redis_client.hpp"
#include "telemetry/field_template.hpp"


namespace iot::ingest {
namespace {

// A Redis URL (either scheme), or one of `words` (--dedup: memory, off).
CLI::Validator redis_check(std::vector<std::string> words, std::string type) {
  return CLI::Validator(
      [words](std::string& v) -> std::string {
        if (store::is_redis_url(v) || std::find(words.begin(), words.end(), v) != words.end()) return {};
        std::string want;
        for (const auto& w : words) want += w + ", ";
        return "want " + want + "redis://host[:port]/ or redis+cluster://..., got " + v;
      },
      "", std::move(type));
}

}  // namespace

void define_options(CLI::App& app, IngestOptions& o) {
  app.add_option("inputs", o.inputs, "NDJSON files (.gz and .lz4 too); none or '-': stdin");
  const char* db = "Database";
  app.add_option("--db", o.db,
                 "sqlite:FILE, postgresql://[user@]host[:port]/db, influxdb://host[:port]/db, "
                 "influxdb2://host[:port]/org/bucket, line-protocol:FILE or "
                 "bigquery-files:DIR or pubsub://project/topic; "
                 "more than once: every reading into each")
      ->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)->default_str("sqlite:telemetry.db")->group(db);
  app.add_option("--schema", o.schema, "PostgreSQL schema for the tables (created when missing)")->group(db);
  app.add_option("--table", o.table, "Readings table (a registry route may name another)")
      ->capture_default_str()->group(db);
  app.add_option("--batch-size", o.batch_size, "Readings per transaction")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))->group(db);
  cli::add_duration(app, "--flush-interval", o.flush_interval, "Commit a partial batch after this long")
      ->capture_default_str()->group(db);
  cli::add_duration(app, "--retention", o.retention, "Retention of raw rows (e.g. 730d) where the registry sets none")
      ->group(db);
  cli::add_byte_size(app, "--rotate-size", o.rotate_size, "bigquery-files: publish a load file at this size")
      ->capture_default_str()->group(db);
  cli::add_duration(app, "--rotate-every", o.rotate_every, "bigquery-files: publish a load file at this age")
      ->capture_default_str()->group(db);
  app.add_option("--token-file", o.token_file, "influxdb2: file holding the API token")->group(db);
  app.add_flag("--no-rollups", o.no_rollups, "Do not create the readings_1m/1h/1d rollups")->group(db);
  app.add_flag("--refresh-rollups", o.refresh_rollups, "Apply retention and refresh the rollup views of every table, then exit")->group(db);
  const char* ps = "Pub/Sub";
  app.add_flag("--create", o.create, "Create the Pub/Sub topic when missing")->group(ps);
  app.add_option("--ordering-key", o.ordering_key, "Ordering key template, e.g. {site} (default: the site tag; '' none)")
      ->group(ps);
  cli::add_duration(app, "--batch-delay", o.batch_delay, "Publish a partial batch after this long")
      ->capture_default_str()->group(ps);
  const char* in = "Input";
  app.add_option("--registry", o.registry, "Registry TOML file: routes from topics to shape, device, tags, table")
      ->group(in);
  app.add_option("--key-file", o.key_file, "HMAC key: signed messages are verified before they are stored")->group(in);
  app.add_option("--count", o.count, "Stop after N input lines or stream entries")->group(in);
  cli::add_duration(app, "--idle", o.idle, "With --from: stop when no entry came for this long")->group(in);
  const char* en = "Enrichment";
  app.add_option("--devices", o.devices, "Device table: a CSV or NDJSON file, or table:NAME in --db; its columns are stored as tags")
      ->group(en);
  cli::add_duration(app, "--devices-reload", o.devices_reload, "Reload --devices table:NAME this often (0: on SIGHUP only)")
      ->capture_default_str()->group(en);
  app.add_flag("--require-known", o.require_known, "Reject readings of devices --devices does not list (reason unknown_device)")
      ->group(en);
  app.add_flag("--tag-sets", o.tag_sets,
               "SQLite, PostgreSQL: store each distinct tags object once, in TABLE_tag_sets; rows refer to it "
               "(read them through the view TABLE_tagged)")
      ->group(en);
  app.add_flag("--strict", o.strict, "Exit 1 when any line was rejected")->group(in);
  app.add_option("--max-devices", o.max_devices,
                 "Devices whose seq state is kept; past it the least recently seen is evicted")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))->group(in);
  const char* dd = "Dedup";
  app.add_option("--dedup", o.dedup, "memory, off, or redis://host:port (shared by several workers)")
      ->capture_default_str()->check(redis_check({"memory", "off"}, "DEDUP"))->group(dd);
  app.add_option("--dedup-window", o.dedup_window, "msg_ids remembered by the memory dedup")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))->group(dd);
  cli::add_duration(app, "--dedup-ttl", o.dedup_ttl, "How long Redis remembers a msg_id")->capture_default_str()->group(dd);
  const char* rs = "Redis Streams";
  app.add_option("--to-stream", o.to_stream, "Also XADD each line to redis://host:port/STREAM ({tenant} allowed)")
      ->group(rs);
  app.add_option("--notify", o.notify,
                 "Redis for the registry's channel (PUBLISH) and stream (XADD) routes: redis://host[:port]/")
      ->check(redis_check({}, "URL"))->group(rs);
  app.add_option("--stream-maxlen", o.stream_maxlen, "MAXLEN ~ for --to-stream")->capture_default_str()->group(rs);
  app.add_option("--from", o.from, "Read redis://host:port/STREAM with a consumer group instead of files")->group(rs);
  app.add_option("--group", o.group, "Consumer group for --from")->capture_default_str()->group(rs);
  app.add_option("--consumer", o.consumer, "Consumer name for --from (default: host-pid)")->group(rs);
  cli::add_duration(app, "--claim-idle", o.claim_idle, "Claim entries another consumer left pending this long")
      ->capture_default_str()->group(rs);
  app.add_option("--max-deliveries", o.max_deliveries, "Entries delivered more often go to the DLQ stream")
      ->capture_default_str()->check(CLI::Range(1, 1000))->group(rs);
  app.add_option("--dlq-stream", o.dlq_stream, "Dead-letter stream for --from (default STREAM:dlq)")->group(rs);
  const char* ft = "Faults";
  app.add_option("--dlq", o.dlq, "Write each line or reading that cannot be stored, with the reason (NDJSON)")
      ->group(ft);
  app.add_option("--ack-file", o.ack_file,
                 "After each commit, write here the journal position (jpos) up to which every line is stored or "
                 "rejected, for iot-sub --journal --ack-file")
      ->group(ft);
  app.add_option("--spool", o.spool, "Directory that holds batches while the database is away")->group(ft);
  app.add_option("--spool-max-mb", o.spool_max_mb, "Bound of the spool in MiB")->capture_default_str()->group(ft);
  cli::add_duration(app, "--retry-for", o.retry_for, "Without --spool: keep retrying an unreachable database this long; with --to-stream: an unreachable Redis")
      ->capture_default_str()->group(ft);
  cli::add_duration(app, "--drain-timeout", o.drain_timeout, "At the end, try this long to send what is spooled")
      ->capture_default_str()->group(ft);
  cli::add_resend_options(app, o.resend);
  cli::add_log_options(app, o.log);
  cli::add_metrics_listen_option(app, o.log);
}

DedupMode IngestOptions::dedup_mode() const {
  if (dedup == "off") return DedupMode::off;
  if (store::is_redis_url(dedup)) return DedupMode::redis;
  return DedupMode::memory;
}

namespace {

// --registry over the defaults that --key-file, --table, --retention and
// --no-rollups give; the registry file is read and checked here, once.
Status resolve_routes(IngestOptions& o) {
  registry::RouteDefaults defaults;
  if (!o.key_file.empty()) {
    auto key = cli::read_secret_file(o.key_file);
    if (!key) return make_error(ErrorKind::usage, "usage", "--key-file: " + key.error().message);
    defaults.key = std::move(*key);
  }
  defaults.table = o.table;
  if (o.ordering_key) {
    if (auto st = telemetry::check_template(*o.ordering_key); !st)
      return make_error(ErrorKind::usage, "usage", "--ordering-key: " + st.error().message);
    defaults.ordering_key = o.ordering_key;
  }
  if (o.retention) defaults.plan.retention = registry::whole_seconds(o.retention->value);
  if (o.no_rollups) defaults.plan.rollups.clear();
  std::optional<registry::Registry> routes;
  if (!o.registry.empty()) {
    auto loaded = registry::Registry::load(o.registry);
    if (!loaded) return loaded.error();
    routes = std::move(*loaded);
  }
  // A route that publishes or streams needs the Redis to do it on.
  if (routes && o.notify.empty())
    for (const auto& r : routes->routes())
      if (!r.channel.empty() || !r.stream.empty())
        return make_error(ErrorKind::usage, "usage",
                          routes->source() + ": route " + std::to_string(r.index) + ": " +
                              (r.channel.empty() ? "stream" : "channel") + " needs --notify redis://HOST[:PORT]/");
  o.routes = std::make_shared<const registry::RouteEngine>(std::move(defaults), std::move(routes));
  return ok_status();
}

}  // namespace

Status resolve(IngestOptions& o) {
  if (!o.from.empty() && !o.inputs.empty())
    return make_error(ErrorKind::usage, "usage", "--from reads a Redis stream: give no input files with it");
  if (!o.from.empty() && !o.ack_file.empty())
    return make_error(ErrorKind::usage, "usage",
                      "--ack-file acknowledges the positions of piped lines; --from entries are acknowledged by XACK");
  if (o.inputs.empty()) o.inputs = {"-"};
  if (o.db.empty()) o.db = {"sqlite:telemetry.db"};
  for (std::size_t i = 0; i < o.db.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (o.db[i] == o.db[j]) return make_error(ErrorKind::usage, "usage", "--db names the same database twice");
  if (auto st = cli::check_resend_options(o.resend); !st) return st;
  if (o.require_known && o.devices.empty())
    return make_error(ErrorKind::usage, "usage", "--require-known needs --devices");
  const bool sql_db = std::any_of(o.db.begin(), o.db.end(), [](const std::string& url) {
    return url.rfind("sqlite:", 0) == 0 || url.rfind("postgres", 0) == 0;
  });
  if (o.tag_sets && !sql_db)
    return make_error(ErrorKind::usage, "usage",
                      "--tag-sets stores tags in a table of SQLite or PostgreSQL: give a --db of either");
  // table:NAME is read from the first --db.
  if (o.devices.rfind("table:", 0) == 0 && o.db.front().rfind("sqlite:", 0) != 0 &&
      o.db.front().rfind("postgres", 0) != 0)
    return make_error(ErrorKind::usage, "usage", "--devices table:NAME needs the first --db to be sqlite:FILE or postgresql://...");
  if (o.consumer.empty()) {
    char host[256] = "host";
    gethostname(host, sizeof host - 1);
    o.consumer = std::string(host) + "-" + std::to_string(getpid());
  }
  // Pub/Sub publishes like Google's clients: a partial batch waits at most --batch-delay.
  if (std::any_of(o.db.begin(), o.db.end(), [](const std::string& url) { return url.rfind("pubsub://", 0) == 0; }) &&
       o.batch_delay.value < o.flush_interval.value) o.flush_interval = o.batch_delay;
  if (!o.token_file.empty()) {
    auto token = cli::read_secret_file(o.token_file);
    if (!token) return make_error(ErrorKind::usage, "usage", "--token-file: " + token.error().message);
    o.token = std::move(*token);
  }
  return resolve_routes(o);
}

}  // namespace iot::ingest
