// A whole file's bytes, for tests that check what was written.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace iot::test {

inline std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace iot::test
