// plain_canonical_json: one pass over the text builds a small tape (each
// container's members, sorted, with their leaves as slices of the text),
// then one pass over the tape writes the canonical form. No value is
// decoded, where the DOM path parses every number and prints it back (the
// shortest float repr is its largest cost) and escape-checks every string.
// The tape alone costs about what the DOM path does (a branch or two a
// byte, a sort per object); what makes this path cheap is the layout each
// scan leaves behind (Layout below): the next messages of the same layout
// are only compared with it and filled in.
#include "sign/canonical_plain.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/limits.hpp"
#include "sign/key_order.hpp"
#include "sign/plain_scan.hpp"

namespace iot::sign {
namespace {

using detail::copy_small;
using detail::key_prefix;
using detail::list_step;
using detail::ListStep;
using detail::plain_number_end;
using detail::same_bytes;
using detail::string_stop;

constexpr uint32_t kLeaf = UINT32_MAX;

// One member of an object (with its key) or one item of an array.
struct Entry {
  uint64_t prefix = 0;  // key_prefix(key), objects only
  const char* key = nullptr;
  const char* leaf = nullptr;  // the leaf's text as written, when child == kLeaf
  uint32_t key_len = 0;
  uint32_t leaf_len = 0;
  uint32_t child = kLeaf;  // else the container it holds
  uint32_t leaf_index = 0;  // the leaf's place in Tape::leaves
};

// A leaf in text order; fixed: true, false or null (the same bytes in every
// message of a layout, so part of a Layout's literal text).
struct Leaf {
  const char* text;
  uint32_t len;
  bool fixed;
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
  std::vector<Leaf> leaves;
  void clear() {
    open.clear();
    entries.clear();
    containers.clear();
    leaves.clear();
  }
};

Tape& thread_tape() {
  thread_local Tape tape;
  return tape;
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

  bool leaf(Entry& e, const char* start, bool fixed = false) {
    e.leaf = start;
    e.leaf_len = static_cast<uint32_t>(p_ - start);
    e.child = kLeaf;
    e.leaf_index = static_cast<uint32_t>(tape_.leaves.size());
    tape_.leaves.push_back({start, e.leaf_len, fixed});
    return true;
  }

  bool literal(Entry& e, std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0)
      return false;
    const char* start = p_;
    p_ += word.size();
    return leaf(e, start, true);
  }

  // A string of printable ASCII without escapes; p_ at its opening quote,
  // left after its closing one.
  bool string() {
    p_ = string_stop(p_ + 1, end_);
    if (p_ >= end_ || *p_ != '"') return false;
    ++p_;
    return true;
  }

  bool number(Entry& e) {
    const char* start = p_;
    const char* stop = plain_number_end(p_, end_);
    if (!stop) return false;
    p_ = stop;
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
        const ListStep step = list_step(p_, end_, close);
        if (step == ListStep::bad) return false;
        if (step == ListStep::closed) break;
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

// The layout of a message: its text with the variable leaves (strings and
// numbers) cut out, and the recipe of its canonical form. The messages of
// one stream mostly share a few layouts (the same keys in the same order,
// only values differ). A text that matches a layout byte for byte outside
// its leaves, with plain leaves, has the canonical form the recipe gives
// filled in with its own leaves: the scan would have built the same tape,
// since its every decision (structure, key order, duplicates) depends on
// those bytes only. No tape and no sort then: a compare and a copy a leaf.
struct Layout {
  std::string input;                  // the literal text between variable leaves, back to back
  std::vector<uint32_t> input_ends;   // literal i ends there in input (one more than leaves)
  std::vector<char> kinds;            // per variable leaf: '"' string, '0' number
  std::string output;                 // the recipe's literal text
  std::vector<uint32_t> output_ends;  // step i: output up to output_ends[i], then leaf order[i]; then the rest
  std::vector<uint32_t> order;
  bool as_written = false;  // canonical as written: the text itself is the answer
  bool valid = false;
  std::vector<Leaf> found;  // apply()'s leaves, kept for the next call
};

constexpr uint32_t kFixed = UINT32_MAX;

void write_recipe(Layout& l, const Tape& tape, uint32_t index, const std::vector<uint32_t>& variable) {
  const Container& c = tape.containers[index];
  l.output += c.object ? '{' : '[';
  for (uint32_t i = 0; i < c.count; ++i) {
    const Entry& e = tape.entries[c.first + i];
    if (i) l.output += ',';
    if (c.object) {
      l.output += '"';
      l.output.append(e.key, e.key_len);
      l.output += "\":";
    }
    if (e.child != kLeaf) {
      write_recipe(l, tape, e.child, variable);
    } else if (variable[e.leaf_index] == kFixed) {
      l.output.append(e.leaf, e.leaf_len);
    } else {
      l.output_ends.push_back(static_cast<uint32_t>(l.output.size()));
      l.order.push_back(variable[e.leaf_index]);
    }
  }
  l.output += c.object ? '}' : ']';
}

// Makes l the layout of the text [start, stop) just scanned into tape.
void build_layout(Layout& l, const Tape& tape, uint32_t root, const char* start, const char* stop,
                  bool as_written) {
  l.input.clear();
  l.input_ends.clear();
  l.kinds.clear();
  l.output.clear();
  l.output_ends.clear();
  l.order.clear();
  thread_local std::vector<uint32_t> variable;  // leaf -> its variable index, or kFixed
  variable.assign(tape.leaves.size(), kFixed);
  const char* literal = start;
  for (std::size_t i = 0; i < tape.leaves.size(); ++i) {
    const Leaf& leaf = tape.leaves[i];
    if (leaf.fixed) continue;
    l.input.append(literal, static_cast<std::size_t>(leaf.text - literal));
    l.input_ends.push_back(static_cast<uint32_t>(l.input.size()));
    variable[i] = static_cast<uint32_t>(l.kinds.size());
    l.kinds.push_back(leaf.text[0] == '"' ? '"' : '0');
    literal = leaf.text + leaf.len;
  }
  l.input.append(literal, static_cast<std::size_t>(stop - literal));
  l.input_ends.push_back(static_cast<uint32_t>(l.input.size()));
  write_recipe(l, tape, root, variable);
  l.output_ends.push_back(static_cast<uint32_t>(l.output.size()));
  l.found.resize(l.kinds.size());
  l.as_written = as_written;
  l.valid = true;
}

const char* skip_spaces(const char* p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
  return p;
}

// The canonical form of the value at p when it has layout l, else nullopt.
std::optional<std::string_view> apply_layout(Layout& l, std::string& scratch, const char* p, const char* end,
                                             bool whole) {
  const char* start = p;
  const std::size_t n = l.kinds.size();
  uint32_t literal = 0;
  for (std::size_t i = 0;; ++i) {
    const std::size_t len = l.input_ends[i] - literal;
    if (static_cast<std::size_t>(end - p) < len || !same_bytes(p, l.input.data() + literal, len))
      return std::nullopt;
    p += len;
    literal = l.input_ends[i];
    if (i == n) break;
    const char* leaf = p;
    if (l.kinds[i] == '"') {
      if (p >= end || *p != '"') return std::nullopt;
      p = string_stop(p + 1, end);
      if (p >= end || *p != '"') return std::nullopt;
      ++p;
    } else {
      p = plain_number_end(p, end);
      if (!p) return std::nullopt;
    }
    l.found[i] = {leaf, static_cast<uint32_t>(p - leaf), false};
  }
  const std::string_view value(start, static_cast<std::size_t>(p - start));
  if (whole && skip_spaces(p, end) != end) return std::nullopt;
  if (l.as_written) return value;
  if (scratch.size() < value.size()) scratch.resize(value.size());
  char* out = scratch.data();
  uint32_t from = 0;
  for (std::size_t k = 0; k < l.order.size(); ++k) {
    const uint32_t to = l.output_ends[k];
    copy_small(out, l.output.data() + from, to - from);
    out += to - from;
    from = to;
    const Leaf& leaf = l.found[l.order[k]];
    copy_small(out, leaf.text, leaf.len);
    out += leaf.len;
  }
  copy_small(out, l.output.data() + from, l.output_ends.back() - from);
  out += l.output_ends.back() - from;
  return std::string_view(scratch.data(), static_cast<std::size_t>(out - scratch.data()));
}

// The layouts of one thread: the last few seen, the last used tried first.
// Only texts up to kMaxBytes leave one (a layout holds about twice its
// text's bytes, for as long as the thread lives).
struct Layouts {
  static constexpr std::size_t kCount = 4;
  static constexpr std::size_t kMaxBytes = 64 * 1024;
  Layout slots[kCount];
  std::size_t last = 0;  // the slot that answered last
  std::size_t next = 0;  // the slot the next new layout takes
};

std::optional<std::string_view> canonicalize(std::string& scratch, std::string_view text, bool whole) {
  thread_local Layouts layouts;
  const char* end = text.data() + text.size();
  const char* value_start = skip_spaces(text.data(), end);
  for (std::size_t k = 0; k < Layouts::kCount; ++k) {
    const std::size_t slot = (layouts.last + k) % Layouts::kCount;
    Layout& l = layouts.slots[slot];
    if (!l.valid) continue;
    if (auto answer = apply_layout(l, scratch, value_start, end, whole)) {
      layouts.last = slot;
      return answer;
    }
  }
  Tape& tape = thread_tape();
  tape.clear();
  Scanner scan(text, tape);
  scan.skip_ws();
  const char* start = scan.pos();
  Entry root;
  if (!scan.value(root, 0)) return std::nullopt;
  const char* stop = scan.pos();
  if (whole && skip_spaces(stop, end) != end) return std::nullopt;
  const std::string_view value(start, static_cast<std::size_t>(stop - start));
  if (root.child == kLeaf) return value;
  if (value.size() <= Layouts::kMaxBytes) {
    const std::size_t slot = layouts.next;
    layouts.next = (slot + 1) % Layouts::kCount;
    build_layout(layouts.slots[slot], tape, root.child, start, stop, scan.canonical_as_written());
    layouts.last = slot;
  }
  if (scan.canonical_as_written()) return value;
  if (scratch.size() < value.size()) scratch.resize(value.size());
  char* out = emit(tape, root.child, scratch.data());
  return std::string_view(scratch.data(), static_cast<std::size_t>(out - scratch.data()));
}

}  // namespace

std::optional<std::string_view> plain_canonical_json(std::string& scratch, std::string_view text) {
  return canonicalize(scratch, text, true);
}

std::optional<std::string_view> plain_canonical_prefix(std::string& scratch, std::string_view text) {
  return canonicalize(scratch, text, false);
}

}  // namespace iot::sign
