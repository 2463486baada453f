#include "store/pubsub_sink.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstdlib>
#include <optional>
#include <thread>

#include "core/backoff.hpp"

namespace iot::store {
namespace {

using Clock = std::chrono::steady_clock;

// Google's words from an error answer ({"error":{"message":..,"status":..}}), else the body.
std::string reason_of(const HttpResponse& r) {
  simdjson::dom::parser parser;
  simdjson::dom::object error;
  if (!parser.parse(r.body).at_key("error").get_object().get(error)) {
    std::string_view message, status;
    if (error["message"].get_string().get(message)) message = {};
    if (error["status"].get_string().get(status)) status = {};
    if (!message.empty()) return status.empty() ? std::string(message) : fmt::format("{}: {}", status, message);
  }
  return r.body.substr(0, 300);
}

bool retryable_status(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

// How many message ids a publish answer holds; -1 when it is not one.
long message_ids(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::array ids;
  if (parser.parse(body).at_key("messageIds").get_array().get(ids)) return -1;
  return static_cast<long>(ids.size());
}

struct LaneState {
  std::size_t next = 0;  // the request to send next
  int attempts = 0;      // failed attempts of that request
  Clock::time_point retry_at{};
  std::optional<Backoff> backoff;  // made at a lane's first failure: most lanes never fail
  enum { going, done, unavailable, rejected } state = going;
  std::string why;
};

}  // namespace

PubsubSink::PubsubSink(PubsubTarget target, SinkOptions options, Tuning tuning)
    : target_(std::move(target)),
      options_(std::move(options)),
      tuning_(tuning),
      http_(HttpTimeouts{}),
      // Pub/Sub answers a publish in milliseconds; 20 s is a server that hangs.
      parallel_(tuning.connections, HttpTimeouts{std::chrono::milliseconds(3000), std::chrono::milliseconds(20000)}) {}

Result<std::unique_ptr<PubsubSink>> PubsubSink::open(const std::string& url, const SinkOptions& options) {
  return open(url, options, Tuning{});
}

Result<std::unique_ptr<PubsubSink>> PubsubSink::open(const std::string& url, const SinkOptions& options,
                                                     Tuning tuning) {
  auto target = parse_pubsub_url(url, std::getenv("PUBSUB_EMULATOR_HOST"));
  if (!target) return target.error();
  std::unique_ptr<GoogleCredentials> credentials;
  if (!target->emulator) {
    auto c = GoogleCredentials::from_environment(google_pubsub_scope);
    if (!c) return c.error();
    credentials = std::move(*c);
  }
  std::unique_ptr<PubsubSink> sink(new PubsubSink(std::move(*target), options, tuning));
  sink->credentials_ = std::move(credentials);
  return sink;
}

Result<std::vector<std::string>> PubsubSink::headers(bool refresh) {
  std::vector<std::string> h{"Content-Type: application/json"};
  if (credentials_) {
    auto token = credentials_->token(refresh);
    if (!token) return token.error();
    h.push_back("Authorization: Bearer " + *token);
  }
  return h;
}

Status PubsubSink::ensure_schema() {
  for (int auth_try = 0; auth_try < 2; ++auth_try) {
    auto h = headers(auth_try > 0);
    if (!h) return h.error();
    auto got = http_.request(options_.create ? "PUT" : "GET", target_.topic_url(), {}, *h);
    if (!got) return got.error();
    if (got->status == 401 && credentials_ && auth_try == 0) continue;  // a token revoked early: once more
    if (got->status == 200) {
      note_ = fmt::format("{}: topic {}{}", describe(), options_.create ? "created" : "found",
                          credentials_ ? ", credentials: " + credentials_->describe() : std::string());
      topic_ready_ = true;
      return ok_status();
    }
    if (got->status == 409 && options_.create) {  // ALREADY_EXISTS
      note_ = fmt::format("{}: topic found", describe());
      topic_ready_ = true;
      return ok_status();
    }
    if (got->status == 403 && !options_.create) {
      // A publisher-only account (roles/pubsub.publisher) may not read the
      // topic: publishing is what counts, and a publish refused stops the run.
      note_ = fmt::format("{}: not allowed to look the topic up (HTTP 403); publishing to it", describe());
      topic_ready_ = true;
      return ok_status();
    }
    std::string message = fmt::format("{}: HTTP {}: {}", describe(), got->status, reason_of(*got));
    if (got->status == 404)
      return make_error(ErrorKind::usage, "db_missing", message + " (--create creates the topic)");
    if (got->status == 401 || got->status == 403) return make_error(ErrorKind::usage, "db_auth", message);
    if (retryable_status(got->status)) return make_error(ErrorKind::unavailable, "db_unavailable", message);
    return make_error(ErrorKind::usage, "db_rejected", message);
  }
  return make_error(ErrorKind::usage, "db_auth", describe() + ": the credentials were refused");
}

std::string PubsubSink::row_key(const ReadingRow& row) {
  return fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}", row.table, row.msg_id, row.device_id, row.metric, row.time_ns);
}

Result<WriteStats> PubsubSink::write(const Batch& batch) {
  // Gap events and waveform records are not published (iot-ingest(1), Pub/Sub).
  if (batch.readings.empty()) return WriteStats{};
  if (!topic_ready_) {
    if (auto st = ensure_schema(); !st) return st.error();
  }
  const auto& rows = batch.readings;
  std::vector<bool> out(rows.size(), false);  // published, now or by an earlier try of this batch
  if (!published_.empty())
    for (std::size_t i = 0; i < rows.size(); ++i) out[i] = published_.count(row_key(rows[i])) > 0;
  PublishPlan plan = plan_publish(rows, &out, tuning_.limits);

  std::vector<LaneState> lanes(plan.lanes.size());
  for (std::size_t l = 0; l < lanes.size(); ++l)
    if (plan.lanes[l].requests.empty()) lanes[l].state = LaneState::done;
  const std::string url = target_.topic_url() + ":publish";
  const auto give_up_at = Clock::now() + tuning_.retry_budget;
  bool refreshed = false;
  std::vector<std::size_t> round;
  std::vector<HttpPost> posts;
  for (;;) {
    auto now = Clock::now();
    round.clear();
    Clock::time_point earliest = Clock::time_point::max();
    for (std::size_t l = 0; l < lanes.size() && round.size() < parallel_.connections(); ++l) {
      if (lanes[l].state != LaneState::going) continue;
      if (lanes[l].retry_at <= now)
        round.push_back(l);
      else
        earliest = std::min(earliest, lanes[l].retry_at);
    }
    if (round.empty()) {
      if (earliest == Clock::time_point::max()) break;  // every lane done or held
      std::this_thread::sleep_until(earliest);
      continue;
    }
    auto h = headers(false);
    if (!h) return h.error();
    posts.clear();
    for (std::size_t l : round) posts.push_back({url, plan.lanes[l].requests[lanes[l].next].body, *h});
    auto answers = parallel_.post_all(posts);
    bool auth_refused = false;
    for (std::size_t k = 0; k < round.size(); ++k) {
      LaneState& lane = lanes[round[k]];
      const PublishRequest& request = plan.lanes[round[k]].requests[lane.next];
      const auto& answer = answers[k];
      std::string why;
      if (answer && answer->status == 200 && message_ids(answer->body) == static_cast<long>(request.rows.size())) {
        for (std::size_t i : request.rows) out[i] = true;
        lane.attempts = 0;
        if (lane.backoff) lane.backoff->reset();
        if (++lane.next == plan.lanes[round[k]].requests.size()) lane.state = LaneState::done;
        continue;
      }
      if (answer && (answer->status == 401 || answer->status == 403)) {
        if (answer->status == 401 && credentials_ && !refreshed) {
          auth_refused = true;  // the token may have been revoked early: fetch one and send again
          continue;
        }
        return make_error(ErrorKind::usage, "db_auth",
                          fmt::format("{}: HTTP {}: {}", describe(), answer->status, reason_of(*answer)));
      }
      if (answer && answer->status == 404) {
        topic_ready_ = false;  // deleted under us: checked (or created) again before the next try
        lane.state = LaneState::unavailable;
        lane.why = fmt::format("{}: HTTP 404: {}", describe(), reason_of(*answer));
        continue;
      }
      if (answer && answer->status != 200 && !retryable_status(answer->status)) {
        lane.state = LaneState::rejected;  // later messages of this key are held back with it
        lane.why = fmt::format("{}: HTTP {}: {}", describe(), answer->status, reason_of(*answer));
        continue;
      }
      why = !answer ? describe() + ": " + answer.error().message
            : answer->status == 200
                ? describe() + ": a publish answer without one message id per message"
                : fmt::format("{}: HTTP {}: {}", describe(), answer->status, reason_of(*answer));
      if (++lane.attempts >= tuning_.attempts || Clock::now() >= give_up_at) {
        lane.state = LaneState::unavailable;
        lane.why = std::move(why);
      } else {
        if (!lane.backoff) lane.backoff.emplace(Backoff::Params{tuning_.first_backoff, tuning_.max_backoff, 2.0});
        lane.retry_at = Clock::now() + lane.backoff->next();
      }
    }
    if (auth_refused) {
      refreshed = true;
      if (auto fresh = headers(true); !fresh) return fresh.error();
    }
  }

  std::string unavailable, rejected;
  for (const auto& lane : lanes) {
    if (lane.state == LaneState::unavailable && unavailable.empty()) unavailable = lane.why;
    if (lane.state == LaneState::rejected && rejected.empty()) rejected = lane.why;
  }
  if (rejected.empty() && !plan.refused.empty()) rejected = plan.refused.front().second.message;
  if (!unavailable.empty() || !rejected.empty()) {
    // What went out stays out: remembered, so this batch sent again skips it.
    if (published_.size() > 4'000'000) published_.clear();
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (out[i]) published_.insert(row_key(rows[i]));
    if (!unavailable.empty()) return make_error(ErrorKind::unavailable, "db_unavailable", unavailable);
    return make_error(ErrorKind::bad_input, "db_rejected", rejected);
  }
  if (!published_.empty())
    for (const auto& row : rows) published_.erase(row_key(row));
  WriteStats stats;
  stats.inserted = rows.size();
  return stats;
}

}  // namespace iot::store
