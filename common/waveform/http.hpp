// The pre-signed URL path of iot-waveform(1) send --upload-url (libcurl): PUT a blob to a URL
// and GET it back, with a size cap and a timeout. 2xx is success.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::waveform {

// Fails with kind unavailable (reason "http") when the server cannot be
// reached or answers other than 2xx.
Status http_put(const std::string& url, std::string_view body, std::chrono::seconds timeout = std::chrono::seconds(60));
// Fails like http_put, or with too_large when the body passes max_bytes.
Result<std::string> http_get(const std::string& url, std::size_t max_bytes,
                             std::chrono::seconds timeout = std::chrono::seconds(60));

}  // namespace iot::waveform
