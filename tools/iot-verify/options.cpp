#include "iot-verify/options.hpp"


#include <sched.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "rules/alarm_envelope.hpp"
#include "rules/rules_file.hpp"
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

constexpr int max_threads = 256;

// The cores this process may run on (taskset, cpusets), at least 1.
int available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

Status usage(std::string message) { return make_error(ErrorKind::usage, "usage", std::move(message)); }

// --rules and the options that only mean something with it.
Status resolve_rules(VerifyOptions& o) {
  if (o.rules_file.empty()) {
    if (!o.alarms_file.empty() || o.alarm_topic != rules::default_alarm_topic || o.live)
      return usage("--alarms, --alarm-topic and --live work with --rules");
    return ok_status();
  }
  if (o.alarms_file.empty() && !o.filter)
    return usage("--rules: give --filter (alarms go into the output with the data) or --alarms FILE");
  if (o.alarms_file == "-")
    return usage("--alarms: give a file; with --filter the alarms go to standard output with the data");
  if (auto renderer = rules::AlarmRenderer::create(o.alarm_topic); !renderer) return renderer.error();
  auto set = rules::load_rules(o.rules_file);
  if (!set) return usage("--rules: " + set.error().message);
  o.rules = std::move(*set);
  return ok_status();
}

}  // namespace

void define_options(CLI::App& app, VerifyOptions& o) {
  app.add_option("inputs", o.inputs, "NDJSON files to check (.gz and .lz4 too); none or '-': stdin")->group("Input");
  app.add_flag("--filter", o.filter, "Pass good lines to stdout unchanged; bad ones go to --reject")->group("Output");
  o.report_option = app.add_option("--report", o.report, "Print a report: text (the default) or json")
                        ->expected(0, 1)
                        ->type_name("[text|json]")
                        ->check(report_value())->group("Output");
  app.add_option("--report-devices", o.report_devices_word,
                 "Devices in the JSON report: all, problems or none (default: all up to 10000 devices, "
                 "then problems)")
      ->check(CLI::IsMember({"all", "problems", "none"}))
      ->type_name("all|problems|none")->group("Output");
  app.add_option("--report-file", o.report_file, "Write the report to this file instead of stdout/stderr")->group("Output");
  app.add_option("--reject", o.reject_file, "Write each bad line, with its reason, to this NDJSON file")->group("Output");
  app.add_option("--key-file", o.key_file, "HMAC-SHA256 key file (the signed shape of iot-stream(5))")->group("Input");
  app.add_option("--registry", o.registry_file, "TOML registry: per-route shapes, device templates, key maps and keys")->group("Input");
  app.add_flag("--allow-unsigned", o.allow_unsigned, "With --key-file, accept messages that carry no signature")->group("Input");
  app.add_flag("--strict", o.strict, "Exit 1 on any finding (report) or any rejected line (filter)")->group("Checks");
  app.add_option("--expect-count", o.expect_count, "Exit 1 unless exactly N lines were read")->group("Checks");
  app.add_option("--expect", o.expect_file,
                 "Compare the report with this truth file (iot-replay --truth): exit 0 when they match, "
                 "else print the differences and exit 1")->group("Checks");
  app.add_option("--max-gap", o.max_gap, "Exit 1 when more than N seqs are missing in total (default: no limit)")->group("Checks");
  cli::add_duration(app, "--max-future", o.max_future, "A message time later than now + this is a finding")->capture_default_str()->group("Checks");
  cli::add_duration(app, "--max-age", o.max_age, "A message time older than now - this is a finding")->capture_default_str()->group("Checks");
  cli::add_duration(app, "--max-drift", o.max_drift, "|meta.edge_latency_ms| above this is clock drift")->capture_default_str()->group("Checks");
  app.add_option("--window", o.window, "msg_id duplicates are found among the last N distinct ids")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))->group("Checks");
  app.add_option("--max-devices", o.max_devices, "Devices tracked at once; past it the least recently seen is evicted")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))->group("Checks");
  app.add_option("--threads", o.threads,
                 "Worker threads for parsing and signatures (default: the cores available, from a pipe once one "
                 "thread does not keep up; 1: one thread); same output, same order")
      ->check(CLI::Range(1, max_threads))->group("Checks");
  app.add_option("--rules", o.rules_file,
                 "TOML rules (iot-rules(5)): raise and clear alarms on range, stuck, rate, silence, bad quality")
      ->group("Alarms");
  app.add_option("--alarms", o.alarms_file,
                 "With --rules: write the alarm envelopes to this file (default: into the --filter output)")
      ->group("Alarms");
  app.add_option("--alarm-topic", o.alarm_topic,
                 "With --rules: the alarms' topic template ({device_id}, {metric}, {rule}, {check}, {state})")
      ->capture_default_str()
      ->group("Alarms");
  app.add_flag("--live", o.live, "With --rules: silence is judged by the wall clock (a watchdog), not the stream's")
      ->group("Alarms");
  cli::add_resend_options(app, o.resend);
  cli::add_log_options(app, o.log);
  cli::add_metrics_listen_option(app, o.log);
}

Status resolve(VerifyOptions& o) {
  // "--report FILE": CLI11 takes the next word as the optional value; a word
  // that is no format is an input file, and the format stays text.
  if (!o.report.empty() && o.report != "text" && o.report != "json") {
    o.inputs.push_back(o.report);
    o.report = "text";
  }
  o.format = o.report == "json" ? ReportFormat::json : ReportFormat::text;
  if (o.report_devices_word == "all") o.report_devices = ReportDevices::all;
  else if (o.report_devices_word == "problems") o.report_devices = ReportDevices::problems;
  else if (o.report_devices_word == "none") o.report_devices = ReportDevices::none;
  o.want_report = (o.report_option && o.report_option->count() > 0) || !o.report.empty() ||
                  !o.report_file.empty() || (!o.filter && o.expect_file.empty());
  if (o.inputs.empty()) o.inputs.push_back("-");
  if (!o.key_file.empty()) {
    auto key = cli::read_secret_file(o.key_file);
    if (!key) return make_error(ErrorKind::usage, "usage", "--key-file: " + key.error().message);
    o.key = std::move(*key);
  }
  if (!o.registry_file.empty()) {
    auto registry = registry::Registry::load(o.registry_file);
    if (!registry) return make_error(ErrorKind::usage, "usage", "--registry: " + registry.error().message);
    o.registry = std::make_shared<const registry::Registry>(std::move(*registry));
  }
  if (auto st = resolve_rules(o); !st) return st;
  if (auto st = cli::check_resend_options(o.resend); !st) return st;
  if (o.threads == 0) {
    o.threads = std::min(available_cores(), max_threads);
    o.threads_adaptive = true;
  }
  o.time_limits = {o.max_future.value, o.max_age.value, o.max_drift.value};
  o.seq_limits.max_devices = o.max_devices;
  return ok_status();
}

}  // namespace iot::verify
