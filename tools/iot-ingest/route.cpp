#include "iot-ingest/route.hpp"

namespace iot::ingest {

std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      auto end = text.find('}', i);
      if (end != std::string::npos) {
        auto it = values.find(text.substr(i + 1, end - i - 1));
        if (it != values.end()) out += it->second;
        i = end;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace iot::ingest
