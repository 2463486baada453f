#include "cli/typed_values.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

namespace {

using iot::cli::Duration;
using iot::cli::TimePoint;
using namespace std::chrono_literals;

// Parses argv (without the program name) into an app holding one duration,
// one optional duration and one optional time.
struct Parsed {
  Duration interval{"1s"};
  std::optional<Duration> idle;
  std::optional<TimePoint> since;
  std::string error;
};

Parsed parse(std::vector<std::string> args) {
  Parsed p;
  CLI::App app;
  iot::cli::add_duration(app, "--interval", p.interval, "interval")->capture_default_str();
  iot::cli::add_duration(app, "--idle", p.idle, "idle");
  iot::cli::add_time(app, "--since", p.since, "since");
  std::vector<const char*> argv{"t"};
  for (auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError& e) {
    p.error = e.what();
  }
  return p;
}

TEST(TypedValues, DefaultsAreParsedFromTheirText) {
  Parsed p = parse({});
  EXPECT_EQ(p.error, "");
  EXPECT_EQ(p.interval.value, 1s);
  EXPECT_EQ(p.interval.text, "1s");
  EXPECT_FALSE(p.idle.has_value());
  EXPECT_FALSE(p.since.has_value());
}

TEST(TypedValues, DurationsInEveryUnit) {
  struct Case { const char* text; std::chrono::nanoseconds want; };
  for (const Case& c : {Case{"250ms", 250ms}, Case{"2", 2s}, Case{"5m", 5min}, Case{"1.5h", 90min},
                        Case{"1d", 24h}, Case{"10us", 10us}, Case{"7ns", 7ns}}) {
    Parsed p = parse({"--interval", c.text, "--idle", c.text});
    ASSERT_EQ(p.error, "") << c.text;
    EXPECT_EQ(p.interval.value, c.want) << c.text;
    ASSERT_TRUE(p.idle.has_value()) << c.text;
    EXPECT_EQ(p.idle->value, c.want) << c.text;
    EXPECT_EQ(p.interval.text, c.text);
  }
}

TEST(TypedValues, ABadDurationNamesTheOptionAndTheProblem) {
  for (const char* bad : {"5x", "", "-1s", "ms", "1e30d"}) {
    Parsed p = parse({"--interval", bad});
    EXPECT_NE(p.error.find("--interval"), std::string::npos) << bad << ": " << p.error;
    EXPECT_NE(p.error.find("bad duration"), std::string::npos) << bad << ": " << p.error;
  }
}

TEST(TypedValues, TimesAsIsoOrUnixByMagnitude) {
  const std::int64_t want = 1'700'000'000'000'000'000;
  for (const char* text : {"2023-11-14T22:13:20Z", "1700000000", "1700000000000", "1700000000000000",
                           "1700000000000000000"}) {
    Parsed p = parse({"--since", text});
    ASSERT_EQ(p.error, "") << text;
    ASSERT_TRUE(p.since.has_value()) << text;
    EXPECT_EQ(p.since->unix_ns, want) << text;
  }
  EXPECT_NE(parse({"--since", "yesterday"}).error.find("--since"), std::string::npos);
}

TEST(TypedValues, TheEnvironmentGoesThroughTheSameParser) {
  Duration interval{"1s"};
  CLI::App app;
  iot::cli::add_duration(app, "--interval", interval, "interval")->envname("IOT_TEST_TYPED_INTERVAL");
  ::setenv("IOT_TEST_TYPED_INTERVAL", "3m", 1);
  const char* argv[] = {"t"};
  app.parse(1, const_cast<char**>(argv));
  EXPECT_EQ(interval.value, 3min);
  ::setenv("IOT_TEST_TYPED_INTERVAL", "soon", 1);
  EXPECT_THROW(app.parse(1, const_cast<char**>(argv)), CLI::ValidationError);
  ::unsetenv("IOT_TEST_TYPED_INTERVAL");
}

TEST(TypedValues, HelpShowsTheTypeAndTheDefaultAsWritten) {
  Duration interval{"1s"};
  CLI::App app;
  iot::cli::add_duration(app, "--interval", interval, "interval")->capture_default_str();
  std::string help = app.help();
  EXPECT_NE(help.find("DURATION"), std::string::npos) << help;
  EXPECT_NE(help.find("1s"), std::string::npos) << help;
}

TEST(TypedValues, RatesPerSecondMinuteOrHour) {
  struct Case { const char* text; double want; };
  for (const Case& c : {Case{"500", 500}, Case{"2.5/s", 2.5}, Case{"120/m", 2}, Case{"120/min", 2},
                        Case{"7200/h", 2}, Case{"0", 0}}) {
    auto r = iot::cli::parse_rate(c.text);
    ASSERT_TRUE(r.ok()) << c.text;
    EXPECT_DOUBLE_EQ(*r, c.want) << c.text;
  }
  for (const char* bad : {"fast", "-1", "", "5/d", "/s", "1e999", "nan"})
    EXPECT_FALSE(iot::cli::parse_rate(bad).ok()) << bad;
  iot::cli::Rate rate;
  CLI::App app;
  iot::cli::add_rate(app, "--rate", rate, "rate");
  const char* argv[] = {"t", "--rate", "600/m"};
  app.parse(3, const_cast<char**>(argv));
  EXPECT_DOUBLE_EQ(rate.per_second, 10);
  const char* bad_argv[] = {"t", "--rate", "lots"};
  EXPECT_THROW(app.parse(3, const_cast<char**>(bad_argv)), CLI::ValidationError);
}

TEST(TypedValues, SizesInBytesOrPowersOf1024) {
  struct Case { const char* text; std::uint64_t want; };
  for (const Case& c : {Case{"65536", 65536}, Case{"512KiB", 512 << 10}, Case{"64MiB", 64ull << 20},
                        Case{"64M", 64ull << 20}, Case{"1GiB", 1ull << 30}, Case{"10B", 10}}) {
    auto b = iot::cli::parse_byte_size(c.text);
    ASSERT_TRUE(b.ok()) << c.text;
    EXPECT_EQ(*b, c.want) << c.text;
  }
  for (const char* bad : {"", "0", "-1", "MiB", "64 MiB", "64TiB", "1.5MiB", "99999999999GiB"})
    EXPECT_FALSE(iot::cli::parse_byte_size(bad).ok()) << bad;
  iot::cli::ByteSize size{"64MiB"};
  CLI::App app;
  iot::cli::add_byte_size(app, "--rotate-size", size, "size")->capture_default_str();
  EXPECT_NE(app.help().find("SIZE=64MiB"), std::string::npos) << app.help();
  const char* argv[] = {"t", "--rotate-size", "1KiB"};
  app.parse(3, const_cast<char**>(argv));
  EXPECT_EQ(size.bytes, 1024u);
  const char* bad_argv[] = {"t", "--rotate-size", "huge"};
  EXPECT_THROW(app.parse(3, const_cast<char**>(bad_argv)), CLI::ValidationError);
}

TEST(TypedValues, ABadLiteralDefaultIsAProgrammingError) {
  EXPECT_THROW(iot::cli::ByteSize("big"), std::logic_error);
  EXPECT_THROW(Duration("soon"), std::logic_error);
  EXPECT_THROW(iot::cli::Rate("often"), std::logic_error);
}

}  // namespace
