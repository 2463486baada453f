#include "iot-replay/filters.hpp"

#include <algorithm>

#include "topic/pattern.hpp"

namespace iot::replay {
namespace {

class FilteredItems : public ItemSource {
 public:
  FilteredItems(std::unique_ptr<ItemSource> inner, const ReplayOptions& o) : inner_(std::move(inner)), o_(o) {}

  Result<bool> next(Item& item) override {
    for (;;) {
      auto more = inner_->next(item);
      if (!more || !*more) return more;
      if (passes_filters(inspector_.inspect(item.line), o_)) return true;
      ++filtered_out_;
    }
  }
  Status finish() override { return inner_->finish(); }
  std::optional<double> fraction_done() const override { return inner_->fraction_done(); }
  std::int64_t timeline_shift_ns() const override { return inner_->timeline_shift_ns(); }
  void add_metrics(cli::Metrics& metrics) const override {
    inner_->add_metrics(metrics);
    metrics.add("filtered_out_total", double(filtered_out_), "Messages left out by --since/--until/--device/--topic");
  }

 private:
  std::unique_ptr<ItemSource> inner_;
  const ReplayOptions& o_;
  RecordInspector inspector_;
  std::uint64_t filtered_out_ = 0;
};

}  // namespace

bool has_filters(const ReplayOptions& o) {
  return o.since || o.until || !o.devices.empty() || !o.topic_filters.empty();
}

bool passes_filters(const RecordInfo& info, const ReplayOptions& o) {
  if (o.since && (!info.time_ns || *info.time_ns < o.since->unix_ns)) return false;
  if (o.until && (!info.time_ns || *info.time_ns >= o.until->unix_ns)) return false;
  if (!o.devices.empty() &&
      (!info.device || std::find(o.devices.begin(), o.devices.end(), *info.device) == o.devices.end()))
    return false;
  if (!o.topic_filters.empty()) {
    if (!info.topic) return false;
    return std::any_of(o.topic_filters.begin(), o.topic_filters.end(),
                       [&](const std::string& f) { return topic::filter_matches(f, *info.topic); });
  }
  return true;
}

std::unique_ptr<ItemSource> filtered(std::unique_ptr<ItemSource> source, const ReplayOptions& o) {
  if (!has_filters(o)) return source;
  return std::make_unique<FilteredItems>(std::move(source), o);
}

}  // namespace iot::replay
