// --journal FILE: every output line is appended and fdatasync'ed before the
// message handler returns, so before libmosquitto writes the PUBACK (threaded
// mode; iot-sub(1), DELIVERY GUARANTEES). A restart prints what the journal holds first
// (duplicates are possible: the stream is at-least-once) and starts it anew.
// The file is started anew when it passes max_bytes, since its lines were
// already written to stdout.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "stream/line_writer.hpp"

namespace iot::sub {

class Journal {
 public:
  static Result<std::unique_ptr<Journal>> open(const std::string& path, std::uint64_t max_bytes = 64u << 20);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  // Writes the journal's lines to out (a last line without newline is dropped:
  // it was never fsynced whole), then empties the journal. Returns the count.
  Result<std::uint64_t> drain(stream::LineWriter& out);
  Status append(std::string_view line);

 private:
  Journal(int fd, std::string path, std::uint64_t max_bytes) : fd_(fd), path_(std::move(path)), max_bytes_(max_bytes) {}
  Status truncate();
  int fd_;
  std::string path_;
  std::uint64_t max_bytes_;
  std::uint64_t size_ = 0;
  std::string buf_;
};

}  // namespace iot::sub
