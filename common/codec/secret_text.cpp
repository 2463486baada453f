#include "codec/secret_text.hpp"

#include <fstream>
#include <iterator>

#include "codec/base64.hpp"

namespace iot::codec {

Result<std::string> decode_secret_text(std::string text, std::string_view source) {
  auto fail = [&](const std::string& why) {
    return make_error(ErrorKind::usage, "usage", std::string(source) + ": " + why);
  };
  if (text.ends_with("\r\n")) text.resize(text.size() - 2);
  else if (text.ends_with("\n")) text.pop_back();
  std::string_view body = text;
  Result<std::string> decoded = std::string();
  if (body.starts_with("base64:")) {
    decoded = base64_decode(body.substr(7));
    if (!decoded) return fail("bad base64 key: " + decoded.error().message);
  } else if (body.starts_with("hex:")) {
    decoded = hex_decode(body.substr(4));
    if (!decoded) return fail("bad hex key: " + decoded.error().message);
  } else {
    decoded = std::move(text);
  }
  if (decoded->empty()) return fail("the secret is empty");
  return decoded;
}

Result<std::string> read_secret_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::usage, "usage", "cannot read " + std::string(what) + " " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return make_error(ErrorKind::usage, "usage", "cannot read " + std::string(what) + " " + path);
  return decode_secret_text(std::move(text), path);
}

}  // namespace iot::codec
