#include "store/copy_text.hpp"

#include <fmt/format.h>

#include "core/time_text.hpp"

namespace iot::store {
namespace {

void append_nullable(std::string& out, const std::string& s) {
  if (s.empty())
    out += "\\N";
  else
    append_copy_field(out, s);
}

}  // namespace

void append_copy_field(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

void append_copy_reading(std::string& out, const ReadingRow& r) {
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
  append_nullable(out, r.tags_json);
  out += '\t';
  append_nullable(out, r.extra_json);
}

}  // namespace iot::store
