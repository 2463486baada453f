#include "iot-verify/expectation.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <span>
#include <nlohmann/json.hpp>

namespace iot::verify {
namespace {

using Field = Count Counters::*;

struct Named {
  const char* name;
  Field field;
};

// The counters a truth file states, by the name the report gives them.
constexpr Named kStated[] = {
    {"total", &Counters::total},           {"valid", &Counters::valid},
    {"invalid", &Counters::invalid},       {"bad_json", &Counters::bad_json},
    {"duplicates", &Counters::duplicates}, {"gaps.events", &Counters::gap_events},
    {"gaps.missing", &Counters::missing},  {"reordered", &Counters::reordered},
};
// Per device the truth states fewer: a corrupted line cannot be read back
// to its device, so the report counts it as bad_json of the stream only.
constexpr Named kStatedPerDevice[] = {
    {"duplicates", &Counters::duplicates},
    {"gaps.events", &Counters::gap_events},
    {"gaps.missing", &Counters::missing},
    {"reordered", &Counters::reordered},
};
// Never injected: expected 0 everywhere.
constexpr Named kNeverInjected[] = {
    {"bad_signature", &Counters::bad_signature}, {"schema_errors", &Counters::schema_errors},
    {"future_ts", &Counters::future_ts},         {"stale_ts", &Counters::stale_ts},
    {"clock_drift", &Counters::clock_drift},
};

Error not_truth(const std::string& path, const std::string& why) {
  return make_error(ErrorKind::usage, "usage",
                    "--expect " + path + ": " + why + " (expected the file iot-replay --truth writes)");
}

// "gaps.events" -> j["gaps"]["events"], a count.
Result<std::uint64_t> count_at(const nlohmann::json& j, std::string_view name, const std::string& path,
                               const std::string& where) {
  const nlohmann::json* v = &j;
  std::size_t dot = name.find('.');
  std::string first(name.substr(0, dot));
  if (!v->contains(first)) return not_truth(path, where + "no \"" + std::string(name) + "\"");
  v = &(*v)[first];
  if (dot != std::string_view::npos) {
    std::string second(name.substr(dot + 1));
    if (!v->is_object() || !v->contains(second)) return not_truth(path, where + "no \"" + std::string(name) + "\"");
    v = &(*v)[second];
  }
  if (!v->is_number_unsigned()) return not_truth(path, where + "\"" + std::string(name) + "\" is not a count");
  return v->get<std::uint64_t>();
}

void compare(std::vector<std::string>& out, const std::string& who, const Counters& want, const Counters& got,
             std::span<const Named> fields) {
  for (const auto& f : fields)
    if (want.*f.field != got.*f.field)
      out.push_back(fmt::format("{}{}: expected {}, found {}", who, f.name, want.*f.field, got.*f.field));
}

}  // namespace

Result<Expectation> load_expectation(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::usage, "usage", "--expect " + path + ": cannot read the file");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return not_truth(path, "not a JSON object");
  Expectation e;
  e.path = path;
  for (const auto& f : kStated) {
    auto n = count_at(j, f.name, path, "");
    if (!n) return n.error();
    e.totals.*f.field = *n;
  }
  auto last = count_at(j, "last_seq", path, "");
  if (!last) return last.error();
  e.last_seq = *last;
  if (!j.contains("devices") || !j["devices"].is_object()) return not_truth(path, "no \"devices\" object");
  for (const auto& [id, d] : j["devices"].items()) {
    if (!d.is_object()) return not_truth(path, "device \"" + id + "\" is not an object");
    Counters c;
    for (const auto& f : kStatedPerDevice) {
      auto n = count_at(d, f.name, path, "device \"" + id + "\": ");
      if (!n) return n.error();
      c.*f.field = *n;
    }
    e.devices.emplace(id, c);
  }
  return e;
}

std::vector<std::string> differences(const Expectation& want, const Stats& found) {
  std::vector<std::string> out;
  compare(out, "", want.totals, found.totals, kStated);
  compare(out, "", Counters{}, found.totals, kNeverInjected);
  for (const auto& [id, c] : want.devices)
    if (!found.devices.contains(id)) out.push_back(fmt::format("device {}: expected, not seen", id));
  std::map<std::string_view, const DeviceStats*> sorted;  // the differences in a stable order
  found.devices.for_each([&](std::string_view id, const DeviceStats& d) { sorted.emplace(id, &d); });
  for (const auto& [id, d] : sorted) {
    auto it = want.devices.find(id);
    const Counters expected = it == want.devices.end() ? Counters{} : it->second;
    std::string who = fmt::format("device {} ", id);
    compare(out, who, expected, d->counters, kStatedPerDevice);
    compare(out, who, Counters{}, d->counters, kNeverInjected);
    if (d->seq.seen && static_cast<std::uint64_t>(d->seq.last_seq) != want.last_seq)
      out.push_back(fmt::format("{}last_seq: expected {}, found {}", who, want.last_seq, d->seq.last_seq));
  }
  return out;
}

}  // namespace iot::verify
