// --retime edits the timestamps in place: the positions of the numbers come
// from simdjson On-Demand (raw_json_token points into the line), every other
// byte of the line stays as recorded (number spellings, key order, spaces,
// unknown fields). A signed payload is signed again when a key is given.
#include "replay/retime.hpp"
#include "ulid/ulid.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <algorithm>
#include <charconv>

#include "codec/base64.hpp"
#include "replay/fleet.hpp"
#include "core/time_text.hpp"
#include "sign/canonical_json.hpp"
#include "sign/hmac.hpp"

namespace iot::replay {
namespace {

namespace od = simdjson::ondemand;

struct Splice {
  std::size_t pos = 0, len = 0;
  std::string text;
};

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// An integer written as one (no fraction, no exponent), in 64 bits.
std::optional<std::int64_t> integer_token(std::string_view token) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc() || end != token.data() + token.size()) return std::nullopt;
  return v;
}

// One line, parsed once, answering "where is the value at this JSON pointer".
class LineTokens {
 public:
  // On-Demand checks the text lazily, and a document that failed half-way
  // must not be walked again: the whole line is validated first (nlohmann's
  // accept(), which, unlike simdjson's DOM, takes integers beyond 64 bits).
  LineTokens(od::parser& parser, std::string_view line) : buf_(line) {
    std::size_t start = line.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos || line[start] != '{' || !nlohmann::json::accept(line)) return;
    ok_ = !parser.iterate(buf_).get(doc_);
  }
  bool ok() const { return ok_; }

  // The value's own text (strings with their quotes) and where it starts.
  std::optional<std::pair<std::size_t, std::string_view>> token(const std::string& pointer) {
    od::value v;
    if (doc_.at_pointer(pointer).get(v)) return std::nullopt;
    std::string_view raw = v.raw_json_token();
    return std::make_pair(static_cast<std::size_t>(raw.data() - buf_.data()), trim_right(raw));
  }
  bool is(const std::string& pointer, od::json_type type) {
    od::value v;
    od::json_type t;
    return !doc_.at_pointer(pointer).get(v) && !v.type().get(t) && t == type;
  }
  std::optional<std::int64_t> integer(const std::string& pointer) {
    auto t = token(pointer);
    return t ? integer_token(t->second) : std::nullopt;
  }

 private:
  simdjson::padded_string buf_;
  od::document doc_;
  bool ok_ = false;
};

std::string apply_splices(std::string_view line, std::vector<Splice>& splices) {
  std::sort(splices.begin(), splices.end(), [](const Splice& a, const Splice& b) { return a.pos < b.pos; });
  std::string out;
  out.reserve(line.size() + 16);
  std::size_t at = 0;
  for (const auto& s : splices) {
    if (s.pos < at) continue;  // overlapping (a duplicate key): keep the first edit
    out.append(line.substr(at, s.pos - at)).append(s.text);
    at = s.pos + s.len;
  }
  out.append(line.substr(std::min(at, line.size())));
  return out;
}

// The new HMAC of the signed payload at `pointer` + "/payload", as a JSON string.
std::optional<std::string> fresh_hmac(std::string_view line, const std::string& pointer, const std::string& key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc, inner;
  if (parser.parse(line).get(doc) || doc.at_pointer(pointer + "/payload").get(inner)) return std::nullopt;
  auto canonical = sign::canonical_json(inner);
  if (!canonical) return std::nullopt;
  auto digest = sign::hmac_sha256(key, *canonical);
  return "\"" + codec::base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size())) +
         "\"";
}

// Adds offset_ns to an integer time at `pointer`, in the unit its magnitude says.
void shift_unix_number(LineTokens& tokens, const std::string& pointer, std::int64_t offset_ns,
                       std::vector<Splice>& splices) {
  auto tok = tokens.token(pointer);
  if (!tok) return;
  auto v = integer_token(tok->second);
  if (!v) return;
  auto scaled = time_text::unix_integer_to_ns(*v);
  if (!scaled) return;  // out of range: left as it was
  std::int64_t ns = *scaled;
  std::int64_t unit = *v == 0 ? 1 : ns / *v;  // 1e9, 1e6, 1e3 or 1
  if (unit <= 0) unit = 1;
  splices.push_back({tok->first, tok->second.size(), std::to_string(*v + offset_ns / unit)});
}

}  // namespace

Retimer::Retimer(std::int64_t offset_ns, bool new_ids, std::uint64_t seed, std::optional<std::string> key)
    : offset_ns_(offset_ns), new_ids_(new_ids), rng_(seed), key_(std::move(key)) {}

std::string Retimer::apply(std::string_view line) {
  thread_local od::parser parser;
  LineTokens tokens(parser, line);
  if (!tokens.ok()) return std::string(line);
  std::vector<Splice> splices;
  const bool envelope = tokens.token("/topic").has_value();
  const std::string base = envelope ? "/payload" : "";
  if (envelope) {
    if (auto rx = tokens.token("/rx_ts"); rx && integer_token(rx->second))
      splices.push_back({rx->first, rx->second.size(), std::to_string(*integer_token(rx->second) + offset_ns_)});
  }
  const bool is_signed = tokens.token(base + "/hmac").has_value() && tokens.is(base + "/payload", od::json_type::object);
  const std::string p = is_signed ? base + "/payload" : base;
  std::optional<std::int64_t> new_ms;  // the message's new time, for --new-ids
  if (is_signed) {
    auto ts = tokens.token(p + "/ts");
    auto ts_ns = tokens.token(p + "/ts_ns");
    if (ts && ts_ns && integer_token(ts->second) && integer_token(ts_ns->second)) {
      std::int64_t t = *integer_token(ts->second) * 1000000000 + *integer_token(ts_ns->second) + offset_ns_;
      splices.push_back({ts->first, ts->second.size(), std::to_string(t / 1000000000)});
      splices.push_back({ts_ns->first, ts_ns->second.size(), std::to_string(t % 1000000000)});
      new_ms = t / 1000000;
    }
  } else {
    for (const char* key : {"/ts", "/t", "/timestamp"}) shift_unix_number(tokens, p + key, offset_ns_, splices);
    shift_unix_number(tokens, p + "/meta/source_ts", offset_ns_, splices);
    if (auto ts = tokens.integer(p + "/ts")) {
      if (auto ns = time_text::unix_integer_to_ns(*ts)) new_ms = (*ns + offset_ns_) / 1000000;
    }
  }
  if (new_ids_ && tokens.is(p + "/msg_id", od::json_type::string)) {
    auto id_tok = tokens.token(p + "/msg_id");
    char id[26];
    std::uint64_t hi = rng_.next(), lo = rng_.next();
    ulid::format_to(std::uint64_t(std::max<std::int64_t>(new_ms.value_or(0), 0)), hi, lo, id);
    splices.push_back({id_tok->first, id_tok->second.size(), "\"" + std::string(id, 26) + "\""});
  }
  std::string out = apply_splices(line, splices);
  if (!is_signed || splices.empty()) return out;
  if (!key_) {
    signed_touched_ = true;
    return out;
  }
  // Signed again over the new payload: find the hmac in the edited line.
  auto mac = fresh_hmac(out, base, *key_);
  LineTokens edited(parser, out);
  auto hmac_tok = edited.ok() ? edited.token(base + "/hmac") : std::nullopt;
  if (!mac || !hmac_tok) {
    signed_touched_ = true;
    return out;
  }
  std::vector<Splice> resign{{hmac_tok->first, hmac_tok->second.size(), *mac}};
  ++resigned_;
  return apply_splices(out, resign);
}

}  // namespace iot::replay
