// --retime: shifts every timestamp of a line by one offset so that the
// recording starts now (rx_ts; nested ts and meta.source_ts; flat t; signed
// ts + ts_ns; numeric kpi timestamps), and with --new-ids gives each message
// with a msg_id a fresh ULID at its new time. Only those values change: every
// other byte of the line is kept as recorded. A signed payload is signed
// again when the key is given; without it its HMAC no longer matches
// (signed_touched() tells the tool to warn).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "replay/prng.hpp"

namespace iot::replay {

class Retimer {
 public:
  Retimer(std::int64_t offset_ns, bool new_ids, std::uint64_t seed, std::optional<std::string> key = std::nullopt);
  // The line with its times moved; lines that are not JSON objects come back unchanged.
  std::string apply(std::string_view line);
  // A signed payload changed and could not be signed again (no key).
  bool signed_touched() const { return signed_touched_; }
  std::uint64_t resigned() const { return resigned_; }
  void set_offset(std::int64_t offset_ns) { offset_ns_ = offset_ns; }

 private:
  std::int64_t offset_ns_;
  bool new_ids_;
  Prng rng_;
  std::optional<std::string> key_;
  bool signed_touched_ = false;
  std::uint64_t resigned_ = 0;
};

}  // namespace iot::replay
