// A payload as iot-sub shows it to a person (%v, and -v / a terminal;
// iot-sub(1) "HUMAN OUTPUT"): JSON pretty-printed and coloured; other text
// as it is; zlib and MessagePack decoded and shown as JSON after a tag like
// "(msgpack)"; anything else as "(N bytes)" and its first bytes in hex. No
// control character of a payload reaches the terminal (text holding one is
// shown as bytes).
#pragma once

#include <string>
#include <string_view>

#include "codec/payload.hpp"
#include "iot-sub/key_dict.hpp"

namespace iot::sub {

struct PayloadViewSettings {
  bool color = false;
  const KeyDictionary* dict = nullptr;  // --dict: keys expanded in JSON
  codec::DecodeLimits limits;
};

void append_payload_view(std::string& out, std::string_view payload, const PayloadViewSettings& settings);

}  // namespace iot::sub
