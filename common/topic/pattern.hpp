// Topic patterns with named and typed captures (design §1):
//   i/{tenant:b64hex}/a/{agent:b64uuid}/endpoints/{protocol}
// {name} captures one level; {name:b64hex} / {name:b64uuid} decode seed 001's
// base64url ids (12 hex chars <-> 8 chars, a UUID <-> 22 chars); "+" and "#"
// are MQTT wildcards ("#" last). The same syntax fills topics in iot-pub.
#pragma once

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
  static Result<TopicPattern> parse(std::string_view pattern);
  std::optional<Match> match(std::string_view topic) const;
  // The MQTT subscription filter for this pattern ({x} -> "+").
  std::string filter() const;
  const std::string& text() const { return text_; }

 private:
  struct Level { enum Kind { literal, capture, plus, hash } kind; std::string text; std::string type; };
  std::string text_;
  std::vector<Level> levels_;
};

// Fills {name} from values; a value holding '/', '+', '#' or NUL, or a
// missing name, is an error (never published).
class TopicTemplate {
 public:
  static Result<TopicTemplate> parse(std::string_view text);
  // lookup(name) returns the value or nullopt.
  template <class Lookup>
  Result<std::string> fill(Lookup&& lookup) const;
  Result<std::string> fill_map(const std::map<std::string, std::string>& values) const;
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> parts_;  // literal, name, literal, name, ... literal
  std::vector<std::string> names_;
};

// seed 001's id encodings.
Result<std::string> b64hex_decode(std::string_view text);   // 8 chars -> 12 hex chars
Result<std::string> b64hex_encode(std::string_view hex);
Result<std::string> b64uuid_decode(std::string_view text);  // 22 chars -> canonical UUID
Result<std::string> b64uuid_encode(std::string_view uuid);
// MQTT filter matching ("+", "#"), for routes and --topic filters.
bool filter_matches(std::string_view filter, std::string_view topic);
// A topic name valid to publish: non-empty, UTF-8, no wildcard, no NUL.
Status validate_topic_name(std::string_view topic);

}  // namespace iot::topic
