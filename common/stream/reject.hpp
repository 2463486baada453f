// Reject and DLQ records (iot-stream(5), REJECT RECORDS): {"reason", "detail", "source", "line"}.
// reasons are short fixed words: bad_json, bad_signature, schema, duplicate,
// no_route, too_large, decode, db_rejected, ... (iot-stream(5) lists them).
// source is "FILE:LINE" ("-:LINE" for stdin) or the topic (source_of()).
// A line that is not valid UTF-8 is written with U+FFFD in "line" and, so
// that nothing is lost, its exact bytes in "line_b64".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "stream/line_writer.hpp"

namespace iot::stream {

std::string render_reject(std::string_view reason, std::string_view detail, std::string_view source,
                          std::string_view line);
// "FILE:LINE", "-:LINE" for stdin.
std::string source_of(std::string_view file, std::uint64_t line_number);

// Writes reject records to a file (or nowhere) and counts them; each line is
// also logged once at warn level with its reason.
class RejectSink {
 public:
  RejectSink() = default;  // counts and logs only
  // Appends to path ("-" is stdout); each record is flushed as written
  // (line_flush on pipes, else at 64 KiB and by flush()).
  static Result<std::unique_ptr<RejectSink>> open(const std::string& path);
  Status reject(std::string_view reason, std::string_view detail, std::string_view source,
                std::string_view line);
  // A record for a line that was kept, not refused (reason "precision": a
  // value changed on its way into the sink): written like a reject, logged
  // as a note, not counted.
  Status note(std::string_view reason, std::string_view detail, std::string_view source, std::string_view line);
  std::uint64_t count() const { return count_; }
  Status flush();
  // flush + fdatasync: before a position is acknowledged (--ack-file), the
  // rejects it covers are on disk.
  Status sync();

 private:
  std::unique_ptr<LineWriter> writer_;
  std::uint64_t count_ = 0;
};

}  // namespace iot::stream
