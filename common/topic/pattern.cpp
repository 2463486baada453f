#include "topic/pattern.hpp"

#include <cctype>
#include <set>

#include "codec/json_text.hpp"

namespace iot::topic {
namespace {

Error usage(std::string message) { return make_error(ErrorKind::usage, "usage", std::move(message)); }

bool is_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// Calls f(level) for each '/'-separated level (empty levels included).
template <class F>
void for_each_level(std::string_view text, F&& f) {
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = text.find('/', start);
    f(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return;
    start = slash + 1;
  }
}

Result<std::string> decode_capture(const std::string& type, std::string_view raw) {
  if (type == "b64hex") return b64hex_decode(raw);
  if (type == "b64uuid") return b64uuid_decode(raw);
  return std::string(raw);
}

}  // namespace

Result<TopicPattern> TopicPattern::parse(std::string_view pattern) {
  if (pattern.empty()) return usage("empty topic pattern");
  if (!codec::is_valid_utf8(pattern)) return usage("topic pattern is not valid UTF-8");
  TopicPattern p;
  p.text_ = std::string(pattern);
  std::set<std::string, std::less<>> seen;
  std::optional<Error> problem;
  for_each_level(pattern, [&](std::string_view level) {
    if (problem) return;
    auto fail = [&](std::string why) { problem = usage("topic pattern \"" + p.text_ + "\": " + why); };
    if (!p.levels_.empty() && p.levels_.back().kind == Level::hash) return fail("'#' must be the last level");
    if (level == "+") return p.levels_.push_back({Level::plus, "+", ""});
    if (level == "#") return p.levels_.push_back({Level::hash, "#", ""});
    if (level.size() >= 2 && level.front() == '{' && level.back() == '}') {
      std::string_view inner = level.substr(1, level.size() - 2);
      std::size_t colon = inner.find(':');
      std::string_view name = inner.substr(0, colon);
      std::string_view type = colon == std::string_view::npos ? "" : inner.substr(colon + 1);
      if (!is_name(name)) return fail("bad capture name \"" + std::string(name) + "\"");
      if (type != "" && type != "b64hex" && type != "b64uuid")
        return fail("unknown capture type \"" + std::string(type) + "\" (b64hex, b64uuid)");
      if (!seen.insert(std::string(name)).second) return fail("capture \"" + std::string(name) + "\" twice");
      return p.levels_.push_back({Level::capture, std::string(name), std::string(type)});
    }
    if (level.find_first_of("+#{}") != std::string_view::npos || level.find('\0') != std::string_view::npos)
      return fail("'+', '#' and {capture} must stand alone in a level");
    p.levels_.push_back({Level::literal, std::string(level), ""});
  });
  if (problem) return *problem;
  return p;
}

std::optional<Match> TopicPattern::match(std::string_view topic) const {
  Match m;
  if (!topic.empty() && topic.front() == '$' && !levels_.empty() && levels_.front().kind != Level::literal)
    return std::nullopt;
  std::size_t i = 0;
  bool failed = false, hashed = false;
  for_each_level(topic, [&](std::string_view level) {
    if (failed || hashed) return;
    if (i >= levels_.size()) return void(failed = true);
    const Level& want = levels_[i++];
    switch (want.kind) {
      case Level::hash: hashed = true; return;
      case Level::plus: return;
      case Level::literal: failed = level != want.text; return;
      case Level::capture: {
        auto decoded = decode_capture(want.type, level);
        if (decoded) {
          m.fields[want.text] = std::move(*decoded);
        } else {
          m.fields[want.text] = std::string(level);
          m.field_errors.push_back(want.text);
        }
        return;
      }
    }
  });
  if (failed) return std::nullopt;
  // "a/#" also matches "a" (the parent level), as in MQTT.
  if (!hashed && i < levels_.size() && !(i + 1 == levels_.size() && levels_[i].kind == Level::hash))
    return std::nullopt;
  return m;
}

std::string TopicPattern::filter() const {
  std::string out;
  for (std::size_t i = 0; i < levels_.size(); ++i) {
    if (i) out += '/';
    out += levels_[i].kind == Level::capture ? std::string("+") : levels_[i].text;
  }
  return out;
}

std::vector<std::string> TopicPattern::names() const {
  std::vector<std::string> out;
  for (const auto& level : levels_)
    if (level.kind == Level::capture) out.push_back(level.text);
  return out;
}

}  // namespace iot::topic
