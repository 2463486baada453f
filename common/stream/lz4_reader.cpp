// lz4 frame input (04 22 4d 18), decompressed as it is read; concatenated
// frames are read one after another. The frame API bounds memory by itself.
#include <lz4frame.h>

#include <vector>

#include "stream/compressed_reader.hpp"

namespace iot::stream::detail {
namespace {

struct DctxDeleter {
  void operator()(LZ4F_dctx* d) const { LZ4F_freeDecompressionContext(d); }
};

class Lz4LineReader : public LineReader {
 public:
  Lz4LineReader(int fd, bool owns_fd, std::string source, std::size_t max_line, std::string prefix)
      : LineReader(fd, std::move(source), max_line), in_(64u << 10) {
    if (owns_fd) own_fd();
    set_prefix(std::move(prefix));
    LZ4F_dctx* d = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)))
      fail(ErrorKind::internal, "io", source_ + ": lz4 init failed");
    dctx_.reset(d);
  }

 protected:
  long read_some(char* dst, std::size_t n) override {
    if (!dctx_) return -1;
    for (;;) {
      if (in_pos_ == in_len_ && !refill()) return error_ ? -1 : 0;
      std::size_t out_size = n;
      std::size_t src_size = in_len_ - in_pos_;
      std::size_t hint = LZ4F_decompress(dctx_.get(), dst, &out_size, in_.data() + in_pos_, &src_size, nullptr);
      if (LZ4F_isError(hint)) {
        fail(ErrorKind::bad_input, "decode",
             source_ + ": corrupt lz4 data (" + LZ4F_getErrorName(hint) + ")");
        return -1;
      }
      in_pos_ += src_size;
      frame_open_ = hint != 0;
      if (out_size > 0) return static_cast<long>(out_size);
    }
  }

 private:
  bool refill() {
    long r = read_raw(in_.data(), in_.size());
    if (r < 0) return false;
    if (r == 0) {
      if (frame_open_) fail(ErrorKind::bad_input, "decode", source_ + ": truncated lz4 data");
      return false;
    }
    in_pos_ = 0;
    in_len_ = static_cast<std::size_t>(r);
    return true;
  }

  std::unique_ptr<LZ4F_dctx, DctxDeleter> dctx_;
  std::vector<char> in_;
  std::size_t in_pos_ = 0, in_len_ = 0;
  bool frame_open_ = true;  // a frame was announced by the magic
};

}  // namespace

std::unique_ptr<LineReader> make_lz4_reader(int fd, bool owns_fd, std::string source,
                                            std::size_t max_line, std::string prefix) {
  return std::make_unique<Lz4LineReader>(fd, owns_fd, std::move(source), max_line, std::move(prefix));
}

}  // namespace iot::stream::detail
