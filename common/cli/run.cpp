#include "cli/run.hpp"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/completion.hpp"
#include "cli/parse_hints.hpp"
#include "core/log.hpp"
#include "cli/version.hpp"
#include "core/exit_codes.hpp"

namespace iot::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;
std::string g_program = "iot";

void on_signal(int) { g_interrupted = 1; }

std::string env_name(const std::string& long_name) {
  std::string env = "IOT_";
  for (char c : long_name) env += c == '-' ? '_' : char(std::toupper(static_cast<unsigned char>(c)));
  return env;
}

// A --config file (TOML or INI) whose keys yield to the environment, so the
// precedence is flag > IOT_* environment > config file > default. CLI11
// itself would let the config file win over the environment.
class EnvFirstConfig : public CLI::ConfigTOML {
 public:
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    auto items = CLI::ConfigTOML::from_config(input);
    std::erase_if(items, [](const CLI::ConfigItem& item) {
      return std::getenv(env_name(item.name).c_str()) != nullptr;
    });
    return items;
  }
};

void attach_env(CLI::App& app) {
  for (auto* o : app.get_options()) {
    if (o->get_lnames().empty() || !o->get_envname().empty()) continue;
    const std::string& l = o->get_lnames().front();
    if (l == "help" || l == "version" || l == "completion") continue;
    o->envname(env_name(l));
  }
  for (auto* s : app.get_subcommands([](CLI::App*) { return true; })) attach_env(*s);
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
  app->set_config("--config", "", "Read options from this file (TOML or INI; keys are long option names)");
  app->config_formatter(std::make_shared<EnvFirstConfig>());
  app->add_option("--completion", "Print a shell completion script: bash, zsh or options")->group("");
  app->footer("Every option also reads IOT_<NAME> from the environment (--log-level: IOT_LOG_LEVEL).\n"
              "Precedence: flag > environment > --config file > default.\nSee man iot-" +
              std::string(info.name) + " and iot-toolkit(7).");
  define(*app);
  attach_env(*app);
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
    if (interrupted() && code == exit_code::ok) code = exit_code::interrupted;
    return code;
  } catch (const ExitError& e) {
    if (*e.what()) std::cerr << g_program << ": error: " << e.what() << "\n";
    return e.code;
  } catch (const std::exception& e) {
    std::cerr << g_program << ": error: " << e.what() << "\n";
    return exit_code::problems;
  }
}

}  // namespace iot::cli
