#include "waveform/assembler.hpp"

#include <fmt/format.h>

namespace iot::waveform {
namespace {

Error refuse(std::string reason, std::string message) {
  return make_error(reason == "too_large" ? ErrorKind::too_large : ErrorKind::bad_input, reason, std::move(message));
}

bool same_complete(const CompleteMessage& a, const CompleteMessage& b) {
  return a.total_chunks == b.total_chunks && a.total_bytes == b.total_bytes && a.sample_rate_hz == b.sample_rate_hz &&
         a.sample_count == b.sample_count && a.format == b.format && a.checksum_sha256 == b.checksum_sha256 &&
         a.url == b.url;
}

}  // namespace

Assembler::Assembler(AssemblerLimits limits) : limits_(limits) {}

bool Assembler::finished(std::string_view id) const { return finished_.count(std::string(id)) != 0; }

void Assembler::remember_finished(const std::string& id) {
  if (limits_.remember == 0 || !finished_.insert(id).second) return;
  finished_order_.push_back(id);
  if (finished_order_.size() > limits_.remember) {
    finished_.erase(finished_order_.front());
    finished_order_.pop_front();
  }
}

void Assembler::drop(Order::iterator it) {
  bytes_ -= it->bytes;
  pending_.erase(it->upload_id);
  order_.erase(it);
}

Outcome Assembler::incomplete(const Pending& p, std::string detail) const {
  Outcome o;
  o.status = UploadStatus::incomplete;
  o.upload_id = p.upload_id;
  o.base = p.base;
  o.complete = p.complete;
  o.received = p.chunks.size();
  o.conflicting = p.conflicting;
  o.detail = std::move(detail);
  o.time_ns = p.complete ? p.complete_ns : p.first_ns;
  // Without a complete message the count is unknown: the gaps below the highest index seen.
  std::uint64_t total = p.complete ? p.complete->total_chunks : (p.chunks.empty() ? 0 : p.chunks.rbegin()->first + 1);
  for (std::uint64_t i = 0; i < total; ++i)
    if (!p.chunks.count(i)) o.missing.push_back(i);
  return o;
}

void Assembler::make_room(std::size_t incoming, const Pending* keep, std::vector<Outcome>& out) {
  while (!order_.empty() && (bytes_ + incoming > limits_.max_bytes || pending_.size() > limits_.max_uploads)) {
    auto victim = order_.begin();
    if (&*victim == keep) {
      if (order_.size() == 1) return;
      ++victim;
    }
    out.push_back(incomplete(*victim, "evicted"));
    remember_finished(victim->upload_id);
    drop(victim);
  }
}

Assembler::Pending& Assembler::find_or_start(std::string_view base, std::string_view id, std::int64_t now_ns,
                                             std::vector<Outcome>& out) {
  auto found = pending_.find(std::string(id));
  if (found != pending_.end()) return *found->second;
  order_.push_back(Pending{std::string(id), std::string(base), now_ns, 0, {}, {}, 0, {}});
  pending_.emplace(std::string(id), std::prev(order_.end()));
  make_room(0, &order_.back(), out);
  return order_.back();
}

Result<Accepted> Assembler::add_chunk(std::string_view base, std::string_view id, std::uint64_t index,
                                      std::string_view bytes, std::int64_t now_ns, std::vector<Outcome>& out) {
  if (finished(id)) return Accepted::late_duplicate;
  if (index >= limits_.max_chunks)
    return refuse("too_large", fmt::format("chunk index {} is over the limit of {} chunks", index, limits_.max_chunks));
  if (bytes.size() > limits_.max_upload_bytes || bytes.size() > limits_.max_bytes)
    return refuse("too_large", fmt::format("chunk of {} bytes is over the limit", bytes.size()));
  Pending& p = find_or_start(base, id, now_ns, out);
  auto have = p.chunks.find(index);
  if (have != p.chunks.end()) {
    if (have->second == bytes) return Accepted::duplicate;
    p.conflicting.push_back(index);
    return refuse("duplicate", fmt::format("upload {} chunk {} came again with other bytes; the first copy is kept", id, index));
  }
  if (p.bytes + bytes.size() > limits_.max_upload_bytes)
    return refuse("too_large", fmt::format("upload {} holds more than {} bytes", id, limits_.max_upload_bytes));
  make_room(bytes.size(), &p, out);
  p.chunks.emplace(index, std::string(bytes));
  p.bytes += bytes.size();
  bytes_ += bytes.size();
  try_finish(pending_.at(std::string(id)), out);
  return Accepted::taken;
}

Result<Accepted> Assembler::add_complete(std::string_view base, CompleteMessage c, std::int64_t now_ns,
                                         std::vector<Outcome>& out) {
  if (finished(c.upload_id)) return Accepted::late_duplicate;
  if (c.total_bytes > limits_.max_upload_bytes || c.total_chunks > limits_.max_chunks)
    return refuse("too_large", fmt::format("upload {} announces {} bytes in {} chunks, over the limits", c.upload_id,
                                           c.total_bytes, c.total_chunks));
  std::string id = c.upload_id;
  Pending& p = find_or_start(base, id, now_ns, out);
  if (p.complete) {
    if (same_complete(*p.complete, c)) return Accepted::duplicate;
    return refuse("duplicate", fmt::format("upload {} got a second, different complete message", id));
  }
  p.complete = std::move(c);
  p.complete_ns = now_ns;
  try_finish(pending_.at(id), out);
  return Accepted::taken;
}

void Assembler::try_finish(Order::iterator it, std::vector<Outcome>& out) {
  Pending& p = *it;
  if (!p.complete) return;
  const std::uint64_t total = p.complete->total_chunks;
  bool beyond = !p.chunks.empty() && p.chunks.rbegin()->first >= total;
  if (!beyond && p.chunks.size() < total) return;
  Outcome o;
  o.upload_id = p.upload_id;
  o.base = p.base;
  o.complete = p.complete;
  o.received = p.chunks.size();
  o.conflicting = p.conflicting;
  o.time_ns = p.complete_ns;
  if (beyond) {
    o.status = UploadStatus::bad_chunk;
    o.detail = fmt::format("chunk {} is beyond total_chunks {}", p.chunks.rbegin()->first, total);
  } else {
    std::string blob;
    blob.reserve(p.bytes);
    for (auto& [index, bytes] : p.chunks) blob += bytes;
    verify_blob(o, std::move(blob), limits_.max_decompressed);
  }
  out.push_back(std::move(o));
  remember_finished(p.upload_id);
  drop(it);
}

void Assembler::expire(std::int64_t now_ns, std::vector<Outcome>& out) {
  const auto limit = limits_.timeout.count();
  while (!order_.empty() && now_ns - order_.front().first_ns >= limit) {
    out.push_back(incomplete(order_.front(), "timeout"));
    remember_finished(order_.front().upload_id);
    drop(order_.begin());
  }
}

void Assembler::finish(std::vector<Outcome>& out) {
  while (!order_.empty()) {
    out.push_back(incomplete(order_.front(), "end_of_input"));
    drop(order_.begin());
  }
}

}  // namespace iot::waveform
