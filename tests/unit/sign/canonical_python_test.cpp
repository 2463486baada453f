// Interop with Python itself: python_canonical.py generates random
// payload texts with their canonical form and HMAC as Python computes them;
// we compare ours byte for byte, then Python verifies what sign_payload made.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "codec/base64.hpp"
#include "sign/canonical_json.hpp"
#include "sign/hmac.hpp"

namespace iot::sign {
namespace {

const std::string kKey = "interop-key-\xc3\xa9";
const char* kPython = "/usr/bin/python3";

std::string script() { return std::string(IOT_SOURCE_DIR) + "/tests/unit/sign/python_canonical.py"; }

std::filesystem::path temp_file(const char* stem) {
  return std::filesystem::temp_directory_path() / (std::string(stem) + "-" + std::to_string(getpid()));
}

std::string b64(const Digest& d) {
  return codec::base64_encode(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

TEST(CanonicalPython, RandomPayloadsMatchPythonByteForByte) {
  if (access(kPython, X_OK) != 0) GTEST_SKIP() << "no " << kPython;
  auto cases_path = temp_file("sign-cases");
  auto signed_path = temp_file("sign-signed");
  std::string cmd = std::string(kPython) + " " + script() + " generate 4000 20261122 " + cases_path.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

  std::ifstream in(cases_path);
  std::ofstream signed_out(signed_path);
  simdjson::dom::parser parser;
  std::string text, want, want_hmac;
  int cases = 0, dom_cases = 0, mismatches = 0;
  while (std::getline(in, text) && std::getline(in, want) && std::getline(in, want_hmac)) {
    ++cases;
    auto got = canonical_json(std::string_view(text));
    ASSERT_TRUE(got.ok()) << text << ": " << got.error().message;
    if (*got != want && ++mismatches <= 5) ADD_FAILURE() << "text: " << text << "\nours:   " << *got << "\npython: " << want;
    EXPECT_EQ(b64(hmac_sha256(kKey, *got)), want_hmac);

    simdjson::dom::element doc;
    if (parser.parse(text).get(doc) == simdjson::SUCCESS) {  // simdjson stops at 64-bit integers
      ++dom_cases;
      auto from_dom = canonical_json(doc);
      ASSERT_TRUE(from_dom.ok()) << text;
      if (*from_dom != want && ++mismatches <= 5) ADD_FAILURE() << "dom: " << text << "\nours:   " << *from_dom;
    }
    auto line = sign_payload(text, kKey);
    ASSERT_TRUE(line.ok());
    signed_out << *line << '\n';
    simdjson::dom::element signed_doc;
    if (parser.parse(*line).get(signed_doc) == simdjson::SUCCESS) {
      EXPECT_EQ(verify_signed(signed_doc, kKey), SignatureStatus::ok) << *line;
    }
  }
  signed_out.close();
  EXPECT_EQ(cases, 4000);
  EXPECT_GT(dom_cases, 1000);
  EXPECT_EQ(mismatches, 0);

  std::string verify = std::string(kPython) + " " + script() + " verify " + signed_path.string();
  EXPECT_EQ(std::system(verify.c_str()), 0) << verify;
  std::filesystem::remove(cases_path);
  std::filesystem::remove(signed_path);
}

}  // namespace
}  // namespace iot::sign
