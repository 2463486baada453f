// iot-ingest's disk spool (iot-ingest(1), Delivery: --spool): batches that
// could not be written while the database was away, kept as one file each
// in a directory, in order, until they are sent.
//
// Contract: push() returns only after the batch file and its directory entry
// are fsynced (it survives a crash or power loss); files are written to a
// temp name and renamed, so a crash never leaves half a batch visible.
// front()/pop() give batches back oldest first. The spool is bounded (bytes
// and files): a push beyond the bound fails with reason "spool_full".
// One process at a time owns a directory (an flock on DIR/.lock).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace iot::spool {

struct SpoolLimits {
  std::uint64_t max_bytes = 1ull << 30;  // 1 GiB
  std::uint64_t max_files = 100000;
};

class Spool {
 public:
  // Creates the directory when missing; errors: io "spool_io", "spool_locked".
  static Result<std::unique_ptr<Spool>> open(const std::string& dir, SpoolLimits limits = {});
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  Status push(std::string_view bytes);
  // The oldest batch, or nullopt when empty.
  Result<std::optional<std::string>> front();
  Status pop();  // removes what front() returned
  std::uint64_t size() const { return files_.size() - head_; }
  std::uint64_t bytes() const { return bytes_; }
  bool empty() const { return size() == 0; }
  const std::string& dir() const { return dir_; }

 private:
  Spool(std::string dir, SpoolLimits limits, int lock_fd);
  Status scan();
  std::string path_of(std::uint64_t id) const;

  std::string dir_;
  SpoolLimits limits_;
  int lock_fd_ = -1;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> files_;  // (id, bytes), oldest first
  std::size_t head_ = 0;  // files_[0, head_) were popped
  std::uint64_t bytes_ = 0;
  std::uint64_t next_id_ = 1;
};

}  // namespace iot::spool
