// canonical_json(dom::element): the hot path of iot-verify. Objects are
// written by sorting indices into per-depth scratch vectors that live as long
// as the thread, so a warm call does not allocate per value.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/limits.hpp"
#include "sign/canonical_json.hpp"
#include "sign/canonical_writer.hpp"
#include "sign/python_json.hpp"

namespace iot::sign {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

struct Member {
  std::string_view key;
  element value;
  uint32_t order;  // input position: of equal keys the last wins
};

class DomCanonicalizer {
 public:
  explicit DomCanonicalizer(std::string& out) : out_(out) {}

  bool write(element value, std::size_t depth) {
    switch (value.type()) {
      case element_type::OBJECT: return object(value, depth + 1);
      case element_type::ARRAY: return array(value, depth + 1);
      case element_type::STRING: return append_python_string(out_, std::string_view(value));
      case element_type::INT64: return integer(int64_t(value));
      case element_type::UINT64: return integer(uint64_t(value));
      case element_type::DOUBLE: {
        double d = double(value);
        if (!std::isfinite(d)) return false;
        append_python_float(out_, d);
        return true;
      }
      case element_type::BOOL: out_ += bool(value) ? "true" : "false"; return true;
      case element_type::NULL_VALUE: out_ += "null"; return true;
    }
    return false;
  }

 private:
  std::string& out_;

  template <class Int>
  bool integer(Int v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, end);
    return true;
  }

  bool array(element value, std::size_t depth) {
    if (depth > limits::max_json_depth) return false;
    out_ += '[';
    bool first = true;
    for (element item : simdjson::dom::array(value)) {
      if (!first) out_ += ',';
      first = false;
      if (!write(item, depth)) return false;
    }
    out_ += ']';
    return true;
  }

  static std::vector<Member>& scratch(std::size_t depth) {
    thread_local std::vector<std::vector<Member>> levels;
    if (levels.size() <= depth) levels.resize(depth + 1);
    return levels[depth];
  }

  bool object(element value, std::size_t depth) {
    if (depth > limits::max_json_depth) return false;
    // The vector of this depth is ours until we return; deeper levels use
    // their own, so references stay valid (levels only grows between uses).
    std::vector<Member>* members = &scratch(depth);
    members->clear();
    uint32_t order = 0;
    for (auto field : simdjson::dom::object(value)) members->push_back({field.key, field.value, order++});
    std::sort(members->begin(), members->end(), [](const Member& a, const Member& b) {
      return a.key != b.key ? a.key < b.key : a.order < b.order;
    });
    out_ += '{';
    bool first = true;
    std::size_t n = members->size();
    for (std::size_t i = 0; i < n; ++i) {
      members = &scratch(depth);  // a deeper call may have grown `levels`
      const Member m = (*members)[i];
      if (i + 1 < n && (*members)[i + 1].key == m.key) continue;
      if (!first) out_ += ',';
      first = false;
      if (!append_python_string(out_, m.key)) return false;
      out_ += ':';
      if (!write(m.value, depth)) return false;
    }
    out_ += '}';
    return true;
  }
};

}  // namespace

bool append_canonical_json(std::string& out, element value) { return DomCanonicalizer(out).write(value, 0); }

Result<std::string> canonical_json(element value) {
  std::string out;
  if (!append_canonical_json(out, value))
    return make_error(ErrorKind::bad_input, "bad_json",
                      "canonical JSON: NaN/Infinity, invalid UTF-8 or nesting too deep");
  return out;
}

}  // namespace iot::sign
