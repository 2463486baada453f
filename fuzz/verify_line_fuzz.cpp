// iot-verify's per-line analysis, fast path against slow path
// (tools/iot-verify/layout_cache.hpp): the input is two lines (split at the
// first newline; the second may hold more newlines, JSON whitespace). The
// first teaches its layout, the second (often of the same layout, values
// changed) is read by it; each line's analysis must be the slow path's
// (verdict, messages, readings), without a key, with one (signatures
// checked, readings kept) and with one and --allow-unsigned.
#include <cstddef>
#include <cstdint>
#include <array>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "iot-verify/checker.hpp"
#include "iot-verify/layout_cache.hpp"

namespace {

void check(const iot::verify::CheckerConfig& config, std::string_view first, std::string_view second) {
  iot::registry::RouteDefaults defaults;
  defaults.key = config.key;
  defaults.allow_unsigned = config.allow_unsigned;
  iot::registry::RouteEngine routes(std::move(defaults));
  iot::verify::LineAnalyzer fast(routes, config), slow(routes, config);
  iot::verify::LineAnalysis a, b;
  for (std::string_view line : {first, second, first, second}) {
    fast.analyze(line, false, a);
    slow.analyze_slow(line, false, b);
    if (!iot::verify::same_analysis(a, b)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = input.find('\n');
  const std::string_view first = input.substr(0, cut);
  const std::string_view second = cut == std::string_view::npos ? first : input.substr(cut + 1);
  static const auto configs = [] {
    std::array<iot::verify::CheckerConfig, 3> c{};
    c[1].key = "fuzz-key";
    c[1].keep_readings = true;
    c[2].key = "fuzz-key";
    c[2].allow_unsigned = true;
    return c;
  }();
  for (const auto& config : configs) check(config, first, second);
  return 0;
}
