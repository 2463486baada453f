// --version text: the version and the features built in (as ccache does).
#pragma once
#include <string>

namespace iot::cli {
std::string version_text(const std::string& program);
}
