#include "store/copy_text.hpp"

#include <fmt/format.h>

#include "core/time_text.hpp"

namespace iot::store {
namespace {

void append_nullable(std::string& out, std::string_view s) {
  if (s.empty())
    out += "\\N";
  else
    append_copy_field(out, s);
}

}  // namespace

void append_copy_field(std::string& out, std::string_view text) {
  // Runs without a character to escape go in whole: most fields have none,
  // and a row's tags are its longest field.
  while (!text.empty()) {
    std::size_t plain = 0;
    while (plain < text.size() && text[plain] != '\\' && text[plain] != '\t' && text[plain] != '\n' &&
           text[plain] != '\r')
      ++plain;
    out.append(text.data(), plain);
    if (plain == text.size()) return;
    switch (text[plain]) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      default: out += "\\r"; break;
    }
    text.remove_prefix(plain + 1);
  }
}

namespace {

void append_copy_reading_with_tags(std::string& out, const ReadingRow& r, std::string_view tags) {
  time_text::append_rfc3339_micros(out, r.time_ns);
  out += '\t';
  append_copy_field(out, r.device_id);
  out += '\t';
  append_copy_field(out, r.metric);
  out += '\t';
  if (r.value)
    fmt::format_to(std::back_inserter(out), "{}", *r.value);
  else
    out += "\\N";
  fmt::format_to(std::back_inserter(out), "\t{}\t", r.quality);
  append_nullable(out, r.tenant);
  out += '\t';
  append_nullable(out, r.protocol);
  out += '\t';
  append_nullable(out, r.unit);
  out += '\t';
  append_nullable(out, r.msg_id);
  out += '\t';
  if (r.seq)
    fmt::format_to(std::back_inserter(out), "{}", *r.seq);
  else
    out += "\\N";
  out += '\t';
  append_nullable(out, tags);
  out += '\t';
  append_nullable(out, r.extra_json);
}

}  // namespace

void append_copy_reading(std::string& out, const ReadingRow& r) { append_copy_reading_with_tags(out, r, r.tags_json); }

void append_copy_reading(std::string& out, const ReadingRow& r, std::optional<std::int64_t> tag_set) {
  append_copy_reading_with_tags(out, r, {});
  if (tag_set)
    fmt::format_to(std::back_inserter(out), "\t{}", *tag_set);
  else
    out += "\t\\N";
}

}  // namespace iot::store
