#include "stream/line_reader.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace iot::stream {

LineReader::LineReader(int fd, std::string source, std::size_t max_line)
    : LineReader(fd, std::move(source), max_line, kReadBuffer) {}

LineReader::LineReader(int fd, std::string source, std::size_t max_line, std::size_t buffer_bytes)
    : source_(std::move(source)), fd_(fd), max_line_(max_line), buf_(std::max<std::size_t>(buffer_bytes, 16)) {}

LineReader::~LineReader() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

void LineReader::fail(ErrorKind kind, std::string reason, std::string message) {
  if (!error_) error_ = make_error(kind, std::move(reason), std::move(message));
}

long LineReader::read_raw(char* dst, std::size_t n) {
  if (prefix_pos_ < prefix_.size()) {
    std::size_t k = std::min(n, prefix_.size() - prefix_pos_);
    std::memcpy(dst, prefix_.data() + prefix_pos_, k);
    prefix_pos_ += k;
    return static_cast<long>(k);
  }
  if (fd_ < 0) return 0;
  for (;;) {
    ssize_t r = ::read(fd_, dst, n);
    if (r >= 0) return static_cast<long>(r);
    if (errno == EINTR) continue;
    fail(ErrorKind::io, "io", source_ + ": read: " + std::strerror(errno));
    return -1;
  }
}

long LineReader::read_some(char* dst, std::size_t n) { return read_raw(dst, n); }

// Reads more input behind what is buffered. False at the end or on error.
bool LineReader::fill() {
  newline_at_ = std::string::npos;
  if (begin_ == end_) begin_ = end_ = 0;
  long r = read_some(buf_.data() + end_, buf_.size() - end_);
  if (r > 0) {
    end_ += static_cast<std::size_t>(r);
    return true;
  }
  eof_ = true;
  if (r < 0 && !error_) fail(ErrorKind::io, "io", source_ + ": read failed");
  return false;
}

// Hands out one line; false when it is empty (skipped, still counted).
bool LineReader::deliver(Line& line, std::string_view text, bool too_long) {
  ++number_;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  line.number = number_;
  line.source = source_;
  line.too_long = too_long || text.size() > max_line_;
  line.text = line.too_long ? std::string_view{} : text;
  return line.too_long || !text.empty();
}

// Takes complete lines from the buffer; without a newline the partial tail is
// kept (moved to the front, or into carry_ when the buffer is full) or, once
// over max_line, dropped and the rest of that line skipped.
bool LineReader::take_line(Line& line) {
  char* base = buf_.data();
  while (begin_ < end_) {
    char* nl = newline_at_ >= begin_ && newline_at_ < end_
                   ? base + newline_at_
                   : static_cast<char*>(std::memchr(base + begin_, '\n', end_ - begin_));
    newline_at_ = std::string::npos;
    if (!nl) break;
    std::size_t pos = static_cast<std::size_t>(nl - base);
    std::string_view text(base + begin_, pos - begin_);
    begin_ = pos + 1;
    bool too_long = false;
    if (!carry_.empty()) {
      too_long = carry_.size() + text.size() > max_line_ + 1;
      if (!too_long) carry_.append(text);
      text = too_long ? std::string_view{} : std::string_view(carry_);
      carry_used_ = true;
    }
    if (deliver(line, text, too_long)) return true;
    carry_.clear();  // an empty line ("\r" alone) came out of carry_
    carry_used_ = false;
  }
  std::size_t partial = end_ - begin_;
  if (carry_.size() + partial > max_line_ + 1) {
    skipping_ = true;
    carry_.clear();
    carry_.shrink_to_fit();
    begin_ = end_ = 0;
  } else if (!carry_.empty() || (begin_ == 0 && end_ == buf_.size())) {
    carry_.append(base + begin_, partial);
    begin_ = end_ = 0;
  } else if (begin_ > 0) {
    std::memmove(base, base + begin_, partial);
    begin_ = 0;
    end_ = partial;
  }
  return false;
}

bool LineReader::finish_skipped(Line& line) {
  char* base = buf_.data();
  auto* nl = static_cast<char*>(std::memchr(base + begin_, '\n', end_ - begin_));
  if (!nl) {
    begin_ = end_ = 0;
    return false;
  }
  begin_ = static_cast<std::size_t>(nl - base) + 1;
  skipping_ = false;
  return deliver(line, {}, true);
}

// At the end of input: the last line without a newline, if any.
bool LineReader::take_tail(Line& line) {
  if (error_) return false;  // an incomplete line before a fault is not data
  if (skipping_) {
    skipping_ = false;
    return deliver(line, {}, true);
  }
  std::string_view text(buf_.data() + begin_, end_ - begin_);
  begin_ = end_ = 0;
  if (!carry_.empty()) {
    carry_.append(text);
    text = carry_;
    carry_used_ = true;
  }
  if (text.empty()) return false;
  return deliver(line, text);
}

bool LineReader::next(Line& line) {
  if (carry_used_) {
    carry_.clear();
    carry_used_ = false;
  }
  for (;;) {
    if (begin_ < end_) {
      if (skipping_ ? finish_skipped(line) : take_line(line)) return true;
    }
    if (eof_) {
      if (take_tail(line)) return true;
      return false;
    }
    fill();
  }
}

bool LineReader::line_buffered() const {
  if (eof_) return true;
  if (skipping_ || begin_ >= end_) return false;
  const void* nl = std::memchr(buf_.data() + begin_, '\n', end_ - begin_);
  if (nl) newline_at_ = static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data());
  return nl != nullptr;
}

MemoryLineReader::MemoryLineReader(std::string_view data, std::string source, std::size_t max_line,
                                   std::size_t chunk, std::size_t buffer_bytes)
    : LineReader(-1, std::move(source), max_line, buffer_bytes),
      data_(data),
      chunk_(std::max<std::size_t>(chunk, 1)) {}

long MemoryLineReader::read_some(char* dst, std::size_t n) {
  std::size_t k = std::min({n, chunk_, data_.size() - pos_});
  std::memcpy(dst, data_.data() + pos_, k);
  pos_ += k;
  return static_cast<long>(k);
}

}  // namespace iot::stream
