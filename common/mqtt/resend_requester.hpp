// ResendRequester: the requesting side of the resend loop (iot-toolkit(7),
// RESEND ON GAP) for iot-ingest and iot-verify --resend. It owns one MQTT
// session of its own and a resend::ResendSchedule: the tool feeds it the
// sequence tracker's gap events and calls poll() from its loop; poll()
// publishes the requests that are due and applies the gone notices that
// arrived (subscribed, per resend topic, on <resend topic>/gone before its
// first request goes out).
//
// Threading: a thread of its own publishes the requests when they are due
// (every 50 ms), so a tool blocked on its input (iot-verify reading a
// quiet pipe) still asks; on_gap_event(), poll() and counters() may be
// called from the tool's thread. Gone notices arrive on the session's loop
// thread and wait in a small inbox.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "checks/sequence_tracker.hpp"
#include "core/result.hpp"
#include "mqtt/session.hpp"
#include "resend/notice.hpp"
#include "resend/schedule.hpp"

namespace iot::mqtt {

class ResendRequester {
 public:
  // Starts the session (it connects in the background; requests published
  // while it is down are sent after it connects).
  static Result<std::unique_ptr<ResendRequester>> start(SessionConfig config, resend::ScheduleSettings settings);
  ~ResendRequester();
  ResendRequester(const ResendRequester&) = delete;
  ResendRequester& operator=(const ResendRequester&) = delete;

  void on_gap_event(const checks::GapEvent& event, std::string_view resend_topic);
  // Requests due now go out; gone notices received are applied. Returns
  // the gaps given up since the last call (lost for good), for the tool to
  // record (at most 10,000 held between calls; past it only counted).
  std::vector<resend::LostGap> poll();

  resend::ScheduleCounters counters() const;
  std::size_t open_gaps() const;
  std::uint64_t bad_notices() const;
  // Ends the session (DISCONNECT after what is queued).
  void stop();

 private:
  ResendRequester(std::unique_ptr<Session> session, resend::ScheduleSettings settings);
  void received(const IncomingMessage& message);
  void run_due();  // with mutex_ held
  void timer();

  std::unique_ptr<Session> session_;
  mutable std::mutex mutex_;  // guards schedule_, subscribed_, lost_
  resend::ResendSchedule schedule_;
  std::set<std::string> subscribed_;  // resend topics whose gone topic is subscribed
  std::vector<resend::LostGap> lost_;  // given up, not yet taken by poll()
  std::mutex timer_mutex_;
  std::condition_variable timer_wake_;
  bool stopping_ = false;  // guarded by timer_mutex_
  std::thread timer_;
  mutable std::mutex inbox_mutex_;
  std::vector<resend::Notice> inbox_;  // gone notices not yet applied
  std::uint64_t bad_notices_ = 0;      // guarded by inbox_mutex_
};

}  // namespace iot::mqtt
