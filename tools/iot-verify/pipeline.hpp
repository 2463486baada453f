// Reading the inputs, on one thread or two. With two, a reader thread reads
// lines in batches and verifies their HMACs (the costly, stateless part),
// and the caller's thread runs the stateful checks and writes the outputs,
// batch after batch in input order: the output and the report are the same
// as with one thread. At most max_batches batches are in flight (bounded
// memory).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "stream/line_reader.hpp"
#include "iot-verify/checker.hpp"

namespace iot::verify {

struct ReadPlan {
  std::vector<std::string> inputs;  // "-" is stdin
  std::optional<std::string> key;   // verify HMACs on the reader thread when set
  bool allow_unsigned = false;
  int threads = 1;                  // 1 or 2
  std::size_t max_batches = 4;
};

// Called once per line, in order; signature is the line's signature
// verdict when the reader thread computed it. Return false to stop.
using LineConsumer = std::function<bool(const stream::Line& line, const Verdict* signature)>;

// Reads every input; false when an input could not be opened or read (logged).
bool read_inputs(const ReadPlan& plan, const LineConsumer& consume);

}  // namespace iot::verify
