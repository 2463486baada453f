#include "cli/version.hpp"

#include <fmt/format.h>

#ifndef IOT_VERSION
#define IOT_VERSION "0.0.0"
#endif

namespace iot::cli {

std::string version_text(const std::string& program) {
  return fmt::format(
      "{} {}\n"
      "features: mqtt-v5 mqtt-tls hmac-sha256 simdjson msgpack zlib lz4 sqlite postgresql redis-streams "
      "fftw3 http-upload\n",
      program, IOT_VERSION);
}

}  // namespace iot::cli
