// Colours for iot-sub's human output (iot-sub(1) "HUMAN OUTPUT"): SGR
// escape sequences, and the --color decision. auto colours only a terminal,
// and not when NO_COLOR is set to anything but "" or TERM is
// "dumb"; always and never are what they say, whatever NO_COLOR holds.
#pragma once

#include <string>
#include <string_view>

namespace iot::sub::style {

inline constexpr std::string_view reset = "\x1b[0m";
inline constexpr std::string_view bold = "\x1b[1m";
inline constexpr std::string_view dim = "\x1b[2m";
inline constexpr std::string_view key = "\x1b[34;1m";     // object keys: bold blue
inline constexpr std::string_view string = "\x1b[32m";    // green
inline constexpr std::string_view number = "\x1b[36m";    // cyan
inline constexpr std::string_view literal = "\x1b[33m";   // true, false: yellow
inline constexpr std::string_view null = "\x1b[90m";      // grey

// when: "auto", "always" or "never"; fd: where the text goes.
bool color_wanted(std::string_view when, int fd);

// Appends text wrapped in the style when colour is on.
void append_styled(std::string& out, std::string_view text, std::string_view sgr, bool color);

}  // namespace iot::sub::style
