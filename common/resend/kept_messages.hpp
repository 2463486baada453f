// KeptMessages: what iot-pub --keep holds after sending, to answer resend
// requests (iot-pub(1), --keep; iot-toolkit(7), RESEND ON GAP). Messages are
// kept by device and seq (read from the payload) for `keep` after they were
// sent, at most max_messages (the oldest go first). In memory: a restarted
// iot-pub answers only for what it sent since.
//
// Thread-safe: the publishing thread keeps, the resend thread looks up.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/sequence_tracker.hpp"
#include "resend/notice.hpp"

namespace iot::resend {

struct KeptMessage {
  std::string topic;
  std::string payload;     // the exact bytes sent: the same msg_id goes out again
  std::string props_json;  // the envelope's "props", or empty
  int qos = 1;
  bool retain = false;
  std::int64_t seq = 0;
  std::int64_t kept_ns = 0;  // when it was sent
};

// The answer to a request from what is held.
struct HeldAnswer {
  bool known_device = false;            // false: this publisher never sent for the device; stay silent
  std::vector<KeptMessage> held;        // to send again, in seq order
  std::vector<checks::SeqRange> gone;   // asked for, sent once, no longer held
};

// The device_id (a string) and seq (an integer) at the top level of a
// payload in any encoding iot-pub sends (JSON, MessagePack, zlib); nothing
// when it has none of them.
std::optional<std::pair<std::string, std::int64_t>> message_key(std::string_view payload);

class KeptMessages {
 public:
  KeptMessages(std::chrono::nanoseconds keep, std::size_t max_messages);
  // Keeps a message that was sent at now_ns; returns its device id, or
  // nothing when the payload names no device and seq (not kept).
  std::optional<std::string> keep(KeptMessage message, std::int64_t now_ns);
  // What is held of the request's range, at most max_held messages (the
  // rest is neither held nor gone: asked again later). Seqs above the
  // highest this publisher sent for the device are not yet sent, not gone.
  HeldAnswer lookup(const Notice& request, std::int64_t now_ns, std::size_t max_held);
  // Forgets what was kept longer than `keep`.
  void expire(std::int64_t now_ns);
  std::size_t size() const;
  // When the newest message held was kept (0: none held).
  std::int64_t newest_ns() const;

 private:
  struct Device {
    std::int64_t highest = INT64_MIN;  // the highest seq ever kept
    std::map<std::int64_t, KeptMessage> by_seq;
  };
  void expire_locked(std::int64_t now_ns);
  void forget_oldest();

  const std::int64_t keep_ns_;
  const std::size_t max_;
  mutable std::mutex mutex_;
  std::map<std::string, Device, std::less<>> devices_;
  std::deque<std::pair<std::string, std::int64_t>> order_;  // device, seq: oldest first
  std::size_t size_ = 0;
  std::int64_t newest_ns_ = 0;
};

}  // namespace iot::resend
