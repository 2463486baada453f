// A device's sequence state as the checks leave it after seq `last`.
#pragma once

#include <cstdint>

#include "checks/sequence_tracker.hpp"

namespace iot::test {

inline checks::SeqState seq_at(std::int64_t last) {
  checks::SeqState s;
  s.seen = true;
  s.last_seq = last;
  return s;
}

}  // namespace iot::test
