// Topic rewriting for iot-replay and iot-pub (--topic-rewrite, --topic-prefix;
// iot-pub(1) "TOPIC REWRITING"):
//
//   FROM=>TO      FROM is an MQTT filter; each '+' and '#' in it is a capture,
//                 numbered from 1 left to right. TO is the new topic: {1},
//                 {2}, ... put the captures back ('+' one level, '#' all the
//                 levels it matched, joined by '/'); "{{" and "}}" are
//                 literal braces.
//   plant/+/#=>staging/{1}/{2}   plant/P-1/telemetry -> staging/P-1/telemetry
//
// A '#' that matched no level ("plant/#" against "plant") gives an empty
// capture, and the '/' written just before its {N} is dropped with it. Rules
// are tried in order and the first whose FROM matches rewrites the topic; a
// topic no rule matches is kept. The prefix is then put in front, as written
// (no '/' is added). The result must be a topic one can publish.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace iot::topic {

class TopicRewriteRule {
 public:
  // "FROM=>TO". Errors have reason "usage" and quote the rule.
  static Result<TopicRewriteRule> parse(std::string_view rule);
  // The rewritten topic, or nothing when FROM does not match.
  std::optional<std::string> apply(std::string_view topic) const;

 private:
  struct Part {
    std::string literal;  // text before the capture
    int capture = 0;      // 1-based; 0: none (the last part)
  };
  std::string from_;
  std::vector<bool> from_hash_;  // per capture: true for '#'
  std::vector<Part> to_;
};

class TopicRewriter {
 public:
  // Checks the prefix (no wildcard, NUL or bad UTF-8) and every rule.
  static Result<TopicRewriter> make(std::string_view prefix, const std::vector<std::string>& rules);
  // True when there is nothing to do (no prefix, no rule).
  bool empty() const { return prefix_.empty() && rules_.empty(); }
  // The topic rewritten and prefixed; an error (reason "topic") when the
  // result is no valid topic name.
  Result<std::string> apply(std::string_view topic) const;

 private:
  std::string prefix_;
  std::vector<TopicRewriteRule> rules_;
};

}  // namespace iot::topic
