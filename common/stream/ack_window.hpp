// The low-water mark behind --ack-file (iot-ingest(1)): which journal
// position is safe to acknowledge when work finishes out of order.
//
// Work is opened in input order, each unit covering the lines read up to a
// position, and needs every one of its parts (one per --db, one for the
// --to-stream copy) before it is done. The acknowledged position is the one
// of the last unit of the longest run of done units from the oldest: a unit
// that finished early waits for the ones before it, and a unit is never
// done while any of its sinks still lacks it. Positions are taken to grow in
// input order (iot-sub numbers its lines so); a unit whose position is not
// above the mark, or that has none (lines without jpos), moves nothing.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace iot::stream {

class AckWindow {
 public:
  using Ticket = std::uint64_t;
  // A unit covering the lines up to position (none: no line carried one),
  // done when each of its `parts` parts is complete (0 parts: done at once).
  Ticket open(std::optional<std::uint64_t> position, std::size_t parts);
  // Part `part` (0 .. parts-1) of the unit has what it needs. Completing an
  // unknown ticket, or a part twice, changes nothing.
  void complete(Ticket ticket, std::size_t part);
  // The position up to which everything is done; none before the first.
  std::optional<std::uint64_t> acknowledged() const { return acknowledged_; }
  // Units opened and not yet behind the mark.
  std::size_t open_units() const { return units_.size(); }

 private:
  struct Unit {
    Ticket ticket;
    std::optional<std::uint64_t> position;
    std::vector<bool> done;
    std::size_t remaining;
  };
  void advance();

  std::deque<Unit> units_;
  Ticket next_ = 1;
  std::optional<std::uint64_t> acknowledged_;
};

}  // namespace iot::stream
