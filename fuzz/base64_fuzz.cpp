// Strict base64/base64url/hex decoding never crashes, and everything that
// decodes re-encodes to the same text (one spelling per byte string).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "codec/base64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace iot::codec;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto r = base64_decode(text); r.ok() && base64_encode(*r) != text) abort();
  if (auto r = base64url_decode(text); r.ok()) {
    std::string canon = base64url_encode(*r);
    // Padding is optional on input: compare without it.
    std::string_view stripped = text.substr(0, text.find_last_not_of('=') + 1);
    if (text.find_first_not_of('=') == std::string_view::npos) stripped = {};
    if (canon != stripped) abort();
  }
  if (auto r = hex_decode(text); r.ok() && hex_decode(hex_encode(*r)).value() != *r) abort();
  if (base64_decode(base64_encode(text)).value() != text) abort();
  if (base64url_decode(base64url_encode(text)).value() != text) abort();
  return 0;
}
