#include "replay/recording_source.hpp"

namespace iot::replay {

struct RecordingSource::Slot {
  std::unique_ptr<stream::LineReader> reader;
  RecordInspector inspector;
  stream::Line line;
  std::string copy;  // the head line, kept while other files are compared
  RecordInfo info;
  std::optional<std::int64_t> last_time;
  bool has = false;
  bool failed_noted = false;
};

RecordingSource::RecordingSource(std::vector<std::string> paths, bool inspect)
    : paths_(std::move(paths)), inspect_(inspect || paths_.size() > 1) {}

RecordingSource::~RecordingSource() = default;

Result<std::unique_ptr<RecordingSource>> RecordingSource::open(std::vector<std::string> paths, bool inspect) {
  if (paths.empty()) paths.push_back("-");
  std::unique_ptr<RecordingSource> source(new RecordingSource(std::move(paths), inspect));
  Status st = source->open_all();
  if (!st) return st.error();
  return source;
}

Status RecordingSource::open_all() {
  slots_.clear();
  refill_.reset();
  for (const auto& path : paths_) {
    auto reader = stream::LineReader::open(path);
    if (!reader) return reader.error();
    auto slot = std::make_unique<Slot>();
    slot->reader = std::move(*reader);
    slots_.push_back(std::move(slot));
  }
  if (slots_.size() > 1)
    for (auto& slot : slots_) fill(*slot);
  return ok_status();
}

Status RecordingSource::rewind() {
  for (const auto& path : paths_)
    if (path == "-") return make_error(ErrorKind::usage, "usage", "--loop cannot replay stdin: name files");
  return open_all();
}

void RecordingSource::note_error(const Slot& slot) {
  if (slot.failed_noted || !slot.reader->error()) return;
  Error e = *slot.reader->error();
  e.message = slot.reader->source() + ": after line " + std::to_string(slot.line.number) + ": " + e.message;
  errors_.push_back(std::move(e));
}

// Reads the slot's next line (skipping over-long ones, which are counted).
void RecordingSource::fill(Slot& slot) {
  slot.has = false;
  while (slot.reader->next(slot.line)) {
    if (slot.line.too_long) {
      ++too_long_;
      continue;
    }
    slot.has = true;
    break;
  }
  if (!slot.has) {
    note_error(slot);
    slot.failed_noted = true;
    return;
  }
  if (!inspect_) return;
  if (slots_.size() > 1) {
    slot.copy.assign(slot.line.text);
    slot.line.text = slot.copy;
  }
  slot.info = slot.inspector.inspect(slot.line.text);
  if (slot.info.time_ns) slot.last_time = slot.info.time_ns;
}

bool RecordingSource::next(RecordedLine& out) {
  if (slots_.size() == 1) {
    Slot& slot = *slots_[0];
    fill(slot);
    if (!slot.has) return false;
    out = {slot.line.text, slot.info, slot.line.source, slot.line.number};
    return true;
  }
  if (refill_) fill(*slots_[*refill_]);
  refill_.reset();
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = *slots_[i];
    if (!s.has) continue;
    if (!best) {
      best = i;
      continue;
    }
    const Slot& b = *slots_[*best];
    auto t = s.last_time.value_or(INT64_MIN), bt = b.last_time.value_or(INT64_MIN);
    if (t < bt) best = i;
  }
  if (!best) return false;
  Slot& slot = *slots_[*best];
  out = {slot.line.text, slot.info, slot.line.source, slot.line.number};
  refill_ = best;
  return true;
}

}  // namespace iot::replay
