// Several topic filters, each at its own QoS, on one connection (iot-sub(1),
// OVERLAPPING FILTERS). MQTT lets one message match several of a client's
// filters: under 3.1.1 mosquitto sends one copy at the highest QoS of the
// matching subscriptions, under MQTT 5 it may send one copy per matching
// subscription (the specification allows both, v5 §3.3.4). So a filter
// that another filter of at least its QoS covers is left out, and, for the
// overlaps that remain, exactly one subscription owns each topic: the first
// of those with the highest QoS that match it. A copy delivered for any
// other subscription (MQTT 5 tells which by the subscription identifier) is
// a duplicate of the owner's.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iot::topic {

struct Subscription {
  std::string filter;  // without a $share/GROUP/ prefix
  int qos = 0;
  bool operator==(const Subscription&) const = default;
};

// True when every topic `narrow` matches is matched by `wide` too (both
// valid filters). "a/#" covers "a" and "a/+/c"; "#" covers "+/x" but not
// "$SYS/x" (a wildcard first level never matches a topic starting with '$').
bool filter_covers(std::string_view wide, std::string_view narrow);

// In their first order: repeated filters once at their highest QoS, and
// without the filters another one of at least the same QoS covers.
std::vector<Subscription> merge_subscriptions(const std::vector<Subscription>& subscriptions);

// The index of the subscription that owns `topic`: the first of those with
// the highest QoS whose filter matches it; nothing when none does.
std::optional<std::size_t> owning_subscription(const std::vector<Subscription>& subscriptions, std::string_view topic);

}  // namespace iot::topic
