// The plain-text canonicalizer (sign/canonical_plain.hpp) against the DOM
// path: whatever text it answers for, simdjson must parse and the DOM
// canonicalizer (and the text one) must give the same bytes; and for a
// signed message, verify_signed_text (plain path when it can) must give
// verify_signed's status (DOM path), wherever "hmac" and "payload" sit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sign/canonical_json.hpp"
#include "sign/canonical_plain.hpp"
#include "sign/hmac.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static simdjson::dom::parser parser;
  static std::string scratch;
  simdjson::dom::element doc;
  const bool parsed = parser.parse(text.data(), text.size()).get(doc) == simdjson::SUCCESS;

  if (auto plain = iot::sign::plain_canonical_json(scratch, text)) {
    const std::string answer(*plain);
    if (!parsed) std::abort();  // answered for text that is not JSON
    auto from_dom = iot::sign::canonical_json(doc);
    if (!from_dom || *from_dom != answer) std::abort();
    auto from_text = iot::sign::canonical_json(text);
    if (!from_text || *from_text != answer) std::abort();
    auto prefix = iot::sign::plain_canonical_prefix(scratch, text);
    if (!prefix || *prefix != answer) std::abort();
  }

  if (parsed && doc.is_object()) {
    static const std::string key = "fuzz-key";
    if (iot::sign::verify_signed(doc, key) != iot::sign::verify_signed_text(doc, key, text)) std::abort();
  }
  return 0;
}
