// The requesting side's options of the resend loop (iot-toolkit(7), RESEND
// ON GAP), shared by iot-ingest and iot-verify: one definition, one man
// fragment (man/fragments/resend-options).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "cli/options.hpp"
#include "cli/typed_values.hpp"
#include "core/result.hpp"
#include "mqtt/resend_requester.hpp"
#include "resend/resend_topic.hpp"
#include "resend/schedule.hpp"

namespace iot::cli {

struct ResendOptions {
  std::string url;                 // --resend mqtt://BROKER: on; empty: off
  Duration after{"10s"};           // --resend-after: a gap still open this long is asked for
  int tries = 5;                   // --resend-tries: requests per gap before it is lost for good
  std::string topic_template{resend::default_topic_template};  // --resend-topic
  bool enabled() const { return !url.empty(); }
};

void add_resend_options(CLI::App& app, ResendOptions& options);

// The schedule's settings from the options.
resend::ScheduleSettings schedule_settings(const ResendOptions& options);

// Checks the template and the URL (usage errors); nothing to do when off.
Status check_resend_options(const ResendOptions& options);

// Connects to --resend's broker: a session of its own (MQTT 5, client id
// "iot-<tool>-resend-..."), which never gives up reconnecting: the loop is
// an aid, its broker being away never ends the tool.
Result<std::unique_ptr<mqtt::ResendRequester>> start_requester(const ResendOptions& options, std::string_view tool);

}  // namespace iot::cli
