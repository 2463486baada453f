// --topic-rewrite and --topic-prefix: the syntax is in rewrite.hpp.
#include "topic/rewrite.hpp"

#include "codec/json_text.hpp"
#include "topic/pattern.hpp"

namespace iot::topic {
namespace {

Error usage(std::string_view rule, const std::string& why) {
  return make_error(ErrorKind::usage, "usage", "\"" + std::string(rule) + "\": " + why);
}

std::vector<std::string_view> split_levels(std::string_view s) {
  std::vector<std::string_view> levels;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = s.find('/', start);
    if (slash == std::string_view::npos) {
      levels.push_back(s.substr(start));
      return levels;
    }
    levels.push_back(s.substr(start, slash - start));
    start = slash + 1;
  }
}

// The captures of filter against topic, in order; nullopt for a '#' that
// matched no level. Nothing when the filter does not match.
std::optional<std::vector<std::optional<std::string>>> captures(std::string_view filter, std::string_view topic) {
  if (topic.empty()) return std::nullopt;
  // As in MQTT: a "$SYS" topic is not matched by a leading wildcard.
  if (topic.front() == '$' && (filter.front() == '+' || filter.front() == '#')) return std::nullopt;
  auto want = split_levels(filter), have = split_levels(topic);
  std::vector<std::optional<std::string>> out;
  std::size_t t = 0;
  for (std::string_view level : want) {
    if (level == "#") {
      if (t == have.size()) {
        out.emplace_back(std::nullopt);
      } else {
        std::size_t begin = static_cast<std::size_t>(have[t].data() - topic.data());
        out.emplace_back(std::string(topic.substr(begin)));
      }
      return out;
    }
    if (t == have.size()) return std::nullopt;
    if (level == "+") out.emplace_back(std::string(have[t]));
    else if (level != have[t]) return std::nullopt;
    ++t;
  }
  if (t != have.size()) return std::nullopt;
  return out;
}

}  // namespace

Result<TopicRewriteRule> TopicRewriteRule::parse(std::string_view rule) {
  std::size_t arrow = rule.find("=>");
  if (arrow == std::string_view::npos) return usage(rule, "expected FROM=>TO (plant/+/#=>staging/{1}/{2})");
  TopicRewriteRule r;
  r.from_ = std::string(rule.substr(0, arrow));
  std::string_view to = rule.substr(arrow + 2);
  if (auto st = validate_topic_filter(r.from_); !st) return usage(rule, "FROM: " + st.error().message);
  for (std::string_view level : split_levels(r.from_))
    if (level == "+" || level == "#") r.from_hash_.push_back(level == "#");
  if (to.empty()) return usage(rule, "TO is empty");
  if (to.find_first_of(std::string_view("+#\0", 3)) != std::string_view::npos)
    return usage(rule, "TO holds a wildcard or NUL: it is a topic, captures are written {1}, {2}, ...");
  if (!codec::is_valid_utf8(to)) return usage(rule, "TO is not valid UTF-8");
  Part part;
  for (std::size_t i = 0; i < to.size(); ++i) {
    char c = to[i];
    if ((c == '{' || c == '}') && i + 1 < to.size() && to[i + 1] == c) {
      part.literal += c;
      ++i;
    } else if (c == '{') {
      std::size_t close = to.find('}', i);
      std::string_view digits = close == std::string_view::npos ? std::string_view() : to.substr(i + 1, close - i - 1);
      if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string_view::npos)
        return usage(rule, "in TO, '{' starts a capture number like {1} (\"{{\" is a brace)");
      int n = std::stoi(std::string(digits));
      if (n < 1 || n > static_cast<int>(r.from_hash_.size()))
        return usage(rule, "{" + std::string(digits) + "} but FROM has " + std::to_string(r.from_hash_.size()) +
                               " wildcard(s) to capture");
      part.capture = n;
      r.to_.push_back(std::move(part));
      part = Part{};
      i = close;
    } else if (c == '}') {
      return usage(rule, "in TO, a lone '}' (write \"}}\" for a brace)");
    } else {
      part.literal += c;
    }
  }
  r.to_.push_back(std::move(part));
  return r;
}

std::optional<std::string> TopicRewriteRule::apply(std::string_view topic) const {
  auto caught = captures(from_, topic);
  if (!caught) return std::nullopt;
  std::string out;
  for (const Part& part : to_) {
    out += part.literal;
    if (!part.capture) continue;
    const auto& value = (*caught)[static_cast<std::size_t>(part.capture - 1)];
    if (value) {
      out += *value;
    } else if (!part.literal.empty() && out.back() == '/') {
      out.pop_back();  // "staging/{2}" with '#' matching nothing: "staging"
    }
  }
  return out;
}

Result<TopicRewriter> TopicRewriter::make(std::string_view prefix, const std::vector<std::string>& rules) {
  TopicRewriter w;
  if (prefix.find_first_of(std::string_view("+#\0", 3)) != std::string_view::npos)
    return make_error(ErrorKind::usage, "usage", "--topic-prefix: no wildcards or NUL in a prefix");
  if (!codec::is_valid_utf8(prefix)) return make_error(ErrorKind::usage, "usage", "--topic-prefix: not valid UTF-8");
  w.prefix_ = std::string(prefix);
  for (const auto& text : rules) {
    auto rule = TopicRewriteRule::parse(text);
    if (!rule) return make_error(ErrorKind::usage, "usage", "--topic-rewrite " + rule.error().message);
    w.rules_.push_back(std::move(*rule));
  }
  return w;
}

Result<std::string> TopicRewriter::apply(std::string_view topic) const {
  std::string out;
  bool rewritten = false;
  for (const auto& rule : rules_) {
    if (auto r = rule.apply(topic)) {
      out = std::move(*r);
      rewritten = true;
      break;
    }
  }
  if (!rewritten) out = std::string(topic);
  out.insert(0, prefix_);
  if (auto st = validate_topic_name(out); !st)
    return make_error(ErrorKind::bad_input, "topic",
                      "\"" + std::string(topic) + "\" rewritten to \"" + out + "\": " + st.error().message);
  return out;
}

}  // namespace iot::topic
