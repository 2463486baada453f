// Option values that are parsed when the command line is, not later in a
// tool's body: a tool's options struct holds the typed value, so adding an
// option is one field, one add_*() line and one man page line. CLI11 reads
// them through operator>> (flags, IOT_* environment and --config alike), and
// a bad value is a usage error naming the option (exit 64).
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::cli {

// "500ms", "2s", "5m", "24h", "1d"; a bare number is seconds. The text is
// kept as given so that --help shows the default as the user would type it.
struct Duration {
  std::chrono::nanoseconds value{};
  std::string text;

  Duration() = default;
  // For defaults written in the source; a bad literal is a programming error.
  Duration(std::string_view literal);  // NOLINT(google-explicit-constructor): defaults read as text

  template <class D>
  D as() const { return std::chrono::duration_cast<D>(value); }
  double seconds() const { return std::chrono::duration<double>(value).count(); }
};

// An instant: RFC 3339 / ISO 8601, or a Unix time in s, ms, us or ns told
// apart by magnitude (iot-replay(1), --since).
struct TimePoint {
  std::int64_t unix_ns = 0;
  std::string text;
  // Not an aggregate: CLI11 would otherwise build one from a bare number
  // (taking 1700000000 as nanoseconds) instead of reading it by magnitude.
  TimePoint() = default;
};

// Events per second: "N", "N/s", "N/m" or "N/h" (every --rate takes these;
// iot-waveform's sample rates are per second too). Zero is allowed where a
// tool gives it a meaning ("no limit").
struct Rate {
  double per_second = 0;
  std::string text;
  Rate() = default;
  Rate(std::string_view literal);  // NOLINT(google-explicit-constructor): defaults read as text
};

// A size in bytes: "N" (bytes), "NKiB", "NMiB", "NGiB" (1024-based; also
// K, M, G and KB, MB, GB, read the same way), e.g. "64MiB".
struct ByteSize {
  std::uint64_t bytes = 0;
  std::string text;
  ByteSize() = default;
  ByteSize(std::string_view literal);  // NOLINT(google-explicit-constructor): defaults read as text
};

std::istream& operator>>(std::istream& in, Duration& d);
std::ostream& operator<<(std::ostream& out, const Duration& d);
std::istream& operator>>(std::istream& in, TimePoint& t);
std::ostream& operator<<(std::ostream& out, const TimePoint& t);
std::istream& operator>>(std::istream& in, Rate& r);
std::ostream& operator<<(std::ostream& out, const Rate& r);

std::istream& operator>>(std::istream& in, ByteSize& b);
std::ostream& operator<<(std::ostream& out, const ByteSize& b);

// "64MiB" -> bytes; a usage error otherwise (also for 0 and for more than 2^62).
Result<std::uint64_t> parse_byte_size(std::string_view text);

// "N", "N/s", "N/m", "N/h" -> per second; a usage error otherwise.
Result<double> parse_rate(std::string_view text);

// add_option with the value's type name (DURATION, TIME) and a check whose
// message says what is wrong, shown as "--name: bad duration '5x' (...)".
CLI::Option* add_duration(CLI::App& app, const std::string& name, Duration& value, const std::string& help);
CLI::Option* add_duration(CLI::App& app, const std::string& name, std::optional<Duration>& value,
                          const std::string& help);
CLI::Option* add_rate(CLI::App& app, const std::string& name, Rate& value, const std::string& help);
CLI::Option* add_byte_size(CLI::App& app, const std::string& name, ByteSize& value, const std::string& help);
CLI::Option* add_time(CLI::App& app, const std::string& name, std::optional<TimePoint>& value,
                      const std::string& help);

}  // namespace iot::cli
