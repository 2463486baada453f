// Throughput of the verify hot path: simdjson DOM parse + canonical JSON +
// HMAC-SHA256 + compare, over the signed lines of a file (one per line).
// Built and run by scripts/bench/sign.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "sign/canonical_writer.hpp"
#include "sign/hmac.hpp"

using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: sign_bench FILE KEY\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  std::vector<std::string> lines;
  std::size_t bytes = 0;
  for (std::string line; std::getline(in, line);) bytes += line.size(), lines.push_back(line);
  std::string key = argv[2];
  simdjson::dom::parser parser;
  auto seconds = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };

  std::size_t ok = 0;
  auto t0 = Clock::now();
  for (const auto& line : lines) {
    simdjson::dom::element doc;
    if (parser.parse(line).get(doc) == simdjson::SUCCESS &&
        iot::sign::verify_signed(doc, key) == iot::sign::SignatureStatus::ok)
      ++ok;
  }
  double full = seconds(t0);

  std::string canonical;
  std::vector<std::string> canon;
  t0 = Clock::now();
  for (const auto& line : lines) {
    simdjson::dom::element doc = parser.parse(line);
    canonical.clear();
    iot::sign::append_canonical_json(canonical, doc["payload"]);
  }
  double parse_canon = seconds(t0);

  t0 = Clock::now();
  unsigned sink = 0;
  for (const auto& line : lines) sink += iot::sign::hmac_sha256(key, std::string_view(line).substr(0, 300))[0];
  double hmac_only = seconds(t0);

  double n = double(lines.size());
  std::printf("messages: %zu (avg %.0f bytes), verified ok: %zu\n", lines.size(), bytes / n, ok);
  std::printf("ours: parse+canonical+hmac+compare: %.0f msg/s\n", n / full);
  std::printf("ours: parse+canonical only:         %.0f msg/s\n", n / parse_canon);
  std::printf("ours: hmac of 300 bytes only:       %.0f msg/s (%u)\n", n / hmac_only, sink & 1);
  return ok == lines.size() ? 0 : 1;
}
