// The two messages of the resend loop (iot-toolkit(7), RESEND ON GAP), both
// one JSON object on MQTT:
//
//   request, to the resend topic (iot-ingest and iot-verify --resend):
//     {"device_id":"P-1","from_seq":5,"requested_at":"2026-...Z","to_seq":9}
//   gone, to the resend topic + "/gone" (iot-pub --keep):
//     {"device_id":"P-1","from_seq":5,"gone_at":"2026-...Z","to_seq":9}
//
// from_seq..to_seq is an inclusive range of seqs of one device. A request
// asks the publisher to send those messages again; a gone notice says that
// the publisher no longer holds them, so the requester stops asking. The
// parser takes what other programs write (mosquitto_pub, scripts): members
// in any order, unknown members ignored, the time optional.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::resend {

enum class NoticeKind { request, gone };

struct Notice {
  NoticeKind kind = NoticeKind::request;
  std::string device_id;
  std::int64_t from_seq = 0;
  std::int64_t to_seq = 0;
  std::int64_t at_ns = 0;  // requested_at / gone_at; 0 when the sender gave none
  bool operator==(const Notice&) const = default;
};

// The largest notice accepted (a device id is at most limits::max_device_id_bytes).
inline constexpr std::size_t max_notice_bytes = 4096;

// One line of JSON, keys sorted (Python's json.dumps(sort_keys=True) gives the same).
std::string render(const Notice& notice);

// Errors: reason "bad_json" (not a JSON object, too large) or "schema" (a
// member missing or of the wrong type, an empty device_id, from_seq >
// to_seq, a bad time), naming the member.
Result<Notice> parse(std::string_view text, NoticeKind kind);

// The topic gone notices for requests on `resend_topic` go to.
std::string gone_topic(std::string_view resend_topic);

}  // namespace iot::resend
