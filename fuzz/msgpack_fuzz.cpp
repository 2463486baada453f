// msgpack_to_json never crashes; its output is valid JSON, and packing that
// JSON again decodes to the same JSON text (a fixed point after one trip).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/json_text.hpp"
#include "codec/msgpack.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace iot::codec;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto js = msgpack_to_json(bytes);
  if (!js.ok()) return 0;
  if (!minify_json(*js).ok()) abort();
  auto packed = json_to_msgpack(*js);
  if (!packed.ok()) abort();
  auto again = msgpack_to_json(*packed);
  if (!again.ok()) abort();
  // Floats print the same; ints keep their value (widths may shrink).
  if (*again != *js) abort();
  return 0;
}
