// Playing recordings: filters (--since/--until/--device/--topic), --retime,
// --loop, bad lines passed on as recorded (counted, warned once).
#include <chrono>

#include "core/log.hpp"
#include "cli/run.hpp"
#include "iot-replay/filters.hpp"
#include "replay/recording_source.hpp"
#include "replay/retime.hpp"
#include "iot-replay/sources.hpp"

namespace iot::replay {
namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class RecordingItems : public ItemSource {
 public:
  RecordingItems(const ReplayOptions& o, std::unique_ptr<RecordingSource> source)
      : o_(o), source_(std::move(source)), passes_left_(o.loop) {}

  Result<bool> next(Item& item) override {
    for (;;) {
      RecordedLine rec;
      if (!source_->next(rec)) {
        if (!start_next_pass()) return false;
        continue;
      }
      if (!passes_filters(rec.info, o_)) {
        ++filtered_out_;
        continue;
      }
      std::optional<std::int64_t> t = rec.info.time_ns;
      if (!rec.info.parsed && source_->inspects() && ++unparsed_ == 1)
        log::warn("{}:{}: not a JSON object; passed on as recorded", rec.source, rec.number);
      if (t) {
        if (!first_ns_) first_ns_ = *t;
        last_ns_ = *t;
        ++timed_;
        *t += shift_ns_;
      }
      item.time_ns = t;
      item.line = rec.text;
      if (o_.retime) {
        if (!retimer_) {
          std::int64_t now = now_ns();
          retime_base_ = rec.info.time_ns ? now - *rec.info.time_ns : 0;
          retimer_.emplace(retime_base_, o_.new_ids, std::uint64_t(now),
                           o_.key.empty() ? std::nullopt : std::optional<std::string>(o_.key));
        }
        retimer_->set_offset(retime_base_ + shift_ns_);
        retimed_ = retimer_->apply(rec.text);
        item.line = retimed_;
      }
      return true;
    }
  }

  Status finish() override {
    if (source_->too_long_lines()) log::warn("{} over-long lines skipped", source_->too_long_lines());
    if (unparsed_ > 1) log::warn("{} lines were not JSON objects (passed on as recorded)", unparsed_);
    if (retimer_ && retimer_->signed_touched())
      log::warn("--retime changed signed payloads: their HMACs no longer match (give --key-file to sign them again)");
    if (source_->errors().empty()) return ok_status();
    for (const auto& e : source_->errors()) log::error("{}", e.message);
    Error e = source_->errors().front();
    e.kind = ErrorKind::io;
    return e;
  }

  std::int64_t timeline_shift_ns() const override { return shift_ns_; }

  void add_metrics(cli::Metrics& m) const override {
    m.add("filtered_out_total", double(filtered_out_), "Messages left out by --since/--until/--device/--topic");
    m.add("lines_not_json_total", double(unparsed_), "Lines that were not JSON objects, passed on as recorded (seen when lines are read: pacing by time, filters, --retime)");
    m.add("lines_too_long_total", double(source_->too_long_lines()), "Over-long lines skipped");
    m.add("passes_total", double(passes_done_), "Passes over the recordings started (--loop)");
    m.add("file_errors_total", double(source_->errors().size()), "Files that failed on the way (corrupt, truncated)");
  }

 private:
  // Another --loop pass: the timeline continues one average interval after
  // the last message, so pacing and retimed timestamps keep going forward.
  bool start_next_pass() {
    if (o_.loop != 0 && --passes_left_ <= 0) return false;
    ++passes_done_;
    if (cli::interrupted()) return false;
    if (Status st = source_->rewind(); !st) {
      log::error("{}", st.error().message);
      return false;
    }
    if (first_ns_ && last_ns_) {
      std::int64_t span = *last_ns_ - *first_ns_;
      std::int64_t gap = timed_ > 1 ? span / std::int64_t(timed_ - 1) : 1000000000;
      shift_ns_ += span + std::max<std::int64_t>(gap, 1);
    }
    timed_ = 0;
    first_ns_.reset();
    return true;
  }

  const ReplayOptions& o_;
  std::unique_ptr<RecordingSource> source_;
  int passes_left_;
  std::optional<Retimer> retimer_;
  std::int64_t retime_base_ = 0;
  std::string retimed_;
  std::optional<std::int64_t> first_ns_, last_ns_;
  std::uint64_t timed_ = 0;
  std::int64_t shift_ns_ = 0;
  std::uint64_t unparsed_ = 0;
  std::uint64_t filtered_out_ = 0;
  std::uint64_t passes_done_ = 1;
};

}  // namespace

Result<std::unique_ptr<ItemSource>> open_recording(const ReplayOptions& o) {
  bool inspect = has_filters(o) || o.retime || (!o.fast && o.rate.per_second <= 0);
  if (o.loop != 1)
    for (const auto& f : o.files)
      if (f == "-") return make_error(ErrorKind::usage, "usage", "--loop cannot replay stdin: name files");
  if (o.loop != 1 && o.files.empty()) return make_error(ErrorKind::usage, "usage", "--loop cannot replay stdin: name files");
  auto source = RecordingSource::open(o.files, inspect);
  if (!source) return source.error();
  return std::unique_ptr<ItemSource>(new RecordingItems(o, std::move(*source)));
}

}  // namespace iot::replay
