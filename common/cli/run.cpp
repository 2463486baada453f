#include "cli/run.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/completion.hpp"
#include "cli/config_file.hpp"
#include "cli/parse_hints.hpp"
#include "core/log.hpp"
#include "cli/version.hpp"
#include "core/exit_codes.hpp"

namespace iot::cli {

// What every tool of a pipeline means alike keeps one name: where the broker
// is, who we are to it, its TLS files, how diagnostics look. Everything else
// is the tool's own, so that IOT_TOPIC exported for one tool cannot filter
// another's output (iot-toolkit(7), ENVIRONMENT).
const std::vector<std::string_view>& shared_env_options() {
  static const std::vector<std::string_view> shared = {"broker", "host",   "port", "user",     "password-file",
                                                       "cafile", "cert",   "key",  "insecure", "log-format",
                                                       "log-level"};
  return shared;
}

std::string env_name(std::string_view tool, std::string_view long_name) {
  auto upper = [](std::string_view text) {
    std::string out;
    for (char c : text) out += c == '-' ? '_' : char(std::toupper(static_cast<unsigned char>(c)));
    return out;
  };
  const auto& shared = shared_env_options();
  bool is_shared = std::find(shared.begin(), shared.end(), long_name) != shared.end();
  return is_shared ? "IOT_" + upper(long_name) : "IOT_" + upper(tool) + "_" + upper(long_name);
}

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
std::string g_program = "iot";

void on_signal(int) { g_interrupted = 1; }

void attach_env(CLI::App& app, std::string_view tool) {
  for (auto* o : app.get_options()) {
    if (o->get_lnames().empty() || !o->get_envname().empty()) continue;
    const std::string& l = o->get_lnames().front();
    // --config is read before the environment (CLI11), so it has no variable.
    if (l == "help" || l == "version" || l == "completion" || l == "config") continue;
    o->envname(env_name(tool, l));
  }
  for (auto* s : app.get_subcommands([](CLI::App*) { return true; })) attach_env(*s, tool);
}

// A repeatable option takes one value each time it is given, as
// mosquitto_sub's -t does: CLI11 would let `--deadband SPEC FILE` swallow
// the input file as a second SPEC.
void one_value_per_flag(CLI::App& app) {
  for (auto* o : app.get_options())
    if (o->nonpositional() && o->get_type_size_max() == 1 && o->get_expected_max() > 1)
      o->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) one_value_per_flag(*sub);
}

// The --help footer: the tool's prefix, and the shared names it reads.
std::string env_footer(const CLI::App& app, const std::string& tool) {
  std::string prefix = env_name(tool, "x");
  prefix.pop_back();  // "IOT_PUB_"
  std::vector<std::string> shared;
  for (auto name : shared_env_options())
    if (app.get_option_no_throw("--" + std::string(name))) shared.push_back(env_name(tool, name));
  if (app.get_option_no_throw("--password-file")) shared.push_back("IOT_PASSWORD");
  std::string text = "Every option also reads " + prefix + "<NAME> from the environment (NAME: the long option,\n"
                     "capitals, - as _)";
  if (shared.empty()) return text + ".\n";
  text += "; the shared options read names every tool reads alike:";
  std::size_t column = 80;  // wrap the list at 80 columns
  for (const auto& name : shared) {
    if (column + 1 + name.size() > 78) {
      text += "\n ";
      column = 1;
    }
    text += " " + name;
    column += 1 + name.size();
  }
  return text + "\n";
}

// An empty list has nothing to show as its default ("=[]" says nothing).
void hide_empty_defaults(CLI::App& app) {
  for (auto* o : app.get_options())
    if (o->get_default_str() == "[]") o->default_str("");
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) hide_empty_defaults(*sub);
}

// The end of every tool's --help, in one order: examples, exit status,
// environment, where to read on.
std::string help_footer(const ToolInfo& info, const std::string& environment) {
  std::string text;
  if (!info.examples.empty()) {
    text += "Examples:\n";
    std::string_view rest = info.examples;
    while (!rest.empty()) {
      auto end = rest.find('\n');
      text += "  " + std::string(rest.substr(0, end)) + "\n";
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
    text += "\n";
  }
  text +=
      "Exit status: 0 ok, 1 problems found, 2 usage error, 3 nothing arrived, 69 broker or database\n"
      "unreachable, 74 I/O error, 75 something left to send (run again), 130 interrupted.\n\n";
  text += environment;
  text += "Precedence: flag > environment > --config file > default.\nSee man iot-" + std::string(info.name) +
          " and iot-toolkit(7), ENVIRONMENT.";
  return text;
}

}  // namespace

bool interrupted() { return g_interrupted != 0; }
void request_interrupt() { g_interrupted = 1; }
std::string tool_program_name() { return g_program; }

int exit_code_for(const Error& e) {
  switch (e.kind) {
    case ErrorKind::usage: return exit_code::usage;
    case ErrorKind::unavailable:
    case ErrorKind::timeout: return exit_code::unavailable;
    case ErrorKind::io: return exit_code::io_error;
    case ErrorKind::bad_input:
    case ErrorKind::too_large: return exit_code::problems;
    case ErrorKind::internal: return exit_code::problems;
  }
  return exit_code::problems;
}

void fail(const Error& e) { throw ExitError(exit_code_for(e), e.message); }

std::unique_ptr<CLI::App> build_app(const ToolInfo& info, const DefineFn& define) {
  auto app = std::make_unique<CLI::App>(std::string(info.summary), "iot-" + std::string(info.name));
  app->set_help_flag("--help", "Print this help and exit");
  app->set_version_flag("--version", version_text("iot-" + std::string(info.name)), "Print the version and the features built in");
  app->set_config("--config", "", "Read options from this file (TOML, or INI when named *.ini; keys are long option names)");
  app->config_formatter(std::make_shared<CheckedConfig>(*app, std::string(info.name)));
  app->add_option("--completion", "Print a shell completion script: bash, zsh or options")->group("");
  const std::string tool(info.name);
  // Every option shows its default in --help (a tool's own capture_default_str
  // is then only needed for the options CLI11 would not show by itself).
  app->option_defaults()->always_capture_default();
  define(*app);
  hide_empty_defaults(*app);
  one_value_per_flag(*app);
  app->footer(help_footer(info, env_footer(*app, tool)));
  attach_env(*app, tool);
  return app;
}

int run_tool(const ToolInfo& info, int argc, char** argv, const DefineFn& define, const BodyFn& body) {
  g_program = "iot-" + std::string(info.name);
  log::configure(g_program, "text", "info");
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is an error we report, not a silent death
  try {
    auto app = build_app(info, define);
    // --completion is answered before parsing, so required options do not get in its way.
    for (int i = 1; i + 1 < argc; ++i) {
      if (std::strcmp(argv[i], "--completion") == 0) {
        std::string kind = argv[i + 1];
        if (kind == "bash") std::cout << bash_completion(*app);
        else if (kind == "zsh") std::cout << zsh_completion(*app);
        else if (kind == "options") std::cout << option_list(*app);
        else { std::cerr << g_program << ": error: --completion takes bash, zsh or options\n"; return exit_code::usage; }
        return exit_code::ok;
      }
    }
    try {
      app->parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app->exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app->exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app->exit(e);
    } catch (const CLI::ParseError& e) {
      std::cerr << g_program << ": error: " << e.what() << "\n";
      if (auto hint = parse_hint(*app, std::vector<std::string>(argv + 1, argv + argc)); !hint.empty())
        std::cerr << g_program << ": " << hint << "\n";
      std::cerr << "Run '" << g_program << " --help' for the options.\n";
      return exit_code::usage;
    }
    int code = body();
    std::cout.flush();
    log::report_repeats();
    if (interrupted() && code == exit_code::ok) code = exit_code::interrupted;
    return code;
  } catch (const ExitError& e) {
    log::report_repeats();
    if (*e.what()) std::cerr << g_program << ": error: " << e.what() << "\n";
    return e.code;
  } catch (const std::exception& e) {
    log::report_repeats();
    std::cerr << g_program << ": error: " << e.what() << "\n";
    return exit_code::problems;
  }
}

}  // namespace iot::cli
