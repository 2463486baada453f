// The Pub/Sub message encoder over arbitrary names and tags, and the
// parsers of what comes back from Google (token answers, service-account
// files, pubsub:// URLs). Input: device, metric, msg_id and ordering key,
// each ended by '\n', then the tags JSON (the rest). A message that is
// produced must be one JSON object whose base64 data decodes to a JSON
// object holding the same device_id and metric, whose attributes carry them
// too, with an orderingKey exactly when the row has one. A refused reading
// leaves the output as it was. The parsers must never crash.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "codec/base64.hpp"
#include "store/google_auth.hpp"
#include "store/pubsub_message.hpp"
#include "store/pubsub_target.hpp"

namespace {

std::string_view cut(std::string_view& s) {
  std::size_t nl = s.find('\n');
  std::string_view head = s.substr(0, nl);
  s = nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
  return head;
}

std::string_view text_at(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v)) std::abort();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view whole(reinterpret_cast<const char*>(data), size);
  (void)iot::store::parse_pubsub_url(std::string(whole), nullptr);
  (void)iot::store::parse_service_account(whole);
  (void)iot::store::parse_token_answer({200, std::string(whole)}, std::chrono::steady_clock::time_point{});
  (void)iot::store::parse_token_answer({400, std::string(whole)}, std::chrono::steady_clock::time_point{});
  // Readings come from parsed JSON: their text is UTF-8, as Pub/Sub wants it.
  if (!simdjson::validate_utf8(whole.data(), whole.size())) return 0;
  std::string_view in = whole;
  iot::store::ReadingRow row;
  row.device_id = std::string(cut(in));
  row.metric = std::string(cut(in));
  row.msg_id = std::string(cut(in));
  row.ordering_key = std::string(cut(in));
  row.tags_json = std::string(in);
  row.value = static_cast<double>(size) / 3;
  row.time_ns = static_cast<std::int64_t>(size) * 1000;
  std::string out = "x";
  auto st = iot::store::append_pubsub_message(out, row);
  if (!st) {
    if (out != "x" || st.error().reason != "db_rejected") std::abort();
    return 0;
  }
  simdjson::dom::parser parser, inner_parser;
  simdjson::dom::element message;
  if (parser.parse(out.substr(1)).get(message)) std::abort();
  auto decoded = iot::codec::base64_decode(text_at(message, "data"));
  if (!decoded) std::abort();
  simdjson::dom::element inner;
  if (inner_parser.parse(*decoded).get(inner)) std::abort();
  if (text_at(inner, "device_id") != row.device_id || text_at(inner, "metric") != row.metric) std::abort();
  simdjson::dom::element attributes;
  if (message["attributes"].get(attributes)) std::abort();
  if (text_at(attributes, "device_id") != row.device_id || text_at(attributes, "metric") != row.metric) std::abort();
  std::string_view key;
  const bool has_key = !message["orderingKey"].get_string().get(key);
  if (has_key != !row.ordering_key.empty() || (has_key && key != row.ordering_key)) std::abort();
  return 0;
}
