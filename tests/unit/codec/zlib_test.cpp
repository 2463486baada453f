#include "codec/zlib.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

#include "core/limits.hpp"

namespace iot::codec {
namespace {

constexpr std::size_t kZlibCap = limits::max_decompressed_bytes;

std::string sample_text() {
  std::string s;
  for (int i = 0; i < 200; ++i) s += "{\"temp_inlet_c\":{\"v\":72.4,\"q\":192}," + std::to_string(i) + "}";
  return s;
}

TEST(Zlib, RoundTripAtEveryLevel) {
  std::string text = sample_text();
  for (int level = 0; level <= 9; ++level) {
    std::string z = zlib_deflate(text, level);
    ASSERT_TRUE(looks_like_zlib(z)) << level;
    auto back = zlib_inflate(z, kZlibCap);
    ASSERT_TRUE(back.ok()) << level << ": " << back.error().message;
    EXPECT_EQ(*back, text);
  }
  auto empty = zlib_inflate(zlib_deflate(""), kZlibCap);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(Zlib, HeaderCheckMatchesPythonLevels) {
  for (const char* h : {"\x78\x01", "\x78\x5e", "\x78\x9c", "\x78\xda"}) EXPECT_TRUE(looks_like_zlib(h)) << h;
  EXPECT_FALSE(looks_like_zlib("\x78"));
  EXPECT_FALSE(looks_like_zlib("\x78\x9d"));          // FCHECK wrong
  EXPECT_FALSE(looks_like_zlib("\x88\x98"));          // CINFO 8 > 7
  EXPECT_FALSE(looks_like_zlib("\x79\x9c"));          // CM 9
  EXPECT_FALSE(looks_like_zlib("\x78\xbb"));          // FDICT set (0x78bb % 31 == 0)
  EXPECT_FALSE(looks_like_zlib("{\"a\":1}"));
}

TEST(Zlib, TextThatLooksLikeAHeaderIsRefused) {
  // "x^" is 78 5e, a valid header; the rest is not deflate data.
  ASSERT_TRUE(looks_like_zlib("x^ hello"));
  auto r = zlib_inflate("x^ hello", kZlibCap);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "decode");
}

TEST(Zlib, WrongAdlerIsRefused) {
  std::string z = zlib_deflate(sample_text());
  z.back() = static_cast<char>(z.back() ^ 0x01);
  auto r = zlib_inflate(z, kZlibCap);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "decode");
}

TEST(Zlib, TruncatedAtEveryByteIsRefused) {
  std::string z = zlib_deflate(sample_text().substr(0, 300));
  for (std::size_t n = 0; n < z.size(); ++n) {
    EXPECT_FALSE(zlib_inflate(z.substr(0, n), kZlibCap).ok()) << "prefix of " << n << " bytes";
  }
}

TEST(Zlib, TrailingGarbageIsRefused) {
  std::string z = zlib_deflate("{\"a\":1}") + "x";
  auto r = zlib_inflate(z, kZlibCap);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "decode");
}

TEST(Zlib, OutputCapIsExactAndReportedAsTooLarge) {
  std::string data(100000, 'a');
  std::string z = zlib_deflate(data);
  EXPECT_TRUE(zlib_inflate(z, data.size()).ok());
  auto r = zlib_inflate(z, data.size() - 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "too_large");
  EXPECT_EQ(r.error().kind, ErrorKind::too_large);
}

// Builds a zlib stream that inflates to `segments` MiB of zeros without ever
// holding them: raw deflate of one MiB of zeros ended by a full flush does not
// refer back past the flush, so the same bytes can be repeated.
std::string zero_bomb(std::size_t segments) {
  const std::string mib(1u << 20, '\0');
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
  auto run = [&](const std::string& in, int flush) {
    std::string out(deflateBound(&zs, in.size()) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, flush);
    out.resize(out.size() - zs.avail_out);
    return out;
  };
  std::string first = run(mib, Z_FULL_FLUSH);
  std::string repeat = run(mib, Z_FULL_FLUSH);
  EXPECT_EQ(run(mib, Z_FULL_FLUSH), repeat);  // the construction relies on this
  std::string tail = run("", Z_FINISH);
  deflateEnd(&zs);
  std::string stream = "\x78\xda" + first;
  for (std::size_t i = 1; i < segments; ++i) stream += repeat;
  stream += tail;
  // Adler-32 of n zero bytes: a = 1, b = n mod 65521.
  std::uint64_t total = std::uint64_t(segments) << 20;
  std::uint32_t adler = static_cast<std::uint32_t>(total % 65521) << 16 | 1u;
  for (int i = 3; i >= 0; --i) stream += static_cast<char>((adler >> (8 * i)) & 0xFF);
  return stream;
}

TEST(Zlib, BombConstructionIsAValidStream) {
  std::string z = zero_bomb(4);  // 4 MiB of zeros
  auto r = zlib_inflate(z, kZlibCap);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->size(), 4u << 20);
  EXPECT_EQ(r->find_first_not_of('\0'), std::string::npos);
}

TEST(Zlib, GibibyteBombIsRefusedAtTheCap) {
  std::string z = zero_bomb(1024);  // 1 GiB of zeros from about 1 MiB
  EXPECT_LT(z.size(), 2u << 20);
  auto r = zlib_inflate(z, kZlibCap);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "too_large");
}

TEST(Gzip, RoundTripAndConcatenatedMembers) {
  std::string text = sample_text();
  std::string gz = gzip_deflate(text);
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(gzip_inflate(gz, kZlibCap).value(), text);
  EXPECT_EQ(gzip_inflate(gz + gzip_deflate("tail"), kZlibCap).value(), text + "tail");
  EXPECT_FALSE(gzip_inflate(gz.substr(0, gz.size() - 1), kZlibCap).ok());
  EXPECT_FALSE(gzip_inflate(gz + "junk", kZlibCap).ok());
  EXPECT_FALSE(gzip_inflate(zlib_deflate(text), kZlibCap).ok());
  EXPECT_EQ(gzip_inflate(gz, 10).error().reason, "too_large");
}

}  // namespace
}  // namespace iot::codec
