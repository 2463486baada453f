// rewrite_wide_integers (the fallback after simdjson's number error) and
// member_text on arbitrary bytes: never a crash; an accepted text has at least
// one wide integer, each a finite double; when simdjson accepts the rewritten
// text, rewriting the exact text again gives the same exact text and the same
// integers, and member_text finds nothing outside it.
#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "codec/wide_integers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = iot::codec::rewrite_wide_integers(text);
  if (!r) {
    if (r.error().reason != "bad_json") std::abort();
    return 0;
  }
  if (r->integers.empty()) std::abort();
  for (const auto& w : r->integers)
    if (!std::isfinite(w.value) || !iot::codec::is_wide_integer(w.digits)) std::abort();
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(r->for_simdjson).get(doc)) return 0;
  auto again = iot::codec::rewrite_wide_integers(r->exact);
  if (!again || again->exact != r->exact || again->integers.size() != r->integers.size()) std::abort();
  simdjson::dom::object obj;
  if (doc.get(obj)) return 0;
  for (auto [key, value] : obj) {
    auto member = iot::codec::member_text(r->exact, key);
    if (member && (member->data() < r->exact.data() || member->data() + member->size() > r->exact.data() + r->exact.size()))
      std::abort();
  }
  return 0;
}
