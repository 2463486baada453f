#include "iot-pub/options.hpp"

#include "telemetry/deadband.hpp"

namespace iot::pub {

void define_options(CLI::App& app, PubOptions& o) {
  cli::add_broker_options(app, o.broker);
  cli::add_log_options(app, o.log);
  cli::add_metrics_listen_option(app, o.log);
  const char* in = "Input";
  app.add_option("inputs", o.inputs, "NDJSON files of envelopes or bare payloads (default: stdin; - is stdin)")
      ->group(in);
  app.add_option("-m,--message", o.messages, "Publish this line (an envelope or a bare payload); repeatable")
      ->group(in);
  app.add_flag("--raw", o.raw,
                           "-m messages and input lines are payloads as they are (text or bytes), not JSON")
      ->group(in);
  auto* file = app.add_option("-f,--file", o.file, "Publish the whole FILE as one message, byte for byte")->group(in);
  auto* whole = app.add_flag("-s,--stdin-file", o.stdin_whole, "Publish all of stdin as one message")->group(in);
  auto* lines = app.add_flag("-l,--stdin-line", o.stdin_lines, "Publish each line of stdin as a message, as it is")
                    ->group(in);
  file->excludes(whole)->excludes(lines);
  whole->excludes(lines);
  app.add_option("--reject", o.reject_file, "Append reject records for bad input lines to this file")->group(in);
  const char* msg = "Messages";
  app.add_option("-t,--topic", o.topic_template,
                 "Topic template for bare payloads, filled from payload fields: plant/{device_id}/telemetry")
      ->group(msg);
  app.add_option("--topic-prefix", o.topic_prefix, "Put P in front of every topic (as written: add the '/')")
      ->group(msg);
  app.add_option("--topic-rewrite", o.topic_rewrites,
                 "Rewrite topics: FROM=>TO, FROM an MQTT filter, {1} {2}... its wildcards: "
                 "'plant/+/#=>staging/{1}/{2}'; repeatable, the first match wins")
      ->group(msg);
  app.add_option("--encode", o.encode, "Wire encoding: json, msgpack, zlib+json or zlib+msgpack")
      ->check(CLI::IsMember({"json", "msgpack", "zlib+json", "zlib+msgpack"}))->group(msg);
  app.add_option("--key-file", o.key_file, "Sign payloads with this HMAC key (the signed shape of iot-stream(5))")->group(msg);
  app.add_flag("--stamp", o.stamp, "Fill schema_version, msg_id (ULID), per-device seq and ts where missing")
      ->group(msg);
  app.add_option("--max-devices", o.max_devices,
                 "Devices whose last seq and deadband state are held in memory; past it the least recently seen is evicted")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}))->group(msg);
  app.add_flag("-r,--retain", o.retain, "Publish with the retain flag (an envelope's own retain wins)")->group(msg);
  const char* filter = "Deadband";
  app.add_option("--deadband", o.deadband,
                     "Send a reading only when it moved past the band around the last value sent for its device "
                     "and metric: GLOB=abs:X or GLOB=pct:P, 'temp_*=abs:0.2'; repeatable, the first match wins")
          ->type_name("SPEC")
          ->check(CLI::Validator(
              [](std::string& text) {
                auto rule = telemetry::parse_deadband_rule(text);
                return rule ? std::string() : rule.error().message;
              },
              "SPEC"))
          ->group(filter);
  app.add_option("--registry", o.registry,
                 "Registry (iot-registry(5)) whose routes' qos and deadband keys apply to messages on their topics")
      ->check(CLI::ExistingFile)->group(filter);
  cli::add_duration(app, "--heartbeat", o.heartbeat,
                    "With a deadband: send a reading at least this often even when unchanged (0: never)")
      ->group(filter);
  app.add_flag("--keep-seq", o.keep_seq,
               "With a deadband: keep the device's msg_id and seq; a message with every reading inside the band "
               "goes with an empty d")
      ->group(filter);
  const char* del = "Delivery";
  app.add_option("--outbox", o.outbox, "Durable outbox (SQLite): commit before sending, resend after a crash")
      ->group(del);
  app.add_option("--outbox-max", o.outbox_max, "Most messages the outbox holds (0: no cap)")->group(del);
  app.add_option("--outbox-full", o.outbox_full, "When the outbox is full: refuse (stop reading input) or drop-oldest")
      ->check(CLI::IsMember({"refuse", "drop-oldest"}))->group(del);
  cli::add_duration(app, "--commit-delay", o.commit_delay,
                    "With --outbox: how long a message read may wait for more input to share its commit")
      ->group(del);
  const char* rs = "Resend";
  cli::add_duration(app, "--keep", o.keep,
                    "Keep sent messages this long and send them again when a resend request asks (0: off)")
      ->capture_default_str()->group(rs);
  cli::add_rate(app, "--resend-rate", o.resend_rate, "Most messages per second sent again on request: N, N/s, N/m or N/h")
      ->capture_default_str()->group(rs);
  app.add_option("--resend-topic", o.resend_topic,
                 "Where resend requests come: a template over the topic's captures and {topic_prefix}")
      ->capture_default_str()->group(rs);
  app.add_option("--max-inflight", o.max_inflight, "Most unacknowledged messages handed to the broker")
      ->check(CLI::Range(1, 65535))->group(del);
  cli::add_rate(app, "--rate", o.rate, "Most messages per second in total: N, N/s, N/m or N/h")->group(del);
  app.add_option("--retries", o.retries, "Failed connection attempts in a row before giving up (0: never)")
      ->check(CLI::NonNegativeNumber)->group(del);
  cli::add_duration(app, "--connect-timeout", o.connect_timeout, "Time one connection attempt may take (TCP, TLS, CONNACK)")
      ->group(del);
  cli::add_duration(app, "--drain-timeout", o.drain_timeout,
                    "At the end of input, how long to wait for the last acknowledgements")->group(del);
}

}  // namespace iot::pub
