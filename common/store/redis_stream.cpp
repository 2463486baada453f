#include "store/redis_stream.hpp"

#include <set>

namespace iot::store {
namespace {

std::string str(const redisReply* r) {
  return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS) ? std::string(r->str, r->len)
                                                                                 : std::string();
}

// [[id, [field, value, ...]], ...] -> entries (deleted entries have a nil body).
void parse_entries(const redisReply* list, std::vector<StreamEntry>& out, bool claimed) {
  if (!list || list->type != REDIS_REPLY_ARRAY) return;
  for (std::size_t i = 0; i < list->elements; ++i) {
    const redisReply* e = list->element[i];
    if (e->type != REDIS_REPLY_ARRAY || e->elements < 2) continue;
    StreamEntry entry{str(e->element[0]), {}, claimed};
    const redisReply* body = e->element[1];
    if (body->type == REDIS_REPLY_ARRAY) {
      for (std::size_t f = 0; f + 1 < body->elements; f += 2) {
        if (str(body->element[f]) == "data" || f == 0) entry.data = str(body->element[f + 1]);
      }
    }
    out.push_back(std::move(entry));
  }
}

}  // namespace

Status RedisStreamWriter::add(const std::vector<std::pair<std::string, std::string>>& entries) {
  if (entries.empty()) return ok_status();
  std::vector<std::vector<std::string>> commands;
  commands.reserve(entries.size());
  const std::string maxlen = std::to_string(maxlen_);
  for (const auto& [stream, line] : entries)
    commands.push_back({"XADD", stream, "MAXLEN", "~", maxlen, "*", "data", line});
  return client_->run(commands, "XADD");
}

Result<std::unique_ptr<RedisStreamReader>> RedisStreamReader::open(std::unique_ptr<RedisClient> client,
                                                                   StreamReaderOptions options) {
  if (options.dlq_stream.empty()) options.dlq_stream = options.stream + ":dlq";
  auto r = client->command({"XGROUP", "CREATE", options.stream, options.group, "0", "MKSTREAM"});
  if (!r && r.error().message.find("BUSYGROUP") == std::string::npos) return r.error();
  return std::unique_ptr<RedisStreamReader>(new RedisStreamReader(std::move(client), std::move(options)));
}

Result<std::vector<StreamEntry>> RedisStreamReader::read_group(const std::string& from_id, int block_ms) {
  std::vector<std::string> argv = {"XREADGROUP", "GROUP", options_.group, options_.consumer,
                                   "COUNT",      std::to_string(options_.count)};
  if (block_ms > 0) {
    argv.push_back("BLOCK");
    argv.push_back(std::to_string(block_ms));
  }
  argv.insert(argv.end(), {"STREAMS", options_.stream, from_id});
  auto r = client_->command(argv);
  if (!r) return r.error();
  std::vector<StreamEntry> out;
  const redisReply* top = r->get();
  if (top->type == REDIS_REPLY_ARRAY && top->elements > 0 && top->element[0]->elements >= 2)
    parse_entries(top->element[0]->element[1], out, from_id != ">");
  return out;
}

Result<std::vector<StreamEntry>> RedisStreamReader::claim() {
  auto r = client_->command({"XAUTOCLAIM", options_.stream, options_.group, options_.consumer,
                             std::to_string(options_.claim_idle.count()), "0-0", "COUNT",
                             std::to_string(options_.count)});
  if (!r) return r.error();
  std::vector<StreamEntry> out;
  const redisReply* top = r->get();
  if (top->type == REDIS_REPLY_ARRAY && top->elements >= 2) parse_entries(top->element[1], out, true);
  return out;
}

// Entries delivered more than max_deliveries times go to the DLQ stream.
Status RedisStreamReader::drop_poison(std::vector<StreamEntry>& entries) {
  if (entries.empty()) return ok_status();
  std::vector<std::vector<std::string>> queries;
  for (const auto& e : entries)
    queries.push_back({"XPENDING", options_.stream, options_.group, e.id, e.id, "1"});
  auto replies = client_->pipeline(queries);
  if (!replies) return replies.error();
  std::vector<StreamEntry> keep;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const redisReply* r = (*replies)[i].get();
    long long deliveries = 0;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 && r->element[0]->elements >= 4)
      deliveries = r->element[0]->element[3]->integer;
    if (deliveries <= options_.max_deliveries) {
      keep.push_back(std::move(entries[i]));
      continue;
    }
    auto add = client_->command({"XADD", options_.dlq_stream, "*", "reason", "poison", "detail",
                                 "delivered " + std::to_string(deliveries) + " times", "source",
                                 options_.stream + "/" + entries[i].id, "data", entries[i].data});
    if (!add) return add.error();
    if (auto st = ack({entries[i].id}); !st) return st;
    ++dead_lettered_;
  }
  entries = std::move(keep);
  return ok_status();
}

Result<std::vector<StreamEntry>> RedisStreamReader::read() {
  std::vector<StreamEntry> out;
  if (!own_pending_done_) {  // after a restart: what this consumer read but never acknowledged
    auto own = read_group(own_cursor_, 0);
    if (!own) return own.error();
    if (own->empty()) {
      own_pending_done_ = true;
    } else {
      own_cursor_ = own->back().id;
      out = std::move(*own);
    }
  }
  auto now = std::chrono::steady_clock::now();
  if (out.empty() && now >= next_claim_) {
    auto claimed = claim();
    if (!claimed) return claimed.error();
    if (claimed->empty()) next_claim_ = now + std::min(options_.claim_idle, std::chrono::milliseconds(5000));
    out = std::move(*claimed);
  }
  if (!out.empty()) {
    if (auto st = drop_poison(out); !st) return st.error();
    if (!out.empty()) return out;
  }
  return read_group(">", options_.block_ms);
}

Status RedisStreamReader::ack(const std::vector<std::string>& ids) {
  if (ids.empty()) return ok_status();
  std::vector<std::string> argv = {"XACK", options_.stream, options_.group};
  argv.insert(argv.end(), ids.begin(), ids.end());
  auto r = client_->command(argv);
  if (!r) return r.error();
  return ok_status();
}

Result<std::int64_t> RedisStreamReader::pending_count() {
  auto r = client_->command({"XPENDING", options_.stream, options_.group});
  if (!r) return r.error();
  const redisReply* top = r->get();
  if (top->type == REDIS_REPLY_ARRAY && top->elements >= 1 && top->element[0]->type == REDIS_REPLY_INTEGER)
    return static_cast<std::int64_t>(top->element[0]->integer);
  return std::int64_t{0};
}

}  // namespace iot::store
