// What iot-sub writes for one message, parsed once from a format string and
// applied to every message (iot-sub(1) "FORMATS"). The three outputs are
// formats: NDJSON to a pipe is "%j", the human output of -v and of a
// terminal is "%I %t %v", and -F gives one. After each message a newline.
//
//   %t topic            %p payload bytes as received   %v payload for a person
//   %j NDJSON envelope  %x payload in hex               %l payload length
//   %q QoS              %r retain flag (0 or 1)         %m message id
//   %I receive time, RFC 3339 UTC, milliseconds         %U receive time, Unix s.ns
//   %C content type (MQTT 5; empty when none)           %% a percent sign
//   \n newline  \t tab  \r carriage return  \e escape  \\ a backslash
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "mqtt/session.hpp"
#include "iot-sub/payload_view.hpp"
#include "iot-sub/renderer.hpp"

namespace iot::sub {

struct FormatContext {
  const MessageRenderer* envelope = nullptr;  // for %j
  PayloadViewSettings view;                   // for %v
  bool color = false;                         // %t bold, %I dim
  bool safe_topic = false;                    // control characters of %t shown as '?'
};

class MessageFormat {
 public:
  // Errors (usage) name the directive or escape at fault and its position.
  static Result<MessageFormat> parse(std::string_view format);
  // rx_ts: receive time, ns since the epoch. Never fails.
  // jpos: the journal position an envelope (%j) carries, with --journal.
  std::string render(const mqtt::IncomingMessage& message, std::int64_t rx_ts, const FormatContext& context,
                     std::optional<std::uint64_t> jpos = std::nullopt) const;

 private:
  struct Piece {
    char directive = 0;  // 0: literal text
    std::string text;
  };
  std::vector<Piece> pieces_;
};

// "2026-03-19T10:40:00.123Z"
std::string rfc3339_millis(std::int64_t time_ns);

}  // namespace iot::sub
