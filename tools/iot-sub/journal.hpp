// --journal FILE: every output line is appended and fdatasync'ed before the
// message handler returns, so before libmosquitto writes the PUBACK (threaded
// mode; iot-sub(1), DELIVERY GUARANTEES).
//
// Each envelope carries its journal position, "jpos" (iot-stream(5)): a
// counter that only grows, across restarts too. With --ack-file the last
// stage of the pipe says up to which position everything is stored
// (iot-ingest(1), --ack-file): a restart writes out only the lines above it,
// and the journal forgets only the lines at or below it, so a line the pipe
// lost on its way is written again whatever stage died. Without an ack file
// a restart writes out everything the journal holds and starts it anew, and
// the journal is started anew when it passes max_bytes (its lines were
// already written to stdout; a later stage may not have stored them).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.hpp"
#include "stream/line_writer.hpp"

namespace iot::sub {

struct JournalOptions {
  std::uint64_t max_bytes = 64u << 20;  // trimmed (or started anew) past this size
  std::string ack_file;                 // --ack-file: what the end of the pipe has stored
};

class Journal {
 public:
  // Reads what an earlier run left (a last line without newline is dropped:
  // it was never fsynced whole) and the ack file; fails with a clear message
  // when the ack file is not one.
  static Result<std::unique_ptr<Journal>> open(const std::string& path, JournalOptions options = {});
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  // Writes the lines of an earlier run that are still to be stored (all of
  // them without an ack file) to out, then forgets the others. Returns the
  // count written.
  Result<std::uint64_t> drain(stream::LineWriter& out);
  // The position the next appended line carries.
  std::uint64_t next_position() const { return next_; }
  // Appends a line that carries next_position() (or none, for a line that is
  // not an envelope) and syncs it; the position moves on either way.
  Status append(std::string_view line);
  // What the journal holds now, in bytes (for tests and logs).
  std::uint64_t size() const { return size_; }

 private:
  struct Entry {
    std::uint64_t position;  // 0: the line carries none
    std::uint64_t end;       // offset just past its newline
  };
  Journal(int fd, std::string path, JournalOptions options)
      : fd_(fd), path_(std::move(path)), options_(std::move(options)) {}
  Status load();
  Status make_room();
  // Keeps the lines from byte offset `from` on: a new file, synced and
  // renamed over the journal, so a crash leaves the old one or the new one.
  Status keep_from(std::uint64_t from);
  std::uint64_t first_kept_offset(std::uint64_t acknowledged) const;

  int fd_;
  std::string path_;
  JournalOptions options_;
  std::uint64_t size_ = 0;
  std::uint64_t trim_at_ = 0;  // size that makes append() trim first
  std::uint64_t next_ = 1;
  std::uint64_t acknowledged_ = 0;
  std::deque<Entry> entries_;  // the lines the file holds, in order
  std::string buf_;
};

}  // namespace iot::sub
