#include "stream/ack_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include "core/file_io.hpp"

namespace iot::stream {
namespace {

constexpr std::size_t kMaxAckFileBytes = 4096;  // one short line; more is not an ack file

Error bad_ack(std::string_view why) {
  return make_error(ErrorKind::bad_input, "bad_ack_file",
                    std::string(why) + " (an ack file holds one line {\"jpos\":N}, see iot-stream(5))");
}

Error io(const std::string& path, const char* what) {
  return make_error(ErrorKind::io, "io", "ack file " + path + ": " + what + ": " + std::strerror(errno));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool eat(std::string_view& s, std::string_view what) {
  s = trim(s);
  if (s.substr(0, what.size()) != what) return false;
  s.remove_prefix(what.size());
  return true;
}

}  // namespace

// Strict on purpose: the file decides what a journal may forget, so anything
// but the one shape the writer makes is refused rather than guessed at.
Result<std::uint64_t> parse_ack_text(std::string_view text) {
  std::string_view s = trim(text);
  if (s.empty()) return std::uint64_t{0};
  std::string_view shown = s.substr(0, 60);
  if (!eat(s, "{") || !eat(s, "\"jpos\"") || !eat(s, ":"))
    return bad_ack("not an ack file: found \"" + std::string(shown) + "\"");
  s = trim(s);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec == std::errc::result_out_of_range) return bad_ack("jpos is beyond 64 bits");
  if (ec != std::errc() || end == s.data()) return bad_ack("jpos is not a non-negative integer");
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  if (!eat(s, "}") || !trim(s).empty())
    return bad_ack("not an ack file: found \"" + std::string(shown) + "\"");
  return value;
}

Result<std::uint64_t> read_ack_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::uint64_t{0};
    return io(path, "open");
  }
  std::string text;
  char chunk[1024];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Error e = io(path, "read");
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
    if (text.size() > kMaxAckFileBytes) break;
  }
  ::close(fd);
  if (text.size() > kMaxAckFileBytes) {
    Error e = bad_ack("over " + std::to_string(kMaxAckFileBytes) + " bytes");
    e.message = "ack file " + path + ": " + e.message;
    return e;
  }
  auto parsed = parse_ack_text(text);
  if (!parsed) {
    Error e = parsed.error();
    e.message = "ack file " + path + ": " + e.message;
    return e;
  }
  return parsed;
}

Status write_ack_file(const std::string& path, std::uint64_t position) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io(tmp, "open");
  const std::string text = "{\"jpos\":" + std::to_string(position) + "}\n";
  if (!write_fully(fd, text)) {
    Error e = io(tmp, "write");
    ::close(fd);
    return e;
  }
  if (::fsync(fd) != 0) {
    Error e = io(tmp, "fsync");
    ::close(fd);
    return e;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return io(path, "rename");
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (!fsync_directory(dir.empty() ? "." : dir)) return io(dir.empty() ? "." : dir, "fsync of the folder");
  return ok_status();
}

// From the end: '}', the digits, ':', "jpos", ','; spaces between them are
// allowed (other writers than iot-sub may put them there).
std::uint64_t journal_position(std::string_view line) {
  auto skip_space = [&line] {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
  };
  auto take = [&line, &skip_space](std::string_view what) {
    skip_space();
    if (line.size() < what.size() || line.substr(line.size() - what.size()) != what) return false;
    line.remove_suffix(what.size());
    return true;
  };
  if (!take("}")) return 0;
  skip_space();
  std::size_t digits = 0;
  while (digits < line.size() && line[line.size() - 1 - digits] >= '0' && line[line.size() - 1 - digits] <= '9')
    ++digits;
  if (digits == 0) return 0;
  std::string_view number = line.substr(line.size() - digits);
  line.remove_suffix(digits);
  if (!take(":") || !take("\"jpos\"") || !take(",")) return 0;
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  return ec == std::errc() && ptr == number.data() + number.size() ? value : 0;
}

}  // namespace iot::stream
