// Completions and the option list from a CLI::App (common/cli/completion.cpp),
// on a small app made here: which options are offered, which complete file
// names, hidden ones left out, subcommands handled; the bash script is also
// checked by bash itself.
#include "cli/completion.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace iot::cli {
namespace {

struct Values {
  std::string s;
  bool b = false;
};

// A flat tool: --topic, -q/--qos, --reject (a file), --key-file (a file by
// its suffix), --fast (a flag) and --completion (hidden: no group).
std::unique_ptr<CLI::App> flat_app(Values& v) {
  auto app = std::make_unique<CLI::App>("a flat tool", "iot-flat");
  app->set_help_flag();  // CLI11's own -h,--help would be listed too
  app->add_option("-t,--topic", v.s, "Topic [filter]: with 'quotes'")->group("Input");
  app->add_option("-q,--qos", v.s, "QoS")->group("Input");
  app->add_option("--reject", v.s, "Reject file")->group("Input");
  app->add_option("--key-file", v.s, "HMAC key")->group("Input");
  app->add_flag("--fast", v.b, "No pacing")->group("Input");
  app->add_option("--completion", v.s, "hidden")->group("");
  return app;
}

std::unique_ptr<CLI::App> sub_app(Values& v) {
  auto app = std::make_unique<CLI::App>("a tool with subcommands", "iot-subs");
  app->set_help_flag();
  app->add_option("--log-level", v.s, "Level")->group("Logging");
  auto* send = app->add_subcommand("send", "Send: things");
  send->add_option("--rate", v.s, "Rate")->group("Send");
  auto* store = app->add_subcommand("assemble", "Assemble");
  store->add_option("--store", v.s, "Store dir")->group("Assemble");
  return app;
}

TEST(OptionList, EveryLongOptionAndSubcommandSortedHiddenLeftOut) {
  Values v;
  EXPECT_EQ(option_list(*flat_app(v)), "--fast\n--key-file\n--qos\n--reject\n--topic\n");
  EXPECT_EQ(option_list(*sub_app(v)), "--log-level\n--rate\n--store\nassemble\nsend\n");
}

TEST(BashCompletion, OffersOptionsAndFilesWhereAFileIsExpected) {
  Values v;
  std::string bash = bash_completion(*flat_app(v));
  EXPECT_EQ(bash.rfind("# bash completion for iot-flat", 0), 0u);
  EXPECT_NE(bash.find("--reject|--key-file) _filedir"), std::string::npos) << bash;
  EXPECT_NE(bash.find("compgen -W '--topic -t --qos -q --reject --key-file --fast'"), std::string::npos) << bash;
  EXPECT_EQ(bash.find("--completion"), bash.rfind("--completion"));  // only in the header line
  EXPECT_NE(bash.find("complete -F _iot_flat iot-flat\n"), std::string::npos);

  std::string subs = bash_completion(*sub_app(v));
  EXPECT_NE(subs.find("send|assemble) sub=${words[i]}"), std::string::npos) << subs;
  EXPECT_NE(subs.find("case \"$prev\" in --store) _filedir"), std::string::npos) << subs;
  EXPECT_NE(subs.find("compgen -W 'send assemble --log-level'"), std::string::npos) << subs;
}

TEST(BashCompletion, IsValidBash) {
  if (std::system("command -v bash >/dev/null 2>&1") != 0) GTEST_SKIP() << "no bash";
  Values v;
  for (auto* make : {&flat_app, &sub_app}) {
    std::string path = ::testing::TempDir() + "/completion.bash";
    std::ofstream(path) << bash_completion(*make(v));
    EXPECT_EQ(std::system(("bash -n " + path).c_str()), 0) << bash_completion(*make(v));
    std::remove(path.c_str());
  }
}

TEST(ZshCompletion, SpecsEscapeDescriptionsAndMarkFiles) {
  Values v;
  std::string zsh = zsh_completion(*flat_app(v));
  EXPECT_EQ(zsh.rfind("#compdef iot-flat\n", 0), 0u);
  EXPECT_NE(zsh.find(R"('--topic[Topic \[filter\]\: with '\''quotes'\'']:value:')"), std::string::npos) << zsh;
  EXPECT_NE(zsh.find("'--reject[Reject file]:file:_files'"), std::string::npos) << zsh;
  EXPECT_NE(zsh.find("'--fast[No pacing]' \\"), std::string::npos) << zsh;  // a flag takes no value
  EXPECT_EQ(zsh.find("--completion"), zsh.rfind("--completion"));

  std::string subs = zsh_completion(*sub_app(v));
  EXPECT_NE(subs.find("  'send:Send\\: things'\n"), std::string::npos) << subs;
  EXPECT_NE(subs.find("'--store[Store dir]:file:_files'"), std::string::npos) << subs;
  EXPECT_NE(subs.find("      assemble)\n"), std::string::npos) << subs;
}

}  // namespace
}  // namespace iot::cli
