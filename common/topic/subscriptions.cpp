#include "topic/subscriptions.hpp"

#include <algorithm>

#include "topic/pattern.hpp"

namespace iot::topic {
namespace {

std::vector<std::string_view> levels(std::string_view filter) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = filter.find('/', start);
    out.push_back(filter.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

}  // namespace

bool filter_covers(std::string_view wide, std::string_view narrow) {
  if (wide.empty() || narrow.empty()) return false;
  // A topic starting with '$' is matched only by a filter whose first level
  // is literal: a wildcard first level never covers a literal "$..." one.
  if (narrow.front() == '$' && (wide.front() == '+' || wide.front() == '#')) return false;
  const auto w = levels(wide), n = levels(narrow);
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] == "#") return true;  // the rest, and the parent level itself
    if (i == n.size()) return false;  // narrow matches a shorter topic wide does not
    if (n[i] == "#") return false;    // narrow goes on to any depth, wide stops
    if (w[i] == "+") continue;
    if (n[i] == "+" || n[i] != w[i]) return false;
  }
  // wide is used up: narrow must stop too, or end with a "#" that may match
  // nothing more than the parent ("a/#" matches "a", but also "a/b").
  return n.size() == w.size();
}

std::vector<Subscription> merge_subscriptions(const std::vector<Subscription>& subscriptions) {
  std::vector<Subscription> out;
  for (const Subscription& s : subscriptions) {
    bool merged = false;
    for (Subscription& kept : out)
      if (kept.filter == s.filter) {
        kept.qos = std::max(kept.qos, s.qos);
        merged = true;
      }
    if (!merged) out.push_back(s);
  }
  std::vector<Subscription> result;
  for (std::size_t i = 0; i < out.size(); ++i) {
    bool covered = false;
    // Two different filters never cover each other (filter_covers is true
    // both ways only for the same text), so no pair drops both.
    for (std::size_t j = 0; j < out.size() && !covered; ++j)
      covered = j != i && out[j].qos >= out[i].qos && filter_covers(out[j].filter, out[i].filter);
    if (!covered) result.push_back(out[i]);
  }
  return result;
}

std::optional<std::size_t> owning_subscription(const std::vector<Subscription>& subscriptions,
                                               std::string_view topic) {
  std::optional<std::size_t> owner;
  for (std::size_t i = 0; i < subscriptions.size(); ++i)
    if (filter_matches(subscriptions[i].filter, topic) && (!owner || subscriptions[i].qos > subscriptions[*owner].qos))
      owner = i;
  return owner;
}

}  // namespace iot::topic
