#include "resend/notice.hpp"

#include <nlohmann/json.hpp>

#include "core/time_text.hpp"

namespace iot::resend {
namespace {

constexpr std::size_t max_device_id_bytes = 1024;

std::string_view time_member(NoticeKind kind) { return kind == NoticeKind::request ? "requested_at" : "gone_at"; }

Error schema(std::string_view member, std::string_view why) {
  return make_error(ErrorKind::bad_input, "schema", std::string(member) + ": " + std::string(why));
}

Result<std::int64_t> seq_member(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return schema(name, "missing");
  if (it->is_number_unsigned()) {  // nlohmann counts unsigned as integer too: checked first
    auto v = it->get<std::uint64_t>();
    if (v <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v);
  } else if (it->is_number_integer()) {
    return it->get<std::int64_t>();
  }
  return schema(name, "not an integer seq (a 64-bit signed whole number)");
}

}  // namespace

std::string render(const Notice& n) {
  nlohmann::json j = nlohmann::json::object();
  j["device_id"] = n.device_id;
  j["from_seq"] = n.from_seq;
  j["to_seq"] = n.to_seq;
  j[std::string(time_member(n.kind))] = time_text::rfc3339_micros(n.at_ns);
  // Invalid UTF-8 in a device id is replaced, never thrown: the id came from
  // a message that was stored, so it must not stop the loop.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Notice> parse(std::string_view text, NoticeKind kind) {
  if (text.size() > max_notice_bytes)
    return make_error(ErrorKind::bad_input, "bad_json", "over " + std::to_string(max_notice_bytes) + " bytes");
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return make_error(ErrorKind::bad_input, "bad_json", "not valid JSON");
  if (!j.is_object()) return make_error(ErrorKind::bad_input, "bad_json", "not a JSON object");
  Notice n;
  n.kind = kind;
  auto id = j.find("device_id");
  if (id == j.end()) return schema("device_id", "missing");
  if (!id->is_string()) return schema("device_id", "not a string");
  n.device_id = id->get<std::string>();
  if (n.device_id.empty()) return schema("device_id", "empty");
  if (n.device_id.size() > max_device_id_bytes) return schema("device_id", "longer than 1024 bytes");
  auto from = seq_member(j, "from_seq");
  if (!from) return from.error();
  auto to = seq_member(j, "to_seq");
  if (!to) return to.error();
  if (*from > *to) return schema("from_seq", "greater than to_seq");
  n.from_seq = *from;
  n.to_seq = *to;
  auto at = j.find(std::string(time_member(kind)));
  if (at != j.end()) {
    if (!at->is_string()) return schema(time_member(kind), "not an RFC 3339 time string");
    auto ns = time_text::parse_iso_ns(at->get_ref<const std::string&>());
    if (!ns) return schema(time_member(kind), ns.error().message);
    n.at_ns = *ns;
  }
  return n;
}

std::string gone_topic(std::string_view resend_topic) { return std::string(resend_topic) + "/gone"; }

}  // namespace iot::resend
