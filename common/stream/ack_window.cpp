#include "stream/ack_window.hpp"

namespace iot::stream {

AckWindow::Ticket AckWindow::open(std::optional<std::uint64_t> position, std::size_t parts) {
  Ticket t = next_++;
  units_.push_back(Unit{t, position, std::vector<bool>(parts, false), parts});
  advance();
  return t;
}

void AckWindow::complete(Ticket ticket, std::size_t part) {
  // Tickets are handed out in order, so the unit's index is its distance
  // from the oldest one still open.
  if (units_.empty() || ticket < units_.front().ticket) return;
  std::size_t index = static_cast<std::size_t>(ticket - units_.front().ticket);
  if (index >= units_.size()) return;
  Unit& u = units_[index];
  if (part >= u.done.size() || u.done[part]) return;
  u.done[part] = true;
  --u.remaining;
  advance();
}

void AckWindow::advance() {
  while (!units_.empty() && units_.front().remaining == 0) {
    const auto& p = units_.front().position;
    if (p && (!acknowledged_ || *p > *acknowledged_)) acknowledged_ = p;
    units_.pop_front();
  }
}

}  // namespace iot::stream
