// canonical_json(text) never crashes, hangs or recurses without bound; what
// it returns is a fixed point (canonicalizing it again changes nothing), and
// where simdjson also parses the input, the DOM path agrees byte for byte.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sign/canonical_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto first = iot::sign::canonical_json(text);
  if (!first) return 0;
  auto second = iot::sign::canonical_json(std::string_view(*first));
  if (!second || *second != *first) std::abort();

  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(text.data(), text.size()).get(doc) == simdjson::SUCCESS) {
    auto from_dom = iot::sign::canonical_json(doc);
    if (from_dom && *from_dom != *first) std::abort();
  }
  return 0;
}
