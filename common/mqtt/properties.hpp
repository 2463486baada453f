// MQTT v5 properties both ways: ours <-> libmosquitto's property lists <->
// the envelope's "props" object (iot-stream(5), ENVELOPE FIELDS: content_type, user (object),
// message_expiry, response_topic, correlation_b64).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

struct mqtt5__property;
typedef struct mqtt5__property mosquitto_property;

namespace iot::mqtt {

struct Properties {
  std::optional<std::string> content_type;
  std::vector<std::pair<std::string, std::string>> user;
  std::optional<std::uint32_t> message_expiry;  // seconds
  std::optional<std::string> response_topic;
  std::optional<std::string> correlation_data;  // raw bytes
  bool empty() const {
    return !content_type && user.empty() && !message_expiry && !response_topic && !correlation_data;
  }
  bool operator==(const Properties&) const = default;
};

// Owns a libmosquitto property list (freed with mosquitto_property_free_all).
class PropertyList {
 public:
  PropertyList() = default;
  PropertyList(const PropertyList&) = delete;
  PropertyList& operator=(const PropertyList&) = delete;
  PropertyList(PropertyList&& other) noexcept : list_(std::exchange(other.list_, nullptr)) {}
  PropertyList& operator=(PropertyList&& other) noexcept {
    std::swap(list_, other.list_);
    return *this;
  }
  ~PropertyList();
  const mosquitto_property* get() const { return list_; }
  mosquitto_property** out() { return &list_; }

 private:
  mosquitto_property* list_ = nullptr;
};

// Fails (reason "props") when libmosquitto refuses a value (e.g. bad UTF-8).
Result<PropertyList> to_property_list(const Properties& props);
Properties from_property_list(const mosquitto_property* list);

// {"content_type":"...","user":{"k":"v"},...}; "" when props is empty.
// Invalid UTF-8 in a string property is written with U+FFFD, never dropped silently.
std::string properties_json(const Properties& props);

// properties_json with a memory of its last answer: the messages of a run
// mostly carry the same properties (a content type alone), so their text is
// written once instead of once a message.
class PropertiesJsonCache {
 public:
  const std::string& text(const Properties& props) {
    if (!valid_ || props != last_) {
      text_ = properties_json(props);
      last_ = props;
      valid_ = true;
    }
    return text_;
  }

 private:
  Properties last_;
  std::string text_;
  bool valid_ = false;
};

}  // namespace iot::mqtt
