#include "iot-verify/options.hpp"

#include "core/duration.hpp"

#include <filesystem>
#include <system_error>

namespace iot::verify {
namespace {

// --report's optional value: a format, or the first input file when the
// format is left out (iot-verify(1), --report). Anything else ("xml") is a
// mistyped format, refused here rather than opened as a file.
CLI::Validator report_value() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (value.empty() || value == "text" || value == "json" || value == "-") return "";
        std::error_code ec;
        if (std::filesystem::exists(value, ec)) return "";
        return "\"" + value + "\" is not a report format (text or json) nor an input file";
      },
      "", "report format");
}

}  // namespace

void define_options(CLI::App& app, VerifyOptions& o) {
  app.add_option("inputs", o.inputs, "NDJSON files to check (.gz and .lz4 too); none or '-': stdin");
  app.add_flag("--filter", o.filter, "Pass good lines to stdout unchanged; bad ones go to --reject");
  o.report_option = app.add_option("--report", o.report, "Print a report: text (the default) or json")
                        ->expected(0, 1)
                        ->type_name("[text|json]")
                        ->check(report_value());
  app.add_option("--report-file", o.report_file, "Write the report to this file instead of stdout/stderr");
  app.add_option("--reject", o.reject_file, "Write each bad line, with its reason, to this NDJSON file");
  app.add_option("--key-file", o.key_file, "HMAC-SHA256 key file (the signed shape of iot-stream(5))");
  app.add_option("--registry", o.registry, "TOML registry: per-route shapes, device templates, key maps and keys");
  app.add_flag("--allow-unsigned", o.allow_unsigned, "With --key-file, accept messages that carry no signature");
  app.add_flag("--strict", o.strict, "Exit 1 on any finding (report) or any rejected line (filter)");
  app.add_option("--expect-count", o.expect_count, "Exit 1 unless exactly N lines were read");
  app.add_option("--expect", o.expect_file,
                 "Compare the report with this truth file (iot-replay --truth): exit 0 when they match, "
                 "else print the differences and exit 1");
  app.add_option("--max-gap", o.max_gap, "Exit 1 when more than N seqs are missing in total (default: no limit)");
  app.add_option("--max-future", o.max_future, "A message time later than now + this is a finding")->capture_default_str();
  app.add_option("--max-age", o.max_age, "A message time older than now - this is a finding")->capture_default_str();
  app.add_option("--max-drift", o.max_drift, "|meta.edge_latency_ms| above this is clock drift")->capture_default_str();
  app.add_option("--window", o.window, "msg_id duplicates are found among the last N distinct ids")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
  app.add_option("--max-devices", o.max_devices, "Devices tracked at once (least recently seen forgotten)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));
  app.add_option("--threads", o.threads, "1, or 2: verify HMACs on a second thread (same output and order)")
      ->capture_default_str()
      ->check(CLI::Range(1, 2));
  cli::add_log_options(app, o.log);
}

namespace {

Result<std::chrono::nanoseconds> duration_option(const char* name, const std::string& text) {
  auto d = parse_duration(text);
  if (!d) return make_error(ErrorKind::usage, "usage", std::string(name) + ": " + d.error().message);
  return d;
}

}  // namespace

Result<Settings> resolve(const VerifyOptions& o) {
  Settings s;
  s.inputs = o.inputs;
  s.filter = o.filter;
  // "--report FILE": CLI11 takes the next word as the optional value; a word
  // that is no format is an input file, and the format stays text.
  if (!o.report.empty() && o.report != "text" && o.report != "json") s.inputs.push_back(o.report);
  s.format = o.report == "json" ? ReportFormat::json : ReportFormat::text;
  s.want_report = (o.report_option && o.report_option->count() > 0) || !o.report.empty() || !o.report_file.empty() ||
                  (!o.filter && o.expect_file.empty());
  s.report_file = o.report_file;
  s.reject_file = o.reject_file;
  if (s.inputs.empty()) s.inputs.push_back("-");
  if (!o.key_file.empty()) {
    auto key = cli::read_secret_file(o.key_file);
    if (!key) return make_error(ErrorKind::usage, "usage", "--key-file: " + key.error().message);
    s.key = std::move(*key);
  }
  if (!o.registry.empty()) {
    auto registry = registry::Registry::load(o.registry);
    if (!registry) return make_error(ErrorKind::usage, "usage", "--registry: " + registry.error().message);
    s.registry = std::make_shared<const registry::Registry>(std::move(*registry));
  }
  s.allow_unsigned = o.allow_unsigned;
  s.strict = o.strict;
  s.expect_count = o.expect_count;
  s.expect_file = o.expect_file;
  s.max_gap = o.max_gap;
  auto future = duration_option("--max-future", o.max_future);
  if (!future) return future.error();
  auto age = duration_option("--max-age", o.max_age);
  if (!age) return age.error();
  auto drift = duration_option("--max-drift", o.max_drift);
  if (!drift) return drift.error();
  s.time_limits = {*future, *age, *drift};
  s.window = o.window;
  s.max_devices = o.max_devices;
  s.seq_limits.max_devices = o.max_devices;
  s.threads = o.threads;
  return s;
}

}  // namespace iot::verify
