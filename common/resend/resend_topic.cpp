#include "resend/resend_topic.hpp"

#include "telemetry/field_template.hpp"

namespace iot::resend {

std::string_view topic_prefix(std::string_view data_topic) {
  auto slash = data_topic.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : data_topic.substr(0, slash);
}

Result<std::string> resend_topic_for(std::string_view template_text, std::string_view data_topic,
                                     const std::map<std::string, std::string>* fields) {
  telemetry::TemplateValues values{fields, nullptr, "topic_prefix", topic_prefix(data_topic)};
  auto topic = telemetry::expand_template(template_text, values);
  if (!topic) return topic.error();
  if (topic->empty() || topic->size() > 65535 || topic->find_first_of("+#") != std::string::npos ||
      topic->find('\0') != std::string::npos)
    return make_error(ErrorKind::bad_input, "schema",
                      "resend topic \"" + topic->substr(0, 80) + "\" is not a topic to publish to");
  return topic;
}

}  // namespace iot::resend
