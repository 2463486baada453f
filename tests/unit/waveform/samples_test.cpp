#include "waveform/samples.hpp"

#include <gtest/gtest.h>

#include "waveform/wav.hpp"

namespace iot::waveform {
namespace {

TEST(Samples, Float32RoundTrip) {
  std::vector<double> x{0.0, 1.5, -2.25, 1e-3};
  auto c = read_capture(encode_float32(x), InputFormat::float32_le);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->sample_count, 4u);
  auto back = decode_samples(c->bytes, c->format);
  ASSERT_TRUE(back);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_FLOAT_EQ((*back)[i], x[i]);
}

TEST(Samples, Int16KeepsItsFormat) {
  auto c = read_capture(encode_int16({-32768, 0, 32767, 12}), InputFormat::int16_le);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->format, WireFormat::int16_le);
  EXPECT_EQ(*decode_samples(c->bytes, c->format), (std::vector<double>{-32768, 0, 32767, 12}));
}

TEST(Samples, TruncatedSampleIsRefused) {
  auto c = read_capture("abcde", InputFormat::float32_le);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().reason, "decode");
}

TEST(Samples, CsvWithHeaderAndColumns) {
  auto c = read_capture("value,time\n1.5,0\n-2,1\n\n3e-1;x\n", InputFormat::csv);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->sample_count, 3u);
  auto back = *decode_samples(c->bytes, c->format);
  EXPECT_FLOAT_EQ(back[2], 0.3f);
  EXPECT_FALSE(read_capture("1\nx\n", InputFormat::csv));
}

TEST(Samples, WavPcm16BecomesInt16WithItsRate) {
  std::string wav = write_wav_pcm16({1, -2, 300}, 25600);
  auto c = read_capture(wav, InputFormat::wav);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->format, WireFormat::int16_le);
  EXPECT_EQ(*c->rate_hz, 25600);
  EXPECT_EQ(*decode_samples(c->bytes, c->format), (std::vector<double>{1, -2, 300}));
}

TEST(Samples, FormatNamesAndGuesses) {
  EXPECT_EQ(*parse_wire_format("float32"), WireFormat::float32_le);
  EXPECT_FALSE(parse_wire_format("float64"));
  EXPECT_EQ(guess_input_format("a.wav"), InputFormat::wav);
  EXPECT_EQ(guess_input_format("a.csv"), InputFormat::csv);
  EXPECT_EQ(guess_input_format("a.s16"), InputFormat::int16_le);
  EXPECT_EQ(guess_input_format("a.bin"), InputFormat::float32_le);
}

}  // namespace
}  // namespace iot::waveform
