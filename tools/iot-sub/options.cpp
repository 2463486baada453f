#include "iot-sub/options.hpp"

namespace iot::sub {

void define_options(CLI::App& app, SubOptions& o) {
  cli::add_broker_options(app, o.broker);
  cli::add_log_options(app, o.log);
  cli::add_metrics_listen_option(app, o.log);
  const char* s = "Subscription";
  app.add_option("-t,--topic", o.filters, "Topic filter to subscribe to; repeatable")->group(s);
  app.add_option("--registry", o.registry,
                 "Registry (iot-registry(5)): subscribe to every route's filter at the route's QoS")->group(s);
  app.add_option("--share", o.share, "Shared subscription group: subscribes to $share/GROUP/FILTER (MQTT 5)")
      ->group(s);
  app.add_option("--session", o.session,
                 "Persistent session NAME (client id NAME, clean start off): the broker keeps QoS >= 1 "
                 "messages while iot-sub is down")->group(s);
  cli::add_duration(app, "--session-expiry", o.session_expiry, "How long the broker keeps the --session (MQTT 5)")
      ->capture_default_str()->group(s);
  auto* retained_only =
      app.add_flag("--retained-only", o.retained_only, "Print retained messages only; stop at the first live one")
          ->group(s);
  app.add_flag("--no-retained", o.no_retained, "Skip retained messages")->group(s)->excludes(retained_only);
  app.add_option("--retries", o.retries, "Failed connection attempts in a row before giving up (0: never)")
      ->check(CLI::NonNegativeNumber)->group(s);
  cli::add_duration(app, "--connect-timeout", o.connect_timeout, "Time one connection attempt may take")
      ->capture_default_str()->group(s);
  const char* e = "Ending";
  app.add_option("-C,--count", o.count, "Stop after N messages")->group(e);
  cli::add_duration(app, "--idle", o.idle, "Stop when no message arrived for this long (5s, 2m)")->group(e);
  cli::add_duration(app, "-W,--timeout", o.timeout, "Stop after this long in total")->group(e);
  const char* out = "Output";
  app.add_option("--pattern", o.pattern, "Topic pattern whose captures fill \"fields\": i/{tenant:b64hex}/...")
      ->group(out);
  app.add_option("--dict", o.dict_file, "Key-compaction dictionary (JSON: {\"0\": \"name\", ...}) to expand keys")
      ->group(out);
  auto* pretty = app.add_flag("-v,--pretty", o.pretty,
                              "Human output even to a pipe: time, topic and payload (JSON pretty-printed), "
                              "as a terminal gets it")->group(out);
  auto* format = app.add_option("-F,--format", o.format,
                                "Write each message as FORMAT: %t topic, %p payload, %v payload for a person, "
                                "%j envelope, %I time, %q %r %l %m %x %U %C %% and \\n \\t (see the man page)")
                     ->group(out);
  auto* ndjson = app.add_flag("--ndjson", o.ndjson, "NDJSON envelopes even to a terminal")->group(out);
  app.add_option("--color", o.color, "Colour the human output: auto (a terminal, unless NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))->capture_default_str()->group(out);
  auto* payload_only =
      app.add_flag("--payload-only", o.payload_only, "Print only the decoded payload of each message")->group(out);
  auto* raw = app.add_flag("--raw", o.raw, "Do not decode: every payload as payload_b64")->group(out);
  auto* journal = app.add_option("--journal", o.journal,
                                 "Append each message to this file and fsync it before acknowledging; a restart "
                                 "prints what it holds first")->group(out);
  auto* ack_file = app.add_option("--ack-file", o.ack_file,
                                  "With --journal: the file iot-ingest --ack-file writes; the journal forgets only "
                                  "what it acknowledges, and a restart prints only what it does not")
                       ->group(out)->needs(journal)->excludes(payload_only);
  // The envelope options shape NDJSON lines: not with the human output or a format.
  for (auto* human : {pretty, format})
    human->excludes(ndjson)->excludes(payload_only)->excludes(raw)->excludes(journal)->excludes(ack_file);
  pretty->excludes(format);
}

}  // namespace iot::sub
