// LayoutCache: learning a layout (a scan of the line into a small tree, a
// plan of the normalizer's fields over it, the canonical recipe of the signed
// payload) and reading a line by it (a compare and a leaf scan a leaf, then
// the nested shape's checks over the leaves). Each check below names the slow
// path's step it stands for (telemetry/nested_flat.cpp, shape_fields.cpp).
#include "iot-verify/layout_cache.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "core/limits.hpp"
#include "sign/hmac.hpp"
#include "sign/key_order.hpp"
#include "sign/plain_scan.hpp"
#include "telemetry/normalize.hpp"
#include "telemetry/shape_readers.hpp"

namespace iot::verify {

namespace {

constexpr std::uint32_t kNone = UINT32_MAX;
// The bytes past its end a recipe (and the canonical buffer) keeps, so that
// read() can copy a piece of up to 32 bytes in whole moves.
constexpr std::size_t kSlack = 32;

// A value of a scanned line.
struct Node {
  char type = 0;  // '{' object, '[' array, '"' string, '0' number, 'l' true, false or null
  std::uint32_t leaf = kNone;  // strings and numbers: their index among the variable leaves
  std::string_view text;       // leaves as written (a string with its quotes)
  std::vector<std::string_view> keys;  // an object's keys (plain: as written, without quotes)
  std::vector<Node> items;             // its values, or an array's items
};

}  // namespace

// One reading of the nested shape's "d": where its value, quality and unit sit.
struct PointPlan {
  std::string metric;
  std::uint32_t v = kNone;  // kNone with v_null: "v": null (or the point itself null)
  bool v_null = false;
  std::uint32_t q = kNone;
  char q_kind = 0;  // '"' a word, '0' a code
  std::uint32_t u = kNone;
};

struct LineLayout {
  // The text between variable leaves, back to back; literal i ends at
  // literal_ends[i] (one more literal than leaves).
  std::string literals;
  std::vector<std::uint32_t> literal_ends;
  std::vector<char> kinds;  // per leaf: '"' string, '0' number
  // The normalizer's fields: leaf indices, kNone when absent.
  bool is_signed = false;
  std::uint32_t hmac = kNone, device_id = kNone, msg_id = kNone, schema_version = kNone, device_type = kNone,
                ts = kNone, ts_ns = kNone, seq = kNone, source_ts = kNone, edge_latency = kNone;
  std::vector<PointPlan> points;
  // The signed payload's canonical JSON: recipe up to recipe_ends[i], then
  // leaf recipe_leaves[i]; then the rest.
  std::string recipe;
  std::vector<std::uint32_t> recipe_ends;
  std::vector<std::uint32_t> recipe_leaves;

  void clear() { *this = LineLayout{}; }
};

namespace {

using sign::detail::list_step;
using sign::detail::ListStep;
using sign::detail::plain_number_end;
using sign::detail::same_bytes;
using sign::detail::string_stop;

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Reads a whole line of plain JSON (canonical_plain.hpp) into a tree and l's
// literals; false for anything else (escapes, exponents, duplicate keys).
class LayoutScanner {
 public:
  LayoutScanner(std::string_view line, LineLayout& l)
      : p_(line.data()), end_(line.data() + line.size()), literal_(p_), l_(l) {}

  bool line(Node& root) {
    skip_ws();
    if (!value(root, 0)) return false;
    skip_ws();
    if (p_ != end_) return false;
    l_.literals.append(literal_, static_cast<std::size_t>(end_ - literal_));
    l_.literal_ends.push_back(static_cast<std::uint32_t>(l_.literals.size()));
    return true;
  }

 private:
  const char* p_;
  const char* end_;
  const char* literal_;  // where the literal after the last leaf starts
  LineLayout& l_;

  void skip_ws() {
    while (p_ < end_ && is_space(*p_)) ++p_;
  }

  bool string() {  // p_ at the opening quote; left after the closing one
    p_ = string_stop(p_ + 1, end_);
    if (p_ >= end_ || *p_ != '"') return false;
    ++p_;
    return true;
  }

  bool leaf(Node& n, const char* start, char kind) {
    n.type = kind;
    n.text = std::string_view(start, static_cast<std::size_t>(p_ - start));
    if (kind == 'l') return true;  // part of the literal text
    l_.literals.append(literal_, static_cast<std::size_t>(start - literal_));
    l_.literal_ends.push_back(static_cast<std::uint32_t>(l_.literals.size()));
    n.leaf = static_cast<std::uint32_t>(l_.kinds.size());
    l_.kinds.push_back(kind);
    literal_ = p_;
    return true;
  }

  bool word(Node& n, std::string_view w) {
    if (static_cast<std::size_t>(end_ - p_) < w.size() || std::string_view(p_, w.size()) != w) return false;
    const char* start = p_;
    p_ += w.size();
    return leaf(n, start, 'l');
  }

  bool value(Node& n, std::size_t depth) {
    if (p_ >= end_) return false;
    const char* start = p_;
    switch (*p_) {
      case '{':
      case '[': return container(n, depth + 1);
      case '"': return string() && leaf(n, start, '"');
      case 't': return word(n, "true");
      case 'f': return word(n, "false");
      case 'n': return word(n, "null");
      default: {
        const char* stop = plain_number_end(p_, end_);
        if (!stop) return false;
        p_ = stop;
        return leaf(n, start, '0');
      }
    }
  }

  bool container(Node& n, std::size_t depth) {
    if (depth > limits::max_json_depth) return false;
    n.type = *p_;
    const bool object = n.type == '{';
    const char close = object ? '}' : ']';
    ++p_;
    skip_ws();
    if (p_ < end_ && *p_ == close) {
      ++p_;
      return true;
    }
    for (;;) {
      skip_ws();
      if (object) {
        if (p_ >= end_ || *p_ != '"') return false;
        const char* key = p_ + 1;
        if (!string()) return false;
        n.keys.emplace_back(key, static_cast<std::size_t>(p_ - 1 - key));
        skip_ws();
        if (p_ >= end_ || *p_ != ':') return false;
        ++p_;
        skip_ws();
      }
      if (!value(n.items.emplace_back(), depth)) return false;
      skip_ws();
      const ListStep step = list_step(p_, end_, close);
      if (step == ListStep::bad) return false;
      if (step == ListStep::closed) break;
    }
    if (object) {  // a duplicate key: the DOM and the normalizer disagree on which wins
      std::vector<std::string_view> sorted = n.keys;
      std::sort(sorted.begin(), sorted.end());
      if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return false;
    }
    return true;
  }
};

bool is_null(const Node& n) { return n.type == 'l' && n.text == "null"; }

// One entry of "d" (read_point): an object {"v", "q", "u", others ignored}
// or a bare number or null. The metric name is the key (no metric template).
bool plan_point(std::string_view metric, const Node& n, LineLayout& l) {
  if (metric.empty()) return false;  // "an empty metric name"
  PointPlan p;
  p.metric = metric;
  if (n.type == '0') {
    p.v = n.leaf;
  } else if (is_null(n)) {
    p.v_null = true;
  } else if (n.type == '{') {
    for (std::size_t i = 0; i < n.keys.size(); ++i) {
      const Node& f = n.items[i];
      if (n.keys[i] == "v") {
        if (f.type == '0') p.v = f.leaf;
        else if (is_null(f)) p.v_null = true;
        else return false;  // "not a number or null"
      } else if (n.keys[i] == "q") {
        if (f.type != '0' && f.type != '"') return false;
        p.q = f.leaf;
        p.q_kind = f.type;
      } else if (n.keys[i] == "u") {
        if (f.type != '"') return false;
        p.u = f.leaf;
      }
    }
    if (p.v == kNone && !p.v_null) return false;  // "missing"
  } else {
    return false;
  }
  l.points.push_back(std::move(p));
  return true;
}

// The members read_nested knows, each of the type it wants; any other key
// (or a wrong type) declines, so the shape detected is nested for certain.
bool plan_nested(const Node& o, LineLayout& l) {
  if (o.type != '{') return false;
  bool has_d = false;
  for (std::size_t i = 0; i < o.keys.size(); ++i) {
    const std::string_view key = o.keys[i];
    const Node& v = o.items[i];
    auto as = [&](char type, std::uint32_t& role) {
      if (v.type != type) return false;
      role = v.leaf;
      return true;
    };
    bool ok = true;
    if (key == "device_id") ok = as('"', l.device_id);
    else if (key == "msg_id") ok = as('"', l.msg_id);
    else if (key == "schema_version") ok = as('"', l.schema_version);
    else if (key == "device_type") ok = as('"', l.device_type);
    else if (key == "ts") ok = as('0', l.ts);
    else if (key == "ts_ns") ok = as('0', l.ts_ns);
    else if (key == "seq") ok = as('0', l.seq);
    else if (key == "d") {
      if (v.type != '{') return false;
      has_d = true;
      for (std::size_t k = 0; k < v.keys.size(); ++k)
        if (!plan_point(v.keys[k], v.items[k], l)) return false;
    } else if (key == "meta") {
      if (v.type != '{') return false;
      for (std::size_t k = 0; k < v.keys.size(); ++k) {
        const Node& m = v.items[k];
        if (v.keys[k] == "source_ts") ok = ok && m.type == '0' && (l.source_ts = m.leaf, true);
        else if (v.keys[k] == "edge_latency_ms") ok = ok && m.type == '0' && (l.edge_latency = m.leaf, true);
      }
    } else {
      return false;
    }
    if (!ok) return false;
  }
  return has_d && l.device_id != kNone && l.ts != kNone;
}

// The canonical JSON of n (sign/canonical_json.hpp) with its leaves left as
// holes: keys sorted by bytes, no whitespace, leaves as written (plain text
// is spelled as Python spells it).
void write_recipe(const Node& n, LineLayout& l) {
  switch (n.type) {
    case '{': {
      std::vector<std::size_t> order(n.keys.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return n.keys[a] < n.keys[b]; });
      l.recipe += '{';
      for (std::size_t i = 0; i < order.size(); ++i) {
        if (i) l.recipe += ',';
        l.recipe.append("\"").append(n.keys[order[i]]).append("\":");
        write_recipe(n.items[order[i]], l);
      }
      l.recipe += '}';
      return;
    }
    case '[':
      l.recipe += '[';
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        if (i) l.recipe += ',';
        write_recipe(n.items[i], l);
      }
      l.recipe += ']';
      return;
    case 'l': l.recipe.append(n.text); return;
    default:
      l.recipe_ends.push_back(static_cast<std::uint32_t>(l.recipe.size()));
      l.recipe_leaves.push_back(n.leaf);
  }
}

// The layout of line; false when the line is not plain or not a bare nested
// payload, signed ({"hmac", "payload"} and nothing else) or not.
bool build_layout(std::string_view line, LineLayout& l) {
  l.clear();
  Node root;
  if (!LayoutScanner(line, l).line(root) || root.type != '{') return false;
  if (std::find(root.keys.begin(), root.keys.end(), "hmac") == root.keys.end()) return plan_nested(root, l);
  if (root.keys.size() != 2) return false;
  const Node* payload = nullptr;
  for (std::size_t i = 0; i < 2; ++i) {
    if (root.keys[i] == "hmac" && root.items[i].type == '"') l.hmac = root.items[i].leaf;
    else if (root.keys[i] == "payload") payload = &root.items[i];
  }
  if (l.hmac == kNone || !payload || !plan_nested(*payload, l)) return false;
  l.is_signed = true;
  write_recipe(*payload, l);
  l.recipe_ends.push_back(static_cast<std::uint32_t>(l.recipe.size()));
  l.recipe.append(kSlack, '\0');  // read() copies pieces in whole moves
  return true;
}

// Eight ASCII digits (little-endian in x) as their value, in a few
// multiplies instead of a multiply-add a digit (whose chain is the cost of a
// 13-digit timestamp); false when a byte is not a digit.
bool eight_digits(std::uint64_t x, std::uint32_t& value) {
  if (((x & 0xF0F0F0F0F0F0F0F0) | (((x + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) >> 4)) != 0x3333333333333333)
    return false;
  x -= 0x3030303030303030;
  x = (x * 10) + (x >> 8);
  x = (((x & 0x000000FF000000FF) * 0x000F424000000064) + (((x >> 16) & 0x000000FF000000FF) * 0x0000271000000001)) >> 32;
  value = static_cast<std::uint32_t>(x);
  return true;
}

// A plain number leaf as an integer: "-"? and at most 18 digits (so it fits
// int64, as simdjson reads it); false for anything else ("12.0" too, which
// integer_value would take: left to the slow path).
bool parse_integer(std::string_view t, std::int64_t& out) {
  const bool negative = !t.empty() && t.front() == '-';
  if (negative) t.remove_prefix(1);
  if (t.empty() || t.size() > 18) return false;
  std::uint64_t v = 0;
  std::size_t i = 0;
  for (; i + 8 <= t.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, t.data() + i, 8);
    std::uint32_t eight = 0;
    if (!eight_digits(x, eight)) return false;
    v = v * 100'000'000 + eight;
  }
  for (; i < t.size(); ++i) {
    const unsigned digit = static_cast<unsigned char>(t[i]) - '0';
    if (digit > 9) return false;
    v = v * 10 + digit;
  }
  out = negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
  return true;
}

}  // namespace

std::unique_ptr<LayoutCache> LayoutCache::make(const registry::RouteEngine& routes, const CheckerConfig& config) {
  if (config.resend_topic_template) return nullptr;
  auto match = routes.route("");  // a bare payload's route (its "fields" are none)
  if (!match) return nullptr;
  const registry::Route& r = *match->route;
  if (r.kind != registry::RouteKind::readings || r.shape != telemetry::Shape::automatic ||
      !r.device_template.empty() || !r.metric_template.empty() || !r.tags.empty())
    return nullptr;
  return std::make_unique<LayoutCache>(routes, config);
}

LayoutCache::LayoutCache(const registry::RouteEngine& routes, const CheckerConfig& config)
    : allow_unsigned_(routes.defaults().allow_unsigned),
      keep_readings_(config.keep_readings),
      candidate_(std::make_unique<LineLayout>()) {
  auto match = routes.route("");
  if (match && *match->key) key_ = &**match->key;  // points into the engine's routes or defaults
}

LayoutCache::~LayoutCache() = default;

bool LayoutCache::match(const LineLayout& l, std::string_view line) {
  const char* p = line.data();
  const char* end = p + line.size();
  line_end_ = end;
  line_size_ = line.size();
  const std::size_t n = l.kinds.size();
  found_.resize(n);
  std::uint32_t from = 0;
  for (std::size_t i = 0;; ++i) {
    const std::size_t len = l.literal_ends[i] - from;
    if (static_cast<std::size_t>(end - p) < len || !same_bytes(p, l.literals.data() + from, len)) return false;
    p += len;
    from = l.literal_ends[i];
    if (i == n) break;
    const char* leaf = p;
    if (l.kinds[i] == '"') {
      if (p >= end || *p != '"') return false;
      p = string_stop(p + 1, end);
      if (p >= end || *p != '"') return false;
      ++p;
    } else {
      p = plain_number_end(p, end);
      if (!p) return false;
    }
    found_[i] = {leaf, static_cast<std::uint32_t>(p - leaf)};
  }
  return p == end;
}

bool LayoutCache::analyze(std::string_view line, LineAnalysis& out, LineChecker* warm) {
  if (line.size() > limits::max_line_bytes) return false;  // the slow path's too_large
  for (std::size_t k = 0; k < kSlots; ++k) {
    const std::size_t slot = (last_ + k) % kSlots;
    if (!slots_[slot] || !match(*slots_[slot], line)) continue;
    // A line matches one layout at most (a text has one parse).
    if (!read(*slots_[slot], out, warm)) return false;
    last_ = slot;
    misses_ = 0;
    return true;
  }
  return false;
}

// The nested shape's checks (read_nested) over the leaves found; false on
// anything the slow path would refuse or word itself.
bool LayoutCache::read(const LineLayout& l, LineAnalysis& out, LineChecker* warm) {
  auto text = [&](std::uint32_t i) { return std::string_view(found_[i].text, found_[i].size); };
  auto string = [&](std::uint32_t i) { return std::string_view(found_[i].text + 1, found_[i].size - 2); };
  // integer_value: a number without a fraction is an int64 (at most 18
  // digits, plain); "12.0" would be one too, but is left to the slow path.
  auto integer = [&](std::uint32_t i, std::int64_t& v) { return parse_integer(text(i), v); };
  // get_double: correctly rounded, as simdjson's (an integer converts exactly as its double).
  auto number = [&](std::uint32_t i, double& v) {
    const std::string_view t = text(i);
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    return ec == std::errc() && ptr == t.data() + t.size() && std::isfinite(v);
  };

  if (out.messages.size() != 1) {
    out.messages.clear();
    out.messages.emplace_back();
  }
  telemetry::Message& m = out.messages.front();
  m.shape = telemetry::Shape::nested;
  m.is_signed = l.is_signed;
  m.tags.clear();
  m.readings.clear();
  m.device_id.assign(string(l.device_id));
  if (m.device_id.empty()) return false;  // "device_id: empty"
  auto copy = [&](std::uint32_t i, std::string& target) {
    if (i == kNone) target.clear();
    else target.assign(string(i));
  };
  copy(l.msg_id, m.msg_id);
  copy(l.schema_version, m.schema_version);
  copy(l.device_type, m.device_type);
  m.seq.reset();
  if (l.seq != kNone) {
    std::int64_t seq = 0;
    if (!integer(l.seq, seq)) return false;
    m.seq = seq;
  }
  // The time as the normalizer converts it, by its own range checks (an
  // error there sends the line the full way, which words it).
  std::int64_t ts = 0;
  if (!integer(l.ts, ts)) return false;
  std::int64_t fraction = 0;
  if (l.ts_ns != kNone && !integer(l.ts_ns, fraction)) return false;
  auto time_ns = l.ts_ns != kNone ? telemetry::detail::seconds_ns_to_ns(ts, fraction)
                                  : telemetry::detail::ms_to_ns(ts, "ts");
  if (!time_ns) return false;
  m.time_ns = *time_ns;
  m.source_time_ns.reset();
  if (l.source_ts != kNone) {  // read_meta
    std::int64_t ms = 0;
    if (!integer(l.source_ts, ms)) return false;
    auto source_ns = telemetry::detail::ms_to_ns(ms, "meta.source_ts");
    if (!source_ns) return false;
    m.source_time_ns = *source_ns;
  }
  m.edge_latency_ms.reset();
  if (l.edge_latency != kNone) {
    double latency = 0;
    if (!number(l.edge_latency, latency)) return false;
    m.edge_latency_ms = latency;
  }
  if (keep_readings_) m.readings.reserve(l.points.size());
  for (const PointPlan& p : l.points) {
    std::optional<double> value;
    if (p.v != kNone) {
      // A plain number is always a finite double (at most 18 integer or 15
      // significant digits): parsed only when the reading is kept.
      if (keep_readings_) {
        double v = 0;
        if (!number(p.v, v)) return false;
        value = v;
      }
    }
    int quality = telemetry::quality::good;
    if (p.q != kNone) {  // parse_quality's rules
      std::optional<int> known;
      if (p.q_kind == '"') {
        known = telemetry::quality_of_word(string(p.q));
      } else {
        double code = -1;
        if (number(p.q, code)) known = telemetry::quality_of_code(code);
      }
      if (!known) return false;
      quality = *known;
    }
    if (!keep_readings_) continue;
    telemetry::Reading& r = m.readings.emplace_back();
    r.time_ns = *m.time_ns;
    r.device_id = m.device_id;
    r.metric = p.metric;
    r.value = value;
    r.quality = quality;
    if (p.u != kNone) r.unit.assign(string(p.u));
  }
  if (warm) warm->warm(m.msg_id, m.device_id);
  // check_signature: with a key, a signed payload must verify, an unsigned
  // one is refused unless --allow-unsigned; without one nothing is checked.
  if (key_ && l.is_signed) {
    // The canonical form is never longer than the payload's text, so the
    // line's size bounds it; kSlack more lets a piece be copied in whole
    // 16- or 32-byte moves (fewer branches than its exact size would take).
    if (canonical_.size() < line_size_ + kSlack) canonical_.resize(line_size_ + kSlack);
    char* o = canonical_.data();
    auto put = [&o](const char* src, std::size_t n, std::size_t readable) {
      if (n <= 16 && readable >= 16) std::memcpy(o, src, 16);
      else if (n <= 32 && readable >= 32) std::memcpy(o, src, 32);
      else std::memcpy(o, src, n);
      o += n;
    };
    const char* recipe = l.recipe.data();  // followed by kSlack padding bytes
    std::uint32_t from = 0;
    for (std::size_t k = 0; k < l.recipe_leaves.size(); ++k) {
      const std::uint32_t to = l.recipe_ends[k];
      put(recipe + from, to - from, kSlack);
      from = to;
      const Leaf& leaf = found_[l.recipe_leaves[k]];
      put(leaf.text, leaf.size, static_cast<std::size_t>(line_end_ - leaf.text));
    }
    put(recipe + from, l.recipe_ends.back() - from, kSlack);
    const std::string_view canonical(canonical_.data(), static_cast<std::size_t>(o - canonical_.data()));
    if (sign::verify_canonical(string(l.hmac), canonical, *key_) != sign::SignatureStatus::ok) return false;
  } else if (key_ && !allow_unsigned_) {
    return false;  // "missing: the message carries no hmac"
  }
  out.kind = LineAnalysis::Kind::readings;
  out.verdict = Verdict{};
  out.alarm_msg_id.clear();
  out.read = true;
  out.topic.clear();
  // Signed messages without a msg_id are told apart by their HMAC.
  if (l.is_signed && m.msg_id.empty()) out.signed_hmac.emplace(string(l.hmac));
  else out.signed_hmac.reset();
  return true;
}

void LayoutCache::learn(std::string_view line, const LineAnalysis& slow) {
  if (slow.kind != LineAnalysis::Kind::readings || !slow.verdict.ok || !slow.read || slow.messages.size() != 1 ||
      slow.messages.front().shape != telemetry::Shape::nested)
    return;
  // A stream of ever new layouts (or of lines no layout fits) stops paying
  // for the scan: after a few misses in a row, one line in 64 is tried.
  ++misses_;
  if (misses_ > 16 && misses_ % 64 != 0) return;
  if (!build_layout(line, *candidate_)) return;
  // Kept only when its own line reads the same on both paths.
  if (!match(*candidate_, line) || !read(*candidate_, check_, nullptr) || !same_analysis(check_, slow)) return;
  const std::size_t slot = next_;
  next_ = (next_ + 1) % kSlots;
  std::swap(slots_[slot], candidate_);
  if (!candidate_) candidate_ = std::make_unique<LineLayout>();
  last_ = slot;
}

namespace {

bool same_reading(const telemetry::Reading& a, const telemetry::Reading& b) {
  return a.time_ns == b.time_ns && a.device_id == b.device_id && a.metric == b.metric && a.value == b.value &&
         a.quality == b.quality && a.unit == b.unit;
}

bool same_message(const telemetry::Message& a, const telemetry::Message& b) {
  return a.shape == b.shape && a.device_id == b.device_id && a.device_type == b.device_type &&
         a.msg_id == b.msg_id && a.seq == b.seq && a.time_ns == b.time_ns && a.source_time_ns == b.source_time_ns &&
         a.edge_latency_ms == b.edge_latency_ms && a.schema_version == b.schema_version &&
         a.is_signed == b.is_signed && a.tags == b.tags &&
         std::equal(a.readings.begin(), a.readings.end(), b.readings.begin(), b.readings.end(), same_reading);
}

bool same_verdict(const Verdict& a, const Verdict& b) {
  return a.ok == b.ok && a.reason == b.reason && a.detail == b.detail;
}

}  // namespace

bool same_analysis(const LineAnalysis& a, const LineAnalysis& b) {
  if (a.kind != b.kind || !same_verdict(a.verdict, b.verdict) || a.alarm_msg_id != b.alarm_msg_id ||
      a.read != b.read || a.signed_hmac != b.signed_hmac || a.topic != b.topic)
    return false;
  if (a.kind == LineAnalysis::Kind::readings && !a.read && !same_verdict(a.read_error, b.read_error)) return false;
  return std::equal(a.messages.begin(), a.messages.end(), b.messages.begin(), b.messages.end(), same_message);
}

}  // namespace iot::verify
