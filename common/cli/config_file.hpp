// --config files, checked as strictly as the registry (iot-toolkit(7),
// SHARED OPTIONS): a TOML syntax error names the file, line and column; a
// key that is no option of the tool names the file, line and key; and keys
// yield to the environment, so the precedence is
// flag > environment > config file > default (CLI11 alone would let the
// file win over the environment). A file whose name ends in ".ini" is read
// as INI, every other as TOML.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace iot::cli {

class CheckedConfig : public CLI::ConfigTOML {
 public:
  // app: the tool's app, which holds the --config file names and the options
  // keys must name; tool: "pub", for the environment names.
  CheckedConfig(const CLI::App& app, std::string tool) : app_(app), tool_(std::move(tool)) {}
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;

 private:
  std::string current_file() const;

  const CLI::App& app_;
  std::string tool_;
  mutable std::size_t files_read_ = 0;
};

}  // namespace iot::cli
