// EnvelopeParser::parse over NDJSON lines (read first, then timed), built
// and run by scripts/bench/wide_integers: the same lines with and without an
// integer beyond 64 bits show what the fallback costs, and that lines
// without one keep simdjson's fast path.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "stream/envelope.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: wide_integers_bench LABEL FILE\n");
    return 2;
  }
  std::ifstream in(argv[2]);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(std::move(line));
  iot::stream::EnvelopeParser parser;
  std::size_t ok = 0, wide = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& line : lines) {
    auto v = parser.parse(line);
    ok += v.ok();
    wide += v.ok() && v->has_wide_integers();
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("ours: %s: %.0f lines/s (%zu parsed, %zu with wide integers)\n", argv[1], lines.size() / s, ok, wide);
  return ok == lines.size() ? 0 : 1;
}
