#include "iot-sub/terminal_style.hpp"

#include <unistd.h>

#include <cstdlib>

namespace iot::sub::style {

bool color_wanted(std::string_view when, int fd) {
  if (when == "always") return true;
  if (when == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return ::isatty(fd) == 1;
}

void append_styled(std::string& out, std::string_view text, std::string_view sgr, bool color) {
  if (!color) {
    out += text;
    return;
  }
  out += sgr;
  out += text;
  out += reset;
}

}  // namespace iot::sub::style
