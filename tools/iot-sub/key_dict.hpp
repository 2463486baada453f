// Key compaction (iot-sub(1), --dict): devices publish field names as integer indices
// with a shared dictionary. The file is a JSON object {"0": "device_id",
// "1": "temperature", ...} (or an array, index = position); every object key
// of a payload that is a decimal index in it is renamed, at any depth.
#pragma once

#include <string>
#include <unordered_map>

#include "core/result.hpp"

namespace iot::sub {

class KeyDictionary {
 public:
  static Result<KeyDictionary> load(const std::string& path);
  static Result<KeyDictionary> parse(std::string_view json_text);
  // One-line JSON text in, the same with keys expanded (unchanged when no key is an index).
  Result<std::string> expand(std::string_view payload_json) const;
  std::size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, std::string> names_;
};

}  // namespace iot::sub
