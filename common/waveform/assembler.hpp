// Reassembly of chunked uploads (iot-waveform(1), DESCRIPTION): chunks collected by
// upload_id in any order; exact duplicates ignored, conflicting ones refused
// (the first copy is kept); on `complete` with every chunk present the blob
// is checked (verify_blob). Memory is bounded: at most max_uploads pending
// uploads and max_bytes of chunk data, the oldest evicted (an incomplete
// outcome) to make room. The timeout counts from an upload's first message.
// Messages for an upload that already finished (QoS 1 redelivery) are
// recognised for the last `remember` uploads and ignored.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <deque>
#include <vector>

#include "core/limits.hpp"
#include "core/result.hpp"
#include "waveform/protocol.hpp"
#include "waveform/verify_blob.hpp"

namespace iot::waveform {

struct AssemblerLimits {
  std::size_t max_uploads = 1000;                   // pending uploads at once
  std::size_t max_bytes = 256u << 20;               // chunk bytes held, all uploads
  std::size_t max_upload_bytes = 64u << 20;         // total_bytes of one upload
  std::size_t max_chunks = 1u << 16;                // total_chunks of one upload
  std::size_t max_decompressed = limits::max_decompressed_bytes;
  std::chrono::nanoseconds timeout = std::chrono::seconds(60);
  std::size_t remember = 100000;                    // finished ids kept for duplicates
};

// What add_* says about one message (the outcomes go to `out`).
enum class Accepted { taken, duplicate, late_duplicate };

class Assembler {
 public:
  explicit Assembler(AssemblerLimits limits = {});
  // A chunk. Fails with reason "duplicate" (same index, other bytes: refused),
  // "too_large" (over a limit). Outcomes that follow (completion, eviction) go to out.
  Result<Accepted> add_chunk(std::string_view base, std::string_view upload_id, std::uint64_t index,
                             std::string_view bytes, std::int64_t now_ns, std::vector<Outcome>& out);
  // The complete message. Fails with "duplicate" when a different complete
  // for the same upload came before, "too_large" when it announces too much.
  Result<Accepted> add_complete(std::string_view base, CompleteMessage complete, std::int64_t now_ns,
                                std::vector<Outcome>& out);
  // Reports (incomplete, detail "timeout") every upload older than the timeout.
  void expire(std::int64_t now_ns, std::vector<Outcome>& out);
  // Reports everything still pending (incomplete, detail "end_of_input").
  void finish(std::vector<Outcome>& out);
  // Marks an upload finished (the HTTP path, which bypasses chunks).
  void remember_finished(const std::string& upload_id);

  std::size_t pending_uploads() const { return pending_.size(); }
  std::size_t pending_bytes() const { return bytes_; }

 private:
  struct Pending {
    std::string upload_id;
    std::string base;
    std::int64_t first_ns = 0;
    std::int64_t complete_ns = 0;
    std::optional<CompleteMessage> complete;
    std::map<std::uint64_t, std::string> chunks;
    std::size_t bytes = 0;
    std::vector<std::uint64_t> conflicting;
  };
  using Order = std::list<Pending>;

  Pending& find_or_start(std::string_view base, std::string_view upload_id, std::int64_t now_ns,
                         std::vector<Outcome>& out);
  void make_room(std::size_t incoming, const Pending* keep, std::vector<Outcome>& out);
  void try_finish(Order::iterator it, std::vector<Outcome>& out);
  Outcome incomplete(const Pending& p, std::string detail) const;
  void drop(Order::iterator it);
  bool finished(std::string_view upload_id) const;

  AssemblerLimits limits_;
  Order order_;  // oldest first
  std::unordered_map<std::string, Order::iterator> pending_;
  std::size_t bytes_ = 0;
  std::unordered_set<std::string> finished_;
  std::deque<std::string> finished_order_;
};

}  // namespace iot::waveform
