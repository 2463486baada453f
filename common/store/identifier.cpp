#include "store/identifier.hpp"

namespace iot::store {

Result<std::string> checked_identifier(std::string_view name) {
  auto bad = [&] {
    return make_error(ErrorKind::usage, "bad_identifier",
                      "not a plain SQL identifier (letters, digits, _; at most 63): '" + std::string(name) + "'");
  };
  if (name.empty() || name.size() > 63) return bad();
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!(letter || (digit && i > 0))) return bad();
  }
  return std::string(name);
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string qualified_name(std::string_view schema, std::string_view table) {
  if (schema.empty()) return quote_identifier(table);
  return quote_identifier(schema) + "." + quote_identifier(table);
}

}  // namespace iot::store
