// canonical_json(text): a small recursive-descent reader that writes the
// canonical form while it reads. It keeps integer digits as they are (Python
// ints are exact at any size, simdjson's DOM stops at 64 bits) and accepts
// exactly what Python's json.loads accepts, minus NaN/Infinity and lone
// surrogates, which cannot be signed reproducibly.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/limits.hpp"
#include "sign/canonical_json.hpp"
#include "sign/python_json.hpp"

namespace iot::sign {
namespace {

// Python 3.11 refuses to convert integers longer than this (sys.int_info).
constexpr std::size_t kMaxIntDigits = 4300;

class TextCanonicalizer {
 public:
  explicit TextCanonicalizer(std::string_view text) : in_(text) {}

  Result<std::string> run() {
    std::string out;
    out.reserve(in_.size());
    if (!value(out, 0)) return fail();
    skip_ws();
    if (pos_ != in_.size()) return fail_with("trailing data after the JSON value");
    return out;
  }

 private:
  struct Member {
    std::string key;  // unescaped UTF-8: byte order is code-point order
    std::size_t begin, end;  // the canonical value inside the output
    std::size_t order;
  };

  std::string_view in_;
  std::size_t pos_ = 0;
  std::string why_ = "invalid JSON";
  bool too_deep_ = false;

  Error fail() const {
    if (too_deep_) return make_error(ErrorKind::too_large, "too_large", "canonical JSON: " + why_);
    return make_error(ErrorKind::bad_input, "bad_json", "canonical JSON: " + why_ + " at byte " + std::to_string(pos_));
  }
  Error fail_with(std::string why) {
    why_ = std::move(why);
    return fail();
  }
  bool refuse(const char* why) {
    why_ = why;
    return false;
  }

  void skip_ws() {
    while (pos_ < in_.size()) {
      char c = in_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }
  bool at(char c) const { return pos_ < in_.size() && in_[pos_] == c; }
  bool literal(std::string_view word, std::string& out) {
    if (in_.substr(pos_, word.size()) != word) return refuse("invalid literal");
    pos_ += word.size();
    out += word;
    return true;
  }

  bool value(std::string& out, std::size_t depth) {
    skip_ws();
    if (pos_ >= in_.size()) return refuse("unexpected end of input");
    switch (in_[pos_]) {
      case '{': return object(out, depth + 1);
      case '[': return array(out, depth + 1);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        if (!append_python_string(out, s)) return refuse("invalid UTF-8");
        return true;
      }
      case 't': return literal("true", out);
      case 'f': return literal("false", out);
      case 'n': return literal("null", out);
      default: return number(out);
    }
  }

  bool enter(std::size_t depth) {
    if (depth <= limits::max_json_depth) return true;
    too_deep_ = true;
    return refuse("nesting deeper than the limit");
  }

  bool array(std::string& out, std::size_t depth) {
    if (!enter(depth)) return false;
    ++pos_;
    out += '[';
    skip_ws();
    if (at(']')) {
      ++pos_;
      out += ']';
      return true;
    }
    for (;;) {
      if (!value(out, depth)) return false;
      skip_ws();
      if (at(']')) break;
      if (!at(',')) return refuse("expected ',' or ']'");
      ++pos_;
      out += ',';
    }
    ++pos_;
    out += ']';
    return true;
  }

  bool object(std::string& out, std::size_t depth) {
    if (!enter(depth)) return false;
    ++pos_;
    std::size_t start = out.size();
    std::vector<Member> members;
    skip_ws();
    if (at('}')) {
      ++pos_;
      out += "{}";
      return true;
    }
    for (;;) {
      skip_ws();
      if (!at('"')) return refuse("expected a string key");
      Member m{{}, 0, 0, members.size()};
      if (!string(m.key)) return false;
      skip_ws();
      if (!at(':')) return refuse("expected ':'");
      ++pos_;
      m.begin = out.size();
      if (!value(out, depth)) return false;
      m.end = out.size();
      members.push_back(std::move(m));
      skip_ws();
      if (at('}')) break;
      if (!at(',')) return refuse("expected ',' or '}'");
      ++pos_;
    }
    ++pos_;
    return emit_sorted(out, start, members);
  }

  // Replaces out[start..] (the values in input order) with the sorted object;
  // of duplicate keys the last one wins, as in Python's dict.
  bool emit_sorted(std::string& out, std::size_t start, std::vector<Member>& members) {
    std::stable_sort(members.begin(), members.end(),
                     [](const Member& a, const Member& b) { return a.key < b.key; });
    std::string object = "{";
    bool first = true;
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i + 1 < members.size() && members[i + 1].key == members[i].key) continue;
      if (!first) object += ',';
      first = false;
      if (!append_python_string(object, members[i].key)) return refuse("invalid UTF-8");
      object += ':';
      object.append(out, members[i].begin, members[i].end - members[i].begin);
    }
    object += '}';
    out.resize(start);
    out += object;
    return true;
  }

  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool hex4(uint32_t& unit) {
    if (pos_ + 4 > in_.size()) return refuse("truncated \\u escape");
    unit = 0;
    for (int k = 0; k < 4; ++k) {
      int d = hex_digit(in_[pos_ + k]);
      if (d < 0) return refuse("bad \\u escape");
      unit = unit * 16 + uint32_t(d);
    }
    pos_ += 4;
    return true;
  }
  static void append_utf8(std::string& s, uint32_t cp) {
    if (cp < 0x80) {
      s += char(cp);
    } else if (cp < 0x800) {
      s += char(0xC0 | (cp >> 6));
      s += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += char(0xE0 | (cp >> 12));
      s += char(0x80 | ((cp >> 6) & 0x3F));
      s += char(0x80 | (cp & 0x3F));
    } else {
      s += char(0xF0 | (cp >> 18));
      s += char(0x80 | ((cp >> 12) & 0x3F));
      s += char(0x80 | ((cp >> 6) & 0x3F));
      s += char(0x80 | (cp & 0x3F));
    }
  }

  bool unicode_escape(std::string& s) {
    uint32_t unit = 0;
    if (!hex4(unit)) return false;
    if (unit >= 0xDC00 && unit <= 0xDFFF) return refuse("lone low surrogate");
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      uint32_t low = 0;
      if (in_.substr(pos_, 2) != "\\u") return refuse("lone high surrogate");
      pos_ += 2;
      if (!hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return refuse("lone high surrogate");
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(s, unit);
    return true;
  }

  // Reads a string literal into s, unescaped (UTF-8 checked when re-escaped).
  bool string(std::string& s) {
    ++pos_;
    for (;;) {
      std::size_t run = pos_;
      while (pos_ < in_.size() && in_[pos_] != '"' && in_[pos_] != '\\' &&
             static_cast<unsigned char>(in_[pos_]) >= 0x20)
        ++pos_;
      s.append(in_.data() + run, pos_ - run);
      if (pos_ >= in_.size()) return refuse("unterminated string");
      char c = in_[pos_++];
      if (c == '"') return true;
      if (c != '\\') return refuse("control character in string");
      if (pos_ >= in_.size()) return refuse("unterminated string");
      char e = in_[pos_++];
      switch (e) {
        case '"': s += '"'; break;
        case '\\': s += '\\'; break;
        case '/': s += '/'; break;
        case 'b': s += '\b'; break;
        case 'f': s += '\f'; break;
        case 'n': s += '\n'; break;
        case 'r': s += '\r'; break;
        case 't': s += '\t'; break;
        case 'u':
          if (!unicode_escape(s)) return false;
          break;
        default: return refuse("bad escape");
      }
    }
  }

  std::size_t digits() {
    std::size_t n = 0;
    while (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') ++pos_, ++n;
    return n;
  }

  bool number(std::string& out) {
    std::size_t start = pos_;
    if (at('-')) ++pos_;
    if (at('0')) {
      ++pos_;
    } else if (digits() == 0) {
      return refuse("invalid value");
    }
    std::size_t int_end = pos_;
    bool is_float = false;
    if (at('.')) {
      ++pos_;
      if (digits() == 0) return refuse("digits expected after '.'");
      is_float = true;
    }
    if (at('e') || at('E')) {
      ++pos_;
      if (at('+') || at('-')) ++pos_;
      if (digits() == 0) return refuse("digits expected in exponent");
      is_float = true;
    }
    std::string_view text = in_.substr(start, pos_ - start);
    if (!is_float) return integer(out, text, int_end - start);
    return floating(out, text);
  }

  bool integer(std::string& out, std::string_view text, std::size_t len) {
    std::size_t ndigits = text[0] == '-' ? len - 1 : len;
    if (ndigits > kMaxIntDigits) return refuse("integer longer than Python converts");
    if (text == "-0") text = "0";  // Python's int has no negative zero
    out += text;
    return true;
  }

  bool floating(std::string& out, std::string_view text) {
    double d = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec == std::errc::result_out_of_range) {
      // Overflow (Python: inf, refused) or underflow to zero (Python: 0.0).
      std::string copy(text);
      d = std::strtod(copy.c_str(), nullptr);
    } else if (ec != std::errc() || ptr != text.data() + text.size()) {
      return refuse("invalid number");
    }
    if (!std::isfinite(d)) return refuse("number out of range (Python reads it as infinity)");
    append_python_float(out, d);
    return true;
  }
};

}  // namespace

Result<std::string> canonical_json(std::string_view json_text) { return TextCanonicalizer(json_text).run(); }

}  // namespace iot::sign
