// What to add to a command-line error so that the user can fix it at once:
// "did you mean --broker?" for a mistyped long option, and for a bare -h
// (the broker host, as in mosquitto_pub) the hint that help is --help.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace iot::cli {

// Edits (insert, delete, replace, swap two neighbours) from a to b.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known long option closest to `typed` ("--brokr" -> "--broker"), or ""
// when none is close enough to be a likely typo.
std::string closest_option(const std::vector<std::string>& known, std::string_view typed);

// One line (no trailing newline) or "" when there is nothing to add; looks
// at the arguments of a parse that failed, against app and its subcommands.
std::string parse_hint(CLI::App& app, const std::vector<std::string>& args);

}  // namespace iot::cli
