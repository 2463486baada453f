// NDJSON output on stdout or a file: one line per write, flushed per line
// when the reader is a pipe, socket or terminal (style rule 5), buffered for
// files (flushed at 64 KiB, on flush() and when destroyed).
// A closed reader (EPIPE) is reported as an Error of kind io, reason "io",
// message "output closed", never SIGPIPE (cli::run_tool ignores SIGPIPE;
// other programs must do the same). After a write error every later call
// returns the same error.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::stream {

class LineWriter {
 public:
  // "-" is stdout. Files are opened for appending when append is true, else
  // truncated; they are created with mode 0644.
  static Result<std::unique_ptr<LineWriter>> open(const std::string& path, bool append = false);
  // Writes to fd (not closed); line_flush: write(2) after every line.
  explicit LineWriter(int fd, bool line_flush);
  // Chooses line_flush from what fd is (terminal, pipe or socket).
  static bool wants_line_flush(int fd);
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;
  ~LineWriter();  // flushes; errors at this point are lost: call flush() first
  // Writes text and '\n'.
  Status write_line(std::string_view text);
  // Writes a part of a line, no newline added (a long report written as it
  // is made): buffered up to kFlushAt whatever the reader, so that it goes
  // out in large writes; flush() after the last part.
  Status write_part(std::string_view text);
  Status flush();
  // flush + fdatasync, for journals and reject files that must survive a crash.
  Status sync();

  static constexpr std::size_t kFlushAt = 64u << 10;

 private:
  Status write_all(const char* data, std::size_t n);

  int fd_;
  bool owned_ = false;
  bool line_flush_;
  std::string buf_;
  std::optional<Error> failed_;
};

}  // namespace iot::stream
