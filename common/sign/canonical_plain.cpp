// plain_canonical_json: one pass over the text builds a small tape (each
// container's members, sorted, with their leaves as slices of the text),
// then one pass over the tape writes the canonical form. No value is
// decoded: the cost is a scan of the bytes and a sort of each object's keys,
// where the DOM path parses every number and prints it back (the shortest
// float repr is its largest cost) and escape-checks every string.
#include "sign/canonical_plain.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/limits.hpp"
#include "sign/key_order.hpp"

namespace iot::sign {
namespace {

using detail::copy_small;
using detail::key_prefix;

constexpr uint32_t kLeaf = UINT32_MAX;

// One member of an object (with its key) or one item of an array.
struct Entry {
  uint64_t prefix = 0;  // key_prefix(key), objects only
  const char* key = nullptr;
  const char* leaf = nullptr;  // the leaf's text as written, when child == kLeaf
  uint32_t key_len = 0;
  uint32_t leaf_len = 0;
  uint32_t child = kLeaf;  // else the container it holds
};

struct Container {
  uint32_t first = 0, count = 0;  // its entries: tape.entries[first, first + count)
  bool object = false;
};

bool key_less(const Entry& a, const Entry& b) {
  if (a.prefix != b.prefix) return a.prefix < b.prefix;
  return std::string_view(a.key, a.key_len) < std::string_view(b.key, b.key_len);
}
// Objects are small (a payload's have a handful of keys): insertion sort,
// std::sort beyond that.
void sort_entries(Entry* first, Entry* last) {
  if (last - first > 16) {
    std::sort(first, last, key_less);
    return;
  }
  for (Entry* i = first + 1; i < last; ++i) {
    if (!key_less(*i, *(i - 1))) continue;
    const Entry moving = *i;
    Entry* j = i;
    do {
      *j = *(j - 1);
      --j;
    } while (j > first && key_less(moving, *(j - 1)));
    *j = moving;
  }
}

bool key_equal(const Entry& a, const Entry& b) {
  return a.prefix == b.prefix && std::string_view(a.key, a.key_len) == std::string_view(b.key, b.key_len);
}

// The scratch space of one thread, kept between calls (a warm call allocates nothing).
struct Tape {
  std::vector<Entry> open;  // the entries of the containers being read, innermost last
  std::vector<Entry> entries;
  std::vector<Container> containers;
  void clear() {
    open.clear();
    entries.clear();
    containers.clear();
  }
};

Tape& thread_tape() {
  thread_local Tape tape;
  return tape;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The first byte from p on that ends a plain string run: '"', '\\', below
// 0x20 or above 0x7e (end when none). Sixteen bytes a step where SSE2 is
// there (every x86-64): strings are most of a payload's bytes.
const char* string_stop(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20),
                del = _mm_set1_epi8(0x7f);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed compare: bytes from 0x80 up are negative, so below 0x20 too.
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                     _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)));
    if (const int mask = _mm_movemask_epi8(hit)) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  for (; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) return p;
  }
  return end;
}

class Scanner {
 public:
  Scanner(std::string_view text, Tape& tape) : p_(text.data()), end_(text.data() + text.size()), tape_(tape) {}

  // Reads one value into e (a leaf slice or a container); false: not plain.
  bool value(Entry& e, std::size_t depth) {
    if (p_ >= end_) return false;
    switch (*p_) {
      case '{': return container(e, depth + 1, true);
      case '[': return container(e, depth + 1, false);
      case '"': {
        const char* start = p_;
        if (!string()) return false;
        return leaf(e, start);
      }
      case 't': return literal(e, "true");
      case 'f': return literal(e, "false");
      case 'n': return literal(e, "null");
      default: return number(e);
    }
  }

  // Whitespace is rare (Python's separators leave none): one compare when
  // there is none (every byte that can start whitespace is below 0x21).
  void skip_ws() {
    if (p_ < end_ && static_cast<unsigned char>(*p_) <= 0x20) [[unlikely]]
      skip_spaces();
  }

  const char* pos() const { return p_; }
  const char* end() const { return end_; }
  // The text read so far is canonical as written (no whitespace, keys in order).
  bool canonical_as_written() const { return !spaced_ && !reordered_; }

 private:
  const char* p_;
  const char* end_;
  Tape& tape_;
  bool spaced_ = false;
  bool reordered_ = false;

  [[gnu::noinline]] void skip_spaces() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
      ++p_;
      spaced_ = true;
    }
  }

  bool leaf(Entry& e, const char* start) {
    e.leaf = start;
    e.leaf_len = static_cast<uint32_t>(p_ - start);
    e.child = kLeaf;
    return true;
  }

  bool literal(Entry& e, std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0)
      return false;
    const char* start = p_;
    p_ += word.size();
    return leaf(e, start);
  }

  // A string of printable ASCII without escapes; p_ at its opening quote,
  // left after its closing one.
  bool string() {
    p_ = string_stop(p_ + 1, end_);
    if (p_ >= end_ || *p_ != '"') return false;
    ++p_;
    return true;
  }

  std::size_t digits() {
    const char* start = p_;
    while (p_ < end_ && is_digit(*p_)) ++p_;
    return static_cast<std::size_t>(p_ - start);
  }

  // Integers and floats already in Python's spelling (see the header).
  bool number(Entry& e) {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    const char* int_start = p_;
    if (p_ < end_ && *p_ == '0') {
      ++p_;
    } else if (p_ >= end_ || !is_digit(*p_)) {
      return false;
    } else {
      digits();
    }
    const std::size_t int_digits = static_cast<std::size_t>(p_ - int_start);
    const bool zero_int = int_digits == 1 && *int_start == '0';
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      const char* frac = p_;
      const std::size_t frac_digits = digits();
      if (frac_digits == 0) return false;
      if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) return false;
      if (frac_digits == 1 && frac[0] == '0') {  // integral: "12.0"
        if (int_digits > 15) return false;
      } else {
        if (frac[frac_digits - 1] == '0') return false;  // Python drops trailing zeros
        if (zero_int) {
          std::size_t zeros = 0;
          while (frac[zeros] == '0') ++zeros;
          if (zeros > 3 || frac_digits - zeros > 15) return false;  // below 1e-4 Python writes an exponent
        } else if (int_digits + frac_digits > 15) {
          return false;
        }
      }
      return leaf(e, start);
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) return false;
    if (int_digits > 18) return false;
    if (negative && zero_int) return false;  // Python's int has no -0
    return leaf(e, start);
  }

  // An object or array; its entries (sorted, for an object) go to the tape
  // as one block, and e points at it.
  bool container(Entry& e, std::size_t depth, bool object) {
    if (depth > limits::max_json_depth) return false;
    const char close = object ? '}' : ']';
    ++p_;
    const std::size_t base = tape_.open.size();
    bool in_order = true;
    uint64_t last_prefix = 0;  // the previous key (in locals: no reload of the entry just stored)
    std::string_view last_key;
    skip_ws();
    if (p_ < end_ && *p_ == close) {
      ++p_;
    } else {
      for (;;) {
        skip_ws();
        Entry item;
        if (object) {
          if (p_ >= end_ || *p_ != '"') return false;
          const char* key = p_ + 1;
          if (!string()) return false;
          item.key = key;
          item.key_len = static_cast<uint32_t>(p_ - 1 - key);
          item.prefix = key_prefix(std::string_view(item.key, item.key_len));
          skip_ws();
          if (p_ >= end_ || *p_ != ':') return false;
          ++p_;
          skip_ws();
        }
        if (!value(item, depth)) return false;
        if (object) {
          const std::string_view key(item.key, item.key_len);
          if (tape_.open.size() > base &&
              (item.prefix < last_prefix || (item.prefix == last_prefix && key <= last_key)))
            in_order = false;
          last_prefix = item.prefix;
          last_key = key;
        }
        tape_.open.push_back(item);
        skip_ws();
        if (p_ >= end_) return false;
        if (*p_ == ',') {
          ++p_;
          continue;
        }
        if (*p_ != close) return false;
        ++p_;
        break;
      }
    }
    auto first = tape_.open.begin() + static_cast<std::ptrdiff_t>(base);
    if (!in_order) {
      reordered_ = true;
      sort_entries(&*first, tape_.open.data() + tape_.open.size());
      // Of duplicate keys Python keeps the last: declined, the general path knows how.
      if (std::adjacent_find(first, tape_.open.end(), key_equal) != tape_.open.end()) return false;
    }
    Container c;
    c.first = static_cast<uint32_t>(tape_.entries.size());
    c.count = static_cast<uint32_t>(tape_.open.size() - base);
    c.object = object;
    tape_.entries.insert(tape_.entries.end(), first, tape_.open.end());
    tape_.open.resize(base);
    e.child = static_cast<uint32_t>(tape_.containers.size());
    tape_.containers.push_back(c);
    return true;
  }
};

// Writes container c in canonical form at out (room enough: the canonical
// form is never longer than the text); returns the end.
char* emit(const Tape& tape, uint32_t index, char* out) {
  const Container& c = tape.containers[index];
  *out++ = c.object ? '{' : '[';
  for (uint32_t i = 0; i < c.count; ++i) {
    const Entry& e = tape.entries[c.first + i];
    if (i) *out++ = ',';
    if (c.object) {
      *out++ = '"';
      copy_small(out, e.key, e.key_len);
      out += e.key_len;
      *out++ = '"';
      *out++ = ':';
    }
    if (e.child == kLeaf) {
      copy_small(out, e.leaf, e.leaf_len);
      out += e.leaf_len;
    } else {
      out = emit(tape, e.child, out);
    }
  }
  *out++ = c.object ? '}' : ']';
  return out;
}

std::optional<std::string_view> canonicalize(std::string& scratch, std::string_view text, bool whole) {
  Tape& tape = thread_tape();
  tape.clear();
  Scanner scan(text, tape);
  scan.skip_ws();
  const char* start = scan.pos();
  Entry root;
  if (!scan.value(root, 0)) return std::nullopt;
  const char* stop = scan.pos();
  if (whole) {
    Scanner rest(std::string_view(stop, static_cast<std::size_t>(scan.end() - stop)), tape);
    rest.skip_ws();
    if (rest.pos() != scan.end()) return std::nullopt;
  }
  const std::string_view value(start, static_cast<std::size_t>(stop - start));
  if (root.child == kLeaf || scan.canonical_as_written()) return value;
  if (scratch.size() < value.size()) scratch.resize(value.size());
  char* end = emit(tape, root.child, scratch.data());
  return std::string_view(scratch.data(), static_cast<std::size_t>(end - scratch.data()));
}

}  // namespace

std::optional<std::string_view> plain_canonical_json(std::string& scratch, std::string_view text) {
  return canonicalize(scratch, text, true);
}

std::optional<std::string_view> plain_canonical_prefix(std::string& scratch, std::string_view text) {
  return canonicalize(scratch, text, false);
}

}  // namespace iot::sign
