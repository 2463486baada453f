// iot-verify's options (man page iot-verify(1)), parsed once into typed values.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checks/sequence_tracker.hpp"
#include "checks/timestamp_checks.hpp"
#include "cli/options.hpp"
#include "cli/resend_options.hpp"
#include "cli/typed_values.hpp"
#include "core/result.hpp"
#include "registry/registry.hpp"
#include "iot-verify/report.hpp"
#include "rules/rule.hpp"

namespace iot::verify {

// rules::default_alarm_topic, spelt here so options.hpp needs the rule types only.
inline constexpr const char* rules_default_alarm_topic = "alarms/{device_id}/{rule}/{check}";

enum class ReportFormat { text, json };

// Every option, typed as the command line is parsed (the limits are
// cli::Duration), plus what resolve() derives from them before the run.
struct VerifyOptions {
  std::vector<std::string> inputs;  // files; none: stdin ("-" after resolve())
  bool filter = false;
  std::string report;               // "", "text" or "json" (--report with no value: text)
  const CLI::Option* report_option = nullptr;  // set by define_options: was --report given?
  std::string report_file;          // empty: stdout (report mode) or stderr (with --filter)
  std::string report_devices_word;  // --report-devices: "", all, problems or none
  std::string reject_file;
  std::string key_file;
  std::string registry_file;        // --registry
  bool allow_unsigned = false;
  bool strict = false;
  std::optional<std::uint64_t> expect_count;
  // --expect: the truth decides the exit status. Read once the input is
  // done, so that iot-replay --truth FILE | iot-verify --expect FILE sees
  // the file iot-replay writes as it ends.
  std::string expect_file;
  std::optional<std::uint64_t> max_gap;
  cli::Duration max_future{"300s"}, max_age{"24h"}, max_drift{"10s"};
  std::size_t window = 1'000'000;
  std::size_t max_devices = 1'000'000;  // Stats::default_max_devices (iot-verify(1), Resource use)
  // --threads: workers that analyze lines (pipeline.hpp); 0 until resolve()
  // sets it to the cores this process may run on, adaptive then (workers
  // only once one thread does not keep up with a piped input).
  int threads = 0;
  bool threads_adaptive = false;
  std::string rules_file;   // --rules: alarms (iot-rules(5))
  std::string alarms_file;  // --alarms: alarm envelopes here, not into the --filter output
  std::string alarm_topic{rules_default_alarm_topic};  // --alarm-topic
  bool live = false;        // --live: silence by the wall clock
  cli::ResendOptions resend;  // --resend, --resend-after, --resend-tries, --resend-topic
  cli::LogOptions log;

  // Filled by resolve():
  bool want_report = false;
  ReportFormat format = ReportFormat::text;
  std::optional<ReportDevices> report_devices;         // unset: by the fleet's size (report.hpp)
  std::optional<std::string> key;                      // the secret, when --key-file
  std::shared_ptr<const registry::Registry> registry;  // when --registry
  checks::TimestampLimits time_limits;
  checks::SequenceLimits seq_limits;
  std::optional<rules::RuleSet> rules;                 // when --rules
};

// Adds every option of iot-verify to app, bound to options.
void define_options(CLI::App& app, VerifyOptions& options);

// Reads the key and registry files and fills what the options imply.
// Fails with kind usage on a bad value.
Status resolve(VerifyOptions& options);

}  // namespace iot::verify
