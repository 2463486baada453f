// Topic templates for publishing: "plant/{device_id}/telemetry". Values are
// refused, never escaped, when they could change the topic's shape: a '/'
// would add levels, '+'/'#' are wildcards, NUL ends C strings, an empty value
// would leave an empty level.
#include <cctype>

#include "topic/pattern.hpp"

namespace iot::topic {
namespace {

Error template_usage(std::string message) { return make_error(ErrorKind::usage, "usage", std::move(message)); }

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; }

}  // namespace

Result<TopicTemplate> TopicTemplate::parse(std::string_view text) {
  auto fail = [&](const std::string& why) { return template_usage("topic template \"" + std::string(text) + "\": " + why); };
  if (text.empty()) return fail("is empty");
  TopicTemplate t;
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal += c;  // "{{" and "}}" are literal braces
      ++i;
    } else if (c == '{') {
      std::size_t close = text.find('}', i + 1);
      if (close == std::string_view::npos) return fail("'{' without '}'");
      std::string_view name = text.substr(i + 1, close - i - 1);
      if (name.empty()) return fail("empty {}");
      for (char n : name)
        if (!is_name_char(n)) return fail("bad name \"" + std::string(name) + "\"");
      t.parts_.push_back(std::move(literal));
      literal.clear();
      t.parts_.emplace_back(name);
      t.names_.emplace_back(name);
      i = close;
    } else if (c == '}') {
      return fail("'}' without '{' (write \"}}\" for a brace)");
    } else if (c == '+' || c == '#' || c == '\0') {
      return fail("wildcards and NUL cannot be published");
    } else {
      literal += c;
    }
  }
  t.parts_.push_back(std::move(literal));
  return t;
}

Result<std::string> TopicTemplate::fill_fn(const LookupFn& lookup) const {
  std::string out;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    if (i % 2 == 0) {
      out += parts_[i];
      continue;
    }
    const std::string& name = parts_[i];
    auto value = lookup(name);
    auto bad = [&](const char* why) {
      return make_error(ErrorKind::bad_input, "schema", "topic template: {" + name + "} " + why);
    };
    if (!value) return bad("has no value");
    if (value->empty()) return bad("is empty");
    if (value->find_first_of(std::string_view("/+#\0", 4)) != std::string::npos)
      return bad("holds '/', '+', '#' or NUL");
    out += *value;
  }
  if (auto valid = validate_topic_name(out); !valid) return valid.error();
  return out;
}

Result<std::string> TopicTemplate::fill_map(const std::map<std::string, std::string>& values) const {
  return fill_fn([&](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  });
}

}  // namespace iot::topic
