#include "iot-verify/verify.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <optional>

#include "checks/timestamp_checks.hpp"
#include "core/log.hpp"
#include "cli/metrics.hpp"
#include "cli/metrics_server.hpp"
#include "cli/run.hpp"
#include "core/exit_codes.hpp"
#include "stream/ack_file.hpp"
#include "stream/line_reader.hpp"
#include "stream/line_writer.hpp"
#include "stream/reject.hpp"
#include "iot-verify/alarms.hpp"
#include "iot-verify/checker.hpp"
#include "iot-verify/decision.hpp"
#include "iot-verify/expectation.hpp"
#include "iot-verify/options.hpp"
#include "iot-verify/pipeline.hpp"
#include "iot-verify/report.hpp"

namespace iot::verify {
namespace {

// Where the good lines (--filter) and the bad ones (--reject) go.
struct Outputs {
  std::unique_ptr<stream::LineWriter> passed;  // stdout with --filter
  std::unique_ptr<stream::RejectSink> rejects;
  std::unique_ptr<stream::LineWriter> alarm_file;  // --alarms
  std::unique_ptr<AlarmStage> alarms;              // --rules
  std::unique_ptr<mqtt::ResendRequester> resend;   // --resend
};

// --resend: the gaps the last line opened or changed go to the requester,
// whose due requests go out as lines come; gaps given up are noted in the
// --reject file (reason gap_lost).
Status feed_resend(LineChecker& checker, Outputs& out) {
  for (const auto& g : checker.take_gap_events())
    if (g.event.kind != checks::GapEventKind::opened || !g.resend_topic.empty())
      out.resend->on_gap_event(g.event, g.resend_topic);
  for (const auto& lost : out.resend->poll()) {
    std::string ranges;
    for (const auto& r : lost.missing) ranges += fmt::format("{}{}..{}", ranges.empty() ? "" : ", ", r.from, r.to);
    const char* why = lost.why == resend::LostWhy::gone        ? "the publisher no longer holds them"
                      : lost.why == resend::LostWhy::no_answer ? "no answer to --resend-tries requests"
                                                               : "more open gaps than can be followed";
    auto st = out.rejects->note("gap_lost", fmt::format("device {} seqs {} lost for good: {}", lost.device_id, ranges, why),
                                "resend", "");
    if (!st) return st;
  }
  return ok_status();
}

Outputs open_outputs(const VerifyOptions& s) {
  Outputs out;
  // Gathered, and written whenever the input has no whole line waiting
  // (check_inputs' idle handler): a live pipe sees each line before the
  // next one comes, a stream flowing flat out goes in large writes.
  if (s.filter) out.passed = std::make_unique<stream::LineWriter>(STDOUT_FILENO, false);
  if (!s.reject_file.empty()) {
    auto r = stream::RejectSink::open(s.reject_file);
    if (!r) cli::fail(r.error());
    out.rejects = std::move(*r);
  } else {
    out.rejects = std::make_unique<stream::RejectSink>();
  }
  if (s.rules) {
    stream::LineWriter* target = out.passed.get();
    if (!s.alarms_file.empty()) {
      auto w = stream::LineWriter::open(s.alarms_file, /*append=*/true);
      if (!w) cli::fail(w.error());
      out.alarm_file = std::move(*w);
      target = out.alarm_file.get();
    }
    auto renderer = rules::AlarmRenderer::create(s.alarm_topic);
    if (!renderer) cli::fail(renderer.error());
    out.alarms = std::make_unique<AlarmStage>(*s.rules, std::move(*renderer), *target, s.live);
  }
  return out;
}

CheckerConfig checker_config(const VerifyOptions& s) {
  CheckerConfig c;
  c.key = s.key;
  c.allow_unsigned = s.allow_unsigned;
  c.time_limits = s.time_limits;
  c.seq_limits = s.seq_limits;
  c.window = s.window;
  c.max_devices = s.max_devices;
  c.registry = s.registry;
  c.keep_readings = s.rules.has_value();
  if (s.resend.enabled()) c.resend_topic_template = s.resend.topic_template;
  return c;
}

// Reads every input through the checker; false when reading or writing failed.
bool check_inputs(const VerifyOptions& s, LineChecker& checker, Outputs& out) {
  bool written_ok = true;
  // A reject goes to disk before the next passed line that carries a journal
  // position goes out: once a later stage acknowledges that position
  // (iot-ingest --ack-file), the journal forgets the rejected line too, so its
  // record must be kept by then. Streams without positions pay nothing.
  bool rejects_unsynced = false;
  ReadPlan plan;
  plan.inputs = s.inputs;
  plan.threads = s.threads;
  plan.adaptive = s.threads_adaptive;
  auto make_analyzer = [&] { return std::make_unique<LineAnalyzer>(checker.routes(), checker.config()); };
  auto prefetch = [&](const LineAnalysis& analysis) { checker.prefetch(analysis); };
  bool read_ok = read_inputs(plan, make_analyzer, prefetch, [&](const stream::Line& line, LineAnalysis* analysis) {
    // With --live the watchdog writes alarms too: one line (and its alarms) at a time.
    std::unique_lock<std::mutex> guard;
    if (out.alarms && s.live) guard = std::unique_lock(out.alarms->lock());
    const std::int64_t now = checks::TimestampChecks::now_ns();
    Verdict v = analysis ? checker.apply(*analysis, now) : checker.check(line.text, line.too_long, now);
    Status written = ok_status();
    if (v.ok) {
      if (out.passed && rejects_unsynced && stream::journal_position(line.text) != 0) {
        written = out.rejects->sync();
        rejects_unsynced = false;
      }
      if (out.passed && written) written = out.passed->write_line(line.text);
      if (written && out.alarms) written = out.alarms->observe(checker.messages());
    } else {
      written = out.rejects->reject(v.reason, v.detail, fmt::format("{}:{}", line.source, line.number), line.text);
      rejects_unsynced = true;
    }
    if (written && out.resend) written = feed_resend(checker, out);
    if (!written) {
      log::error("{}", written.error().message);
      written_ok = false;
    }
    return written_ok;
  }, [&] {
    if (!out.passed || !written_ok) return written_ok;
    std::unique_lock<std::mutex> guard;  // the --live watchdog writes alarms into the same output
    if (out.alarms && s.live) guard = std::unique_lock(out.alarms->lock());
    if (auto st = out.passed->flush(); !st) {
      log::error("{}", st.error().message);
      written_ok = false;
    }
    return written_ok;
  });
  return read_ok && written_ok;
}

// The report, to --report-file, else stdout (stderr with --filter, whose
// stdout carries the lines). The JSON report is written as it is made.
Status write_report(const VerifyOptions& s, const Stats& stats) {
  std::unique_ptr<stream::LineWriter> file;
  if (!s.report_file.empty()) {
    auto w = stream::LineWriter::open(s.report_file);
    if (!w) return w.error();
    file = std::move(*w);
  } else {
    file = std::make_unique<stream::LineWriter>(s.filter ? 2 : 1, false);
  }
  Status written = ok_status();
  auto sink = [&](std::string_view piece) {
    written = file->write_part(piece);
    return static_cast<bool>(written);
  };
  if (s.format == ReportFormat::json) write_json(stats, report_devices_for(s.report_devices, stats.devices.size()), sink);
  else sink(render_text(stats));
  if (!written) return written;
  return file->flush();
}

cli::Metrics metrics_of(const Stats& stats, std::uint64_t raised, std::uint64_t cleared) {
  const Counters& t = stats.totals;
  cli::Metrics m("iot_verify");
  m.add("lines_total", double(t.total), "Lines read");
  m.add("valid_total", double(t.valid), "Valid lines");
  m.add("invalid_total", double(t.invalid), "Invalid lines (rejected by --filter)");
  m.add("bad_json_total", double(t.bad_json), "Lines that are not JSON objects or too long");
  m.add("bad_signature_total", double(t.bad_signature), "Lines with a forged, malformed or missing HMAC");
  m.add("schema_errors_total", double(t.schema_errors), "Lines with a schema error");
  m.add("duplicates_total", double(t.duplicates), "Lines whose msg_id was seen before");
  m.add("gap_events_total", double(t.gap_events), "Sequence gaps opened");
  m.set("missing_seqs", double(t.missing), "Seqs still missing");
  m.add("reordered_total", double(t.reordered), "Messages with a seq below the device's last");
  m.add("future_ts_total", double(t.future_ts), "Messages timed in the future");
  m.add("stale_ts_total", double(t.stale_ts), "Messages older than --max-age");
  m.add("clock_drift_total", double(t.clock_drift), "Messages with |edge_latency_ms| over --max-drift");
  m.add("alarms_raised_total", double(raised), "Alarms raised by --rules");
  m.add("alarms_cleared_total", double(cleared), "Alarms cleared by --rules");
  m.set("tracked_devices", double(stats.devices.size()), "Devices tracked at the end (at most --max-devices)");
  m.add("evicted_devices_total", double(stats.devices.evicted()),
        "Devices forgotten, least recently seen first, to stay under --max-devices");
  return m;
}

// --expect: says what differs from the truth file (each line once, at most
// a screenful), or that the report matches it. True when it matches.
bool report_expectation(const Expectation& expected, const Stats& stats) {
  auto diff = differences(expected, stats);
  if (diff.empty()) {
    log::info("the report matches {} ({} lines, {} invalid, {} gaps)", expected.path, stats.totals.total,
              stats.totals.invalid, stats.totals.gap_events);
    return true;
  }
  constexpr std::size_t kShown = 20;
  log::error("the report differs from {} in {} place(s):", expected.path, diff.size());
  for (std::size_t i = 0; i < diff.size() && i < kShown; ++i) log::error("  {}", diff[i]);
  if (diff.size() > kShown) log::error("  ... and {} more", diff.size() - kShown);
  return false;
}

int execute(VerifyOptions& options) {
  if (auto st = resolve(options); !st) cli::fail(st.error());
  const VerifyOptions& s = options;
  Outputs out = open_outputs(s);
  if (s.resend.enabled()) {
    auto requester = cli::start_requester(s.resend, "verify");
    if (!requester) cli::fail(requester.error());
    out.resend = std::move(*requester);
  }
  LineChecker checker(checker_config(s));
  auto server =
      cli::serve_metrics(s.log.metrics_listen, {[&checker, &out] {
                                  std::uint64_t raised = out.alarms ? out.alarms->raised() : 0;
                                  std::uint64_t cleared = out.alarms ? out.alarms->cleared() : 0;
                                  return metrics_of(checker.stats(), raised, cleared).render();
                                },
                                {}});
  bool io_ok = check_inputs(s, checker, out);
  server.reset();
  if (out.resend) {
    if (auto st = feed_resend(checker, out); !st) log::error("{}", st.error().message);
    out.resend->stop();
    const auto& c = out.resend->counters();
    log::info("resend: {} requests, {} resent, {} healed, {} lost ({} gone), {} still asked for", c.requests, c.resent,
              c.healed, c.lost, c.gone, out.resend->open_gaps());
  }
  if (out.alarms) {
    if (auto st = out.alarms->finish(); !st) {
      log::error("--alarms: {}", st.error().message);
      io_ok = false;
    }
    log::info("alarms: {} raised, {} cleared", out.alarms->raised(), out.alarms->cleared());
    if (out.alarms->untracked())
      log::warn("--rules: {} readings of devices or metrics beyond the first {} were not evaluated",
                out.alarms->untracked(), rules::Evaluator::default_max_series);
  }
  if (out.alarm_file) {
    if (auto st = out.alarm_file->flush(); !st) io_ok = false;
  }
  if (out.passed) {
    if (auto st = out.passed->flush(); !st) io_ok = false;
  }
  if (auto st = out.rejects->flush(); !st) {
    log::error("{}", st.error().message);
    io_ok = false;
  }
  const Stats& stats = checker.stats();
  if (s.want_report) {
    if (auto st = write_report(s, stats); !st) {
      log::error("{}", st.error().message);
      io_ok = false;
    }
  }
  if (!options.log.metrics_file.empty()) {
    std::uint64_t raised = out.alarms ? out.alarms->raised() : 0, cleared = out.alarms ? out.alarms->cleared() : 0;
    if (auto st = metrics_of(stats, raised, cleared).write_file(options.log.metrics_file); !st)
      log::warn("{}", st.error().message);
  }
  if (stats.devices.evicted())
    log::info("{} devices evicted past --max-devices {} (their lines are in the totals only)",
              stats.devices.evicted(), stats.devices.max_devices());
  Decision d = decide(s, stats.totals);
  for (const auto& why : d.reasons) log::info("{}", why);
  if (!s.expect_file.empty()) {
    auto expected = load_expectation(s.expect_file);
    if (!expected) cli::fail(expected.error());
    if (!report_expectation(*expected, stats)) d.code = exit_code::problems;
  }
  if (!io_ok) return exit_code::io_error;
  if (cli::interrupted()) return exit_code::interrupted;
  return d.code;
}

}  // namespace

int run(int argc, char** argv) {
  VerifyOptions options;
  return cli::run_tool({"verify", "Check a telemetry stream: signatures, schema, duplicates, gaps, timestamps",
                        "iot-verify --key-file site.key --report text capture.ndjson.lz4\n"
                        "iot-sub -t 'plant/#' | iot-verify --filter --reject bad.ndjson | iot-ingest\n"
                        "iot-replay --synthetic devices=10,duration=60 --inject gap=0.01 --truth t.json --fast "
                        "| iot-verify --expect t.json\n"
                        "iot-sub -t 'plant/#' | iot-verify --filter --rules rules.toml --live | iot-pub --outbox o.db"},
                       argc, argv, [&](CLI::App& app) { define_options(app, options); },
                       [&] { return execute(options); });
}

}  // namespace iot::verify
