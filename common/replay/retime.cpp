#include "replay/retime.hpp"

#include <nlohmann/json.hpp>

#include "replay/fleet.hpp"
#include "replay/time_text.hpp"

namespace iot::replay {
namespace {

using json = nlohmann::json;

// Adds offset_ns to a number that holds a time in the unit its magnitude says.
void shift_unix_number(json& value, std::int64_t offset_ns) {
  if (!value.is_number_integer()) return;
  std::int64_t v = value.get<std::int64_t>();
  std::int64_t ns = unix_int_to_ns(v);
  std::int64_t unit = v == 0 ? 1 : ns / v;  // 1e9, 1e6, 1e3 or 1
  if (unit <= 0) unit = 1;
  value = v + offset_ns / unit;
}

}  // namespace

Retimer::Retimer(std::int64_t offset_ns, bool new_ids, std::uint64_t seed)
    : offset_ns_(offset_ns), new_ids_(new_ids), rng_(seed) {}

std::string Retimer::apply(std::string_view line) {
  json doc = json::parse(line, nullptr, false);
  if (!doc.is_object()) return std::string(line);
  json* payload = &doc;
  if (doc.contains("topic")) {
    if (doc.contains("rx_ts") && doc["rx_ts"].is_number_integer())
      doc["rx_ts"] = doc["rx_ts"].get<std::int64_t>() + offset_ns_;
    payload = doc.contains("payload") ? &doc["payload"] : nullptr;
  }
  if (payload && payload->is_object()) {
    json* p = payload;
    if (p->contains("hmac") && p->contains("payload") && (*p)["payload"].is_object()) {
      p = &(*p)["payload"];
      signed_touched_ = true;
      if (p->contains("ts") && p->contains("ts_ns") && (*p)["ts"].is_number_integer() &&
          (*p)["ts_ns"].is_number_integer()) {
        std::int64_t t = (*p)["ts"].get<std::int64_t>() * 1000000000 + (*p)["ts_ns"].get<std::int64_t>() + offset_ns_;
        (*p)["ts"] = t / 1000000000;
        (*p)["ts_ns"] = t % 1000000000;
      }
    } else {
      for (const char* key : {"ts", "t", "timestamp"})
        if (p->contains(key)) shift_unix_number((*p)[key], offset_ns_);
      if (p->contains("meta") && (*p)["meta"].is_object() && (*p)["meta"].contains("source_ts"))
        shift_unix_number((*p)["meta"]["source_ts"], offset_ns_);
    }
    if (new_ids_ && p->contains("msg_id") && (*p)["msg_id"].is_string()) {
      std::int64_t ms = 0;
      if (p->contains("ts") && (*p)["ts"].is_number_integer()) ms = unix_int_to_ns((*p)["ts"].get<std::int64_t>()) / 1000000;
      char id[26];
      std::uint64_t hi = rng_.next(), lo = rng_.next();
      format_ulid(std::uint64_t(ms), hi, lo, id);
      (*p)["msg_id"] = std::string(id, 26);
    }
  }
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace iot::replay
