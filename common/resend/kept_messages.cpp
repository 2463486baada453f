#include "resend/kept_messages.hpp"

#include <simdjson.h>

#include <algorithm>

#include "codec/payload.hpp"

namespace iot::resend {

std::optional<std::pair<std::string, std::int64_t>> message_key(std::string_view payload) {
  thread_local simdjson::dom::parser parser;
  std::string decoded;
  std::string_view json = payload;
  if (payload.empty() || payload.front() != '{') {
    auto d = codec::decode_payload(payload);
    if (d.enc == codec::Encoding::binary) return std::nullopt;
    decoded = std::move(d.json);
    json = decoded;
  }
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc)) return std::nullopt;
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) return std::nullopt;
  std::string_view device;
  std::int64_t seq = 0;
  if (obj["device_id"].get_string().get(device) || device.empty()) return std::nullopt;
  if (obj["seq"].get_int64().get(seq)) return std::nullopt;
  return std::pair{std::string(device), seq};
}

KeptMessages::KeptMessages(std::chrono::nanoseconds keep, std::size_t max_messages)
    : keep_ns_(keep.count()), max_(std::max<std::size_t>(max_messages, 1)) {}

std::optional<std::string> KeptMessages::keep(KeptMessage m, std::int64_t now_ns) {
  auto key = message_key(m.payload);
  if (!key) return std::nullopt;
  std::lock_guard lock(mutex_);
  expire_locked(now_ns);
  while (size_ >= max_) forget_oldest();
  auto it = devices_.find(key->first);
  if (it == devices_.end()) it = devices_.emplace(key->first, Device{}).first;
  Device& d = it->second;
  m.seq = key->second;
  m.kept_ns = now_ns;
  d.highest = std::max(d.highest, m.seq);
  auto [slot, added] = d.by_seq.insert_or_assign(m.seq, std::move(m));
  (void)slot;
  if (added) {
    ++size_;
    order_.emplace_back(key->first, key->second);
  }
  newest_ns_ = now_ns;
  return key->first;
}

void KeptMessages::forget_oldest() {
  auto [device, seq] = order_.front();
  order_.pop_front();
  auto it = devices_.find(device);
  if (it != devices_.end() && it->second.by_seq.erase(seq)) --size_;
}

void KeptMessages::expire_locked(std::int64_t now_ns) {
  while (!order_.empty()) {
    auto it = devices_.find(order_.front().first);
    if (it != devices_.end()) {
      auto m = it->second.by_seq.find(order_.front().second);
      if (m != it->second.by_seq.end() && now_ns - m->second.kept_ns < keep_ns_) break;
    }
    forget_oldest();
  }
}

void KeptMessages::expire(std::int64_t now_ns) {
  std::lock_guard lock(mutex_);
  expire_locked(now_ns);
}

HeldAnswer KeptMessages::lookup(const Notice& request, std::int64_t now_ns, std::size_t max_held) {
  std::lock_guard lock(mutex_);
  expire_locked(now_ns);
  HeldAnswer answer;
  auto it = devices_.find(request.device_id);
  if (it == devices_.end()) return answer;
  answer.known_device = true;
  const Device& d = it->second;
  const std::int64_t last = std::min(request.to_seq, d.highest);
  std::int64_t next = request.from_seq;  // the first seq not yet answered
  for (auto m = d.by_seq.lower_bound(request.from_seq); m != d.by_seq.end() && m->first <= last; ++m) {
    if (answer.held.size() >= max_held) return answer;  // the rest: asked again later
    if (m->first > next) answer.gone.push_back({next, m->first - 1});
    answer.held.push_back(m->second);
    if (m->first == INT64_MAX) return answer;  // nothing can follow
    next = m->first + 1;
  }
  if (next <= last) answer.gone.push_back({next, last});
  return answer;
}

std::size_t KeptMessages::size() const {
  std::lock_guard lock(mutex_);
  return size_;
}

std::int64_t KeptMessages::newest_ns() const {
  std::lock_guard lock(mutex_);
  return size_ ? newest_ns_ : 0;
}

}  // namespace iot::resend
