#include "iot-pub/pub.hpp"

#include <optional>

#include "core/log.hpp"
#include "cli/metrics.hpp"
#include "cli/metrics_server.hpp"
#include "cli/run.hpp"
#include "core/duration.hpp"
#include "core/exit_codes.hpp"
#include "iot-pub/options.hpp"
#include "iot-pub/publisher.hpp"
#include "iot-pub/resend_responder.hpp"
#include "iot-pub/session_setup.hpp"
#include "registry/registry.hpp"
#include "telemetry/deadband.hpp"

namespace iot::pub {
namespace {

Error usage(std::string message) { return make_error(ErrorKind::usage, "usage", std::move(message)); }

// -f, -s, -l and --raw (iot-pub(1) "RAW PAYLOADS"): how the input is read.
Result<InputKind> input_kind(const PubOptions& o) {
  bool whole = !o.file.empty() || o.stdin_whole;
  if ((whole || o.stdin_lines) && (!o.messages.empty() || !o.inputs.empty()))
    return usage("-f, -s and -l are the message source: give them without -m or input files");
  if (!whole && !o.stdin_lines && !o.raw) return InputKind::ndjson;
  if (!o.stamp && o.key_file.empty() && o.encode.empty() && o.deadband.empty() && o.registry.empty())
    return whole ? InputKind::whole : InputKind::raw_lines;
  return usage("--stamp, --key-file, --encode, --deadband and --registry work on JSON payloads, not with --raw, -f, -s or -l");
}

std::vector<std::string> input_paths(const PubOptions& o) {
  if (!o.file.empty()) return {o.file};
  if (o.stdin_whole || o.stdin_lines) return {"-"};
  return o.inputs;
}

Result<BuildSettings> build_settings(const PubOptions& o, InputKind kind) {
  BuildSettings s;
  if (!o.topic_template.empty()) {
    auto t = topic::TopicTemplate::parse(o.topic_template);
    if (!t) return make_error(ErrorKind::usage, "usage", "-t: " + t.error().message);
    s.topic_template = std::move(*t);
  }
  if (kind != InputKind::ndjson && (!s.topic_template || !s.topic_template->is_fixed()))
    return usage("--raw, -f, -s and -l need -t TOPIC, a fixed topic (a raw payload has no fields for {name})");
  auto rewriter = topic::TopicRewriter::make(o.topic_prefix, o.topic_rewrites);
  if (!rewriter) return rewriter.error();
  s.rewriter = std::move(*rewriter);
  if (!o.encode.empty()) s.encode = codec::parse_encoding(o.encode);
  if (!o.key_file.empty()) {
    auto key = cli::read_secret_file(o.key_file);
    if (!key) return key.error();
    s.key = std::move(*key);
  }
  s.stamp = o.stamp;
  for (const auto& spec : o.deadband) s.deadband.push_back(*telemetry::parse_deadband_rule(spec));  // checked when parsed
  s.heartbeat_ns = o.heartbeat.value.count();
  s.max_devices = o.max_devices;
  s.keep_seq = o.keep_seq;
  bool any_deadband = !s.deadband.empty();
  if (!o.registry.empty()) {
    auto registry = registry::Registry::load(o.registry);
    if (!registry) return registry.error();
    for (const auto& route : registry->routes()) {
      s.routes.push_back({route.pattern, route.deadband, route.qos});
      any_deadband = any_deadband || !route.deadband.empty();
    }
  }
  if (!any_deadband && (o.keep_seq || o.heartbeat.value.count() > 0))
    return usage("--heartbeat and --keep-seq need a deadband (--deadband, or a deadband key in --registry)");
  s.qos = o.broker.qos;
  s.retain = o.retain;
  s.v5 = o.broker.protocol == 5;
  return s;
}

Result<std::unique_ptr<spool::Outbox>> open_outbox(const PubOptions& o) {
  spool::OutboxOptions opts;
  opts.max_messages = o.outbox_max;
  opts.full = o.outbox_full == "drop-oldest" ? spool::OutboxFullPolicy::drop_oldest : spool::OutboxFullPolicy::refuse;
  opts.max_devices = o.max_devices;
  if (o.outbox.empty()) {
    // No durability asked: the same queue in memory, capped so that a broker
    // outage stops the reading instead of growing memory.
    if (!opts.max_messages) opts.max_messages = 10000;
    opts.full = spool::OutboxFullPolicy::refuse;
    return spool::Outbox::open(":memory:", opts);
  }
  return spool::Outbox::open(o.outbox, opts);
}

cli::Metrics metrics_of(const PublisherCounters& c, const MessageBuilder& builder) {
  cli::Metrics m("iot_pub");
  m.set("lines_read_total", double(c.read), "Input lines read");
  m.set("published_total", double(c.published), "Messages handed to the broker");
  m.set("acknowledged_total", double(c.acknowledged), "Messages the broker acknowledged (QoS 0: sent)");
  m.set("retried_total", double(c.retried), "Messages sent again after a reconnect");
  m.set("rejected_total", double(c.rejected), "Lines refused (reject records)");
  m.set("dropped_total", double(c.dropped), "Messages dropped from a full outbox");
  m.set("outbox_disk_full_total", double(c.disk_full),
        "Times the outbox's disk was full (input paused until a commit fitted)");
  m.set("evicted_devices_total", double(c.evicted_devices + builder.evicted_devices()),
        "Devices whose last seq or deadband state was forgotten to stay under --max-devices");
  m.set("suppressed_total", double(builder.suppressed_readings()), "Readings --deadband held back");
  m.set("suppressed_messages_total", double(builder.suppressed_messages()),
        "Messages --deadband held back whole (nothing left to send)");
  return m;
}

void print_summary(const PublisherCounters& c, const MessageBuilder& builder, const spool::Outbox& outbox,
                   const std::string& metrics_file, bool deadband, const ResponderCounters* resend) {
  // Held entries were never written to the file: they go with the process.
  const std::uint64_t in_file = outbox.pending() > outbox.held_entries() ? outbox.pending() - outbox.held_entries() : 0;
  log::info("published {}, acknowledged {}, retried {}, rejected {}, dropped {}, in outbox {}", c.published,
            c.acknowledged, c.retried, c.rejected, c.dropped, in_file);
  if (c.disk_full) log::info("the outbox's disk was full {} time(s); input waited each time", c.disk_full);
  if (c.evicted_devices)
    log::info("{} device(s) evicted past --max-devices (their last seq forgotten{})", c.evicted_devices,
              outbox.durable() ? ", read again from the outbox when they come back" : ": they count from 1 again");
  if (deadband)
    log::info("deadband: suppressed {} reading(s); {} message(s) had nothing left to send",
              builder.suppressed_readings(), builder.suppressed_messages());
  if (builder.evicted_devices())
    log::info("{} device(s) evicted from the deadband state past --max-devices (their next reading is sent as "
              "their first)",
              builder.evicted_devices());
  if (metrics_file.empty()) return;
  cli::Metrics m = metrics_of(c, builder);
  m.set("outbox_pending", double(in_file), "Messages still in the outbox");
  if (resend) {
    m.set("resend_requests_total", double(resend->requests), "Resend requests answered (--keep)");
    m.set("resent_total", double(resend->resent), "Messages sent again on request");
    m.set("resend_gone_total", double(resend->gone), "Gone notices sent");
    m.set("resend_refused_total", double(resend->refused), "Resend requests refused (bad, or over the queue)");
  }
  if (auto st = m.write_file(metrics_file); !st) log::warn("{}", st.error().message);
}

int publish(const PubOptions& o) {
  auto kind = input_kind(o);
  if (!kind) cli::fail(kind.error());
  auto settings = build_settings(o, *kind);
  if (!settings) cli::fail(settings.error());
  auto outbox = open_outbox(o);
  if (!outbox) cli::fail(outbox.error());
  std::unique_ptr<stream::RejectSink> rejects = std::make_unique<stream::RejectSink>();
  if (!o.reject_file.empty()) {
    auto opened = stream::RejectSink::open(o.reject_file);
    if (!opened) cli::fail(opened.error());
    rejects = std::move(*opened);
  }
  auto session = make_session(o.broker, "pub", o.max_inflight, o.retries,
                              o.connect_timeout.as<std::chrono::milliseconds>());
  if (!session) cli::fail(session.error());

  spool::Outbox& box = **outbox;
  MessageBuilder builder(std::move(*settings), [&box](std::string_view device) { return box.next_seq(device); });
  RateLimiter rate(o.rate.per_second);
  PublisherSettings ps;
  ps.max_inflight = o.max_inflight;
  ps.drain_timeout = o.drain_timeout.value;
  ps.durable = !o.outbox.empty();
  ps.outbox_name = o.outbox;
  ps.commit_delay = o.commit_delay.value;
  Publisher publisher(ps, box, **session, builder, *rejects, rate);
  publisher.attach();
  auto responder = start_resend_responder(o);
  if (!responder) cli::fail(responder.error());
  if (*responder) publisher.on_sent([r = responder->get()](const spool::OutboxEntry& e) { r->sent(e); });
  auto input = std::make_unique<InputQueue>(o.messages, input_paths(o), *kind);
  input->start([&publisher] { publisher.wake(); });
  // Live: the counters only (the outbox's database belongs to the publishing thread).
  auto server = cli::serve_metrics(o.log.metrics_listen,
                                   {[&publisher, &builder] { return metrics_of(publisher.counters(), builder).render(); },
                                    [&session] { return cli::broker_health((*session)->connected()); }});
  (void)(*session)->start();
  int code = publisher.run(*input);
  (*session)->stop();
  std::optional<ResponderCounters> rc;
  if (*responder) {
    // --keep: requests are still answered until what is kept has expired.
    if (code == exit_code::ok) (*responder)->linger();
    (*responder)->stop();
    rc = (*responder)->counters();
    log::info("resend: {} requests answered, {} messages sent again, {} gone notices, {} requests refused",
              rc->requests, rc->resent, rc->gone, rc->refused);
  }
  server.reset();
  // Why the session gave up, printed once here (the session only reports
  // the attempts it retries).
  if ((*session)->state() == mqtt::SessionState::failed) log::error("{}", (*session)->last_error().message);
  if (code == exit_code::ok && input->read_error()) code = exit_code::io_error;
  // Messages given on the command line are the whole job, not a stream with
  // some bad lines: when iot-pub or the broker refused every one, say so
  // (iot-pub(1), EXIT STATUS).
  const auto& c = publisher.counters();
  if (code == exit_code::ok && !o.messages.empty() && o.inputs.empty() && c.read > 0 && c.rejected >= c.read) {
    log::error("every message given with -m was rejected ({})", c.rejected);
    code = exit_code::problems;
  }
  (void)rejects->flush();
  print_summary(publisher.counters(), builder, box, o.log.metrics_file, !o.deadband.empty() || !o.registry.empty(),
                rc ? &*rc : nullptr);
  if (!input->reader_done()) (void)input.release();  // blocked in read(2): left to the process exit
  return code;
}

}  // namespace

int run(int argc, char** argv) {
  PubOptions options;
  return cli::run_tool({"pub", "Publish NDJSON envelopes or bare payloads to an MQTT broker",
                        "iot-replay --synthetic devices=10,rate=1,duration=60 | iot-pub --broker mqtt://localhost "
                        "-t 'plant/{device_id}/telemetry' --stamp\n"
                        "iot-pub --broker mqtt://localhost --outbox /var/lib/iot/outbox.db < readings.ndjson\n"
                        "iot-pub -t plant/P-1/alarm --raw -m 'pump stopped' -q 1"}, argc, argv,
                       [&](CLI::App& app) { define_options(app, options); }, [&] { return publish(options); });
}

}  // namespace iot::pub
