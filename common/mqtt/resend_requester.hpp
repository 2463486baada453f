// ResendRequester: the requesting side of the resend loop (iot-toolkit(7),
// RESEND ON GAP) for iot-ingest and iot-verify --resend. It owns one MQTT
// session of its own and a resend::ResendSchedule: the tool feeds it the
// sequence tracker's gap events and calls poll() from its loop; poll()
// publishes the requests that are due and applies the gone notices that
// arrived (subscribed, per resend topic, on <resend topic>/gone before its
// first request goes out).
//
// Threading: on_gap_event() and poll() on the tool's thread; gone notices
// arrive on the session's loop thread and wait in a small inbox.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
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
  // the gaps given up now (lost for good), for the tool to log and count.
  std::vector<resend::LostGap> poll();

  const resend::ScheduleCounters& counters() const { return schedule_.counters(); }
  std::size_t open_gaps() const { return schedule_.open(); }
  std::uint64_t bad_notices() const;
  // Ends the session (DISCONNECT after what is queued).
  void stop();

 private:
  ResendRequester(std::unique_ptr<Session> session, resend::ScheduleSettings settings);
  void received(const IncomingMessage& message);

  std::unique_ptr<Session> session_;
  resend::ResendSchedule schedule_;
  std::set<std::string> subscribed_;  // resend topics whose gone topic is subscribed
  mutable std::mutex inbox_mutex_;
  std::vector<resend::Notice> inbox_;  // gone notices not yet applied
  std::uint64_t bad_notices_ = 0;      // guarded by inbox_mutex_
};

}  // namespace iot::mqtt
