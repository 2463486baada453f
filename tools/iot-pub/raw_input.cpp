#include "iot-pub/raw_input.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace iot::pub {
namespace {

// Opens path for reading ("-": stdin, not closed); closes what it opened.
class InputFd {
 public:
  explicit InputFd(const std::string& path) : path_(path) {
    fd_ = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  ~InputFd() {
    if (fd_ >= 0 && fd_ != STDIN_FILENO) ::close(fd_);
  }
  InputFd(const InputFd&) = delete;
  InputFd& operator=(const InputFd&) = delete;
  bool ok() const { return fd_ >= 0; }
  // Bytes read into buf (0 at the end), or -1 with errno.
  ssize_t read(char* buf, std::size_t size) {
    for (;;) {
      ssize_t n = ::read(fd_, buf, size);
      if (n >= 0 || errno != EINTR) return n;
    }
  }
  Error error(const char* what) const {
    return make_error(ErrorKind::io, "io", (path_ == "-" ? std::string("stdin") : path_) + ": " + what + ": " +
                                               std::strerror(errno));
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace

Result<std::string> read_whole_input(const std::string& path, std::size_t max_bytes) {
  InputFd in(path);
  if (!in.ok()) return in.error("cannot open");
  std::string out;
  char chunk[65536];
  for (;;) {
    ssize_t n = in.read(chunk, sizeof chunk);
    if (n < 0) return in.error("read");
    if (n == 0) return out;
    out.append(chunk, static_cast<std::size_t>(n));
    if (out.size() > max_bytes)
      return make_error(ErrorKind::too_large, "too_large",
                        (path == "-" ? std::string("stdin") : path) + ": more than " + std::to_string(max_bytes) +
                            " bytes: too large for one message");
  }
}

Status for_each_raw_line(const std::string& path, std::size_t max_bytes,
                         const std::function<bool(std::string_view, bool)>& each) {
  InputFd in(path);
  if (!in.ok()) return in.error("cannot open");
  std::string line;
  bool too_long = false;
  char chunk[65536];
  for (;;) {
    ssize_t n = in.read(chunk, sizeof chunk);
    if (n < 0) return in.error("read");
    if (n == 0) break;
    std::string_view data(chunk, static_cast<std::size_t>(n));
    while (!data.empty()) {
      std::size_t nl = data.find('\n');
      std::string_view piece = data.substr(0, nl);
      if (!too_long) {
        if (line.size() + piece.size() > max_bytes) {
          too_long = true;
          line.clear();
        } else {
          line.append(piece);
        }
      }
      if (nl == std::string_view::npos) break;
      data.remove_prefix(nl + 1);
      if (!each(line, too_long)) return ok_status();
      line.clear();
      too_long = false;
    }
  }
  if (!line.empty() || too_long) (void)each(line, too_long);
  return ok_status();
}

}  // namespace iot::pub
