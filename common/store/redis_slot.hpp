// Redis Cluster key slots (iot-ingest(1), REDIS CLUSTER): a key lives in slot
// CRC16(key) mod 16384, where CRC16 is the XMODEM variant (polynomial
// 0x1021, initial value 0) and, when the key holds a hash tag, only the text
// between the first '{' and the next '}' is hashed (when that text is not
// empty). Keys sharing a tag, such as "tenant:{t1}:agent:devices:ingestion"
// and its ":dlq" stream, share a slot and so a node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iot::store {

inline constexpr int redis_slot_count = 16384;

std::uint16_t crc16_xmodem(std::string_view data);
// The part of a key that is hashed: its hash tag, or the whole key.
std::string_view hashed_part(std::string_view key);
int key_slot(std::string_view key);

// The key a command is routed by, for the commands the toolkit sends; none
// for commands without a key (PING, AUTH, CLUSTER ...), which any node answers.
std::optional<std::string_view> command_key(const std::vector<std::string>& argv);

}  // namespace iot::store
