// Topic patterns with named and typed captures (iot-stream(5), TOPIC PATTERNS AND TEMPLATES):
//   i/{tenant:b64hex}/a/{agent:b64uuid}/endpoints/{protocol}
// {name} captures one level; {name:b64hex} / {name:b64uuid} decode
// base64url ids (12 hex chars <-> 8 chars, a UUID <-> 22 chars); "+" and "#"
// are MQTT wildcards ("#" last). The same syntax fills topics in iot-pub.
//
// Rules: a capture is a whole level; names are [A-Za-z0-9_]+ and unique;
// types are none, b64hex, b64uuid. As in MQTT, a topic starting with '$'
// matches no pattern whose first level is a wildcard or a capture.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace iot::topic {

struct Match {
  std::map<std::string, std::string> fields;  // decoded values
  std::vector<std::string> field_errors;      // captures that did not decode (raw text kept)
};

class TopicPattern {
 public:
  // Errors have reason "usage" (a pattern is configuration).
  static Result<TopicPattern> parse(std::string_view pattern);
  std::optional<Match> match(std::string_view topic) const;
  // The MQTT subscription filter for this pattern ({x} -> "+").
  std::string filter() const;
  const std::string& text() const { return text_; }
  // Capture names in pattern order.
  std::vector<std::string> names() const;

 private:
  struct Level { enum Kind { literal, capture, plus, hash } kind; std::string text; std::string type; };
  std::string text_;
  std::vector<Level> levels_;
};

// Fills {name} from values; a value holding '/', '+', '#' or NUL, an empty
// value, or a missing name, is an error (never published). "{{" and "}}" are
// literal braces. The result must be a valid topic name.
class TopicTemplate {
 public:
  using LookupFn = std::function<std::optional<std::string>(std::string_view)>;

  static Result<TopicTemplate> parse(std::string_view text);
  // lookup(name) returns the value or nothing: std::optional<std::string>,
  // std::optional<std::string_view> or a pointer to a string all work.
  template <class Lookup>
  Result<std::string> fill(Lookup&& lookup) const {
    return fill_fn([&](std::string_view name) -> std::optional<std::string> {
      auto value = lookup(name);
      if (!value) return std::nullopt;
      return std::string(*value);
    });
  }
  Result<std::string> fill_fn(const LookupFn& lookup) const;
  Result<std::string> fill_map(const std::map<std::string, std::string>& values) const;
  const std::vector<std::string>& names() const { return names_; }
  // True when the template has no {name} (a fixed topic).
  bool is_fixed() const { return names_.empty(); }

 private:
  std::vector<std::string> parts_;  // literal, name, literal, name, ... literal
  std::vector<std::string> names_;
};

// The b64hex and b64uuid id encodings.
Result<std::string> b64hex_decode(std::string_view text);   // 8 chars -> 12 hex chars (lowercase)
Result<std::string> b64hex_encode(std::string_view hex);    // 12 hex chars, either case
Result<std::string> b64uuid_decode(std::string_view text);  // 22 chars -> canonical UUID (lowercase)
Result<std::string> b64uuid_encode(std::string_view uuid);  // 36-char UUID or 32 hex digits
// MQTT filter matching ("+", "#"), for routes and --topic filters.
bool filter_matches(std::string_view filter, std::string_view topic);
// A topic name valid to publish: non-empty, at most 65535 bytes, UTF-8, no
// wildcard, no NUL. Reason "schema" when not.
Status validate_topic_name(std::string_view topic);
// A subscription filter valid for MQTT: non-empty, UTF-8, no NUL, '+' and
// '#' alone in their level, '#' last. Reason "usage" when not.
Status validate_topic_filter(std::string_view filter);

}  // namespace iot::topic
