#include "iot-sub/sub.hpp"

#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "core/log.hpp"
#include "cli/metrics.hpp"
#include "cli/metrics_server.hpp"
#include "cli/run.hpp"
#include "core/duration.hpp"
#include "core/exit_codes.hpp"
#include "cli/broker_config.hpp"
#include "iot-sub/options.hpp"
#include "iot-sub/subscriber.hpp"
#include "iot-sub/terminal_style.hpp"
#include "registry/registry.hpp"
#include "topic/subscriptions.hpp"

namespace iot::sub {
namespace {

std::optional<std::chrono::nanoseconds> value_of(const std::optional<cli::Duration>& d) {
  if (!d) return std::nullopt;
  return d->value;
}

RenderSettings render_settings(const SubOptions& o) {
  RenderSettings r;
  r.raw = o.raw;
  r.payload_only = o.payload_only;
  if (!o.pattern.empty()) {
    auto p = topic::TopicPattern::parse(o.pattern);
    if (!p) cli::fail(make_error(ErrorKind::usage, "usage", "--pattern: " + p.error().message));
    r.pattern = std::move(*p);
  }
  if (!o.dict_file.empty()) {
    auto d = KeyDictionary::load(o.dict_file);
    if (!d) cli::fail(d.error());
    r.dict = std::move(*d);
  }
  return r;
}

// iot-sub(1) "HUMAN OUTPUT": -F, -v, or a terminal unless an option that
// shapes NDJSON lines says otherwise.
enum class OutputKind { ndjson, human, format };

OutputKind output_kind(const SubOptions& o) {
  if (!o.format.empty()) return OutputKind::format;
  if (o.pretty) return OutputKind::human;
  if (o.ndjson || o.payload_only || o.raw || !o.journal.empty()) return OutputKind::ndjson;
  return ::isatty(STDOUT_FILENO) == 1 ? OutputKind::human : OutputKind::ndjson;
}

MessageFormat message_format(const SubOptions& o, OutputKind kind) {
  std::string_view text = kind == OutputKind::format ? std::string_view(o.format)
                          : kind == OutputKind::human ? std::string_view("%I %t %v")
                                                      : std::string_view("%j");
  auto f = MessageFormat::parse(text);
  if (!f) cli::fail(f.error());
  return std::move(*f);
}

FormatContext format_context(const SubOptions& o, OutputKind kind, const MessageRenderer& renderer) {
  FormatContext c;
  c.envelope = &renderer;
  c.color = kind != OutputKind::ndjson && style::color_wanted(o.color, STDOUT_FILENO);
  c.safe_topic = kind == OutputKind::human;
  c.view.color = c.color;
  c.view.dict = renderer.settings().dict ? &*renderer.settings().dict : nullptr;
  c.view.limits = renderer.settings().limits;
  return c;
}

mqtt::SessionConfig session_config(const SubOptions& o) {
  auto c = cli::session_config_from(o.broker, "sub");
  if (!c) cli::fail(c.error());
  if (!o.session.empty()) {
    if (!o.broker.client_id.empty() && o.broker.client_id != o.session)
      cli::fail(make_error(ErrorKind::usage, "usage", "--session NAME is the client id: do not also give -i"));
    c->client_id = o.session;
    c->clean_start = false;
    c->session_expiry = static_cast<std::uint32_t>(o.session_expiry.as<std::chrono::seconds>().count());
  }
  c->retries = o.retries;
  c->connect_timeout = o.connect_timeout.as<std::chrono::milliseconds>();
  return std::move(*c);
}

// -t filters at -q, then --registry routes' filters at their QoS, merged
// (iot-sub(1), OVERLAPPING FILTERS).
std::vector<topic::Subscription> subscriptions(const SubOptions& o) {
  std::vector<topic::Subscription> wanted;
  for (const auto& f : o.filters) {
    if (auto st = topic::validate_topic_filter(f); !st) cli::fail(make_error(ErrorKind::usage, "usage", "-t: " + st.error().message));
    wanted.push_back({f, o.broker.qos});
  }
  if (!o.registry.empty()) {
    auto registry = registry::Registry::load(o.registry);
    if (!registry) cli::fail(registry.error());
    for (const auto& route : registry->routes()) wanted.push_back({route.pattern.filter(), route.qos});
  }
  auto merged = topic::merge_subscriptions(wanted);
  for (const auto& s : merged) log::debug("subscribing to {} at QoS {}", s.filter, s.qos);
  return merged;
}

std::vector<mqtt::Subscription> session_subscriptions(const SubOptions& o, const std::vector<topic::Subscription>& subs) {
  std::vector<mqtt::Subscription> out;
  for (const auto& s : subs) out.push_back({o.share.empty() ? s.filter : "$share/" + o.share + "/" + s.filter, s.qos});
  return out;
}

cli::Metrics metrics_of(const Subscriber& subscriber, const mqtt::Session& session, double seconds) {
  cli::Metrics m("iot_sub");
  m.set("messages_total", double(subscriber.received()), "Messages received and written");
  m.set("payload_bytes_total", double(subscriber.payload_bytes()), "Payload bytes of those messages");
  m.set("reconnects_total", double(session.reconnects()), "Connections made again after a loss");
  m.set("duration_seconds", seconds, "How long the run took");
  return m;
}

// The human output ends with how many messages it showed.
void write_count(stream::LineWriter& out, std::uint64_t received, bool color) {
  std::string line;
  style::append_styled(line, fmt::format("-- {} message{}", received, received == 1 ? "" : "s"), style::dim, color);
  (void)out.write_line(line);
}

int subscribe(const SubOptions& o) {
  if (o.filters.empty() && o.registry.empty())
    cli::fail(make_error(ErrorKind::usage, "usage", "at least one -t FILTER (or --registry FILE) is required"));
  const std::vector<topic::Subscription> subs = subscriptions(o);
  int max_qos = 0;
  for (const auto& s : subs) max_qos = std::max(max_qos, s.qos);
  EndConditions end;
  end.count = o.count;
  end.idle = value_of(o.idle);
  end.total = value_of(o.timeout);
  end.retained_only = o.retained_only;
  end.no_retained = o.no_retained;
  end.must_not_lose = !o.session.empty() && max_qos >= 1;
  if (o.retained_only && !end.idle && !end.total) end.idle = std::chrono::seconds(1);
  if (!o.session.empty() && max_qos == 2)
    log::warn("QoS 2 cannot be made crash-safe: libmosquitto completes the exchange before the message is "
              "handed over (see iot-sub(1), Delivery guarantees); use QoS 1 and dedup by msg_id");
  MessageRenderer renderer(render_settings(o));
  const OutputKind kind = output_kind(o);
  const MessageFormat format = message_format(o, kind);
  const FormatContext context = format_context(o, kind, renderer);
  // Per line when a line must be out of the process before the PUBACK;
  // else gathered, and written whenever the session's loop finds nothing
  // more waiting on the socket (Subscriber::attach): a pipe or a terminal
  // still sees each message before iot-sub waits for the next one, and a
  // stream flowing flat out goes in large writes, not a write per message.
  stream::LineWriter out(STDOUT_FILENO, end.must_not_lose);
  std::unique_ptr<Journal> journal;
  if (!o.journal.empty()) {
    auto j = Journal::open(o.journal, JournalOptions{64u << 20, o.ack_file});
    if (!j) cli::fail(j.error());
    journal = std::move(*j);
    auto drained = journal->drain(out);
    if (!drained) cli::fail(drained.error());
    if (*drained)
      log::info("{} line(s) from the journal of an earlier run written first{}", *drained,
                o.ack_file.empty() ? "" : " (those not acknowledged in the ack file)");
  }
  auto session = mqtt::Session::create(session_config(o));
  if (!session) cli::fail(session.error());
  (*session)->subscribe_on_connect(session_subscriptions(o, subs));
  Subscriber subscriber(end, format, context, out, journal.get(), **session);
  subscriber.set_subscriptions(subs);
  subscriber.attach();
  const auto started = std::chrono::steady_clock::now();
  auto since_start = [started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  auto server = cli::serve_metrics(
      o.log.metrics_listen,
      {[&] { return metrics_of(subscriber, **session, since_start()).render(); },
       [&] { return cli::broker_health((*session)->connected()); }});
  (void)(*session)->start();
  int code = subscriber.wait();
  (*session)->stop();
  server.reset();
  if (kind == OutputKind::human) write_count(out, subscriber.received(), context.color);
  if (auto st = out.flush(); !st && code == exit_code::ok) code = exit_code::io_error;
  // What the run did, like the other tools' summaries (iot-sub(1), DESCRIPTION).
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  log::info("received {}, {} payload bytes, {} reconnects, in {}", subscriber.received(), subscriber.payload_bytes(),
            (*session)->reconnects(), format_duration(took.count()));
  if (subscriber.duplicate_copies())
    log::info("{} second copies for overlapping filters skipped (iot-sub(1), OVERLAPPING FILTERS)",
              subscriber.duplicate_copies());
  if (!o.log.metrics_file.empty()) {
    if (auto st = metrics_of(subscriber, **session, took.count()).write_file(o.log.metrics_file); !st) log::warn("{}", st.error().message);
  }
  return code;
}

}  // namespace

int run(int argc, char** argv) {
  SubOptions options;
  return cli::run_tool({"sub", "Subscribe to MQTT topics and write NDJSON envelopes to stdout",
                        "iot-sub --broker mqtt://localhost -t 'plant/+/telemetry' -v\n"
                        "iot-sub -t '#' --session backup -q 1 --idle 300 | lz4 > capture.ndjson.lz4\n"
                        "iot-sub -t 'plant/#' -F '%I %t %p' -C 10\n"
                        "iot-sub --registry site.toml --session worker | iot-ingest --registry "
                        "site.toml --db sqlite:t.db"}, argc, argv,
                       [&](CLI::App& app) { define_options(app, options); }, [&] { return subscribe(options); });
}

}  // namespace iot::sub
