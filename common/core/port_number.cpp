#include "core/port_number.hpp"

#include <charconv>

namespace iot {

std::optional<int> parse_port(std::string_view text, bool allow_zero) {
  int port = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (port < (allow_zero ? 0 : 1) || port > 65535) return std::nullopt;
  return port;
}

}  // namespace iot
