// NDJSON input: lines from files or stdin, of any length up to a cap. A line
// over the cap is reported (too_long) and skipped, never truncated into two;
// the last line counts without a trailing newline; "\r\n" is accepted.
#pragma once

#include <cstdint>
#include <memory>
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
  // Reads an already open descriptor (not closed by the reader).
  LineReader(int fd, std::string source, std::size_t max_line = limits::max_line_bytes);
  virtual ~LineReader();
  // Next line, or false at the end. An I/O or decompression error ends the
  // stream and is kept in error(): what came before it was delivered.
  virtual bool next(Line& line);
  const std::string& source() const { return source_; }
  const Error* error() const { return error_ ? &*error_ : nullptr; }

 protected:
  // Fills up to n bytes; returns 0 at the end, -1 on error (set error_).
  virtual long read_some(char* dst, std::size_t n);
  std::string source_;
  std::optional<Error> error_;

 private:
  int fd_ = -1;
  std::size_t max_line_;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  std::uint64_t number_ = 0;
  bool eof_ = false;
  bool skipping_ = false;
  std::string carry_;
};

}  // namespace iot::stream
