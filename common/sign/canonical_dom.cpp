// canonical_json(dom::element): the hot path of iot-verify. Objects are
// written by sorting indices into per-depth scratch vectors that live as long
// as the thread, so a warm call does not allocate per value.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/limits.hpp"
#include "sign/canonical_json.hpp"
#include "sign/canonical_writer.hpp"
#include "sign/key_order.hpp"
#include "sign/python_json.hpp"

namespace iot::sign {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using detail::copy_small;
using detail::key_prefix;

struct Member {
  std::string_view key;
  element value;
  uint32_t order;   // input position: of equal keys the last wins
  uint64_t prefix;  // the key's first 8 bytes, big-endian, zero-padded
};

bool member_less(const Member& a, const Member& b) {
  if (a.prefix != b.prefix) return a.prefix < b.prefix;
  return a.key != b.key ? a.key < b.key : a.order < b.order;
}

// Writes into a std::string used as a raw buffer: all of its size is room,
// len_ is what is written. Grows (doubling) only when a write needs more.
class Sink {
 public:
  Sink(std::string& buffer, std::size_t start) : buf_(buffer) { reset_pointers(start); }
  // Room for n more bytes; write through the pointer, then commit the end.
  char* room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cur_) < n) [[unlikely]] grow(n);
    return cur_;
  }
  void commit(char* end) { cur_ = end; }
  void put(char c) { *room(1) = c, ++cur_; }
  void put(std::string_view text) {
    char* p = room(text.size());
    copy_small(p, text.data(), text.size());
    cur_ = p + text.size();
  }
  std::size_t size() const { return static_cast<std::size_t>(cur_ - buf_.data()); }

 private:
  std::string& buf_;
  char* cur_ = nullptr;  // the next byte to write, in buf_
  char* end_ = nullptr;  // buf_'s end (its size, all of it room)

  void reset_pointers(std::size_t used) {
    cur_ = buf_.data() + used;
    end_ = buf_.data() + buf_.size();
  }
  [[gnu::noinline]] void grow(std::size_t n) {
    std::size_t used = size();
    buf_.resize(std::max({used + n, 2 * buf_.size(), std::size_t{1024}}));
    reset_pointers(used);
  }
};

// A Python string literal: quotes only in the common case, else the general
// escaper (rare: escapes, non-ASCII) into a scratch string.
bool put_python_string(Sink& out, std::string_view s) {
  if (!needs_python_escape(s)) {
    char* p = out.room(s.size() + 2);
    p[0] = '"';
    copy_small(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    out.commit(p + s.size() + 2);
    return true;
  }
  thread_local std::string escaped;
  escaped.clear();
  if (!append_python_string(escaped, s)) return false;
  out.put(escaped);
  return true;
}

class DomCanonicalizer {
 public:
  explicit DomCanonicalizer(Sink& out) : out_(out) {}

  bool write(element value, std::size_t depth) {
    switch (value.type()) {
      case element_type::OBJECT: return object(value, depth + 1);
      case element_type::ARRAY: return array(value, depth + 1);
      case element_type::STRING: return put_python_string(out_, std::string_view(value));
      case element_type::INT64: return integer(int64_t(value));
      case element_type::UINT64: return integer(uint64_t(value));
      case element_type::DOUBLE: {
        double d = double(value);
        if (!std::isfinite(d)) return false;
        out_.commit(write_python_float(out_.room(kMaxPythonFloatChars), d));
        return true;
      }
      case element_type::BOOL: out_.put(bool(value) ? "true" : "false"); return true;
      case element_type::NULL_VALUE: out_.put("null"); return true;
    }
    return false;
  }

 private:
  Sink& out_;

  template <class Int>
  bool integer(Int v) {
    char* p = out_.room(24);
    out_.commit(std::to_chars(p, p + 24, v).ptr);
    return true;
  }

  bool array(element value, std::size_t depth) {
    if (depth > limits::max_json_depth) return false;
    out_.put('[');
    bool first = true;
    for (element item : simdjson::dom::array(value)) {
      if (!first) out_.put(',');
      first = false;
      if (!write(item, depth)) return false;
    }
    out_.put(']');
    return true;
  }

  // One stack of members for every open object, kept as long as the thread:
  // an object owns [begin, end) of it until it returns; deeper objects push
  // above and pop back, so indices (not references) stay valid.
  static std::vector<Member>& member_stack() {
    thread_local std::vector<Member> stack;
    return stack;
  }

  bool object(element value, std::size_t depth) {
    if (depth > limits::max_json_depth) return false;
    std::vector<Member>& stack = member_stack();
    const std::size_t begin = stack.size();
    uint32_t order = 0;
    for (auto field : simdjson::dom::object(value))
      stack.push_back({field.key, field.value, order++, key_prefix(field.key)});
    const std::size_t end = stack.size();
    std::sort(stack.begin() + std::ptrdiff_t(begin), stack.end(), member_less);
    bool ok = write_members(stack, begin, end, depth);
    stack.resize(begin);
    return ok;
  }

  bool write_members(std::vector<Member>& stack, std::size_t begin, std::size_t end, std::size_t depth) {
    out_.put('{');
    bool first = true;
    for (std::size_t i = begin; i < end; ++i) {
      // Copies: deeper objects may grow (move) the stack.
      const std::string_view key = stack[i].key;
      const element member_value = stack[i].value;
      if (i + 1 < end && stack[i + 1].prefix == stack[i].prefix && stack[i + 1].key == key) continue;
      if (!first) out_.put(',');
      first = false;
      if (!put_python_string(out_, key)) return false;
      out_.put(':');
      if (!write(member_value, depth)) return false;
    }
    out_.put('}');
    return true;
  }
};

}  // namespace

bool append_canonical_json(std::string& out, element value) {
  Sink sink(out, out.size());
  bool ok = DomCanonicalizer(sink).write(value, 0);
  out.resize(sink.size());
  return ok;
}

std::optional<std::string_view> canonical_json_into(std::string& scratch, element value) {
  Sink sink(scratch, 0);
  if (!DomCanonicalizer(sink).write(value, 0)) return std::nullopt;
  return std::string_view(scratch.data(), sink.size());
}

Result<std::string> canonical_json(element value) {
  std::string out;
  if (!append_canonical_json(out, value))
    return make_error(ErrorKind::bad_input, "bad_json",
                      "canonical JSON: NaN/Infinity, invalid UTF-8 or nesting too deep");
  return out;
}

}  // namespace iot::sign
