// The fast path of LineAnalyzer (iot-verify(1), Speed): most streams repeat
// one message shape (the same keys in the same order, only values differ),
// and a line of a shape seen before needs neither the JSON DOM nor the
// normalizer. A line layout is a line's text with its variable leaves
// (strings and numbers, spelled as canonical_plain.hpp's "plain" text) cut
// out, plus where the normalizer's fields sit among those leaves and the
// recipe of the signed payload's canonical JSON. A line that matches a layout byte for byte outside its
// leaves has the layout's structure, so the slow path would take the same
// steps over it; the fast path takes them over the leaves alone.
//
// Only what the slow path would accept is answered here: a bare nested
// payload (iot-stream(5), PAYLOAD SHAPES), signed or not, of the fields the
// nested shape knows, on a route that reads it as itself (no templates, no
// tags, no resend). Anything else, and any value the slow path would refuse
// or report (a bad signature, a schema error, a number out of range), is
// declined and the line takes the slow path, which gives the verdict and its
// words. A layout is kept only when its own line reads the same on both.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "iot-verify/checker.hpp"

namespace iot::verify {

struct LineLayout;

class LayoutCache {
 public:
  // Null when the route of a bare payload cannot be read this way (see above).
  static std::unique_ptr<LayoutCache> make(const registry::RouteEngine& routes, const CheckerConfig& config);
  LayoutCache(const registry::RouteEngine& routes, const CheckerConfig& config);
  ~LayoutCache();
  LayoutCache(const LayoutCache&) = delete;
  LayoutCache& operator=(const LayoutCache&) = delete;

  // True: out holds the line's analysis, as the slow path gives it (and warm,
  // when set, had the line's tables warmed). False: take the slow path (out
  // is then half written; the slow path resets it).
  bool analyze(std::string_view line, LineAnalysis& out, LineChecker* warm);
  // After the slow path made slow of line: keeps line's layout when it fits.
  void learn(std::string_view line, const LineAnalysis& slow);

 private:
  // Fills found_ with line's leaves when line has layout l.
  bool match(const LineLayout& l, std::string_view line);
  bool read(const LineLayout& l, LineAnalysis& out, LineChecker* warm);

  static constexpr std::size_t kSlots = 8;
  std::unique_ptr<LineLayout> slots_[kSlots];
  std::size_t last_ = 0;    // the slot that answered last
  std::size_t next_ = 0;    // the slot the next layout takes
  std::uint64_t misses_ = 0;  // lines learned from since the last answer
  const std::string* key_ = nullptr;  // the route's key; null: no signature checked
  bool allow_unsigned_ = false;
  bool keep_readings_ = false;
  struct Leaf {
    const char* text;
    std::uint32_t size;
  };
  std::vector<Leaf> found_;     // the leaves of the line being read
  const char* line_end_ = nullptr;  // and where it ends
  std::size_t line_size_ = 0;
  std::string canonical_;       // the signed payload's canonical JSON
  std::unique_ptr<LineLayout> candidate_;  // learn()'s scratch
  LineAnalysis check_;                     // learn()'s self-check
};

// The parts of two analyses that LineChecker::apply reads (the route match
// and topic aside: kept only for --resend, where the fast path is off).
bool same_analysis(const LineAnalysis& a, const LineAnalysis& b);

}  // namespace iot::verify
