// Recordings as one stream of lines: NDJSON files (plain, .gz, .lz4; "-" is
// stdin) read through stream::LineReader and, when there are several, merged
// in time order (rx_ts, else the payload's time; a line without a time keeps
// its file's last one; ties go to the file named first).
//
// A file that fails (unreadable, corrupt or truncated compressed data) has
// delivered every complete line before the fault; the error is kept in
// errors() with its file and line, and the other files go on.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "replay/record_info.hpp"
#include "stream/line_reader.hpp"

namespace iot::replay {

struct RecordedLine {
  std::string_view text;     // valid until the next call to next()
  RecordInfo info;           // filled when the source inspects lines
  std::string_view source;   // file name
  std::uint64_t number = 0;  // line number in its file
};

class RecordingSource {
 public:
  // inspect: parse each line for time/topic/device (forced on with several
  // files, which are merged by time). Fails (io) when a file cannot be opened.
  static Result<std::unique_ptr<RecordingSource>> open(std::vector<std::string> paths, bool inspect);
  ~RecordingSource();

  bool next(RecordedLine& out);
  // Reopens every file for another --loop pass (stdin cannot be replayed).
  Status rewind();
  const std::vector<Error>& errors() const { return errors_; }
  std::uint64_t too_long_lines() const { return too_long_; }
  bool inspects() const { return inspect_; }

 private:
  struct Slot;
  RecordingSource(std::vector<std::string> paths, bool inspect);
  Status open_all();
  void fill(Slot& slot);
  void note_error(const Slot& slot);

  std::vector<std::string> paths_;
  bool inspect_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::optional<std::size_t> refill_;
  std::vector<Error> errors_;
  std::uint64_t too_long_ = 0;
};

}  // namespace iot::replay
