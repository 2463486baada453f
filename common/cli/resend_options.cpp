#include "cli/resend_options.hpp"

#include "cli/broker_config.hpp"
#include "telemetry/field_template.hpp"

namespace iot::cli {

void add_resend_options(CLI::App& app, ResendOptions& o) {
  const char* g = "Resend";
  app.add_option("--resend", o.url, "Ask the publisher for the seqs of a gap again over this broker: mqtt://[user@]host[:port]")
      ->group(g);
  add_duration(app, "--resend-after", o.after, "Ask for a gap still open this long")->capture_default_str()->group(g);
  app.add_option("--resend-tries", o.tries, "Requests per gap (with backoff) before it is lost for good")
      ->capture_default_str()->check(CLI::Range(1, 100))->group(g);
  app.add_option("--resend-topic", o.topic_template,
                 "Where requests go: a template over the topic's captures and {topic_prefix}")
      ->capture_default_str()->group(g);
}

resend::ScheduleSettings schedule_settings(const ResendOptions& o) {
  resend::ScheduleSettings s;
  s.after = o.after.value;
  s.tries = o.tries;
  // The wait between requests grows from --resend-after up to 6 times it
  // (at least a minute), so slow publishers are not hammered.
  s.max_delay = std::max<std::chrono::nanoseconds>(o.after.value * 6, std::chrono::seconds(60));
  return s;
}

Status check_resend_options(const ResendOptions& o) {
  if (!o.enabled()) return ok_status();
  if (auto st = telemetry::check_template(o.topic_template); !st)
    return make_error(ErrorKind::usage, "usage", "--resend-topic: " + st.error().message);
  if (o.after.value.count() <= 0) return make_error(ErrorKind::usage, "usage", "--resend-after must be above 0");
  BrokerOptions b;
  b.url = o.url;
  if (auto ep = resolve_broker(b); !ep) return make_error(ErrorKind::usage, "usage", "--resend: " + ep.error().message);
  return ok_status();
}

Result<std::unique_ptr<mqtt::ResendRequester>> start_requester(const ResendOptions& o, std::string_view tool) {
  BrokerOptions b;
  b.url = o.url;
  auto config = session_config_from(b, std::string(tool) + "-resend");
  if (!config) return config.error();
  config->retries = 0;
  return mqtt::ResendRequester::start(std::move(*config), schedule_settings(o));
}

}  // namespace iot::cli
