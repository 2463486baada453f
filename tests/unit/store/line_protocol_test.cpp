#include "store/line_protocol.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace iot::store {
namespace {

ReadingRow row(std::string metric, std::optional<double> value) {
  ReadingRow r;
  r.time_ns = 1700000000123456789;
  r.device_id = "P-001";
  r.metric = std::move(metric);
  r.value = value;
  return r;
}

struct Case {
  const char* what;
  ReadingRow row;
  const char* measurement;
  const char* want;  // the line without its '\n'
};

TEST(LineProtocol, EncodesReadings) {
  ReadingRow full = row("temp_c", 21.5);
  full.quality = 64;
  full.msg_id = "01HX";
  full.seq = 42;
  full.tags_json = R"({"site":"PLT-01","line":"a b"})";
  ReadingRow whole = row("count", 3.0);
  ReadingRow big = row("e", 1e21);
  ReadingRow tagged_device = row("v", -0.25);
  tagged_device.tags_json = R"({"device_id":"other","empty":""})";
  ReadingRow clash = row("seq", 7.0);
  clash.seq = 9;
  const std::vector<Case> cases = {
      {"every part", full, "readings",
       R"(readings,device_id=P-001,line=a\ b,quality=64,site=PLT-01 temp_c=21.5,msg_id="01HX",seq=42i 1700000000123456789)"},
      {"a whole float stays a float (no i)", whole, "readings",
       "readings,device_id=P-001,quality=192 count=3 1700000000123456789"},
      {"exponent", big, "m", "m,device_id=P-001,quality=192 e=1e+21 1700000000123456789"},
      {"the reading's device wins, empty tags dropped", tagged_device, "m",
       "m,device_id=P-001,quality=192 v=-0.25 1700000000123456789"},
      {"a metric named seq is the metric", clash, "m", "m,device_id=P-001,quality=192 seq=7 1700000000123456789"},
  };
  for (const auto& c : cases) {
    std::string out;
    ASSERT_TRUE(append_line(out, c.row, c.measurement)) << c.what;
    EXPECT_EQ(out, std::string(c.want) + "\n") << c.what;
  }
}

TEST(LineProtocol, EscapesNames) {
  struct Name {
    const char* in;
    const char* measurement;
    const char* key;
    const char* field_key;
    const char* string_value;
  };
  const std::vector<Name> names = {
      {"plain", "plain", "plain", "plain", "plain"},
      {"a,b", "a\\,b", "a\\,b", "a\\,b", "a,b"},
      {"a b", "a\\ b", "a\\ b", "a\\ b", "a b"},
      {"a=b", "a\\=b", "a\\=b", "a\\=b", "a=b"},
      {"say \"hi\"", "say\\ \\\"hi\\\"", "say\\ \"hi\"", "say\\ \\\"hi\\\"", "say \\\"hi\\\""},
      {"c:\\dir", "c:\\dir", "c:\\dir", "c:\\dir", "c:\\\\dir"},
      {"µ°C", "µ°C", "µ°C", "µ°C", "µ°C"},
  };
  for (const auto& n : names) {
    std::string m, k, f, s;
    ASSERT_TRUE(append_measurement(m, n.in)) << n.in;
    ASSERT_TRUE(append_key(k, n.in, "tag key")) << n.in;
    ASSERT_TRUE(append_field_key(f, n.in)) << n.in;
    EXPECT_EQ(f, n.field_key) << n.in;
    ASSERT_TRUE(append_string_value(s, n.in, "msg_id")) << n.in;
    EXPECT_EQ(m, n.measurement) << n.in;
    EXPECT_EQ(k, n.key) << n.in;
    EXPECT_EQ(s, n.string_value) << n.in;
  }
}

TEST(LineProtocol, RefusesWhatItCannotCarry) {
  struct Bad {
    const char* what;
    ReadingRow row;
    const char* measurement;
    const char* reason_part;
  };
  ReadingRow newline_metric = row("a\nb", 1.0);
  ReadingRow cr_device = row("v", 1.0);
  cr_device.device_id = "P\r1";
  ReadingRow newline_tag = row("v", 1.0);
  newline_tag.tags_json = R"({"site":"x\ny"})";
  ReadingRow trailing = row("v\\", 1.0);
  ReadingRow null_value = row("v", std::nullopt);
  ReadingRow backslash_comma = row("v", 1.0);
  backslash_comma.device_id = "x\\,y";
  ReadingRow backslash_space = row("back\\ slash", 1.0);
  ReadingRow newline_msg = row("v", 1.0);
  newline_msg.msg_id = "a\nb";
  ReadingRow bad_tags = row("v", 1.0);
  bad_tags.tags_json = R"({"n":1})";
  const std::vector<Bad> cases = {
      {"newline in the metric", newline_metric, "m", "metric (field key) holds a newline"},
      {"CR in the device", cr_device, "m", "tag value of device_id holds a newline"},
      {"newline in a tag value", newline_tag, "m", "tag value of site holds a newline"},
      {"trailing backslash", trailing, "m", "ends in a backslash"},
      {"null", null_value, "m", "is null"},
      {"backslash before a comma", backslash_comma, "m", "tag value of device_id has a backslash before ','"},
      {"backslash before a space", backslash_space, "m", "metric (field key) has a backslash before ' '"},
      {"backslash before a quote", row("v", 1.0), "a\\\"b", "measurement has a backslash before '\"'"},
      {"newline in msg_id", newline_msg, "m", "msg_id holds a newline"},
      {"newline in the measurement", row("v", 1.0), "a\nb", "measurement holds a newline"},
      {"empty measurement", row("v", 1.0), "", "measurement is empty"},
      {"a tag that is no string", bad_tags, "m", "tag n is not a string"},
  };
  for (const auto& c : cases) {
    std::string out = "kept\n";
    auto st = append_line(out, c.row, c.measurement);
    ASSERT_FALSE(st) << c.what;
    EXPECT_EQ(st.error().reason, "db_rejected") << c.what;
    EXPECT_EQ(st.error().kind, ErrorKind::bad_input) << c.what;
    EXPECT_NE(st.error().message.find(c.reason_part), std::string::npos) << c.what << ": " << st.error().message;
    EXPECT_EQ(out, "kept\n") << c.what << ": nothing of a refused line is left";
  }
}

// A LineEncoder reuses the series key, the msg_id field and the seq/time
// tail of the reading before: whatever changes from one reading to the
// next, and after a refused one, its bytes are append_line's.
TEST(LineProtocol, EncoderWritesWhatAppendLineWrites) {
  std::vector<std::pair<ReadingRow, std::string>> run;
  auto add = [&](ReadingRow r, std::string measurement = "readings") { run.emplace_back(std::move(r), measurement); };
  ReadingRow base = row("temp_c", 21.5);
  base.msg_id = "01HX-1";
  base.seq = 7;
  add(base);
  add(base);  // the same reading again: every part reused
  ReadingRow next = base;
  next.metric = "power kw";  // a field key that needs escaping
  add(next);
  next.device_id = "P-002";  // a new series
  add(next);
  next.quality = 64;
  add(next);
  next.tags_json = R"({"site":"a b"})";
  add(next);
  next.tags_json = R"({"site":"c"})";
  add(next);
  add(next, "lab");  // another measurement
  next.msg_id = "01HX-\"2\"";  // a new msg_id that needs escaping
  add(next, "lab");
  next.seq = 8;
  add(next, "lab");
  next.seq.reset();
  add(next, "lab");
  next.time_ns += 1;
  add(next, "lab");
  ReadingRow refused = next;
  refused.metric = "a\nb";  // refused: the next reading is still whole
  add(refused, "lab");
  ReadingRow named_seq = next;
  named_seq.metric = "seq";
  named_seq.seq = 9;
  add(named_seq, "lab");
  ReadingRow named_msg_id = next;
  named_msg_id.metric = "msg_id";
  add(named_msg_id, "lab");
  next.msg_id.clear();
  add(next, "lab");
  add(next, "a\nb");  // a refused measurement, then a good one
  add(next, "lab");
  LineEncoder encoder;
  std::string got = "kept\n", want = "kept\n";
  for (const auto& [r, measurement] : run) {
    auto a = append_line(want, r, measurement);
    auto b = encoder.append(got, r, measurement);
    ASSERT_EQ(static_cast<bool>(a), static_cast<bool>(b)) << r.metric << " in " << measurement;
    if (!a) {
      EXPECT_EQ(a.error().message, b.error().message);
    }
    EXPECT_EQ(got, want) << "after " << r.metric << " in " << measurement;
  }
  EXPECT_EQ(std::count(got.begin(), got.end(), '\n'), static_cast<std::ptrdiff_t>(run.size() - 2 + 1));
}

}  // namespace
}  // namespace iot::store
