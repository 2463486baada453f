// Stream times in tests, written as seconds: `90 * s` nanoseconds.
#pragma once

#include <cstdint>

namespace iot::test {

inline constexpr std::int64_t s = 1'000'000'000;

}  // namespace iot::test
