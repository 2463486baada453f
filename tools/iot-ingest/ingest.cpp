#include "iot-ingest/ingest.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "core/log.hpp"
#include "cli/metrics.hpp"
#include "cli/metrics_server.hpp"
#include "cli/options.hpp"
#include "cli/run.hpp"
#include "core/exit_codes.hpp"
#include "core/file_io.hpp"
#include "iot-ingest/device_source.hpp"
#include "iot-ingest/ingestor.hpp"
#include "iot-ingest/line_feed.hpp"
#include "iot-ingest/options.hpp"
#include "store/sink.hpp"
#include "store/sink_fan_out.hpp"
#include "telemetry/field_template.hpp"

namespace iot::ingest {
namespace {

using cli::must;

using Clock = std::chrono::steady_clock;

// Everything opened from the settings; owned here for the length of the run.
struct Wiring {
  std::unique_ptr<store::SinkFanOut> sinks;  // one lane per --db
  std::unique_ptr<stream::RejectSink> dlq;
  std::unique_ptr<store::RedisDedup> redis_dedup;
  std::unique_ptr<store::RedisStreamWriter> stream_writer;
  std::string stream_template;
  std::unique_ptr<store::RedisNotifier> notifier;  // --notify
  std::unique_ptr<devices::DeviceDirectory> devices;
  std::unique_ptr<mqtt::ResendRequester> resend;  // --resend
};

std::unique_ptr<store::RedisClient> redis_connect(const std::string& url, std::string* path) {
  auto parsed = must(store::parse_redis_url(url));
  if (path) *path = parsed.path;
  return must(store::RedisClient::connect(parsed));
}

store::SinkOptions sink_options(const IngestOptions& s) {
  store::SinkOptions o;
  o.schema = s.schema;
  o.table = s.table;
  o.create = s.create;
  o.rotate_bytes = s.rotate_size.bytes;
  o.rotate_every = s.rotate_every.as<std::chrono::milliseconds>();
  o.key_window = s.dedup_window;
  o.token = s.token;
  o.sync_every_commit = !s.ack_file.empty();
  o.tag_sets = s.tag_sets;
  std::vector<std::string> warnings;
  o.plans = s.routes->table_plans(&warnings);
  for (const auto& w : warnings) log::warn("{}", w);
  const bool postgres = std::any_of(s.db.begin(), s.db.end(), [](const std::string& url) {
    return url.rfind("postgres", 0) == 0;
  });
  if (postgres && o.plans.any_median())
    log::info("rollups with median: with TimescaleDB they are materialized views refreshed by --refresh-rollups, "
              "not continuous aggregates (which cannot hold percentile_cont)");
  return o;
}

// The spool folder of each --db: --spool itself for one database, a
// subfolder named after the database when there are several (iot-ingest(1), --spool).
std::vector<std::string> spool_dirs(const IngestOptions& s) {
  std::vector<std::string> dirs;
  for (const auto& url : s.db) {
    if (s.spool.empty()) dirs.emplace_back();
    else if (s.db.size() == 1) dirs.push_back(s.spool);
    else dirs.push_back(s.spool + "/" + store::spool_folder_name(url));
  }
  for (std::size_t i = 0; i < dirs.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (!dirs[i].empty() && dirs[i] == dirs[j])
        cli::fail(make_error(ErrorKind::usage, "usage",
                             fmt::format("two --db share the spool folder {}: name them apart", dirs[i])));
  return dirs;
}

store::SinkLane open_lane(const IngestOptions& s, const std::string& url, const std::string& spool_dir,
                          const store::SinkOptions& options) {
  store::SinkLane lane;
  lane.name = store::public_sink_name(url);
  lane.sink = must(store::open_sink(url, options));
  auto schema = lane.sink->ensure_schema();
  const std::string who = s.db.size() > 1 ? lane.name + ": " : "";
  if (!schema) {
    // With a spool, a database that is away at start is an outage like any other.
    if (schema.error().kind != ErrorKind::unavailable || spool_dir.empty()) {
      Error e = schema.error();
      e.message = who + e.message;
      cli::fail(e);
    }
    log::warn("{}{}; spooling to {} until it is back", who, schema.error().message, spool_dir);
  } else if (auto note = lane.sink->setup_note(); !note.empty()) {
    log::info("{}{}", who, note);
  }
  // Several databases: --spool is the parent of their folders.
  if (!spool_dir.empty() && spool_dir != s.spool && !make_directories(s.spool, 0700))
    cli::fail(make_error(ErrorKind::io, "spool_io", "cannot create spool " + s.spool));
  if (!spool_dir.empty()) lane.spool = must(spool::Spool::open(spool_dir, {s.spool_max_bytes(), 1'000'000}));
  lane.writer = std::make_unique<store::ResilientWriter>(*lane.sink, lane.spool.get(), store::CircuitBreaker::Options{},
                                                         s.retry_for.as<std::chrono::milliseconds>());
  lane.writer->on_state_change = [who](bool open, const std::string& why) {
    if (open)
      log::warn("{}circuit open: database unavailable ({})", who, why);
    else
      log::info("{}circuit closed: {}", who, why);
  };
  if (lane.spool && !lane.spool->empty())
    log::info("spool {} holds {} batches from an earlier run: sending them first", spool_dir, lane.spool->size());
  return lane;
}

void open_databases(const IngestOptions& s, Wiring& w) {
  store::SinkOptions options = sink_options(s);
  auto dirs = spool_dirs(s);
  std::vector<store::SinkLane> lanes;
  for (std::size_t i = 0; i < s.db.size(); ++i) lanes.push_back(open_lane(s, s.db[i], dirs[i], options));
  w.sinks = std::make_unique<store::SinkFanOut>(std::move(lanes));
}

Wiring open_everything(const IngestOptions& s) {
  Wiring w;
  open_databases(s, w);
  w.devices = must(open_devices(s));
  if (s.resend.enabled()) w.resend = must(cli::start_requester(s.resend, "ingest"));
  w.dlq = s.dlq.empty() ? std::make_unique<stream::RejectSink>() : must(stream::RejectSink::open(s.dlq));
  if (s.dedup_mode() == DedupMode::redis)
    w.redis_dedup = std::make_unique<store::RedisDedup>(redis_connect(s.dedup, nullptr),
                                                           std::max<std::int64_t>(1, s.dedup_ttl.as<std::chrono::seconds>().count()));
  if (!s.to_stream.empty()) {
    auto client = redis_connect(s.to_stream, &w.stream_template);
    if (w.stream_template.empty())
      cli::fail(make_error(ErrorKind::usage, "usage", "--to-stream needs a stream name: redis://host:port/STREAM"));
    if (auto st = telemetry::check_template(w.stream_template); !st)
      cli::fail(make_error(ErrorKind::usage, "usage", "--to-stream: " + st.error().message));
    w.stream_writer = std::make_unique<store::RedisStreamWriter>(std::move(client), s.stream_maxlen);
  }
  if (!s.notify.empty()) w.notifier = std::make_unique<store::RedisNotifier>(redis_connect(s.notify, nullptr));
  return w;
}

void flush_or_fail(Ingestor& ingestor) {
  if (auto st = ingestor.flush(); !st) cli::fail(st.error());
}

void flush_and_wait_or_fail(Ingestor& ingestor) {
  if (auto st = ingestor.flush_and_wait(); !st) cli::fail(st.error());
}

// stdin / files: a reader thread feeds lines; batches are committed when
// full or when the flush interval passes, each while the next one is read.
void ingest_files(const IngestOptions& s, Ingestor& ingestor) {
  LineFeed feed(s.inputs);
  std::vector<FedLine> lines;
  auto tick = s.flush_interval.as<std::chrono::milliseconds>() / 4 +
              std::chrono::milliseconds(1);
  std::uint64_t seen = 0;
  bool more = true;
  while (more && !cli::interrupted()) {
    lines.clear();
    more = feed.wait(lines, std::min(tick, std::chrono::milliseconds(250)));
    for (auto& line : lines) {
      ingestor.accept(line.text, line.too_long, line.source);
      if (ingestor.batch_full()) flush_or_fail(ingestor);
      if (s.count && ++seen >= *s.count) {
        more = false;
        break;
      }
    }
    if (ingestor.due(Clock::now())) flush_or_fail(ingestor);
    if (lines.empty()) ingestor.drain_spools_while_idle(Clock::now());
    ingestor.poll_resend();
  }
  flush_and_wait_or_fail(ingestor);
  if (auto e = feed.error()) cli::fail(*e);
}

// --from redis://.../STREAM: consumer group; XACK after commit (or spool).
void ingest_stream(const IngestOptions& s, Ingestor& ingestor, Stats& stats) {
  std::string stream;
  auto client = redis_connect(s.from, &stream);
  if (stream.empty()) cli::fail(make_error(ErrorKind::usage, "usage", "--from needs redis://host:port/STREAM"));
  store::StreamReaderOptions o;
  o.stream = stream;
  o.group = s.group;
  o.consumer = s.consumer;
  o.dlq_stream = s.dlq_stream;
  o.claim_idle = s.claim_idle.as<std::chrono::milliseconds>();
  o.max_deliveries = s.max_deliveries;
  o.count = static_cast<int>(std::min<std::size_t>(s.batch_size, 5000));
  o.block_ms = 200;
  auto reader = must(store::RedisStreamReader::open(std::move(client), o));
  std::uint64_t seen = 0;
  auto last_entry = Clock::now();
  auto commit = [&] {  // waits: entries are acknowledged only once their rows are committed
    flush_and_wait_or_fail(ingestor);
    auto ids = ingestor.take_acks();
    if (auto st = reader->ack(ids); !st) cli::fail(st.error());
    stats.acked += ids.size();
  };
  while (!cli::interrupted()) {
    auto entries = must(reader->read());
    for (auto& e : entries) {
      ingestor.accept(e.data, false, "redis:" + stream + "/" + e.id);
      ingestor.acknowledge_after_flush(e.id);
      ++seen;
      if (ingestor.batch_full()) commit();
    }
    if (!entries.empty()) last_entry = Clock::now();
    if (ingestor.due(Clock::now()) || entries.empty()) commit();
    if (entries.empty()) ingestor.drain_spools_while_idle(Clock::now());
    ingestor.poll_resend();
    if (s.count && seen >= *s.count) break;
    if (s.idle && Clock::now() - last_entry >= s.idle->value) break;
  }
  commit();
  stats.dead_lettered = reader->dead_lettered();
}

int finish(const IngestOptions& s, Wiring& w, Ingestor& ingestor, Clock::time_point started) {
  Stats& stats = ingestor.stats();
  if (w.devices) {
    stats.enriching = true;
    stats.devices_reloads = w.devices->reloads();
    stats.devices_failed_reloads = w.devices->failed_reloads();
  }
  int code = exit_code::ok;
  std::uint64_t still_spooled = 0;
  // Each database drains its own spool; the worst of them sets the exit code.
  for (std::size_t i = 0; i < w.sinks->size(); ++i) {
    auto& lane = w.sinks->lane(i);
    if (!lane.spool || lane.spool->empty()) continue;
    const std::string who = w.sinks->size() > 1 ? lane.name + ": " : "";
    auto drained = lane.writer->drain(Clock::now() + s.drain_timeout.value);
    if (drained) {
      ingestor.count_drained(i, *drained);
    } else {
      log::error("{}spool: {}", who, drained.error().message);
    }
    if (!lane.spool->empty()) {
      log::error("{}{} batches remain spooled in {}: run again to send them", who, lane.spool->size(),
                 lane.spool->dir());
      still_spooled += lane.spool->size();
      code = exit_code::temp_fail;
    }
  }
  ingestor.poll_resend();  // the last counts; what is still asked for stays open (its gap rows unfilled)
  if (w.resend) w.resend->stop();
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  log::info("{}", summary_text(stats, seconds));
  if (!s.log.metrics_file.empty()) {
    cli::Metrics metrics("iot_ingest");
    fill_metrics(stats, metrics);
    metrics.set("spool_batches", static_cast<double>(still_spooled), "Batches still spooled");
    if (auto st = metrics.write_file(s.log.metrics_file); !st) log::error("{}", st.error().message);
  }
  if (code != exit_code::ok) return code;
  if (cli::interrupted()) return exit_code::interrupted;
  if (s.strict && stats.rejects > 0) return exit_code::problems;
  return exit_code::ok;
}

int run_ingest(const IngestOptions& s) {
  auto started = Clock::now();
  if (s.refresh_rollups) {
    auto options = sink_options(s);
    for (const auto& url : s.db) {
      auto sink = must(store::open_sink(url, options));
      if (auto st = sink->ensure_schema(); !st) cli::fail(st.error());
      if (auto st = sink->refresh_rollups(); !st) cli::fail(st.error());
    }
    log::info("rollups refreshed");
    return exit_code::ok;
  }
  Wiring w = open_everything(s);
  // Alarms and kind records are stored only when every --db can hold them (SQLite, PostgreSQL).
  bool holds_records = true;
  for (std::size_t i = 0; i < w.sinks->size(); ++i) holds_records = holds_records && w.sinks->lane(i).sink->holds_records();
  Ingestor ingestor(s, Outputs{w.sinks.get(), w.dlq.get(), w.redis_dedup.get(), w.stream_writer.get(),
                            w.stream_template, w.devices.get(), holds_records, w.notifier.get(), w.resend.get()});
  auto server = cli::serve_metrics(s.log.metrics_listen, {[&ingestor] {
                                                            cli::Metrics m("iot_ingest");
                                                            fill_metrics(ingestor.stats(), m);
                                                            return m.render();
                                                          },
                                                          [&w] {
                                                            bool open = false;  // any --db's breaker
                                                            for (std::size_t i = 0; i < w.sinks->size(); ++i)
                                                              open = open || w.sinks->lane(i).writer->breaker_open();
                                                            return cli::database_health(open);
                                                          }});
  if (s.from.empty())
    ingest_files(s, ingestor);
  else
    ingest_stream(s, ingestor, ingestor.stats());
  return finish(s, w, ingestor, started);
}

}  // namespace

int run(int argc, char** argv) {
  IngestOptions options;
  return cli::run_tool(
      {"ingest", "Write telemetry readings into SQLite, PostgreSQL/TimescaleDB, InfluxDB, Google Cloud Pub/Sub, BigQuery load files or Redis Streams",
       "iot-sub -t 'plant/#' | iot-ingest --db sqlite:telemetry.db\n"
       "iot-ingest --db postgresql:///telemetry --registry fleet.toml --spool /var/spool/iot capture.ndjson.lz4\n"
       "iot-ingest --from redis://localhost/telemetry --group g --consumer w1 --db postgresql:///telemetry\n"
       "iot-ingest --db influxdb://localhost:8086/telemetry --registry fleet.toml --spool /var/spool/iot\n"
       "iot-ingest --db sqlite:local.db --db postgresql:///telemetry --spool /var/spool/iot\n"
       "iot-ingest --db pubsub://my-project/kpi-events --registry plant.toml --spool /var/spool/iot"}, argc, argv,
      [&](CLI::App& app) { define_options(app, options); },
      [&] {
        if (auto st = resolve(options); !st) cli::fail(st.error());
        return run_ingest(options);
      });
}

}  // namespace iot::ingest
