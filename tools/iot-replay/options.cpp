#include "iot-replay/options.hpp"

#include <chrono>
#include <cmath>

#include "iot-replay/filters.hpp"

namespace iot::replay {
namespace {

Error usage(std::string message) { return make_error(ErrorKind::usage, "usage", std::move(message)); }

// A topic template must render to a topic iot-pub can publish.
Status check_topic_template(const std::string& tpl) {
  if (tpl.empty()) return usage("--topic-template: empty");
  for (char c : tpl) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || c == '"' || c == '\\' || c == '+' || c == '#')
      return usage("--topic-template: no wildcards, quotes, backslashes or control characters");
  }
  return ok_status();
}

// --fast without start=: the fleet ends at the current second instead of
// starting there, so that nothing it writes is stamped in the future (an
// iot-verify downstream would count each such message as future_ts).
std::int64_t fast_fleet_start_ms(double duration_s) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  return now.count() * 1000 - static_cast<std::int64_t>(std::ceil(duration_s * 1000));
}

}  // namespace

void define_options(CLI::App& app, ReplayOptions& o) {
  app.add_option("files", o.files, "Recordings to play: NDJSON, .gz or .lz4 (sniffed); - is stdin; several are merged by time")->group("Input");
  app.add_option("--speed", o.speed, "Play at this multiple of the recorded pace (default 1)")->check(CLI::PositiveNumber)->group("Pacing");
  cli::add_rate(app, "--rate", o.rate, "Ignore timestamps: this many messages per second in total (N, N/s, N/m, N/h)")->group("Pacing");
  app.add_flag("--fast", o.fast, "No pacing: as fast as the reader takes them")->group("Pacing");
  app.add_option("--loop", o.loop, "Play the recordings N times (0: until interrupted)")->check(CLI::NonNegativeNumber)->group("Pacing");
  app.add_flag("--retime", o.retime, "Shift every timestamp so that the first message is now")->group("Output");
  app.add_flag("--new-ids", o.new_ids, "With --retime: give every message with a msg_id a fresh ULID")->group("Output");
  cli::add_time(app, "--since", o.since, "Only messages at or after this time (ISO 8601 or Unix s/ms/us/ns)")->group("Filters");
  cli::add_time(app, "--until", o.until, "Only messages before this time")->group("Filters");
  app.add_option("--device", o.devices, "Only this device (repeatable)")->group("Filters");
  app.add_option("--topic", o.topic_filters, "Only topics matching this MQTT filter (repeatable)")->group("Filters");
  app.add_option("--synthetic", o.synthetic_text,
                 "Generate a fleet: devices=N,rate=R,metrics=a:b,shape=nested|flat|signed,duration=S,seed=K,start=T")->group("Input");
  app.add_option("--inject", o.inject_text, "With --synthetic: faults dup=P,gap=P,reorder=P,corrupt=P,late=P; sensor faults stuck=P,spike=P,dead=P,hold=DURATION")->group("Input");
  app.add_option("--truth", o.truth_file, "With --inject: write the ground truth (JSON) to this file")->group("Input");
  app.add_option("--key-file", o.key_file, "HMAC key: signs shape=signed fleets, and signs again the payloads --retime changes")->group("Input");
  app.add_option("--topic-template", o.topic_template, "Topic of generated and database messages (default plant/{device_id}/telemetry)")->group("Output");
  app.add_option("--topic-prefix", o.topic_prefix, "Put P in front of every topic played (as written: add the '/')")->group("Output");
  app.add_option("--topic-rewrite", o.topic_rewrites,
                 "Rewrite topics: FROM=>TO, FROM an MQTT filter, {1} {2}... its wildcards: "
                 "'plant/+/#=>staging/{1}/{2}'; repeatable, the first match wins")->group("Output");
  app.add_option("--from-db", o.from_db, "Read stored readings back: sqlite:FILE or postgresql://...")->group("Input");
  app.add_option("--table", o.table, "With --from-db: the readings table (default readings)")->group("Input");
  app.add_option("--schema", o.schema, "With --from-db postgresql://: the schema of the table (default public)")->group("Input");
  app.add_option("--metric", o.metrics, "With --from-db: only this metric (repeatable)")->group("Input");
  app.add_flag("--no-progress", o.no_progress, "No progress bar even on a terminal")->group("Output");
  cli::add_log_options(app, o.log);
  cli::add_metrics_listen_option(app, o.log);
}

Status validate_options(ReplayOptions& o) {
  int sources = (!o.files.empty()) + (!o.synthetic_text.empty()) + (!o.from_db.empty());
  if (sources > 1) return usage("give one source: files, --synthetic or --from-db");
  if (o.new_ids && !o.retime) return usage("--new-ids needs --retime");
  if ((!o.inject_text.empty() || !o.truth_file.empty()) && o.synthetic_text.empty())
    return usage("--inject and --truth work with --synthetic");
  if (!o.truth_file.empty() && o.inject_text.empty()) o.inject = InjectSpec{};
  if (!o.synthetic_text.empty()) {
    auto spec = parse_fleet_spec(o.synthetic_text);
    if (!spec) return spec.error();
    o.fleet = *spec;
    if (!o.inject_text.empty()) {
      auto inject = parse_inject_spec(o.inject_text);
      if (!inject) return inject.error();
      o.inject = *inject;
    }
    if (o.fast && !o.fleet->start_ms) o.fleet->start_ms = fast_fleet_start_ms(o.fleet->duration_s);
    if (o.fleet->shape == FleetShape::signed_payload && o.key_file.empty())
      return usage("--synthetic shape=signed needs --key-file");
  }
  if (!o.key_file.empty()) {
    auto key = cli::read_secret_file(o.key_file);
    if (!key) return key.error();
    o.key = *key;
  }
  if (!o.metrics.empty() && o.from_db.empty()) return usage("--metric works with --from-db");
  if (!o.schema.empty() && !o.from_db.starts_with("postgres")) return usage("--schema works with --from-db postgresql://");
  if (has_filters(o) && !o.truth_file.empty())
    return usage("--truth describes the whole fleet: give it without --since/--until/--device/--topic");
  auto rewriter = topic::TopicRewriter::make(o.topic_prefix, o.topic_rewrites);
  if (!rewriter) return rewriter.error();
  o.rewriter = std::move(*rewriter);
  return check_topic_template(o.topic_template);
}

PaceOptions pace_options(const ReplayOptions& o) { return PaceOptions{o.fast, o.speed, o.rate.per_second}; }

}  // namespace iot::replay
