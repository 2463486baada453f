#include "store/redis_slot.hpp"

#include <algorithm>
#include <cctype>

namespace iot::store {
namespace {

bool named(const std::string& word, std::string_view name) {
  return std::equal(word.begin(), word.end(), name.begin(), name.end(),
                    [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; });
}

}  // namespace

std::uint16_t crc16_xmodem(std::string_view data) {
  std::uint16_t crc = 0;
  for (unsigned char byte : data) {
    crc ^= static_cast<std::uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
  }
  return crc;
}

std::string_view hashed_part(std::string_view key) {
  auto open = key.find('{');
  if (open == std::string_view::npos) return key;
  auto close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

int key_slot(std::string_view key) { return crc16_xmodem(hashed_part(key)) & (redis_slot_count - 1); }

std::optional<std::string_view> command_key(const std::vector<std::string>& argv) {
  if (argv.size() < 2) return std::nullopt;
  const std::string& name = argv[0];
  // XREAD / XREADGROUP: the first stream after STREAMS.
  if (named(name, "XREADGROUP") || named(name, "XREAD")) {
    for (std::size_t i = 1; i + 1 < argv.size(); ++i)
      if (named(argv[i], "STREAMS")) return argv[i + 1];
    return std::nullopt;
  }
  // XGROUP CREATE|DESTROY|SETID|CREATECONSUMER|DELCONSUMER key ...; XINFO STREAM|GROUPS|CONSUMERS key
  if (named(name, "XGROUP") || named(name, "XINFO")) {
    if (argv.size() < 3) return std::nullopt;
    return argv[2];
  }
  for (std::string_view keyless : {"PING", "AUTH", "HELLO", "CLUSTER", "INFO", "ASKING", "READONLY", "SELECT",
                                   "WAIT", "COMMAND", "CONFIG", "CLIENT", "ECHO", "FLUSHALL", "DBSIZE"})
    if (named(name, keyless)) return std::nullopt;
  return argv[1];  // GET, SET, EXISTS, DEL, XADD, XACK, XPENDING, XAUTOCLAIM, XCLAIM, XLEN, XRANGE, PUBLISH ...
}

}  // namespace iot::store
