// SHA-256 (OpenSSL), hex-encoded as the complete message's checksum_sha256, and random
// UUIDv4 upload ids.
#pragma once

#include <string>
#include <string_view>

namespace iot::waveform {

std::string sha256_hex(std::string_view bytes);  // 64 lowercase hex digits
std::string random_uuid4();                      // "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"

}  // namespace iot::waveform
