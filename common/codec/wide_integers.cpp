#include "codec/wide_integers.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

namespace iot::codec {
namespace {

Error bad_json(std::string message) { return make_error(ErrorKind::bad_input, "bad_json", std::move(message)); }

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The end of the string literal that starts at text[pos] (the opening quote),
// past its closing quote; npos when unterminated.
std::size_t string_end(std::string_view text, std::size_t pos) {
  // From quote to quote (memchr), then a look for an escape in between.
  for (std::size_t i = pos + 1; i < text.size();) {
    const std::size_t quote = text.find('"', i);
    if (quote == std::string_view::npos) return quote;
    const std::size_t escape = text.substr(i, quote - i).find('\\');
    if (escape == std::string_view::npos) return quote + 1;
    i += escape + 2;  // past the escape and the character it escapes
  }
  return std::string_view::npos;
}

// The end of the number literal at text[pos], and whether it is an integer.
std::size_t number_end(std::string_view text, std::size_t pos, bool& integer) {
  std::size_t i = pos;
  integer = true;
  if (i < text.size() && text[i] == '-') ++i;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i < text.size() && text[i] == '.') {
    integer = false;
    ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    integer = false;
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
  }
  return i;
}

// The end of the object or array that starts at text[pos], past its closing
// bracket; npos when unterminated. One byte at a time with strings skipped in
// an inner loop of their own: a payload is mostly short keys and numbers, for
// which a find() per string (twice, for the quote and for an escape) cost
// more than the bytes it skipped.
std::size_t container_end(std::string_view text, std::size_t pos) {
  const char* p = text.data() + pos;
  const char* const end = text.data() + text.size();
  int depth = 0;
  for (; p < end; ++p) {
    const char c = *p;
    if (c == '"') {
      for (++p; p < end && *p != '"'; ++p)
        if (*p == '\\' && ++p == end) break;  // the escaped character cannot end the string
      if (p >= end) return std::string_view::npos;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return static_cast<std::size_t>(p - text.data()) + 1;
    }
  }
  return std::string_view::npos;
}

// The end of the JSON value at text[pos] (no leading whitespace), for valid JSON.
std::size_t value_end(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return std::string_view::npos;
  char c = text[pos];
  if (c == '"') return string_end(text, pos);
  if (c == '{' || c == '[') return container_end(text, pos);
  std::size_t i = pos;
  while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']' && !is_ws(text[i])) ++i;
  return i;
}

std::size_t skip_ws(std::string_view text, std::size_t i) {
  while (i < text.size() && is_ws(text[i])) ++i;
  return i;
}

}  // namespace

bool is_wide_integer(std::string_view literal) {
  bool negative = !literal.empty() && literal[0] == '-';
  std::string_view digits = literal.substr(negative ? 1 : 0);
  if (digits.empty()) return false;
  for (char c : digits)
    if (!is_digit(c)) return false;
  // Same length: text order is numeric order (no leading zeros in JSON).
  std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
  if (digits.size() != limit.size()) return digits.size() > limit.size();
  return digits > limit;
}

bool is_exact_double(const WideInteger& w) {
  // fmt's fixed form of a double is its exact decimal value.
  return fmt::format("{:.0f}", w.value) == w.digits;
}

Result<WideIntegerText> rewrite_wide_integers(std::string_view json) {
  WideIntegerText out;
  out.for_simdjson.reserve(json.size() + 16);
  out.exact.reserve(json.size());
  for (std::size_t i = 0; i < json.size();) {
    char c = json[i];
    if (is_ws(c)) {
      out.for_simdjson += c;
      ++i;
    } else if (c == '"') {
      std::size_t end = string_end(json, i);
      if (end == std::string_view::npos) return bad_json("not JSON: unterminated string");
      out.for_simdjson.append(json, i, end - i);
      out.exact.append(json, i, end - i);
      i = end;
    } else if (c == '-' || is_digit(c)) {
      bool integer = false;
      std::size_t end = number_end(json, i, integer);
      std::string_view literal = json.substr(i, end - i);
      out.exact += literal;
      if (integer && is_wide_integer(literal)) {
        WideInteger w;
        w.digits = std::string(literal);
        w.value = std::strtod(w.digits.c_str(), nullptr);
        if (!std::isfinite(w.value))
          return bad_json("not JSON: an integer of " + std::to_string(literal.size()) +
                          " characters is beyond the range of a double");
        out.for_simdjson += fmt::format("{}", w.value);  // shortest round trip: "1.8446744073709552e+19"
        out.integers.push_back(std::move(w));
      } else {
        out.for_simdjson += literal;
      }
      i = end == i ? i + 1 : end;
    } else {
      out.for_simdjson += c;
      out.exact += c;
      ++i;
    }
  }
  if (out.integers.empty()) return bad_json("not JSON: a number out of range");
  return out;
}

std::optional<std::string_view> member_tail(std::string_view object_json, std::string_view key) {
  std::size_t i = skip_ws(object_json, 0);
  if (i >= object_json.size() || object_json[i] != '{') return std::nullopt;
  i = skip_ws(object_json, i + 1);
  while (i < object_json.size() && object_json[i] == '"') {
    std::size_t key_end = string_end(object_json, i);
    if (key_end == std::string_view::npos) return std::nullopt;
    std::string_view name = object_json.substr(i + 1, key_end - i - 2);
    if (name.find('\\') != std::string_view::npos) return std::nullopt;
    i = skip_ws(object_json, key_end);
    if (i >= object_json.size() || object_json[i] != ':') return std::nullopt;
    i = skip_ws(object_json, i + 1);
    if (name == key) return object_json.substr(i);
    std::size_t end = value_end(object_json, i);
    if (end == std::string_view::npos) return std::nullopt;
    i = skip_ws(object_json, end);
    if (i >= object_json.size() || object_json[i] != ',') return std::nullopt;
    i = skip_ws(object_json, i + 1);
  }
  return std::nullopt;
}

std::optional<std::string_view> member_text(std::string_view object_json, std::string_view key) {
  auto tail = member_tail(object_json, key);
  if (!tail) return std::nullopt;
  std::size_t end = value_end(*tail, 0);
  if (end == std::string_view::npos) return std::nullopt;
  return tail->substr(0, end);
}

std::optional<std::string_view> last_member_text(std::string_view object_json, std::string_view key) {
  auto tail = member_tail(object_json, key);
  if (!tail) return std::nullopt;
  std::size_t end = tail->size();
  while (end > 0 && is_ws((*tail)[end - 1])) --end;
  if (end == 0 || (*tail)[end - 1] != '}') return std::nullopt;
  --end;  // the object's own closing brace
  while (end > 0 && is_ws((*tail)[end - 1])) --end;
  if (end == 0) return std::nullopt;
  return tail->substr(0, end);
}

}  // namespace iot::codec
