#include "stream/envelope.hpp"

#include <array>
#include <cstring>

#include "codec/base64.hpp"
#include "codec/wide_integers.hpp"

namespace iot::stream {
namespace {

Error schema(std::string message) { return make_error(ErrorKind::bad_input, "schema", std::move(message)); }

Error from_simdjson(simdjson::error_code code) {
  switch (code) {
    case simdjson::DEPTH_ERROR:
      return make_error(ErrorKind::too_large, "too_large", "JSON nested too deeply");
    case simdjson::CAPACITY:
    case simdjson::MEMALLOC:
      return make_error(ErrorKind::too_large, "too_large", "JSON document too large");
    default:
      return make_error(ErrorKind::bad_input, "bad_json", std::string("not JSON: ") + simdjson::error_message(code));
  }
}

enum Key { k_topic, k_payload, k_payload_b64, k_enc, k_qos, k_retain, k_rx_ts, k_fields, k_props, k_jpos, k_count, k_other };

Key key_of(std::string_view key) {
  static constexpr std::array<std::string_view, k_count> names = {
      "topic", "payload", "payload_b64", "enc", "qos", "retain", "rx_ts", "fields", "props", "jpos"};
  for (int i = 0; i < k_count; ++i)
    if (names[i] == key) return Key(i);
  return k_other;
}

}  // namespace

bool is_known_encoding(std::string_view enc) {
  return enc == "json" || enc == "msgpack" || enc == "zlib+json" || enc == "zlib+msgpack" || enc == "binary";
}

EnvelopeParser::EnvelopeParser(std::size_t max_line, std::size_t max_depth)
    : max_line_(max_line), max_depth_(max_depth), parser_(max_line) {
  // Failures here resurface in parse(), which allocates again when needed.
  [[maybe_unused]] auto allocated = parser_.allocate(4096, max_depth_);
  static const simdjson::padded_string kNull(std::string_view("null"));
  [[maybe_unused]] auto parsed = null_parser_.parse(kNull).get(null_);
}

Result<EnvelopeView> EnvelopeParser::parse(std::string_view line) {
  if (line.size() > max_line_) return make_error(ErrorKind::too_large, "too_large", "line over the size limit");
  const std::size_t need = line.size() + simdjson::SIMDJSON_PADDING;
  if (buffer_.size() < need) buffer_.resize(std::max(need, buffer_.size() * 2));
  std::memcpy(buffer_.data(), line.data(), line.size());
  std::memset(buffer_.data() + line.size(), 0, simdjson::SIMDJSON_PADDING);
  if (parser_.max_depth() != max_depth_ || parser_.capacity() < line.size()) {
    if (auto err = parser_.allocate(std::max<std::size_t>(line.size(), 4096), max_depth_)) return from_simdjson(err);
  }
  simdjson::dom::element doc;
  auto err = parser_.parse(buffer_.data(), line.size(), false).get(doc);
  if (err == simdjson::NUMBER_ERROR) return parse_wide(line);
  if (err) return from_simdjson(err);
  simdjson::dom::object root;
  if (doc.get(root)) return make_error(ErrorKind::bad_input, "bad_json", "not a JSON object");
  auto view = read_envelope(doc, root);
  if (view) view->text = line;
  return view;
}

std::string_view payload_text(const EnvelopeView& view) {
  if (!view.has_payload || view.text.empty()) return {};
  if (view.bare) return view.text;
  return codec::member_tail(view.text, "payload").value_or(std::string_view{});
}

// The slow path, taken only after simdjson's number error: integers beyond
// 64 bits become their nearest double for the DOM, and the view keeps the
// payload's exact text beside it.
Result<EnvelopeView> EnvelopeParser::parse_wide(std::string_view line) {
  auto wide = codec::rewrite_wide_integers(line);
  if (!wide) return wide.error();
  wide_ = std::move(*wide);
  // Into the padded buffer (the rewritten text may be longer than the line).
  const std::string& text = wide_.for_simdjson;
  if (text.size() > max_line_) return make_error(ErrorKind::too_large, "too_large", "line over the size limit");
  const std::size_t need = text.size() + simdjson::SIMDJSON_PADDING;
  if (buffer_.size() < need) buffer_.resize(need);
  std::memcpy(buffer_.data(), text.data(), text.size());
  std::memset(buffer_.data() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  if (parser_.capacity() < text.size()) {
    if (auto err = parser_.allocate(text.size(), max_depth_)) return from_simdjson(err);
  }
  simdjson::dom::element doc;
  if (auto err = parser_.parse(buffer_.data(), text.size(), false).get(doc)) return from_simdjson(err);
  simdjson::dom::object root;
  if (doc.get(root)) return make_error(ErrorKind::bad_input, "bad_json", "not a JSON object");
  auto view = read_envelope(doc, root);
  if (!view) return view;
  view->wide_integers = &wide_.integers;
  if (view->bare) view->exact_payload = wide_.exact;
  else if (view->has_payload) view->exact_payload = codec::member_text(wide_.exact, "payload");
  return view;
}

// One pass over the members: known fields are checked and kept; the line is
// an envelope only with "topic" and a payload, else the errors do not count.
Result<EnvelopeView> EnvelopeParser::read_envelope(simdjson::dom::element doc, simdjson::dom::object root) {
  EnvelopeView v;
  v.root = root;
  v.fields = null_;
  v.props = null_;
  std::array<bool, k_count> seen{};
  std::optional<Error> problem;
  auto note = [&](std::string message) {
    if (!problem) problem = schema(std::move(message));
  };
  for (auto member : root) {
    Key key = key_of(member.key);
    if (key == k_other) continue;
    if (seen[key]) note("duplicate key \"" + std::string(member.key) + "\"");
    seen[key] = true;
    simdjson::dom::element value = member.value;
    switch (key) {
      case k_topic: {
        std::string_view s;
        if (value.get(s)) note("topic is not a string");
        else v.topic = s;
        break;
      }
      case k_payload:
        v.payload = value;
        v.has_payload = true;
        break;
      case k_payload_b64: {
        std::string_view s;
        if (value.get(s)) note("payload_b64 is not a string");
        else if (!codec::base64_decode(s)) note("payload_b64 is not valid base64");
        else v.payload_b64 = s;
        break;
      }
      case k_enc: {
        std::string_view s;
        if (value.get(s) || !is_known_encoding(s)) note("enc is not one of json, msgpack, zlib+json, zlib+msgpack, binary");
        else v.enc = s;
        break;
      }
      case k_qos: {
        std::int64_t q = -1;
        if (!value.is_int64() || value.get(q) || q < 0 || q > 2) note("qos is not 0, 1 or 2");
        else v.qos = static_cast<int>(q);
        break;
      }
      case k_retain: {
        bool b = false;
        if (value.get(b)) note("retain is not a boolean");
        else v.retain = b;
        break;
      }
      case k_rx_ts: {
        std::int64_t t = 0;
        if (!value.is_int64() || value.get(t)) note("rx_ts is not an integer (ns since the epoch)");
        else v.rx_ts = t;
        break;
      }
      case k_jpos: {
        std::uint64_t p = 0;
        if (!(value.is_uint64() || value.is_int64()) || value.get(p)) note("jpos is not a non-negative integer");
        else v.jpos = p;
        break;
      }
      case k_fields:
      case k_props:
        if (!value.is_object()) note(std::string(member.key) + " is not an object");
        else (key == k_fields ? v.fields : v.props) = value;
        break;
      default:
        break;
    }
  }
  if (!seen[k_topic] || !(seen[k_payload] || seen[k_payload_b64])) {
    EnvelopeView bare;
    bare.bare = true;
    bare.root = root;
    bare.payload = doc;
    bare.has_payload = true;
    bare.fields = null_;
    bare.props = null_;
    return bare;
  }
  if (seen[k_payload] && seen[k_payload_b64]) note("both payload and payload_b64");
  if (problem) return *problem;
  return v;
}

}  // namespace iot::stream
