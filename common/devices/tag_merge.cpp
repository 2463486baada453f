#include "devices/tag_merge.hpp"

#include "codec/json_text.hpp"

namespace iot::devices {

Result<SharedText> merged_tags_json(const DeviceInfo& device, std::string_view metric,
                                    const std::map<std::string, std::string>& own,
                                    const std::map<std::string, std::string>& route) {
  // Most readings carry no tags of their own: the table rendered them already.
  const std::size_t unit = device.unit_index(metric);
  if (own.empty() && route.empty()) return device.tags_json_at(unit);
  std::map<std::string_view, std::string_view> merged;
  for (const auto& [name, value] : device.tags) merged[name] = value;
  if (const std::string* unit_text = device.unit_at(unit)) merged["unit"] = *unit_text;
  for (const auto& [name, value] : own) merged[name] = value;
  for (const auto& [name, value] : route) merged[name] = value;
  if (merged.empty()) return SharedText();
  std::string out = "{";
  for (const auto& [name, value] : merged) {
    if (out.size() > 1) out += ',';
    if (!codec::append_json_string(out, name) || (out += ':', !codec::append_json_string(out, value)))
      return make_error(ErrorKind::bad_input, "schema", "tag " + std::string(name) + " is not UTF-8");
  }
  out += '}';
  return SharedText(std::move(out));
}

}  // namespace iot::devices
