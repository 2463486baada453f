#include "stream/line_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace iot::stream {

Result<std::unique_ptr<LineWriter>> LineWriter::open(const std::string& path, bool append) {
  if (path == "-") return std::make_unique<LineWriter>(1, wants_line_flush(1));
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return make_error(ErrorKind::io, "io", "cannot open " + path + ": " + std::strerror(errno));
  auto writer = std::make_unique<LineWriter>(fd, wants_line_flush(fd));
  writer->owned_ = true;
  return writer;
}

bool LineWriter::wants_line_flush(int fd) {
  if (::isatty(fd)) return true;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return true;
  return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

LineWriter::LineWriter(int fd, bool line_flush) : fd_(fd), line_flush_(line_flush) {
  buf_.reserve(kFlushAt + 4096);
}

LineWriter::~LineWriter() {
  (void)flush();
  if (owned_) ::close(fd_);
}

Status LineWriter::write_all(const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      failed_ = errno == EPIPE ? make_error(ErrorKind::io, "io", "output closed")
                               : make_error(ErrorKind::io, "io", std::string("write: ") + std::strerror(errno));
      return *failed_;
    }
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return ok_status();
}

Status LineWriter::write_line(std::string_view text) {
  if (failed_) return *failed_;
  buf_.append(text);
  buf_ += '\n';
  if (line_flush_ || buf_.size() >= kFlushAt) return flush();
  return ok_status();
}

Status LineWriter::write_part(std::string_view text) {
  if (failed_) return *failed_;
  buf_.append(text);
  if (buf_.size() >= kFlushAt) return flush();
  return ok_status();
}

Status LineWriter::flush() {
  if (failed_) return *failed_;
  if (buf_.empty()) return ok_status();
  auto status = write_all(buf_.data(), buf_.size());
  buf_.clear();
  if (buf_.capacity() > 4 * kFlushAt) buf_.shrink_to_fit();  // after one huge line
  return status;
}

Status LineWriter::sync() {
  auto status = flush();
  if (!status) return status;
  if (::fdatasync(fd_) != 0 && errno != EINVAL && errno != EROFS) {
    return make_error(ErrorKind::io, "io", std::string("fdatasync: ") + std::strerror(errno));
  }
  return ok_status();
}

}  // namespace iot::stream
