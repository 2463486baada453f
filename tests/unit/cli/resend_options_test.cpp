#include "cli/resend_options.hpp"

#include <gtest/gtest.h>

namespace iot::cli {
namespace {

using namespace std::chrono_literals;

Result<ResendOptions> parse(std::vector<std::string> args) {
  CLI::App app;
  ResendOptions o;
  add_resend_options(app, o);
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return make_error(ErrorKind::usage, "usage", e.what());
  }
  return o;
}

TEST(ResendOptions, OffByDefaultWithTheDocumentedDefaults) {
  auto o = parse({});
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->enabled());
  EXPECT_EQ(o->after.value, 10s);
  EXPECT_EQ(o->tries, 5);
  EXPECT_EQ(o->topic_template, "{topic_prefix}/resend");
  EXPECT_TRUE(check_resend_options(*o).ok());
}

TEST(ResendOptions, TypedValuesAndTheScheduleFromThem) {
  auto o = parse({"--resend", "mqtt://127.0.0.1:1884", "--resend-after", "500ms", "--resend-tries", "3",
                  "--resend-topic", "ctl/{device}/resend"});
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_TRUE(o->enabled());
  EXPECT_TRUE(check_resend_options(*o).ok());
  auto s = schedule_settings(*o);
  EXPECT_EQ(s.after, 500ms);
  EXPECT_EQ(s.tries, 3);
  EXPECT_EQ(s.max_delay, 60s);  // at least a minute between the last requests
  o->after = Duration("30s");
  EXPECT_EQ(schedule_settings(*o).max_delay, 180s);
}

TEST(ResendOptions, BadValuesAreUsageErrors) {
  EXPECT_FALSE(parse({"--resend-tries", "0"}).ok());
  EXPECT_FALSE(parse({"--resend-after", "soon"}).ok());
  ResendOptions o;
  o.url = "http://broker";
  EXPECT_EQ(check_resend_options(o).error().kind, ErrorKind::usage);
  o.url = "mqtt://127.0.0.1";
  o.topic_template = "{unclosed";
  auto st = check_resend_options(o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("--resend-topic"), std::string::npos);
  o.topic_template = "{topic_prefix}/resend";
  o.after = Duration("0s");
  EXPECT_FALSE(check_resend_options(o).ok());
}

}  // namespace
}  // namespace iot::cli
