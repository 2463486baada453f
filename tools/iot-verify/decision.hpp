// The exit status of iot-verify (iot-verify(1), EXIT STATUS), decided in one place:
//   --report (the default mode): 1 when any line is invalid, when more seqs
//     are missing than --max-gap, or, under --strict, on any finding at all;
//   --filter: 0 (every line was passed or rejected), 1 under --strict when
//     a line was rejected;
//   both modes: 1 when --expect-count N differs from the lines read;
//   --expect FILE: invalid lines and findings are what the truth expects, so
//     only the differences from it (verify.cpp) and the rules above make 1.
#pragma once

#include <string>
#include <vector>

#include "iot-verify/options.hpp"
#include "iot-verify/stats.hpp"

namespace iot::verify {

struct Decision {
  int code = 0;
  std::vector<std::string> reasons;  // why it is not 0, for the log
};

Decision decide(const VerifyOptions& settings, const Counters& totals);

}  // namespace iot::verify
