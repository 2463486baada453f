#include "codec/dom_parse.hpp"

#include <algorithm>
#include <string>

namespace iot::codec::detail {
namespace {

// A parser that grew past this for one huge document is dropped afterwards.
constexpr std::size_t kKeepCapacity = 1u << 20;

simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace

Result<simdjson::dom::element> dom_parse(std::string_view text, std::size_t max_depth, simdjson::error_code* code) {
  auto& parser = thread_parser();
  // simdjson counts a scalar inside the innermost container as a level too;
  // one more makes max_depth the number of nested containers, as in msgpack.cpp.
  std::size_t simdjson_depth = max_depth + 1;
  if (parser.max_depth() != simdjson_depth || parser.capacity() < text.size()) {
    std::size_t capacity = std::max<std::size_t>(text.size(), simdjson::dom::MINIMAL_DOCUMENT_CAPACITY);
    if (parser.allocate(capacity, simdjson_depth) != simdjson::SUCCESS) {
      return make_error(ErrorKind::too_large, "too_large", "json: cannot allocate a parser for this size");
    }
  }
  // parse() copies into a padded buffer itself when it has to.
  simdjson::dom::element root;
  auto err = parser.parse(text.data(), text.size(), true).get(root);
  if (code) *code = err;
  if (err == simdjson::DEPTH_ERROR) {
    return make_error(ErrorKind::bad_input, "bad_json", "json: nested deeper than " + std::to_string(max_depth));
  }
  if (err != simdjson::SUCCESS) {
    return make_error(ErrorKind::bad_input, "bad_json", std::string("json: ") + simdjson::error_message(err));
  }
  return root;
}

void dom_trim() {
  auto& parser = thread_parser();
  if (parser.capacity() > kKeepCapacity) parser = simdjson::dom::parser{};
}

}  // namespace iot::codec::detail
