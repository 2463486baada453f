// LineReader::open: a path or "-", its format told by its first bytes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "stream/compressed_reader.hpp"

namespace iot::stream {
namespace detail {

Sniff sniff_format(std::string_view head) {
  static constexpr std::string_view kGzip("\x1f\x8b", 2);
  static constexpr std::string_view kLz4("\x04\x22\x4d\x18", 4);
  for (auto [magic, format] : {std::pair{kGzip, InputFormat::gzip}, std::pair{kLz4, InputFormat::lz4}}) {
    std::size_t k = std::min(head.size(), magic.size());
    if (head.substr(0, k) != magic.substr(0, k)) continue;
    if (k < magic.size()) return {InputFormat::plain, true};
    return {format, false};
  }
  return {InputFormat::plain, head.empty()};
}

}  // namespace detail

namespace {

// Reads just enough of the start to tell the format: a JSON line decides at
// its first byte, so an interactive stdin is never held up.
Result<std::string> read_head(int fd, const std::string& source) {
  std::string head;
  char buf[4];
  while (head.size() < sizeof buf && detail::sniff_format(head).need_more) {
    ssize_t r = ::read(fd, buf, sizeof buf - head.size());
    if (r == 0) break;
    if (r < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorKind::io, "io", source + ": read: " + std::strerror(errno));
    }
    head.append(buf, static_cast<std::size_t>(r));
  }
  return head;
}

}  // namespace

Result<std::unique_ptr<LineReader>> LineReader::open(const std::string& path, std::size_t max_line) {
  const bool is_stdin = path == "-";
  int fd = is_stdin ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(ErrorKind::io, "io", "cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (!is_stdin && ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return make_error(ErrorKind::io, "io", "cannot read " + path + ": is a directory");
  }
  auto head = read_head(fd, path);
  if (!head) {
    if (!is_stdin) ::close(fd);
    return head.error();
  }
  const bool owns = !is_stdin;
  switch (detail::sniff_format(*head).format) {
    case detail::InputFormat::gzip:
      return detail::make_gzip_reader(fd, owns, path, max_line, std::move(*head));
    case detail::InputFormat::lz4:
      return detail::make_lz4_reader(fd, owns, path, max_line, std::move(*head));
    case detail::InputFormat::plain:
      break;
  }
  auto reader = std::make_unique<LineReader>(fd, path, max_line);
  if (owns) reader->own_fd();
  reader->set_prefix(std::move(*head));
  return reader;
}

}  // namespace iot::stream
