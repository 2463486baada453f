#include "telemetry/field_template.hpp"

#include <fmt/format.h>

#include <cctype>

namespace iot::telemetry {
namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// Appends the text of a scalar payload value; false for objects, arrays, null.
bool append_scalar(simdjson::dom::element value, std::string& out) {
  switch (value.type()) {
    case simdjson::dom::element_type::STRING: out += std::string_view(value.get_string().value()); return true;
    case simdjson::dom::element_type::INT64: out += std::to_string(value.get_int64().value()); return true;
    case simdjson::dom::element_type::UINT64: out += std::to_string(value.get_uint64().value()); return true;
    case simdjson::dom::element_type::DOUBLE: out += fmt::format("{}", value.get_double().value()); return true;
    case simdjson::dom::element_type::BOOL: out += value.get_bool().value() ? "true" : "false"; return true;
    default: return false;
  }
}

Status append_value(std::string_view name, const TemplateValues& values, std::string& out) {
  if (!values.extra_name.empty() && name == values.extra_name) {
    out += values.extra_value;
    return ok_status();
  }
  if (values.fields) {
    auto it = values.fields->find(std::string(name));
    if (it != values.fields->end()) {
      out += it->second;
      return ok_status();
    }
  }
  simdjson::dom::element value;
  if (values.payload && !(*values.payload)[name].get(value)) {
    if (append_scalar(value, out)) return ok_status();
    return make_error(ErrorKind::bad_input, "schema",
                      "template field {" + std::string(name) + "} is not a string, number or boolean");
  }
  return make_error(ErrorKind::bad_input, "schema",
                    "template field {" + std::string(name) + "} is neither a topic capture nor a payload field");
}

// Walks text, calling on_literal(char) and on_name(name); returns a syntax error text or "".
template <class Literal, class Name>
std::string walk(std::string_view text, Literal&& on_literal, Name&& on_name) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      on_literal(c);
      ++i;
    } else if (c == '{') {
      std::size_t close = text.find('}', i + 1);
      if (close == std::string_view::npos) return "'{' without '}'";
      std::string_view name = text.substr(i + 1, close - i - 1);
      if (name.empty()) return "empty {}";
      for (char n : name)
        if (!is_name_char(n)) return "bad name {" + std::string(name) + "}";
      if (!on_name(name)) return {};
      i = close;
    } else if (c == '}') {
      return "'}' without '{' (write '}}' for a brace)";
    } else {
      on_literal(c);
    }
  }
  return {};
}

}  // namespace

Status check_template(std::string_view text) {
  std::string why = walk(text, [](char) {}, [](std::string_view) { return true; });
  if (!why.empty()) return make_error(ErrorKind::usage, "usage", "template \"" + std::string(text) + "\": " + why);
  return ok_status();
}

Result<std::string> expand_template(std::string_view text, const TemplateValues& values) {
  std::string out;
  out.reserve(text.size() + 16);
  Status failed = ok_status();
  std::string why = walk(
      text, [&](char c) { out += c; },
      [&](std::string_view name) {
        failed = append_value(name, values, out);
        return failed.ok();
      });
  if (!failed) return failed.error();
  if (!why.empty())
    return make_error(ErrorKind::bad_input, "schema", "template \"" + std::string(text) + "\": " + why);
  return out;
}

Result<std::string> expand_template(std::string_view text, const std::map<std::string, std::string>* fields,
                                    simdjson::dom::element payload) {
  simdjson::dom::object object;
  bool is_object = !payload.get_object().get(object);
  return expand_template(text, TemplateValues{fields, is_object ? &object : nullptr, {}, {}});
}

}  // namespace iot::telemetry
