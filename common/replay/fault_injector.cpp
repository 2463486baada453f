#include "replay/fault_injector.hpp"

#include <fmt/format.h>

namespace iot::replay {

FaultInjector::FaultInjector(const InjectSpec& spec, Fleet& fleet, std::uint64_t seed)
    : spec_(spec),
      fleet_(fleet),
      rng_(seed ^ 0x5eedfa017ULL),
      clean_next_(fleet.spec().devices, false),
      touched_(fleet.spec().devices, false),
      dead_(fleet.spec().devices, false) {
  truth_.last_seq = fleet.messages_per_device();
  if (spec.has_episodes()) {
    episodes_.emplace(spec, fleet.spec().devices, fleet.messages_per_device(), 1.0 / fleet.spec().rate, seed);
    fleet.set_value_hook(this);
  }
}

const FaultTruth& FaultInjector::truth() {
  if (!episodes_) return truth_;
  truth_.episodes.clear();
  for (const Episode& e : episodes_->episodes()) {
    FaultTruth::SensorFault f{episode_name(e.kind), fleet_.device_id(e.device), std::nullopt, e.first_seq, e.last_seq,
                              e.end_seq, e.start_ns / 1000000, e.end_ns / 1000000};
    if (e.metric) f.metric = fleet_.spec().metrics.at(*e.metric);
    truth_.episodes.push_back(std::move(f));
  }
  return truth_;
}

bool FaultInjector::adjust(const SyntheticMessage& m, std::vector<double>& values, std::vector<int>& quality) {
  // A sensor fault starts only where no transport fault is near (the same
  // rule that keeps transport faults apart), so each is seen once.
  bool may_start = !clean_next_[m.device] && !held_.count(m.device) && m.seq < fleet_.messages_per_device();
  EpisodeEffect effect = episodes_->apply(m.device, m.seq, m.time_ns, may_start, values, quality);
  touched_[m.device] = effect != EpisodeEffect::none;
  return effect != EpisodeEffect::silent;
}

FaultInjector::Fault FaultInjector::choose(const SyntheticMessage& m) {
  bool forced_clean =
      m.seq == 1 || m.seq >= fleet_.messages_per_device() || clean_next_[m.device] || touched_[m.device];
  clean_next_[m.device] = false;
  if (forced_clean) return Fault::none;
  double u = rng_.uniform();
  Fault f = Fault::none;
  if ((u -= spec_.gap) < 0) f = Fault::gap;
  else if ((u -= spec_.dup) < 0) f = Fault::dup;
  else if ((u -= spec_.reorder) < 0) f = Fault::reorder;
  else if ((u -= spec_.late) < 0) f = Fault::late;
  else if ((u -= spec_.corrupt) < 0) f = Fault::corrupt;
  if (f != Fault::none) clean_next_[m.device] = true;
  return f;
}

void FaultInjector::emit(std::deque<OutLine>& out, std::int64_t time_ns, std::string line) {
  ++truth_.total;
  out.push_back({time_ns, std::move(line)});
}

void FaultInjector::push(SyntheticMessage& m, std::deque<OutLine>& out) {
  const std::string& device = fleet_.device_id(m.device);
  std::string msg_id(m.msg_id, 26);
  if (m.silent) {  // a dead device: its seqs go missing, one gap for the episode
    if (!dead_[m.device]) ++truth_.gap_events, ++truth_.devices[device].gap_events;
    dead_[m.device] = true;
    truth_.dropped[device].push_back(m.seq);
    ++truth_.missing, ++truth_.devices[device].missing;
    clean_next_[m.device] = true;
    return;
  }
  dead_[m.device] = false;
  Fault fault = choose(m);
  auto counts = [&]() -> FaultTruth::DeviceCounts& { return truth_.devices[device]; };
  switch (fault) {
    case Fault::none: emit(out, m.time_ns, m.line); break;
    case Fault::gap:
      truth_.dropped[device].push_back(m.seq);
      ++truth_.gap_events, ++truth_.missing;
      ++counts().gap_events, ++counts().missing;
      break;
    case Fault::dup:
      emit(out, m.time_ns, m.line);
      emit(out, m.time_ns, m.line);
      truth_.duplicated_msg_ids.push_back(msg_id);
      ++truth_.duplicates, ++counts().duplicates;
      break;
    case Fault::corrupt:
      emit(out, m.time_ns, m.line.substr(0, m.line.size() / 2));
      truth_.corrupted.push_back({device, m.seq, msg_id, truth_.total});
      ++truth_.bad_json, ++truth_.gap_events, ++truth_.missing;
      ++counts().bad_json, ++counts().gap_events, ++counts().missing;
      break;
    case Fault::reorder:
    case Fault::late: {
      bool late = fault == Fault::late;
      held_[m.device].push_back({m.seq + (late ? 10 : 1), m.seq, late, msg_id, m.line});
      ++truth_.gap_events, ++truth_.reordered;
      ++counts().gap_events, ++counts().reordered;
      break;
    }
  }
  if (fault != Fault::reorder && fault != Fault::late) release(m.device, m.seq, m.time_ns, out, false);
}

void FaultInjector::release(std::uint32_t device, std::uint64_t seq, std::int64_t time_ns, std::deque<OutLine>& out,
                            bool all) {
  auto it = held_.find(device);
  if (it == held_.end()) return;
  auto& list = it->second;
  for (std::size_t i = 0; i < list.size();) {
    if (all || list[i].release_after_seq <= seq) {
      Held h = std::move(list[i]);
      list.erase(list.begin() + long(i));
      emit(out, time_ns, std::move(h.line));
      auto& marks = h.late ? truth_.late_msgs : truth_.reordered_msgs;
      marks.push_back({fleet_.device_id(device), h.seq, h.msg_id, truth_.total});
    } else {
      ++i;
    }
  }
  if (list.empty()) held_.erase(it);
}

void FaultInjector::finish(std::deque<OutLine>& out) {
  std::int64_t end_ns = fleet_.start_ns() + std::int64_t(fleet_.spec().duration_s * 1e9);
  while (!held_.empty()) release(held_.begin()->first, 0, end_ns, out, true);
}

namespace {

void append_marks(std::string& s, std::string_view name, const std::vector<FaultTruth::Marked>& marks) {
  s += fmt::format(",\"{}\":[", name);
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const auto& m = marks[i];
    s += fmt::format("{}{{\"device_id\":\"{}\",\"seq\":{},\"msg_id\":\"{}\",\"line\":{}}}", i ? "," : "",
                     m.device_id, m.seq, m.msg_id, m.line);
  }
  s += ']';
}

}  // namespace

std::string render_truth_json(const FaultTruth& t, std::string_view shape) {
  std::uint64_t invalid = t.bad_json + t.duplicates;
  std::string s = fmt::format(
      "{{\"shape\":\"{}\",\"total\":{},\"valid\":{},\"invalid\":{},\"bad_json\":{},\"duplicates\":{},"
      "\"gaps\":{{\"events\":{},\"missing\":{}}},\"reordered\":{},\"last_seq\":{}",
      shape, t.total, t.total - invalid, invalid, t.bad_json, t.duplicates, t.gap_events, t.missing, t.reordered,
      t.last_seq);
  s += ",\"duplicated_msg_ids\":[";
  for (std::size_t i = 0; i < t.duplicated_msg_ids.size(); ++i)
    s += fmt::format("{}\"{}\"", i ? "," : "", t.duplicated_msg_ids[i]);
  s += "],\"dropped\":{";
  bool first = true;
  for (const auto& [device, seqs] : t.dropped) {
    s += fmt::format("{}\"{}\":[{}]", first ? "" : ",", device, fmt::join(seqs, ","));
    first = false;
  }
  s += '}';
  append_marks(s, "corrupted", t.corrupted);
  append_marks(s, "reordered_msgs", t.reordered_msgs);
  append_marks(s, "late_msgs", t.late_msgs);
  s += ",\"devices\":{";
  first = true;
  for (const auto& [device, c] : t.devices) {
    s += fmt::format(
        "{}\"{}\":{{\"duplicates\":{},\"bad_json\":{},\"gaps\":{{\"events\":{},\"missing\":{}}},\"reordered\":{},"
        "\"last_seq\":{}}}",
        first ? "" : ",", device, c.duplicates, c.bad_json, c.gap_events, c.missing, c.reordered, t.last_seq);
    first = false;
  }
  s += "},\"episodes\":[";
  for (std::size_t i = 0; i < t.episodes.size(); ++i) {
    const auto& e = t.episodes[i];
    std::string metric = e.metric ? fmt::format("\"{}\"", *e.metric) : std::string("null");
    s += fmt::format(
        "{}{{\"fault\":\"{}\",\"device_id\":\"{}\",\"metric\":{},\"first_seq\":{},\"last_seq\":{},"
        "\"start_ms\":{},\"end_seq\":{},\"end_ms\":{}}}",
        i ? "," : "", e.fault, e.device_id, metric, e.first_seq, e.last_seq, e.start_ms, e.end_seq, e.end_ms);
  }
  s += "]}";
  return s;
}

}  // namespace iot::replay
