// gzip (and zlib) input, inflated as it is read: windowBits 15+32 detects the
// header; concatenated members (`cat a.gz b.gz`) are read one after another.
#include <zlib.h>

#include <vector>

#include "stream/compressed_reader.hpp"

namespace iot::stream::detail {
namespace {

class GzipLineReader : public LineReader {
 public:
  GzipLineReader(int fd, bool owns_fd, std::string source, std::size_t max_line, std::string prefix)
      : LineReader(fd, std::move(source), max_line), in_(64u << 10) {
    if (owns_fd) own_fd();
    set_prefix(std::move(prefix));
    if (inflateInit2(&zs_, 15 + 32) != Z_OK) fail(ErrorKind::internal, "io", source_ + ": zlib init failed");
    else ready_ = true;
  }
  ~GzipLineReader() override {
    if (ready_) inflateEnd(&zs_);
  }

 protected:
  long read_some(char* dst, std::size_t n) override {
    if (!ready_) return -1;
    zs_.next_out = reinterpret_cast<Bytef*>(dst);
    zs_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    const uInt want = zs_.avail_out;
    while (zs_.avail_out == want) {
      if (zs_.avail_in == 0 && !refill()) return error_ ? -1 : 0;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_done_ = true;
        if (zs_.avail_in > 0) start_member();
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        fail(ErrorKind::bad_input, "decode",
             source_ + ": corrupt gzip data (" + (zs_.msg ? zs_.msg : "inflate failed") + ")");
        return -1;
      }
    }
    return static_cast<long>(want - zs_.avail_out);
  }

 private:
  // More compressed input; false at its end (an error when a member is open).
  bool refill() {
    long r = read_raw(reinterpret_cast<char*>(in_.data()), in_.size());
    if (r < 0) return false;
    if (r == 0) {
      if (!member_done_) fail(ErrorKind::bad_input, "decode", source_ + ": truncated gzip data");
      return false;
    }
    zs_.next_in = in_.data();
    zs_.avail_in = static_cast<uInt>(r);
    if (member_done_) start_member();
    return true;
  }
  void start_member() {
    inflateReset(&zs_);
    member_done_ = false;
  }

  z_stream zs_{};
  bool ready_ = false;
  bool member_done_ = false;
  std::vector<Bytef> in_;
};

}  // namespace

std::unique_ptr<LineReader> make_gzip_reader(int fd, bool owns_fd, std::string source,
                                             std::size_t max_line, std::string prefix) {
  return std::make_unique<GzipLineReader>(fd, owns_fd, std::move(source), max_line, std::move(prefix));
}

}  // namespace iot::stream::detail
