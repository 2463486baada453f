#include "iot-pub/props_json.hpp"

#include "codec/base64.hpp"

namespace iot::pub {
namespace {
Error schema(std::string what) { return make_error(ErrorKind::bad_input, "schema", "props: " + what); }
}  // namespace

Result<mqtt::Properties> props_from_json(simdjson::dom::element props) {
  mqtt::Properties p;
  simdjson::dom::object obj;
  if (props.get(obj)) return schema("not an object");
  for (auto [key, value] : obj) {
    std::string_view s;
    if (key == "content_type" || key == "response_topic") {
      if (value.get(s)) return schema(std::string(key) + " is not a string");
      (key == "content_type" ? p.content_type : p.response_topic) = std::string(s);
    } else if (key == "message_expiry") {
      std::uint64_t n;
      if (value.get(n) || n > 0xffffffffu) return schema("message_expiry is not a 32-bit count of seconds");
      p.message_expiry = static_cast<std::uint32_t>(n);
    } else if (key == "correlation_b64") {
      if (value.get(s)) return schema("correlation_b64 is not a string");
      auto bytes = codec::base64_decode(s);
      if (!bytes || bytes->size() > 65535) return schema("correlation_b64 is not base64 of at most 64 KiB");
      p.correlation_data = std::move(*bytes);
    } else if (key == "user") {
      simdjson::dom::object user;
      if (value.get(user)) return schema("user is not an object");
      for (auto [k, v] : user) {
        std::string_view text;
        if (v.get(text)) return schema("user property values must be strings");
        p.user.emplace_back(std::string(k), std::string(text));
      }
    }
  }
  return p;
}

Result<mqtt::Properties> props_from_text(std::string_view json) {
  if (json.empty()) return mqtt::Properties{};
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc)) return schema("stored properties are not JSON");
  return props_from_json(doc);
}

}  // namespace iot::pub
