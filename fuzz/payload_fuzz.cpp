// decode_payload never crashes, and what it calls JSON is one line of valid
// JSON that our encoders turn back into something that decodes to the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/json_text.hpp"
#include "codec/payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace iot::codec;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  DecodeLimits limits;
  limits.max_decompressed = 1u << 20;
  DecodedPayload d = decode_payload(bytes, limits);
  if (d.enc == Encoding::binary) {
    if (!d.json.empty()) abort();
    return 0;
  }
  if (d.json.find('\n') != std::string::npos) abort();
  auto again = minify_json(d.json);
  if (!again.ok()) abort();
  for (auto enc : {Encoding::msgpack, Encoding::zlib_json}) {
    auto wire = encode_payload(d.json, enc);
    if (!wire.ok()) abort();
    // Documented ambiguity: MessagePack ints 48..57 are the bytes of the JSON
    // digits "0".."9", and a lone digit is read as JSON.
    if (wire->size() == 1 && (*wire)[0] >= '0' && (*wire)[0] <= '9') continue;
    DecodedPayload back = decode_payload(*wire);
    if (back.enc != enc) abort();
    // zlib+json keeps the text; MessagePack normalises numbers ("-0", "1e3"),
    // so there the value must be a fixed point of one more trip.
    if (enc == Encoding::zlib_json && back.json != d.json) abort();
    if (enc == Encoding::msgpack && encode_payload(back.json, enc).value() != *wire) abort();
  }
  return 0;
}
