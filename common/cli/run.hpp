// run_tool: the one place where a tool's options are parsed, --version and
// completions are answered, and errors become exit codes and one message
// "iot-NAME: error: ...".
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.hpp"
#include "core/result.hpp"

namespace iot::cli {

struct ToolInfo {
  std::string_view name;     // "verify": the binary is iot-verify
  std::string_view summary;  // one line for --help
  std::string_view examples; // two or three command lines, one a line, for the end of --help
};

// Thrown anywhere below a tool to end it with this exit code and message.
struct ExitError : std::runtime_error {
  int code;
  ExitError(int exit_code, const std::string& message) : std::runtime_error(message), code(exit_code) {}
};

// Maps an Error's kind to its exit code (iot-toolkit(7), EXIT STATUS).
int exit_code_for(const Error& error);
[[noreturn]] void fail(const Error& error);

// The value, or fail() with the error: for a tool's setup, where any error ends the run.
template <class T>
T must(Result<T> r) {
  if (!r) fail(r.error());
  return std::move(*r);
}

using DefineFn = std::function<void(CLI::App&)>;
using BodyFn = std::function<int()>;

// The environment variable of a tool's long option: IOT_<TOOL>_<NAME>
// ("pub", "max-inflight": IOT_PUB_MAX_INFLIGHT), or IOT_<NAME> for the few
// options every tool means alike (shared_env_options: broker, TLS, logging).
std::string env_name(std::string_view tool, std::string_view long_name);
const std::vector<std::string_view>& shared_env_options();

// Builds the CLI::App ("--help" only: -h is the broker host, as in
// mosquitto_pub), lets `define` add options, gives every long option its
// environment variable (env_name), reads --config, then runs `body`.
// Hidden: `--completion bash|zsh|options` prints a completion script (or the
// long options, one a line) generated from the same definitions.
int run_tool(const ToolInfo& info, int argc, char** argv, const DefineFn& define, const BodyFn& body);

// Builds the app exactly as run_tool does, without running it (tests, docs).
std::unique_ptr<CLI::App> build_app(const ToolInfo& info, const DefineFn& define);

// Set by SIGINT/SIGTERM; long loops poll it and end cleanly (exit 130).
bool interrupted();
void request_interrupt();

std::string tool_program_name();  // "iot-verify", for messages

}  // namespace iot::cli
