#include "iot-sub/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/file_io.hpp"
#include "core/log.hpp"
#include "stream/ack_file.hpp"

namespace iot::sub {
namespace {

Error io(const std::string& path, const char* what) {
  return make_error(ErrorKind::io, "io", "journal " + path + ": " + what + ": " + std::strerror(errno));
}

// pread until n bytes are in (or the file ends).
bool read_at(int fd, char* into, std::size_t n, std::uint64_t offset, std::size_t& got) {
  got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, into + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return false;
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

// Calls each(line, end_offset) for every whole line of fd up to `limit`
// bytes; returns where the last whole line ends.
template <typename Each>
Result<std::uint64_t> for_each_line(int fd, const std::string& path, std::uint64_t limit, Each each) {
  std::string pending;
  std::vector<char> chunk(1u << 16);
  std::uint64_t offset = 0, line_start = 0, whole = 0;
  while (offset < limit) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), limit - offset));
    std::size_t got = 0;
    if (!read_at(fd, chunk.data(), want, offset, got)) return io(path, "read");
    if (got == 0) break;
    offset += got;
    pending.append(chunk.data(), got);
    std::size_t start = 0, nl;
    while ((nl = pending.find('\n', start)) != std::string::npos) {
      std::uint64_t end = line_start + (nl - start) + 1;
      if (auto st = each(std::string_view(pending).substr(start, nl - start), end); !st) return st.error();
      line_start = end;
      whole = end;
      start = nl + 1;
    }
    pending.erase(0, start);
  }
  return whole;
}

}  // namespace

using stream::journal_position;

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path, JournalOptions options) {
  std::uint64_t acknowledged = 0;
  if (!options.ack_file.empty()) {
    auto acked = stream::read_ack_file(options.ack_file);
    if (!acked) return acked.error();
    acknowledged = *acked;
  }
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return io(path, "open");
  std::unique_ptr<Journal> j(new Journal(fd, path, std::move(options)));
  j->acknowledged_ = acknowledged;
  if (auto st = j->load(); !st) return st.error();
  return j;
}

Journal::~Journal() { ::close(fd_); }

Status Journal::load() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return io(path_, "stat");
  std::uint64_t highest = 0;
  auto whole = for_each_line(fd_, path_, static_cast<std::uint64_t>(st.st_size),
                             [&](std::string_view line, std::uint64_t end) -> Status {
                               std::uint64_t p = journal_position(line);
                               highest = std::max(highest, p);
                               entries_.push_back({p, end});
                               return ok_status();
                             });
  if (!whole) return whole.error();
  size_ = *whole;
  // A half-written last line (a crash mid-write) goes: it was never synced
  // whole, so its message was never acknowledged, and the broker sends it again.
  if (size_ < static_cast<std::uint64_t>(st.st_size)) {
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) return io(path_, "truncate");
    if (::fdatasync(fd_) != 0) return io(path_, "sync");
  }
  // Positions never go back, even when the journal was emptied or removed:
  // the ack file remembers how far they went.
  next_ = std::max(highest, acknowledged_) + 1;
  trim_at_ = size_ + options_.max_bytes;
  return ok_status();
}

Result<std::uint64_t> Journal::drain(stream::LineWriter& out) {
  const bool acked = !options_.ack_file.empty();
  std::uint64_t lines = 0;
  auto whole = for_each_line(fd_, path_, size_, [&](std::string_view line, std::uint64_t) -> Status {
    std::uint64_t p = journal_position(line);
    if (acked && p != 0 && p <= acknowledged_) return ok_status();  // stored already
    ++lines;
    return out.write_line(line);
  });
  if (!whole) return whole.error();
  if (auto st = out.flush(); !st) return st.error();
  if (auto st = keep_from(acked ? first_kept_offset(acknowledged_) : size_); !st) return st.error();
  trim_at_ = size_ + options_.max_bytes;
  return lines;
}

std::uint64_t Journal::first_kept_offset(std::uint64_t acknowledged) const {
  std::uint64_t start = 0;
  for (const Entry& e : entries_) {
    if (e.position > acknowledged) return start;
    start = e.end;
  }
  return size_;
}

Status Journal::keep_from(std::uint64_t from) {
  if (from == 0) return ok_status();
  if (from >= size_) {
    if (::ftruncate(fd_, 0) != 0) return io(path_, "truncate");
    if (::fdatasync(fd_) != 0) return io(path_, "sync");
    entries_.clear();
    size_ = 0;
    return ok_status();
  }
  const std::string tmp = path_ + ".tmp";
  int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) return io(tmp, "open");
  std::vector<char> chunk(1u << 16);
  for (std::uint64_t at = from; at < size_;) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), size_ - at));
    std::size_t got = 0;
    if (!read_at(fd_, chunk.data(), want, at, got) || got == 0 ||
        !write_fully(out, std::string_view(chunk.data(), got))) {
      Error e = io(tmp, "copy");
      ::close(out);
      return e;
    }
    at += got;
  }
  if (::fsync(out) != 0) {
    Error e = io(tmp, "sync");
    ::close(out);
    return e;
  }
  ::close(out);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return io(path_, "rename");
  std::string dir = std::filesystem::path(path_).parent_path().string();
  if (!fsync_directory(dir.empty() ? "." : dir)) return io(path_, "sync of its folder");
  int fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd < 0) return io(path_, "open");
  ::close(fd_);
  fd_ = fd;
  while (!entries_.empty() && entries_.front().end <= from) entries_.pop_front();
  for (Entry& e : entries_) e.end -= from;
  size_ -= from;
  return ok_status();
}

// Past trim_at_: with an ack file, the lines the end of the pipe has stored
// go; without one the journal starts anew (as before acknowledgements).
Status Journal::make_room() {
  if (options_.ack_file.empty()) {
    if (auto st = keep_from(size_); !st) return st;
    trim_at_ = options_.max_bytes;
    return ok_status();
  }
  auto acked = stream::read_ack_file(options_.ack_file);
  if (!acked) {
    // Nothing is forgotten on a doubt: the journal grows until the file reads again.
    log::warn("{}; the journal keeps every line", acked.error().message);
  } else {
    acknowledged_ = std::max(acknowledged_, *acked);
    if (auto st = keep_from(first_kept_offset(acknowledged_)); !st) return st;
  }
  if (size_ > options_.max_bytes)
    log::warn("journal {}: {} MiB not yet acknowledged in {} (is the end of the pipe storing?)", path_,
              size_ >> 20, options_.ack_file);
  trim_at_ = size_ + options_.max_bytes;
  return ok_status();
}

Status Journal::append(std::string_view line) {
  if (size_ > trim_at_)
    if (auto st = make_room(); !st) return st;
  buf_.assign(line);
  buf_ += '\n';
  if (!write_fully(fd_, buf_)) return io(path_, "write");
  if (::fdatasync(fd_) != 0) return io(path_, "sync");
  size_ += buf_.size();
  entries_.push_back({journal_position(line), size_});
  ++next_;
  return ok_status();
}

}  // namespace iot::sub
