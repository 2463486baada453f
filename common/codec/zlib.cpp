#include "codec/zlib.hpp"

#include <zlib.h>

#include <array>
#include <memory>

namespace iot::codec {
namespace {

constexpr std::size_t kChunk = 64 * 1024;  // fixed output window: memory stays bounded
constexpr int kZlibWindow = 15;            // RFC 1950 wrapper
constexpr int kGzipWindow = 15 + 16;       // RFC 1952 wrapper

// "64 MiB" rather than "67108864 bytes" when the cap is a whole number of MiB.
std::string size_words(std::size_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
  return std::to_string(n) + " bytes";
}

Error decode_error(std::string what) {
  return make_error(ErrorKind::bad_input, "decode", std::move(what));
}

// RAII owner of an inflating z_stream.
class Inflater {
 public:
  explicit Inflater(int window_bits) {
    ok_ = inflateInit2(&zs_, window_bits) == Z_OK;
  }
  ~Inflater() {
    if (ok_) inflateEnd(&zs_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  bool ok() const { return ok_; }
  z_stream& stream() { return zs_; }

 private:
  z_stream zs_{};
  bool ok_ = false;
};

// RAII owner of a deflating z_stream.
class Deflater {
 public:
  Deflater(int level, int window_bits) {
    ok_ = deflateInit2(&zs_, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() {
    if (ok_) deflateEnd(&zs_);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;
  bool ok() const { return ok_; }
  z_stream& stream() { return zs_; }

 private:
  z_stream zs_{};
  bool ok_ = false;
};

// Inflates one or more members (gzip allows concatenated members; zlib does
// not) into out, never holding more than max_out bytes of output.
Result<std::string> inflate_all(std::string_view in, std::size_t max_out, int window_bits,
                                bool allow_members, const char* name) {
  Inflater inf(window_bits);
  if (!inf.ok()) return make_error(ErrorKind::internal, "internal", std::string(name) + ": inflateInit failed");
  if (in.size() > 0xFFFFFFFFu) return make_error(ErrorKind::too_large, "too_large", std::string(name) + ": input over 4 GiB");
  z_stream& zs = inf.stream();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  std::array<unsigned char, kChunk> buf;
  for (;;) {
    zs.next_out = buf.data();
    zs.avail_out = static_cast<uInt>(buf.size());
    int rc = inflate(&zs, Z_NO_FLUSH);
    std::size_t produced = buf.size() - zs.avail_out;
    if (out.size() + produced > max_out) {
      return make_error(ErrorKind::too_large, "too_large",
                        std::string(name) + ": output over " + size_words(max_out));
    }
    out.append(reinterpret_cast<const char*>(buf.data()), produced);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) return out;
      if (!allow_members) return decode_error(std::string(name) + ": trailing bytes after the stream");
      if (inflateReset(&zs) != Z_OK) return decode_error(std::string(name) + ": reset failed");
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 && produced == 0) {
      return decode_error(std::string(name) + ": truncated stream");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return decode_error(std::string(name) + ": " + (zs.msg ? zs.msg : "corrupt stream"));
    }
  }
}

// Whole-buffer compression; inputs past 4 GiB (zlib's uInt) are not
// supported and give an empty result.
std::string deflate_all(std::string_view in, int level, int window_bits) {
  if (in.size() > 0xFFFFFFFFu) return {};
  Deflater def(level, window_bits);
  if (!def.ok()) return {};
  z_stream& zs = def.stream();
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  // deflateBound guarantees one Z_FINISH call completes.
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) return {};
  out.resize(zs.total_out);
  return out;
}

}  // namespace

bool looks_like_zlib(std::string_view bytes) {
  if (bytes.size() < 2) return false;
  unsigned cmf = static_cast<unsigned char>(bytes[0]);
  unsigned flg = static_cast<unsigned char>(bytes[1]);
  return (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && (cmf * 256 + flg) % 31 == 0 && (flg & 0x20) == 0;
}

Result<std::string> zlib_inflate(std::string_view bytes, std::size_t max_out) {
  if (!looks_like_zlib(bytes)) return decode_error("zlib: no valid zlib header");
  return inflate_all(bytes, max_out, kZlibWindow, false, "zlib");
}

std::string zlib_deflate(std::string_view bytes, int level) {
  return deflate_all(bytes, level, kZlibWindow);
}

Result<std::string> gzip_inflate(std::string_view bytes, std::size_t max_out) {
  if (bytes.size() < 2 || static_cast<unsigned char>(bytes[0]) != 0x1f ||
      static_cast<unsigned char>(bytes[1]) != 0x8b) {
    return decode_error("gzip: no gzip magic");
  }
  return inflate_all(bytes, max_out, kGzipWindow, true, "gzip");
}

std::string gzip_deflate(std::string_view bytes, int level) {
  return deflate_all(bytes, level, kGzipWindow);
}

}  // namespace iot::codec
