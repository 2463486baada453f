// MessagePack <-> JSON text. Decoding requires every byte to be consumed by
// one well-formed value; maps need string keys (JSON objects); bin/ext types
// are refused (they have no JSON form); depth is capped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::codec {

Result<std::string> msgpack_to_json(std::string_view bytes, std::size_t max_depth = 256);
Result<std::string> json_to_msgpack(std::string_view json_text);

}  // namespace iot::codec
