// NDJSON output on stdout or a file: one line per write, flushed per line
// when the reader is a pipe or terminal (style rule 5), buffered for files.
// A closed reader (EPIPE) is reported as an Error of kind io, never SIGPIPE.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::stream {

class LineWriter {
 public:
  // "-" is stdout. Files are opened for appending when append is true.
  static Result<std::unique_ptr<LineWriter>> open(const std::string& path, bool append = false);
  explicit LineWriter(int fd, bool line_flush);
  ~LineWriter();
  // Writes text and '\n'.
  Status write_line(std::string_view text);
  Status flush();
  // fsync for journals and reject files that must survive a crash.
  Status sync();

 private:
  int fd_;
  bool owned_ = false;
  bool line_flush_;
  std::string buf_;
};

}  // namespace iot::stream
