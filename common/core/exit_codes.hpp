// The exit codes every tool uses (iot-toolkit(7), EXIT STATUS).
// Never a library's or the protocol's own code as the exit status.
#pragma once

namespace iot::exit_code {
inline constexpr int ok = 0;
inline constexpr int problems = 1;      // findings, or rejects under --strict
inline constexpr int usage = 2;         // usage or configuration error
inline constexpr int no_input = 3;      // --count/--idle ran out with no message
inline constexpr int unavailable = 69;  // broker or database unreachable after retries
inline constexpr int io_error = 74;     // local I/O error
inline constexpr int temp_fail = 75;    // messages left unacknowledged or spooled
inline constexpr int interrupted = 130;
}  // namespace iot::exit_code
