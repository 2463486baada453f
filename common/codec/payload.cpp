#include "codec/payload.hpp"

#include "codec/json_text.hpp"
#include "codec/msgpack.hpp"
#include "codec/zlib.hpp"

namespace iot::codec {
namespace {

bool is_single_digit(std::string_view bytes) {
  return bytes.size() == 1 && bytes[0] >= '0' && bytes[0] <= '9';
}

// The first byte of a MessagePack map or array (fixmap, fixarray, and the
// 16/32-bit map and array forms): a failed decode of these is worth a note.
bool looks_like_msgpack_container(std::string_view bytes) {
  if (bytes.empty()) return false;
  auto b = static_cast<unsigned char>(bytes[0]);
  return (b >= 0x80 && b <= 0x9f) || (b >= 0xdc && b <= 0xdf);
}

bool looks_like_json_container(std::string_view bytes) {
  for (char c : bytes) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{' || c == '[';
  }
  return false;
}

// MessagePack, then JSON. Every ASCII byte is a complete one-byte MessagePack
// value, so JSON text can only pass as MessagePack when it is one byte long:
// a lone digit, which is read as the JSON number it is meant to be.
std::optional<DecodedPayload> decode_structured(std::string_view bytes, const DecodeLimits& limits,
                                                bool zlib_wrapped, std::string& note) {
  // A first byte below 0x80 is a whole MessagePack value (a positive
  // fixint): with more bytes after it, the decode can only fail, on trailing
  // bytes, and a JSON payload would pay for that failure every message.
  const bool fixint_then_more = bytes.size() > 1 && static_cast<unsigned char>(bytes[0]) < 0x80;
  if (!is_single_digit(bytes) && !fixint_then_more) {
    auto mp = msgpack_to_json(bytes, limits.max_depth);
    if (mp) return DecodedPayload{zlib_wrapped ? Encoding::zlib_msgpack : Encoding::msgpack, std::move(*mp), {}};
    if (looks_like_msgpack_container(bytes)) note = mp.error().message;
  }
  auto js = minify_json(bytes, limits.max_depth);
  if (js) return DecodedPayload{zlib_wrapped ? Encoding::zlib_json : Encoding::json, std::move(*js), {}};
  if (looks_like_json_container(bytes)) {
    note = is_valid_utf8(bytes) ? js.error().message : "json: not valid UTF-8";
  }
  return std::nullopt;
}

}  // namespace

std::string_view encoding_name(Encoding enc) {
  switch (enc) {
    case Encoding::json: return "json";
    case Encoding::msgpack: return "msgpack";
    case Encoding::zlib_json: return "zlib+json";
    case Encoding::zlib_msgpack: return "zlib+msgpack";
    case Encoding::binary: return "binary";
  }
  return "binary";
}

std::optional<Encoding> parse_encoding(std::string_view name) {
  for (auto enc : {Encoding::json, Encoding::msgpack, Encoding::zlib_json, Encoding::zlib_msgpack,
                   Encoding::binary}) {
    if (encoding_name(enc) == name) return enc;
  }
  return std::nullopt;
}

DecodedPayload decode_payload(std::string_view bytes, const DecodeLimits& limits) {
  std::string note;
  if (looks_like_zlib(bytes)) {
    auto inflated = zlib_inflate(bytes, limits.max_decompressed);
    if (inflated) {
      std::string inner_note;
      if (auto d = decode_structured(*inflated, limits, true, inner_note)) return std::move(*d);
      return DecodedPayload{Encoding::binary, {},
                            "zlib content is neither MessagePack nor JSON" +
                                (inner_note.empty() ? std::string() : " (" + inner_note + ")")};
    }
    // A bomb is reported; a failed inflate may still be text such as "x^...".
    if (inflated.error().reason == "too_large") note = inflated.error().message;
  }
  std::string structured_note;
  if (auto d = decode_structured(bytes, limits, false, structured_note)) return std::move(*d);
  if (note.empty()) note = std::move(structured_note);
  return DecodedPayload{Encoding::binary, {}, std::move(note)};
}

Result<std::string> encode_payload(std::string_view json_text, Encoding enc) {
  switch (enc) {
    case Encoding::json: return minify_json(json_text);
    case Encoding::msgpack: return json_to_msgpack(json_text);
    case Encoding::zlib_json: {
      auto js = minify_json(json_text);
      if (!js) return js.error();
      return zlib_deflate(*js);
    }
    case Encoding::zlib_msgpack: {
      auto mp = json_to_msgpack(json_text);
      if (!mp) return mp.error();
      return zlib_deflate(*mp);
    }
    case Encoding::binary: break;
  }
  return make_error(ErrorKind::usage, "usage",
                    "binary payloads travel as payload_b64 bytes, not encoded from JSON");
}

}  // namespace iot::codec
