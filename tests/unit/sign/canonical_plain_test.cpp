// The plain-text canonicalizer (common/sign/canonical_plain.cpp) against the
// DOM one: wherever it answers, the bytes must be the DOM path's (and
// Python's, for the golden cases); what it declines is left to the DOM path.
// Also verify_signed_text against verify_signed on the same messages.
#include <gtest/gtest.h>

#include "support/file_text.hpp"
#include <simdjson.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "codec/base64.hpp"
#include "core/limits.hpp"
#include "python_golden.hpp"
#include "sign/canonical_json.hpp"
#include "sign/canonical_plain.hpp"
#include "sign/hmac.hpp"

namespace iot::sign {
namespace {

// The DOM path's bytes for text, or nullopt when simdjson or the DOM
// canonicalizer refuses it.
std::optional<std::string> dom_canonical(std::string_view text) {
  static simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS) return std::nullopt;
  auto c = canonical_json(doc);
  if (!c) return std::nullopt;
  return *c;
}

// Checks one text: a plain answer equals the DOM's and the text path's.
// Returns whether the plain path answered.
bool agrees(const std::string& text) {
  std::string scratch;
  auto plain = plain_canonical_json(scratch, text);
  if (!plain) return false;
  auto dom = dom_canonical(text);
  EXPECT_TRUE(dom.has_value()) << text;
  if (dom) {
    EXPECT_EQ(*plain, *dom) << text;
  }
  auto from_text = canonical_json(text);
  EXPECT_TRUE(static_cast<bool>(from_text)) << text;
  if (from_text) {
    EXPECT_EQ(*plain, *from_text) << text;
  }
  return true;
}

using test::file_text;

TEST(CanonicalPlain, GoldenCasesItAnswersMatchPython) {
  std::string scratch;
  int answered = 0;
  for (const auto& [text, want] : testing::kGolden) {
    auto plain = plain_canonical_json(scratch, text);
    if (!plain) continue;
    ++answered;
    EXPECT_EQ(*plain, want) << text;
  }
  EXPECT_GE(answered, 8);  // sorting, nesting, empty containers, whitespace, literals
}

TEST(CanonicalPlain, AnswersPlainTextAndSortsKeys) {
  std::string scratch;
  EXPECT_EQ(plain_canonical_json(scratch, R"({"b":1,"a":{"d":[1,2.5,"x"],"c":null}})"),
            R"({"a":{"c":null,"d":[1,2.5,"x"]},"b":1})");
  EXPECT_EQ(plain_canonical_json(scratch, " {\"b\" :\ttrue ,\n\"a\":false}\r\n"), R"({"a":false,"b":true})");
  EXPECT_EQ(plain_canonical_json(scratch, R"({"ab":1,"a":2,"abcdefghi":3,"abcdefgh":4,"":5})"),
            R"({"":5,"a":2,"ab":1,"abcdefgh":4,"abcdefghi":3})");
  for (std::string n : {"0", "-7", "123456789012345678", "0.0", "-0.0", "1.0", "190.2", "0.0001", "0.05",
                        "-12.5", "123456789012345.0", "12345678901234.5", "0.000123456789012345"})
    EXPECT_EQ(plain_canonical_json(scratch, n), n) << n;
}

TEST(CanonicalPlain, CanonicalTextIsReturnedAsIs) {
  std::string scratch;
  const std::string text = R"({"a":[1,{"b":2,"c":"x"}],"d":-0.5})";
  auto plain = plain_canonical_json(scratch, text);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->data(), text.data());  // no copy
  EXPECT_EQ(*plain, text);
}

TEST(CanonicalPlain, DeclinesWhatItCannotCopyAsWritten) {
  std::string scratch;
  for (std::string text : {
           R"("a\"b")", R"("\u00e9")", "\"\xc3\xa9\"", "\"\x7f\"", "\"tab\there\"",  // escapes, non-ASCII, DEL, control
           R"({"k\u0061":1})", "{\"\xc3\xa9\":1}",                                  // keys likewise
           "1e5", "1E5", "1.5e3", "-0", "1234567890123456789", "18446744073709551616",  // exponents, -0, wide ints
           "1.50", "0.00", "0.00001", "1234567890123456.0", "1234567890123.456",       // not Python's repr
           "0.1234567890123456", "01", "-", "1.", ".5", "+1", "NaN", "Infinity",
           R"({"a":1,"a":2})", R"({"b":1,"a":2,"b":3})",                             // duplicate keys
           "", "   ", "{", "[1,]", R"({"a":1,})", R"({"a" 1})", "[1 2]", "tru", "nul", "{}x", "[] []"}) {
    EXPECT_FALSE(plain_canonical_json(scratch, text)) << text;
    agrees(text);
  }
}

TEST(CanonicalPlain, DeepNestingIsDeclinedAtTheDomLimit) {
  std::string scratch;
  auto nest = [](std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_TRUE(plain_canonical_json(scratch, nest(limits::max_json_depth)));
  EXPECT_FALSE(plain_canonical_json(scratch, nest(limits::max_json_depth + 1)));
}

TEST(CanonicalPlain, PrefixReadsOneValueAndIgnoresTheRest) {
  std::string scratch;
  EXPECT_EQ(plain_canonical_prefix(scratch, R"({"b":1,"a":2},"hmac":"x"}})"), R"({"a":2,"b":1})");
  EXPECT_FALSE(plain_canonical_json(scratch, R"({"b":1,"a":2},"hmac":"x"}})"));
}

TEST(CanonicalPlain, FixturesAgreeWithTheDomPath) {
  for (std::string name : {"seed000_flat", "seed000_nested", "seed001_batch", "seed002_kpi", "seed003_signed"}) {
    const std::string text = file_text(std::string(IOT_SOURCE_DIR) + "/tests/fixtures/payloads/" + name + ".json");
    ASSERT_FALSE(text.empty()) << name;
    agrees(text);
  }
  // The benchmark's messages (scripts/lib/make_sample.py): keys unsorted, no whitespace.
  const std::string sample =
      R"({"schema_version":"2.1","msg_id":"01M98BZH5VQZN1MA7QPCJE9RJT","device_id":"P-000",)"
      R"("device_type":"centrifugal_pump","ts":1796651074747,"seq":1000,"d":{"temp_inlet_c":{"v":68.53,"q":192},)"
      R"("temp_outlet_c":{"v":95.72,"q":192},"pressure_bar":{"v":103.27,"q":192},"flow_m3h":{"v":190.2,"q":192},)"
      R"("vibration_rms":{"v":29.32,"q":68},"power_kw":{"v":0.0,"q":192}},"meta":{"fw_version":"2.3.1",)"
      R"("gw_id":"gw-detroit-l3-01","source_ts":1796651074684,"edge_latency_ms":63}})";
  EXPECT_TRUE(agrees(sample));
}

// Random JSON of the shapes payloads have, spelled in many ways (numbers
// plain and not, strings with and without escapes, whitespace, duplicate
// keys): every answer of the plain path must be the DOM path's.
class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}
  std::string value(int depth) {
    switch (pick(depth < 4 ? 7 : 5)) {
      case 0: return number();
      case 1: return string();
      case 2: return std::vector<std::string>{"true", "false", "null"}[pick(3)];
      case 3:
      case 4: return number();
      case 5: return object(depth + 1);
      default: return array(depth + 1);
    }
  }
  std::string object(int depth) {
    std::string out = "{" + ws();
    const int n = pick(6);
    for (int i = 0; i < n; ++i) {
      if (i) out += "," + ws();
      out += key() + ws() + ":" + ws() + value(depth) + ws();
    }
    return out + "}";
  }
  // A leaf of any kind, mostly plain.
  std::string leaf() {
    switch (pick(5)) {
      case 0: return string();
      case 1: return std::vector<std::string>{"true", "false", "null"}[pick(3)];
      default: return number();
    }
  }
  int pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }

 private:
  std::mt19937 rng_;
  std::string ws() { return pick(8) == 0 ? std::vector<std::string>{" ", "\n", "\t ", "\r\n"}[pick(4)] : ""; }
  std::string digits(int n, bool lead_nonzero) {
    std::string d;
    for (int i = 0; i < n; ++i) d += char('0' + ((i == 0 && lead_nonzero) ? 1 + pick(9) : pick(10)));
    return d;
  }
  std::string number() {
    std::string sign = pick(4) == 0 ? "-" : "";
    switch (pick(8)) {
      case 0: return sign + "0";
      case 1: return sign + digits(1 + pick(20), true);
      case 2: return sign + "0." + std::string(pick(6), '0') + digits(1 + pick(17), false);
      case 3: return sign + digits(1 + pick(17), true) + "." + digits(1 + pick(4), false);
      case 4: return sign + digits(1 + pick(4), true) + ".0";
      case 5: return sign + digits(1 + pick(3), true) + "e" + std::to_string(pick(30) - 10);
      case 6: return sign + "0." + digits(1 + pick(3), false) + "0";
      default: return sign + digits(1 + pick(3), true) + "." + digits(1 + pick(2), false);
    }
  }
  std::string string() {
    static const std::vector<std::string> pieces = {"a", "temp_c", "P-000", "x y", "\\\"", "\\u00e9", "\xc3\xa9",
                                                   "\\n", "/", "\\/", "~", "01M98BZH5VQZN1MA7QPCJE9RJT"};
    std::string s = "\"";
    const int n = pick(4);
    for (int i = 0; i < n; ++i) s += pieces[pick(pick(3) == 0 ? 12 : 4)];
    return s + "\"";
  }
  std::string key() {
    static const std::vector<std::string> keys = {"\"a\"", "\"b\"", "\"ab\"", "\"abcdefgh\"", "\"abcdefghi\"",
                                                 "\"v\"", "\"q\"", "\"ts\"", "\"\"", "\"a\\u0062\"", "\"Z\""};
    return keys[pick(pick(5) == 0 ? 11 : 9)];
  }
  std::string array(int depth) {
    std::string out = "[" + ws();
    const int n = pick(4);
    for (int i = 0; i < n; ++i) {
      if (i) out += "," + ws();
      out += value(depth) + ws();
    }
    return out + "]";
  }
};

TEST(CanonicalPlain, RandomDocumentsAgreeWithTheDomPath) {
  Generator gen(20261207);
  int answered = 0;
  for (int i = 0; i < 20000; ++i)
    if (agrees(gen.object(1))) ++answered;
  EXPECT_GT(answered, 2000);  // the plain path is exercised, not only declined
}

// Messages of one layout (the same keys in the same order, other values):
// the plain path answers them from the layout it keeps, and a leaf that
// changes kind or spelling (an escape, an exponent, true for a number) must
// still give the DOM's bytes.
TEST(CanonicalPlain, MessagesOfOneLayoutAgreeWithTheDomPath) {
  Generator gen(7);
  const std::vector<std::string> layouts = {
      R"({"schema_version":@,"msg_id":@,"device_id":@,"ts":@,"seq":@,"d":{"t_c":{"v":@,"q":@},"p_bar":{"v":@,"q":@}},"meta":{"gw_id":@,"source_ts":@}})",
      R"({"b":[@,@,{"z":@,"a":@}],"a":@})",
      R"({ "k" : @ , "j" : [ @ ] })",
      R"([@,{"y":@,"x":@},@])",
  };
  int answered = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string& layout = layouts[static_cast<std::size_t>(gen.pick(gen.pick(3) == 0 ? 4 : 1))];
    std::string text;
    for (char c : layout) text += c == '@' ? gen.leaf() : std::string(1, c);
    if (agrees(text)) ++answered;
  }
  EXPECT_GT(answered, 1000);
}

std::string signed_line(const std::string& payload_text, std::string_view key) {
  auto canonical = canonical_json(payload_text);
  EXPECT_TRUE(canonical) << payload_text;
  Digest d = hmac_sha256(key, *canonical);
  return codec::base64_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

TEST(VerifySignedText, AgreesWithTheDomPathWhereverTheSignatureSits) {
  const std::string key = "k3y";
  const std::string payload = R"({"seq":2,"device_id":"P-1","ts":1700000000000,"d":{"t":{"v":1.5,"q":192}}})";
  const std::string mac = signed_line(payload, key);
  const std::string bad = signed_line(R"({"seq":3})", key);
  const std::vector<std::pair<std::string, SignatureStatus>> cases = {
      {R"({"hmac":")" + mac + R"(","payload":)" + payload + "}", SignatureStatus::ok},
      {R"({"payload":)" + payload + R"(,"hmac":")" + mac + R"("})", SignatureStatus::ok},
      {"{ \"hmac\" : \"" + mac + "\" ,\n \"payload\" :\t" + payload + " }", SignatureStatus::ok},
      {R"({"x":{"payload":1},"hmac":")" + mac + R"(","payload":)" + payload + "}", SignatureStatus::ok},
      {R"({"hmac":")" + bad + R"(","payload":)" + payload + "}", SignatureStatus::bad_signature},
      // an escaped key that spells "payload" first: the DOM takes it, so must we
      {R"({"pay\u006coad":{"seq":3},"hmac":")" + bad + R"(","payload":)" + payload + "}", SignatureStatus::ok},
      {R"({"pay\u006coad":)" + payload + R"(,"hmac":")" + mac + R"(","payload":{"seq":3}})", SignatureStatus::ok},
      // duplicate "payload": the DOM's object["payload"] is the first one
      {R"({"hmac":")" + mac + R"(","payload":)" + payload + R"(,"payload":{"seq":3}})", SignatureStatus::ok},
      {R"({"hmac":")" + mac + R"(","payload":{"seq":3},"payload":)" + payload + "}", SignatureStatus::bad_signature},
      // payloads the plain path declines go the DOM way
      {R"({"hmac":")" + signed_line(R"({"t":"\u00e9","n":1e2})", key) + R"(","payload":{"t":"\u00e9","n":1e2}})",
       SignatureStatus::ok},
      {R"({"hmac":"x","payload":)" + payload + "}", SignatureStatus::malformed},
      {R"({"payload":)" + payload + "}", SignatureStatus::missing},
  };
  simdjson::dom::parser parser;
  for (const auto& [text, want] : cases) {
    simdjson::padded_string padded(text);
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(padded).get(doc), simdjson::SUCCESS) << text;
    EXPECT_EQ(verify_signed(doc, key), want) << text;
    EXPECT_EQ(verify_signed_text(doc, key, text), want) << text;
    // The message's text may run on (the rest of an envelope line).
    EXPECT_EQ(verify_signed_text(doc, key, text + R"(,"qos":1})"), want) << text;
  }
}

}  // namespace
}  // namespace iot::sign
