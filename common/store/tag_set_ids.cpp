#include "store/tag_set_ids.hpp"

namespace iot::store {

std::optional<std::int64_t> TagSetIds::find(const SharedText& tags) {
  Held& slot = slots_[slot_of(tags.data())];
  if (slot.tags.same_as(tags) && !tags.empty()) return slot.id;
  if (auto held = by_address_.find(tags.data()); held != by_address_.end() && held->second.tags.same_as(tags)) {
    slot = held->second;
    return held->second.id;
  }
  bool pending = false;
  auto it = committed_.find(tags.view());
  if (it == committed_.end()) {
    it = pending_.find(tags.view());
    if (it == pending_.end()) return std::nullopt;
    pending = true;
  }
  if (by_address_.size() >= kByAddress) by_address_.clear();  // pending_addresses_ stay: rollback() still clears their slots
  by_address_[tags.data()] = Held{tags, it->second};
  slot = Held{tags, it->second};
  if (pending) pending_addresses_.push_back(tags.data());
  return it->second;
}

void TagSetIds::learn(std::string_view tags, std::int64_t id) { pending_.insert_or_assign(std::string(tags), id); }

void TagSetIds::commit() {
  if (committed_.size() + pending_.size() > capacity_) committed_.clear();
  committed_.merge(pending_);
  pending_.clear();  // what merge left there was known already
  pending_addresses_.clear();
}

void TagSetIds::rollback() {
  pending_.clear();
  for (const char* address : pending_addresses_) {
    by_address_.erase(address);
    if (Held& slot = slots_[slot_of(address)]; slot.tags.data() == address) slot = Held{};
  }
  pending_addresses_.clear();
}

}  // namespace iot::store
