// MessagePack -> JSON text, written directly (no intermediate tree).
// Iterative: containers live on an explicit stack, so hostile nesting is
// refused at max_depth instead of overflowing the call stack; a hostile
// length field is checked against the bytes that remain before anything is
// reserved, so memory stays proportional to the input.
#include "codec/msgpack.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "codec/json_text.hpp"

namespace iot::codec {
namespace {

Error bad(std::string what) {
  return make_error(ErrorKind::bad_input, "decode", "msgpack: " + std::move(what));
}

// Shortest round-trip form; integral values keep a ".0" so they stay floats
// (as Python's json.dumps writes them).
void append_double(std::string& out, double d) {
  std::size_t start = out.size();
  fmt::format_to(std::back_inserter(out), "{}", d);
  if (out.find_first_of(".en", start) == std::string::npos) out += ".0";
}

template <class T>
void append_int(std::string& out, T v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

class MsgpackToJson {
 public:
  MsgpackToJson(std::string_view in, std::size_t max_depth) : in_(in), max_depth_(max_depth) {}

  Result<std::string> run() {
    if (in_.empty()) return bad("empty input");
    out_.reserve(in_.size() + in_.size() / 2);
    if (auto s = value(); !s) return s.error();
    while (!stack_.empty()) {
      Frame& f = stack_.back();
      if (f.done == f.total) {
        out_ += f.is_map ? '}' : ']';
        stack_.pop_back();
        continue;
      }
      std::uint64_t i = f.done++;
      bool is_key = f.is_map && i % 2 == 0;
      if (i > 0 && (is_key || !f.is_map)) out_ += ',';
      if (is_key) {
        if (auto s = key(); !s) return s.error();
        out_ += ':';
      } else if (auto s = value(); !s) {
        return s.error();
      }
    }
    if (pos_ != in_.size()) return bad("trailing bytes after the value");
    return std::move(out_);
  }

 private:
  struct Frame {
    std::uint64_t total;  // entries: n for an array, 2n for a map
    std::uint64_t done;
    bool is_map;
  };

  std::size_t left() const { return in_.size() - pos_; }

  bool take(std::size_t n, std::uint64_t& v) {
    if (left() < n) return false;
    v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(in_[pos_ + i]);
    pos_ += n;
    return true;
  }

  Status key() {
    if (left() == 0) return bad("truncated");
    auto b = static_cast<unsigned char>(in_[pos_]);
    bool is_str = (b >= 0xa0 && b <= 0xbf) || (b >= 0xd9 && b <= 0xdb);
    if (!is_str) return bad("map key is not a string");
    return value();
  }

  Status string(std::uint64_t n) {
    if (left() < n) return bad("truncated string");
    auto s = append_json_string(out_, in_.substr(pos_, n));
    if (!s) return bad("string is not valid UTF-8");
    pos_ += n;
    return ok_status();
  }

  Status container(std::uint64_t n, bool is_map) {
    if (stack_.size() >= max_depth_) return bad("nested deeper than " + std::to_string(max_depth_));
    // Every entry takes at least one byte: a count beyond what remains is a lie.
    std::uint64_t entries = is_map ? 2 * n : n;
    if (entries > left()) return bad("truncated container");
    if (entries == 0) {
      out_ += is_map ? "{}" : "[]";
      return ok_status();
    }
    out_ += is_map ? '{' : '[';
    stack_.push_back(Frame{entries, 0, is_map});
    return ok_status();
  }

  Status floating(double d) {
    if (!std::isfinite(d)) return bad("NaN or infinity has no JSON form");
    append_double(out_, d);
    return ok_status();
  }

  Status sized(unsigned char b) {
    std::uint64_t v = 0;
    switch (b) {
      case 0xca: {
        if (!take(4, v)) return bad("truncated float32");
        auto bits = static_cast<std::uint32_t>(v);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return floating(static_cast<double>(f));
      }
      case 0xcb: {
        if (!take(8, v)) return bad("truncated float64");
        double d;
        std::memcpy(&d, &v, sizeof d);
        return floating(d);
      }
      case 0xcc: case 0xcd: case 0xce: case 0xcf:
        if (!take(std::size_t(1) << (b - 0xcc), v)) return bad("truncated uint");
        append_int(out_, v);
        return ok_status();
      case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
        std::size_t n = std::size_t(1) << (b - 0xd0);
        if (!take(n, v)) return bad("truncated int");
        // Sign-extend from n bytes.
        unsigned shift = static_cast<unsigned>(64 - 8 * n);
        auto s = static_cast<std::int64_t>(v << shift) >> shift;
        append_int(out_, s);
        return ok_status();
      }
      case 0xd9: case 0xda: case 0xdb:
        if (!take(std::size_t(1) << (b - 0xd9), v)) return bad("truncated string length");
        return string(v);
      case 0xdc: case 0xdd:
        if (!take(b == 0xdc ? 2 : 4, v)) return bad("truncated array length");
        return container(v, false);
      case 0xde: case 0xdf:
        if (!take(b == 0xde ? 2 : 4, v)) return bad("truncated map length");
        return container(v, true);
      default:
        break;
    }
    if (b == 0xc1) return bad("reserved type byte 0xc1");
    return bad("bin and ext types have no JSON form");
  }

  Status value() {
    if (left() == 0) return bad("truncated");
    auto b = static_cast<unsigned char>(in_[pos_++]);
    if (b <= 0x7f) {
      append_int(out_, static_cast<unsigned>(b));
      return ok_status();
    }
    if (b >= 0xe0) {
      append_int(out_, static_cast<int>(static_cast<signed char>(b)));
      return ok_status();
    }
    if (b <= 0x8f) return container(b & 0x0f, true);
    if (b <= 0x9f) return container(b & 0x0f, false);
    if (b <= 0xbf) return string(b & 0x1f);
    switch (b) {
      case 0xc0: out_ += "null"; return ok_status();
      case 0xc2: out_ += "false"; return ok_status();
      case 0xc3: out_ += "true"; return ok_status();
      default: return sized(b);
    }
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::size_t max_depth_;
  std::string out_;
  std::vector<Frame> stack_;
};

}  // namespace

Result<std::string> msgpack_to_json(std::string_view bytes, std::size_t max_depth) {
  return MsgpackToJson(bytes, max_depth).run();
}

}  // namespace iot::codec
