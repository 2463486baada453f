// Throughput of the deadband filter (common/telemetry/deadband.cpp), built
// and run by scripts/bench/deadband:
//   deadband_bench readings FILE   the filter alone over "device metric value
//                                  quality time_ns" lines (read first, then timed)
//   deadband_bench payloads FILE   iot-pub's path per NDJSON payload: simdjson
//                                  parse + minify (no filter, the peer) against
//                                  parse + apply_deadband (the filter on "d")
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "iot-pub/deadband_payload.hpp"
#include "telemetry/deadband.hpp"

namespace {

struct Row {
  std::string device, metric;
  double value;
  int quality;
  std::int64_t time_ns;
};

std::vector<iot::telemetry::DeadbandRule> rules() {
  return {*iot::telemetry::parse_deadband_rule("temp_*=abs:0.2"), *iot::telemetry::parse_deadband_rule("*=pct:1")};
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int readings(const char* path) {
  std::ifstream in(path);
  std::vector<Row> rows;
  Row r;
  while (in >> r.device >> r.metric >> r.value >> r.quality >> r.time_ns) rows.push_back(r);
  iot::telemetry::DeadbandFilter filter(rules(), 300'000'000'000);
  auto t0 = std::chrono::steady_clock::now();
  for (const Row& row : rows) filter.admit(row.device, row.metric, row.value, row.quality, row.time_ns);
  double s = seconds_since(t0);
  std::printf("ours: filter alone: %.0f readings/s (%zu readings, %llu suppressed)\n", rows.size() / s, rows.size(),
              static_cast<unsigned long long>(filter.suppressed()));
  return 0;
}

int payloads(const char* path) {
  std::ifstream in(path);
  std::vector<simdjson::padded_string> lines;
  std::string line;
  std::size_t readings = 0;
  while (std::getline(in, line)) lines.emplace_back(line);
  simdjson::dom::parser parser;
  std::size_t bytes = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& l : lines) bytes += simdjson::minify(parser.parse(l).value()).size();
  double plain = seconds_since(t0);
  iot::telemetry::DeadbandFilter filter(rules(), 300'000'000'000);
  t0 = std::chrono::steady_clock::now();
  for (const auto& l : lines) {
    auto out = iot::pub::apply_deadband(parser.parse(l).value(), filter, true, 0);
    readings += out.readings;
    bytes += out.json.size();
  }
  double filtered = seconds_since(t0);
  std::printf("peer: parse + minify, no filter: %.0f msg/s\n", lines.size() / plain);
  std::printf("ours: parse + deadband on d: %.0f msg/s, %.0f readings/s (%llu of %zu readings suppressed)\n",
              lines.size() / filtered, readings / filtered, static_cast<unsigned long long>(filter.suppressed()),
              readings);
  return bytes == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: deadband_bench readings|payloads FILE\n");
    return 2;
  }
  return std::string(argv[1]) == "readings" ? readings(argv[2]) : payloads(argv[2]);
}
