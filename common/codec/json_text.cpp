#include "codec/json_text.hpp"

#include <cstring>

#include <simdjson.h>

#include "codec/dom_parse.hpp"
#include "codec/wide_integers.hpp"

namespace iot::codec {

bool is_valid_utf8(std::string_view bytes) {
  return simdjson::validate_utf8(bytes.data(), bytes.size());
}

Result<std::string> minify_json(std::string_view text, std::size_t max_depth) {
  simdjson::error_code code = simdjson::SUCCESS;
  auto parsed = detail::dom_parse(text, max_depth, &code);  // validates, UTF-8 included
  if (!parsed && code == simdjson::NUMBER_ERROR) {
    // Integers beyond 64 bits (wide_integers.hpp): valid when the rewritten
    // text is; the exact text is the minified one.
    auto wide = rewrite_wide_integers(text);
    if (wide && detail::dom_parse(wide->for_simdjson, max_depth)) {
      detail::dom_trim();
      return std::move(wide->exact);
    }
  }
  detail::dom_trim();
  if (!parsed) return parsed.error();
  // Valid JSON: whitespace is stripped from the text itself, so that numbers
  // keep exactly the digits the sender wrote.
  return minify_valid_json(text);
}

std::string minify_valid_json(std::string_view valid_json) {
  auto has = [valid_json](char c) { return std::memchr(valid_json.data(), c, valid_json.size()) != nullptr; };
  if (!has(' ') && !has('\n') && !has('\t') && !has('\r')) return std::string(valid_json);
  std::string out(valid_json.size() + simdjson::SIMDJSON_PADDING, '\0');
  std::size_t out_len = 0;
  if (simdjson::minify(valid_json.data(), valid_json.size(), out.data(), out_len) != simdjson::SUCCESS)
    return std::string(valid_json);  // cannot happen for valid JSON; the text is still the value
  out.resize(out_len);
  return out;
}

namespace {

// Writes the escape for a byte that cannot stand raw in a JSON string.
void append_escape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
  }
}

bool is_ascii(std::string_view s) {
  unsigned char any = 0;
  for (char c : s) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

}  // namespace

Status append_json_string(std::string& out, std::string_view s) {
  // Short ASCII strings (keys, ids) skip the validator, whose setup costs
  // more than the check itself on a few bytes.
  if (!is_ascii(s) && !is_valid_utf8(s)) {
    return make_error(ErrorKind::bad_input, "decode", "string is not valid UTF-8");
  }
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;  // UTF-8 is kept as is
    out.append(s.data() + run, i - run);
    append_escape(out, c);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
  return ok_status();
}

}  // namespace iot::codec
