#include "iot-sub/key_dict.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

namespace iot::sub {
namespace {

void expand_keys(nlohmann::json& value, const std::unordered_map<std::string, std::string>& names) {
  if (value.is_array()) {
    for (auto& item : value) expand_keys(item, names);
    return;
  }
  if (!value.is_object()) return;
  nlohmann::json out = nlohmann::json::object();
  for (auto& [key, item] : value.items()) {
    expand_keys(item, names);
    auto it = names.find(key);
    out[it == names.end() ? key : it->second] = std::move(item);
  }
  value = std::move(out);
}

}  // namespace

Result<KeyDictionary> KeyDictionary::parse(std::string_view text) {
  auto bad = [](std::string why) { return make_error(ErrorKind::usage, "usage", "--dict: " + why); };
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return bad("not JSON");
  KeyDictionary dict;
  if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i) {
      if (!doc[i].is_string()) return bad("entries must be strings");
      dict.names_[std::to_string(i)] = doc[i].get<std::string>();
    }
  } else if (doc.is_object()) {
    for (auto& [k, v] : doc.items()) {
      if (k.empty() || k.find_first_not_of("0123456789") != std::string::npos) return bad("keys must be indices: " + k);
      if (!v.is_string()) return bad("entries must be strings");
      dict.names_[k] = v.get<std::string>();
    }
  } else {
    return bad("must be a JSON object or array");
  }
  return dict;
}

Result<KeyDictionary> KeyDictionary::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::usage, "usage", "--dict: cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse(text);
}

Result<std::string> KeyDictionary::expand(std::string_view payload_json) const {
  nlohmann::json doc = nlohmann::json::parse(payload_json, nullptr, false);
  if (doc.is_discarded()) return make_error(ErrorKind::bad_input, "decode", "payload is not JSON");
  expand_keys(doc, names_);
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace iot::sub
