#include "replay/episode_faults.hpp"

#include <cmath>

namespace iot::replay {

std::string_view episode_name(EpisodeKind kind) {
  switch (kind) {
    case EpisodeKind::stuck: return "stuck";
    case EpisodeKind::spike: return "spike";
    case EpisodeKind::dead: return "dead";
  }
  return "stuck";
}

namespace {
constexpr int kGood = 192;
double round2(double v) { return std::round(v * 100) / 100; }
}  // namespace

EpisodeFaults::EpisodeFaults(const InjectSpec& spec, std::uint32_t devices, std::uint64_t messages_per_device,
                             double period_s, std::uint64_t seed)
    : spec_(spec),
      per_device_(messages_per_device),
      hold_messages_(std::uint64_t(std::ceil(spec.hold_s / period_s)) + 1),
      rng_(seed ^ 0xe915bdeULL),
      active_(devices) {}

EpisodeEffect EpisodeFaults::start(std::uint32_t device, std::uint64_t seq, std::int64_t time_ns,
                                   std::vector<double>& values, std::vector<int>& quality) {
  double u = rng_.uniform();
  std::optional<EpisodeKind> kind;
  if ((u -= spec_.stuck) < 0) kind = EpisodeKind::stuck;
  else if ((u -= spec_.spike) < 0) kind = EpisodeKind::spike;
  else if ((u -= spec_.dead) < 0) kind = EpisodeKind::dead;
  if (!kind) return EpisodeEffect::none;
  // The episode and the message that ends it come before the device's last message.
  std::uint64_t length = *kind == EpisodeKind::spike ? 1 : hold_messages_;
  if (seq + length + 1 >= per_device_) return EpisodeEffect::none;
  Episode e{*kind, device, std::nullopt, seq, seq, time_ns, 0, 0};
  Active a{episodes_.size(), 0, time_ns + std::int64_t(spec_.hold_s * 1e9)};
  if (*kind != EpisodeKind::dead && !values.empty()) {
    std::size_t m = std::size_t(rng_.below(values.size()));
    e.metric = m;
    quality[m] = kGood;
    if (*kind == EpisodeKind::stuck) a.frozen = values[m];
    else values[m] = round2(1000 + 10 * std::fabs(values[m]));
  }
  episodes_.push_back(e);
  active_[device] = a;
  return *kind == EpisodeKind::dead ? EpisodeEffect::silent : EpisodeEffect::changed;
}

EpisodeEffect EpisodeFaults::apply(std::uint32_t device, std::uint64_t seq, std::int64_t time_ns, bool may_start,
                                   std::vector<double>& values, std::vector<int>& quality) {
  if (device >= active_.size()) return EpisodeEffect::none;
  auto& slot = active_[device];
  if (!slot) {
    if (!may_start || seq <= 1 || !spec_.has_episodes()) return EpisodeEffect::none;
    return start(device, seq, time_ns, values, quality);
  }
  Episode& e = episodes_[slot->episode];
  bool over = e.kind == EpisodeKind::spike || time_ns >= slot->until_ns;
  if (over) {
    e.end_ns = time_ns;
    e.end_seq = seq;
    // A stuck value that happens to come back the same would stretch the fault.
    if (e.kind == EpisodeKind::stuck && std::fabs(values[*e.metric] - slot->frozen) < 0.005)
      values[*e.metric] = round2(slot->frozen + 0.01);
    if (e.metric) quality[*e.metric] = kGood;  // the reading that ends it is one a check can use
    slot.reset();
    return EpisodeEffect::ended;
  }
  e.last_seq = seq;
  if (e.kind == EpisodeKind::dead) return EpisodeEffect::silent;
  values[*e.metric] = slot->frozen;
  quality[*e.metric] = kGood;
  return EpisodeEffect::changed;
}

}  // namespace iot::replay
