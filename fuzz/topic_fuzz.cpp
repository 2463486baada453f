// Topic patterns, templates and filters from arbitrary text. Input: pattern,
// '\n', topic, '\n', value. Checks that a filled template is a valid topic
// without the refused characters, that pattern matches agree with the
// pattern's own MQTT filter, and that a filter covering another
// (topic/subscriptions.hpp) matches every topic the other matches.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "topic/pattern.hpp"
#include "topic/subscriptions.hpp"

namespace {
std::string_view cut(std::string_view& s) {
  std::size_t nl = s.find('\n');
  std::string_view head = s.substr(0, nl);
  s = nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
  return head;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view pattern_text = cut(in), topic = cut(in), value = in;
  using namespace iot::topic;
  if (auto p = TopicPattern::parse(pattern_text)) {
    auto m = p->match(topic);
    bool filtered = filter_matches(p->filter(), topic);
    if (m.has_value() != filtered && !topic.empty()) std::abort();
    if (!validate_topic_filter(p->filter())) std::abort();  // a valid pattern subscribes validly
    if (m)
      for (const auto& name : m->field_errors)
        if (!m->fields.count(name)) std::abort();
  }
  // filter_covers agrees with filter_matches: a topic the narrow filter (the
  // second line) matches, the wide one (the pattern's filter) matches too.
  if (auto p = TopicPattern::parse(pattern_text); p && validate_topic_filter(topic)) {
    if (!filter_covers(topic, topic)) std::abort();
    if (filter_covers(p->filter(), topic) && validate_topic_name(value) && filter_matches(topic, value) &&
        !filter_matches(p->filter(), value))
      std::abort();
  }
  if (auto t = TopicTemplate::parse(pattern_text)) {
    auto filled = t->fill([&](std::string_view) { return std::optional<std::string_view>(value); });
    if (filled) {
      if (!validate_topic_name(*filled)) std::abort();
      if (!t->names().empty() && value.find_first_of(std::string_view("/+#\0", 4)) != std::string_view::npos)
        std::abort();
    }
  }
  (void)b64hex_decode(topic);
  (void)b64uuid_decode(topic);
  if (auto enc = b64uuid_encode(value)) {
    auto back = b64uuid_decode(*enc);
    if (!back || back->size() != 36) std::abort();
  }
  return 0;
}
