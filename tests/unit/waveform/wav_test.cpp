#include "waveform/wav.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace iot::waveform {
namespace {

// A stereo float32 WAV with an extra chunk before "data".
std::string stereo_float_wav() {
  auto put32 = [](std::string& s, std::uint32_t v) { for (int i = 0; i < 4; ++i) s += char((v >> (8 * i)) & 0xff); };
  auto put16 = [](std::string& s, std::uint16_t v) { s += char(v & 0xff); s += char(v >> 8); };
  std::string body = "WAVEfmt ";
  put32(body, 16); put16(body, 3); put16(body, 2); put32(body, 48000); put32(body, 48000 * 8); put16(body, 8); put16(body, 32);
  body += "LIST"; put32(body, 3); body += "abc"; body += '\0';  // odd size, padded
  body += "data"; put32(body, 16);
  for (float v : {0.25f, 9.f, -0.5f, 9.f}) { std::uint32_t u; std::memcpy(&u, &v, 4); put32(body, u); }
  std::string out = "RIFF";
  put32(out, static_cast<std::uint32_t>(body.size()));
  return out + body;
}

TEST(Wav, ReadsChannelZeroOfFloatStereo) {
  auto w = read_wav(stereo_float_wav());
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->channels, 2u);
  EXPECT_TRUE(w->is_float);
  EXPECT_EQ(w->rate_hz, 48000);
  EXPECT_EQ(w->samples, (std::vector<double>{0.25, -0.5}));
}

TEST(Wav, RefusesWhatIsNotWave) {
  EXPECT_FALSE(read_wav(""));
  EXPECT_FALSE(read_wav("RIFF\x04\0\0\0WAVE"));
  std::string w = write_wav_pcm16({1, 2}, 8000);
  w[20] = 2;  // format tag 2 (ADPCM)
  EXPECT_FALSE(read_wav(w));
}

TEST(Wav, TruncatedDataIsCutToWholeFrames) {
  std::string w = write_wav_pcm16({1, 2, 3}, 8000);
  w.pop_back();
  auto r = read_wav(w);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->samples, (std::vector<double>{1, 2}));
}

}  // namespace
}  // namespace iot::waveform
