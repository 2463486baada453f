// Secrets in files (key files and password files, iot-toolkit(7) SHARED OPTIONS): the file's
// text, less one trailing newline ("\n" or "\r\n"), is the secret; with a
// "base64:" or "hex:" prefix it is the decoded bytes, for binary keys. An
// empty secret, or one that does not decode, is a usage error naming the
// file. One reader for every tool and the registry's per-route keys.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::codec {

// source names the file in messages ("site.key: bad hex key: ...").
Result<std::string> decode_secret_text(std::string text, std::string_view source);
// what names the kind of file in messages ("cannot read key file ...").
Result<std::string> read_secret_file(const std::string& path, std::string_view what = "secret file");

}  // namespace iot::codec
