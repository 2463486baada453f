// Shell completions generated from a tool's CLI::App, so that the
// completion scripts in completions/ cannot drift from the options
// (tests/docs checks that the committed files equal this output).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace iot::cli {

std::string bash_completion(const CLI::App& app);
std::string zsh_completion(const CLI::App& app);
// Every long option (and subcommand), one a line: what the man page must document.
std::string option_list(const CLI::App& app);

}  // namespace iot::cli
