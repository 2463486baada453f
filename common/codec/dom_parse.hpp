// Internal to codec: a per-thread simdjson DOM parser with a depth cap.
// The element returned refers into the thread's parser and stays valid only
// until the next dom_parse() call on the same thread.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <string_view>

#include "core/result.hpp"

namespace iot::codec::detail {

// code, when given, receives simdjson's own error (NUMBER_ERROR: perhaps an
// integer beyond 64 bits, see wide_integers.hpp).
Result<simdjson::dom::element> dom_parse(std::string_view text, std::size_t max_depth,
                                         simdjson::error_code* code = nullptr);
// Drops the thread parser's buffers when a big document made them grow.
void dom_trim();

}  // namespace iot::codec::detail
