#include "iot-sub/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace iot::sub {
namespace {
Error io(const std::string& path, const char* what) {
  return make_error(ErrorKind::io, "io", "journal " + path + ": " + what + ": " + std::strerror(errno));
}
}  // namespace

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path, std::uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return io(path, "open");
  return std::unique_ptr<Journal>(new Journal(fd, path, max_bytes));
}

Journal::~Journal() { ::close(fd_); }

Result<std::uint64_t> Journal::drain(stream::LineWriter& out) {
  if (::lseek(fd_, 0, SEEK_SET) < 0) return io(path_, "seek");
  std::string pending;
  char chunk[65536];
  std::uint64_t lines = 0;
  for (;;) {
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io(path_, "read");
    if (n == 0) break;
    pending.append(chunk, static_cast<std::size_t>(n));
    std::size_t start = 0, nl;
    while ((nl = pending.find('\n', start)) != std::string::npos) {
      if (auto st = out.write_line(std::string_view(pending).substr(start, nl - start)); !st) return st.error();
      ++lines;
      start = nl + 1;
    }
    pending.erase(0, start);
  }
  if (auto st = out.flush(); !st) return st.error();
  if (auto st = truncate(); !st) return st.error();
  return lines;
}

Status Journal::truncate() {
  if (::ftruncate(fd_, 0) != 0) return io(path_, "truncate");
  if (::fdatasync(fd_) != 0) return io(path_, "sync");
  size_ = 0;
  return ok_status();
}

Status Journal::append(std::string_view line) {
  if (size_ > max_bytes_)
    if (auto st = truncate(); !st) return st;
  buf_.assign(line);
  buf_ += '\n';
  std::size_t done = 0;
  while (done < buf_.size()) {
    ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io(path_, "write");
    done += static_cast<std::size_t>(n);
  }
  if (::fdatasync(fd_) != 0) return io(path_, "sync");
  size_ += buf_.size();
  return ok_status();
}

}  // namespace iot::sub
