// Where the resend requests for a device's messages go (iot-toolkit(7),
// RESEND ON GAP): a template over the data topic's captures and payload
// fields (iot-registry(5), templates) plus {topic_prefix}, the data topic
// without its last level. The default, "{topic_prefix}/resend", puts the
// requests for plant/P-1/telemetry on plant/P-1/resend: next to the data,
// under the same ACL, one subscription per publisher's prefix.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::resend {

inline constexpr std::string_view default_topic_template = "{topic_prefix}/resend";

// "plant/P-1/telemetry" -> "plant/P-1"; a one-level topic -> "" (so the
// default template gives "/resend").
std::string_view topic_prefix(std::string_view data_topic);

// Fills the template for a message on data_topic. fields: the topic's
// captures and envelope fields (may be null). Errors (reason "schema"): a
// name with no value, or a result that is not a valid MQTT topic name (empty,
// '+' or '#', over 65535 bytes).
Result<std::string> resend_topic_for(std::string_view template_text, std::string_view data_topic,
                                     const std::map<std::string, std::string>* fields);

}  // namespace iot::resend
