// The requester without a broker: requests are published (queued by
// libmosquitto while its broker is away) and a gap nobody answers is given
// up after --resend-tries. The answered side (gone notices, resent
// messages) runs against mosquitto in tests/integration/resend_gap.sh.
#include "mqtt/resend_requester.hpp"
#include "support/loopback_port.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

using namespace std::chrono_literals;

namespace iot::mqtt {
namespace {

int closed_port() { return iot::test::unused_loopback_port(); }

TEST(ResendRequester, AGapNobodyAnswersIsLostAfterTheTries) {
  SessionConfig c;
  c.endpoint.host = "127.0.0.1";
  c.endpoint.port = closed_port();
  c.client_id = "unit-resend-requester";
  c.retries = 0;
  c.backoff = {10ms, 20ms, 2.0};
  resend::ScheduleSettings s;
  s.after = 1ms;
  s.tries = 2;
  s.max_delay = 4ms;
  auto r = ResendRequester::start(c, s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  (*r)->on_gap_event(checks::GapEvent{checks::GapEventKind::opened, "P-1", {5, 9}, {{5, 9}}}, "plant/P-1/resend");
  EXPECT_EQ((*r)->open_gaps(), 1u);
  std::vector<resend::LostGap> lost;
  for (int i = 0; i < 1000 && lost.empty(); ++i) {  // a bound, not a timing: each turn is a few ms at least
    lost = (*r)->poll();
    if (lost.empty()) std::this_thread::sleep_for(2ms);
  }
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].device_id, "P-1");
  EXPECT_EQ(lost[0].why, resend::LostWhy::no_answer);
  EXPECT_EQ((*r)->counters().requests, 2u);
  EXPECT_EQ((*r)->counters().lost, 1u);
  EXPECT_EQ((*r)->open_gaps(), 0u);
  EXPECT_EQ((*r)->bad_notices(), 0u);
  (*r)->stop();
}

TEST(ResendRequester, AGapFilledBeforeItIsDueIsNeverAskedFor) {
  SessionConfig c;
  c.endpoint.host = "127.0.0.1";
  c.endpoint.port = closed_port();
  c.client_id = "unit-resend-requester-2";
  c.retries = 0;
  resend::ScheduleSettings s;
  s.after = 1h;
  auto r = ResendRequester::start(c, s);
  ASSERT_TRUE(r.ok());
  (*r)->on_gap_event(checks::GapEvent{checks::GapEventKind::opened, "P-1", {1, 1}, {{1, 1}}}, "t/resend");
  (*r)->on_gap_event(checks::GapEvent{checks::GapEventKind::filled, "P-1", {1, 1}, {}}, "");
  EXPECT_EQ((*r)->open_gaps(), 0u);
  EXPECT_TRUE((*r)->poll().empty());
  EXPECT_EQ((*r)->counters().requests, 0u);
}

}  // namespace
}  // namespace iot::mqtt
