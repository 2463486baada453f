#include "cli/parse_hints.hpp"

#include <algorithm>
#include <numeric>

namespace iot::cli {
namespace {

void collect_long_names(CLI::App& app, std::vector<std::string>& out) {
  for (const CLI::Option* o : app.get_options())
    for (const auto& name : o->get_lnames()) out.push_back("--" + name);
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) collect_long_names(*sub, out);
}

bool has_short(CLI::App& app, const std::string& name) {
  for (const CLI::Option* o : app.get_options()) {
    const auto& snames = o->get_snames();
    if (std::find(snames.begin(), snames.end(), name) != snames.end()) return true;
  }
  return false;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: three rows of the Levenshtein table suffice
  // for the adjacent-swap case.
  std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), row(b.size() + 1);
  std::iota(prev.begin(), prev.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = std::min(row[j], before[j - 2] + 1);
    }
    before.swap(prev);
    prev.swap(row);
  }
  return prev[b.size()];
}

std::string closest_option(const std::vector<std::string>& known, std::string_view typed) {
  // A typo is a small part of the name: up to 1 edit in a short name, 2 in
  // one of 8+ characters, 3 from 14 (dashes included).
  std::size_t limit = typed.size() >= 14 ? 3 : typed.size() >= 8 ? 2 : 1;
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& name : known) {
    std::size_t d = edit_distance(typed, name);
    // A prefix of exactly one option is what the user began to type.
    if (typed.size() >= 4 && name.starts_with(typed)) d = std::min<std::size_t>(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  return best;
}

std::string parse_hint(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> known;
  collect_long_names(app, known);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (arg == "-h") {
      bool host_follows = i + 1 < args.size() && !args[i + 1].starts_with("-");
      if (!has_short(app, "h")) return "for help, use --help";
      if (!host_follows) return "-h takes the broker host (as in mosquitto_pub); for help, use --help";
      continue;
    }
    if (!arg.starts_with("--") || arg.size() < 3) continue;
    std::string name = arg.substr(0, arg.find('='));
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (auto guess = closest_option(known, name); !guess.empty()) return "did you mean " + guess + "?";
  }
  return {};
}

}  // namespace iot::cli
