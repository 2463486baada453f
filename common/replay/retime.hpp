// --retime: shifts every timestamp of a line by one offset so that the
// recording starts now (rx_ts; nested ts and meta.source_ts; flat t; signed
// ts + ts_ns; numeric kpi timestamps), and with --new-ids gives each message
// with a msg_id a fresh ULID at its new time. A signed payload's HMAC no
// longer matches afterwards (signed_touched() tells the tool to warn).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "replay/prng.hpp"

namespace iot::replay {

class Retimer {
 public:
  Retimer(std::int64_t offset_ns, bool new_ids, std::uint64_t seed);
  // The line with its times moved; lines that are not JSON objects come back unchanged.
  std::string apply(std::string_view line);
  bool signed_touched() const { return signed_touched_; }
  void set_offset(std::int64_t offset_ns) { offset_ns_ = offset_ns; }

 private:
  std::int64_t offset_ns_;
  bool new_ids_;
  Prng rng_;
  bool signed_touched_ = false;
};

}  // namespace iot::replay
