#include "mqtt/properties.hpp"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <cstdlib>

#include "codec/base64.hpp"
#include "codec/json_text.hpp"

namespace iot::mqtt {

PropertyList::~PropertyList() { mosquitto_property_free_all(&list_); }

Result<PropertyList> to_property_list(const Properties& p) {
  PropertyList list;
  auto bad = [](const char* what) {
    return make_error(ErrorKind::bad_input, "props", std::string("MQTT v5 property refused: ") + what);
  };
  if (p.content_type &&
      mosquitto_property_add_string(list.out(), MQTT_PROP_CONTENT_TYPE, p.content_type->c_str()) != MOSQ_ERR_SUCCESS)
    return bad("content_type");
  for (const auto& [k, v] : p.user)
    if (mosquitto_property_add_string_pair(list.out(), MQTT_PROP_USER_PROPERTY, k.c_str(), v.c_str()) != MOSQ_ERR_SUCCESS)
      return bad("user");
  if (p.message_expiry &&
      mosquitto_property_add_int32(list.out(), MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, *p.message_expiry) != MOSQ_ERR_SUCCESS)
    return bad("message_expiry");
  if (p.response_topic &&
      mosquitto_property_add_string(list.out(), MQTT_PROP_RESPONSE_TOPIC, p.response_topic->c_str()) != MOSQ_ERR_SUCCESS)
    return bad("response_topic");
  if (p.correlation_data &&
      mosquitto_property_add_binary(list.out(), MQTT_PROP_CORRELATION_DATA, p.correlation_data->data(),
                                    static_cast<uint16_t>(p.correlation_data->size())) != MOSQ_ERR_SUCCESS)
    return bad("correlation_data");
  return list;
}

Properties from_property_list(const mosquitto_property* list) {
  Properties p;
  for (const mosquitto_property* it = list; it; it = mosquitto_property_next(it)) {
    int id = mosquitto_property_identifier(it);
    char* name = nullptr;
    char* value = nullptr;
    if (id == MQTT_PROP_CONTENT_TYPE && mosquitto_property_read_string(it, id, &value, false)) {
      p.content_type = value;
    } else if (id == MQTT_PROP_RESPONSE_TOPIC && mosquitto_property_read_string(it, id, &value, false)) {
      p.response_topic = value;
    } else if (id == MQTT_PROP_USER_PROPERTY && mosquitto_property_read_string_pair(it, id, &name, &value, false)) {
      p.user.emplace_back(name, value);
    } else if (id == MQTT_PROP_MESSAGE_EXPIRY_INTERVAL) {
      uint32_t v = 0;
      if (mosquitto_property_read_int32(it, id, &v, false)) p.message_expiry = v;
    } else if (id == MQTT_PROP_CORRELATION_DATA) {
      void* data = nullptr;
      uint16_t len = 0;
      if (mosquitto_property_read_binary(it, id, &data, &len, false)) {
        p.correlation_data = std::string(static_cast<const char*>(data), len);
        std::free(data);
      }
    }
    std::free(name);
    std::free(value);
  }
  return p;
}

namespace {
// Strings from the wire should be UTF-8 (the broker checks); if not, the
// bytes are replaced rather than the whole envelope becoming invalid JSON.
void append_string(std::string& out, const std::string& s) {
  if (codec::append_json_string(out, s).ok()) return;
  std::string clean;
  for (unsigned char c : s) clean += c < 0x80 ? static_cast<char>(c) : '?';
  (void)codec::append_json_string(out, clean);
}
}  // namespace

std::string properties_json(const Properties& p) {
  if (p.empty()) return {};
  std::string out = "{";
  auto key = [&out](const char* k) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += k;
    out += "\":";
  };
  if (p.content_type) { key("content_type"); append_string(out, *p.content_type); }
  if (!p.user.empty()) {
    key("user");
    out += '{';
    for (std::size_t i = 0; i < p.user.size(); ++i) {
      if (i) out += ',';
      append_string(out, p.user[i].first);
      out += ':';
      append_string(out, p.user[i].second);
    }
    out += '}';
  }
  if (p.message_expiry) { key("message_expiry"); out += std::to_string(*p.message_expiry); }
  if (p.response_topic) { key("response_topic"); append_string(out, *p.response_topic); }
  if (p.correlation_data) { key("correlation_b64"); append_string(out, codec::base64_encode(*p.correlation_data)); }
  out += '}';
  return out;
}

}  // namespace iot::mqtt
