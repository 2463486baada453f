// The synthetic fleet as an ItemSource, with injected faults and the truth file.
#include <deque>

#include "core/log.hpp"
#include "replay/fault_injector.hpp"
#include "replay/fleet.hpp"
#include "iot-replay/sources.hpp"
#include "stream/line_writer.hpp"

namespace iot::replay {
namespace {

class SyntheticItems : public ItemSource {
 public:
  explicit SyntheticItems(const ReplayOptions& o)
      : o_(o), fleet_(*o.fleet, o.key, o.topic_template) {
    if (o.inject) injector_.emplace(*o.inject, fleet_, o.fleet->seed);
  }

  Result<bool> next(Item& item) override {
    if (!injector_) {
      if (!fleet_.next(message_)) return false;
      ++generated_;
      item = {message_.line, message_.time_ns};
      return true;
    }
    if (!pending_.empty()) pending_.pop_front();  // the one handed out last time
    while (pending_.empty()) {
      if (!fleet_.next(message_)) {
        if (finished_) return false;
        finished_ = true;
        injector_->finish(pending_);
        if (pending_.empty()) return false;
        break;
      }
      ++generated_;
      injector_->push(message_, pending_);
    }
    item = {pending_.front().line, pending_.front().time_ns};
    return true;
  }

  Status finish() override {
    if (o_.truth_file.empty() || !injector_) return ok_status();
    auto writer = stream::LineWriter::open(o_.truth_file);
    if (!writer) return writer.error();
    Status st = (*writer)->write_line(render_truth_json(injector_->truth(), fleet_shape_name(o_.fleet->shape)));
    if (st) st = (*writer)->flush();
    return st;
  }

  std::optional<double> fraction_done() const override {
    auto total = fleet_.total_messages();
    return total ? std::optional<double>(double(generated_) / double(total)) : std::nullopt;
  }

 private:
  const ReplayOptions& o_;
  Fleet fleet_;
  std::optional<FaultInjector> injector_;
  SyntheticMessage message_;
  std::deque<OutLine> pending_;
  std::uint64_t generated_ = 0;
  bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<ItemSource>> open_synthetic(const ReplayOptions& o) {
  return std::unique_ptr<ItemSource>(new SyntheticItems(o));
}

}  // namespace iot::replay
