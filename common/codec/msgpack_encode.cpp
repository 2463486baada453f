// JSON text -> MessagePack, written the way python-msgpack's packb writes it:
// integers in the smallest type (unsigned types for non-negative values),
// floats as float64, str8/16/32 for strings, keys in document order.
#include <cstdint>
#include <cstring>

#include "codec/dom_parse.hpp"
#include "codec/msgpack.hpp"
#include "codec/wide_integers.hpp"
#include "core/limits.hpp"

namespace iot::codec {
namespace {

void put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

void put_uint(std::string& out, std::uint64_t v) {
  if (v <= 0x7f) {
    out += static_cast<char>(v);
  } else if (v <= 0xff) {
    out += '\xcc';
    put_be(out, v, 1);
  } else if (v <= 0xffff) {
    out += '\xcd';
    put_be(out, v, 2);
  } else if (v <= 0xffffffffu) {
    out += '\xce';
    put_be(out, v, 4);
  } else {
    out += '\xcf';
    put_be(out, v, 8);
  }
}

void put_int(std::string& out, std::int64_t v) {
  if (v >= 0) return put_uint(out, static_cast<std::uint64_t>(v));
  auto u = static_cast<std::uint64_t>(v);
  if (v >= -32) {
    out += static_cast<char>(u & 0xFF);
  } else if (v >= INT8_MIN) {
    out += '\xd0';
    put_be(out, u, 1);
  } else if (v >= INT16_MIN) {
    out += '\xd1';
    put_be(out, u, 2);
  } else if (v >= INT32_MIN) {
    out += '\xd2';
    put_be(out, u, 4);
  } else {
    out += '\xd3';
    put_be(out, u, 8);
  }
}

void put_double(std::string& out, double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  out += '\xcb';
  put_be(out, bits, 8);
}

// fix_base/fix_max: the fix form (fixstr, fixarray, fixmap); first16: the
// type byte of the 16-bit form (its 32-bit form follows it). str also has str8.
void put_header(std::string& out, std::size_t n, unsigned char fix_base, std::size_t fix_max,
                unsigned char first16, bool has8) {
  if (n <= fix_max) {
    out += static_cast<char>(fix_base | n);
  } else if (has8 && n <= 0xff) {
    out += '\xd9';
    put_be(out, n, 1);
  } else if (n <= 0xffff) {
    out += static_cast<char>(first16);
    put_be(out, n, 2);
  } else {
    out += static_cast<char>(first16 + 1);
    put_be(out, n, 4);
  }
}

void put_str(std::string& out, std::string_view s) {
  put_header(out, s.size(), 0xa0, 31, 0xda, true);
  out += s;
}

// simdjson's size() saturates at 0xFFFFFF; count by walking beyond that.
template <class Container>
std::size_t count_of(const Container& c) {
  std::size_t n = c.size();
  if (n < 0xFFFFFF) return n;
  n = 0;
  for ([[maybe_unused]] auto item : c) ++n;
  return n;
}

// Recursion is bounded by the parser's depth cap.
void put_element(std::string& out, simdjson::dom::element e) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::ARRAY: {
      auto arr = e.get_array().value_unsafe();
      put_header(out, count_of(arr), 0x90, 15, 0xdc, false);
      for (auto item : arr) put_element(out, item);
      return;
    }
    case element_type::OBJECT: {
      auto obj = e.get_object().value_unsafe();
      put_header(out, count_of(obj), 0x80, 15, 0xde, false);
      for (auto field : obj) {
        put_str(out, field.key);
        put_element(out, field.value);
      }
      return;
    }
    case element_type::INT64: return put_int(out, e.get_int64().value_unsafe());
    case element_type::UINT64: return put_uint(out, e.get_uint64().value_unsafe());
    case element_type::DOUBLE: return put_double(out, e.get_double().value_unsafe());
    case element_type::STRING: return put_str(out, e.get_string().value_unsafe());
    case element_type::BOOL: out += e.get_bool().value_unsafe() ? '\xc3' : '\xc2'; return;
    case element_type::NULL_VALUE: out += '\xc0'; return;
  }
}

}  // namespace

Result<std::string> json_to_msgpack(std::string_view json_text) {
  auto root = detail::dom_parse(json_text, limits::max_json_depth);
  std::string nearest;  // owns the text root points into when it was rewritten
  if (!root) {
    detail::dom_trim();
    // MessagePack has no integers beyond 64 bits: such an integer (Python's
    // json writes them, iot-stream(5) NUMBERS) goes as its nearest double.
    auto wide = rewrite_wide_integers(json_text);
    if (!wide) return root.error();
    nearest = std::move(wide->for_simdjson);
    root = detail::dom_parse(nearest, limits::max_json_depth);
    if (!root) {
      detail::dom_trim();
      return root.error();
    }
  }
  std::string out;
  out.reserve(json_text.size());
  put_element(out, root.value());
  detail::dom_trim();
  return out;
}

}  // namespace iot::codec
