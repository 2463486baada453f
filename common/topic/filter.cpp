// MQTT topic names and filters (MQTT 3.1.1 §4.7, v5 §4.7).
#include "codec/json_text.hpp"
#include "topic/pattern.hpp"

namespace iot::topic {
namespace {

// The level of s starting at pos, and where the next one starts (npos: none).
std::string_view level_at(std::string_view s, std::size_t& pos) {
  std::size_t slash = s.find('/', pos);
  std::string_view level = s.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
  pos = slash == std::string_view::npos ? std::string_view::npos : slash + 1;
  return level;
}

}  // namespace

bool filter_matches(std::string_view filter, std::string_view topic) {
  if (filter.empty() || topic.empty()) return false;
  if (topic.front() == '$' && (filter.front() == '+' || filter.front() == '#')) return false;
  std::size_t f = 0, t = 0;
  while (f != std::string_view::npos) {
    std::string_view want = level_at(filter, f);
    if (want == "#") return true;  // also matches the parent level
    if (t == std::string_view::npos) {
      // Topic used up: only a trailing "/#" may remain.
      return false;
    }
    std::string_view have = level_at(topic, t);
    if (want != "+" && want != have) return false;
    if (t == std::string_view::npos && f != std::string_view::npos) {
      std::size_t rest = f;
      return level_at(filter, rest) == "#" && rest == std::string_view::npos;
    }
  }
  return t == std::string_view::npos;
}

Status validate_topic_name(std::string_view topic) {
  auto bad = [](const char* why) { return make_error(ErrorKind::bad_input, "schema", std::string("topic ") + why); };
  if (topic.empty()) return bad("is empty");
  if (topic.size() > 65535) return bad("is longer than 65535 bytes");
  if (topic.find_first_of(std::string_view("+#\0", 3)) != std::string_view::npos)
    return bad("holds a wildcard or NUL");
  if (!codec::is_valid_utf8(topic)) return bad("is not valid UTF-8");
  return ok_status();
}

Status validate_topic_filter(std::string_view filter) {
  auto bad = [&](const char* why) {
    return make_error(ErrorKind::usage, "usage", "topic filter \"" + std::string(filter) + "\" " + why);
  };
  if (filter.empty()) return bad("is empty");
  if (filter.size() > 65535) return bad("is longer than 65535 bytes");
  if (filter.find('\0') != std::string_view::npos) return bad("holds NUL");
  if (!codec::is_valid_utf8(filter)) return bad("is not valid UTF-8");
  std::size_t pos = 0;
  while (pos != std::string_view::npos) {
    std::string_view level = level_at(filter, pos);
    if (level.find_first_of("+#") != std::string_view::npos && level.size() != 1)
      return bad("has '+' or '#' inside a level");
    if (level == "#" && pos != std::string_view::npos) return bad("has '#' before the last level");
  }
  return ok_status();
}

}  // namespace iot::topic
