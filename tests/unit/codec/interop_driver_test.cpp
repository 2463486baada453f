// The C++ half of tests/interop/codec_python.py. Run with IOT_CODEC_FIXTURES
// set to a folder whose in/ Python filled; this test decodes/encodes each
// fixture with our codec and writes the results to out/ for Python to check.
// Without the variable it is skipped (it is not a unit test on its own).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "codec/base64.hpp"
#include "codec/lz4.hpp"
#include "codec/payload.hpp"

namespace iot::codec {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const fs::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << p;
}

// "ENC\nJSON" for a decoded payload, "error\nMESSAGE" for a failure.
std::string describe(const DecodedPayload& d) {
  return std::string(encoding_name(d.enc)) + "\n" + d.json;
}

void handle(const fs::path& p, const fs::path& out_dir) {
  const std::string ext = p.extension().string();
  const std::string in = read_all(p);
  const std::string base = (out_dir / p.filename()).string();
  const fs::path out = base + ".out";
  if (ext == ".payload") {
    write_all(out, describe(decode_payload(in)));
  } else if (ext == ".lz4") {
    auto r = lz4_decompress_any(in, 64u << 20);
    write_all(out, r.ok() ? "ok\n" + *r : "error\n" + r.error().message);
  } else if (ext == ".b64" || ext == ".b64url") {
    auto r = ext == ".b64" ? base64_decode(in) : base64url_decode(in);
    write_all(out, r.ok() ? "ok\n" + *r : "error\n" + r.error().message);
  } else if (ext == ".raw") {  // our encoders, for Python to decode
    write_all(base + ".b64", base64_encode(in));
    write_all(base + ".b64url", base64url_encode(in));
    write_all(base + ".lz4frame", lz4_frame_compress(in));
    write_all(base + ".lz4block", lz4_block_compress_sized(in));
  } else if (ext == ".json") {
    for (auto enc : {Encoding::json, Encoding::msgpack, Encoding::zlib_json, Encoding::zlib_msgpack}) {
      auto r = encode_payload(in, enc);
      ASSERT_TRUE(r.ok()) << p << ": " << r.error().message;
      std::string name = std::string(encoding_name(enc));
      for (char& c : name) c = c == '+' ? '_' : c;
      write_all(base + "." + name, *r);
    }
  }
}

TEST(InteropDriver, ProcessFixtureFolder) {
  const char* dir = std::getenv("IOT_CODEC_FIXTURES");
  if (dir == nullptr) GTEST_SKIP() << "IOT_CODEC_FIXTURES not set (run by tests/interop/codec_python.py)";
  const fs::path in_dir = fs::path(dir) / "in", out_dir = fs::path(dir) / "out";
  fs::create_directories(out_dir);
  int handled = 0;
  for (const auto& entry : fs::directory_iterator(in_dir)) {
    if (!entry.is_regular_file()) continue;
    handle(entry.path(), out_dir);
    ++handled;
  }
  EXPECT_GT(handled, 0);
}

}  // namespace
}  // namespace iot::codec
