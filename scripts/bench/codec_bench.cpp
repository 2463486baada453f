// Throughput of decode_payload (detection + decode to one-line JSON text)
// over length-prefixed payloads (LE u32 size, then the bytes) in a file.
// Built and run by scripts/bench/codec.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "codec/payload.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: codec_bench LABEL FILE\n");
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string_view> payloads;
  for (std::size_t pos = 0; pos + 4 <= all.size();) {
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n |= std::uint32_t(static_cast<unsigned char>(all[pos + i])) << (8 * i);
    payloads.emplace_back(all.data() + pos + 4, n);
    pos += 4 + n;
  }
  std::size_t bytes = 0, decoded = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (auto p : payloads) {
    auto d = iot::codec::decode_payload(p);
    bytes += p.size();
    decoded += d.enc != iot::codec::Encoding::binary;
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("ours: %s: %.0f msg/s (%zu of %zu decoded, %.0f bytes avg)\n", argv[1], payloads.size() / s, decoded,
              payloads.size(), payloads.empty() ? 0.0 : double(bytes) / payloads.size());
  return decoded == payloads.size() ? 0 : 1;
}
