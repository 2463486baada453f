// NDJSON input: lines from files or stdin, of any length up to a cap. A line
// over the cap is reported (too_long) and skipped, never truncated into two;
// the last line counts without a trailing newline; "\r\n" is accepted.
//
// Contract details the tools rely on:
// - Empty lines (also "\r" alone) are skipped but counted, so line numbers
//   always match what `sed -n Np` shows.
// - A skipped over-long line never sits in memory whole: memory stays within
//   the read buffer plus max_line.
// - open() sniffs the first bytes, not the name: gzip (1f 8b) and lz4 frames
//   (04 22 4d 18) are decompressed as they are read, from files and stdin.
// - On a read or decompression fault every complete line before it is
//   delivered, the incomplete tail is dropped, next() returns false and
//   error() names the source.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/result.hpp"

namespace iot::stream {

struct Line {
  std::string_view text;    // without the newline; valid until the next next()
  std::uint64_t number = 0; // 1-based within its source
  std::string_view source;  // "-" for stdin, else the file name
  bool too_long = false;    // text is empty then; the line was skipped
};

class LineReader {
 public:
  // Opens "-" (stdin) or a file; .gz and .lz4 files are decompressed as they are read.
  static Result<std::unique_ptr<LineReader>> open(const std::string& path,
                                                  std::size_t max_line = limits::max_line_bytes);
  // Reads an already open descriptor (not closed by the reader), as plain text.
  LineReader(int fd, std::string source, std::size_t max_line = limits::max_line_bytes);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  virtual ~LineReader();
  // Next line, or false at the end. An I/O or decompression error ends the
  // stream and is kept in error(): what came before it was delivered.
  virtual bool next(Line& line);
  // True when next() can hand out a line, or tell the end, without reading
  // more input (false when unsure): a caller that gathers lines in batches
  // passes on what it holds before it would wait on a quiet pipe.
  bool line_buffered() const;
  const std::string& source() const { return source_; }
  const Error* error() const { return error_ ? &*error_ : nullptr; }

  static constexpr std::size_t kReadBuffer = 256u << 10;

 protected:
  // A read buffer of buffer_bytes (at least 16) instead of kReadBuffer.
  LineReader(int fd, std::string source, std::size_t max_line, std::size_t buffer_bytes);
  // Fills up to n bytes; returns 0 at the end, -1 on error (set error_).
  virtual long read_some(char* dst, std::size_t n);
  // Raw input for subclasses: first the sniffed prefix, then the descriptor.
  long read_raw(char* dst, std::size_t n);
  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }
  void own_fd() { owns_fd_ = true; }
  void fail(ErrorKind kind, std::string reason, std::string message);

  std::string source_;
  std::optional<Error> error_;

 private:
  bool fill();
  bool take_line(Line& line);
  bool take_tail(Line& line);
  bool finish_skipped(Line& line);
  bool deliver(Line& line, std::string_view text, bool too_long = false);

  int fd_ = -1;
  bool owns_fd_ = false;
  std::string prefix_;
  std::size_t prefix_pos_ = 0;
  std::size_t max_line_;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  std::uint64_t number_ = 0;
  bool eof_ = false;
  bool skipping_ = false;
  bool carry_used_ = false;
  std::string carry_;
  // The first newline at or after begin_, as line_buffered() found it: the
  // take_line() right after it starts there (one search a line, not two).
  // npos: not known; every take_line() and fill() forgets it.
  mutable std::size_t newline_at_ = std::string::npos;
};

// Lines from bytes already in memory, handed out at most `chunk` bytes per
// read into a buffer of buffer_bytes (tests and fuzzing exercise the buffer
// boundaries with small chunks and small buffers).
class MemoryLineReader : public LineReader {
 public:
  MemoryLineReader(std::string_view data, std::string source,
                   std::size_t max_line = limits::max_line_bytes, std::size_t chunk = kReadBuffer,
                   std::size_t buffer_bytes = kReadBuffer);

 protected:
  long read_some(char* dst, std::size_t n) override;

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
  std::size_t chunk_;
};

}  // namespace iot::stream
