// The content-addressed waveform store (iot-waveform(1), assemble --store): the blob kept as sent
// (compressed), named by its SHA-256, `STORE/ab/abcdef....lz4`, with a
// `.json` sidecar beside it (`STORE/ab/abcdef....json`); `STORE/by-upload/<upload_id>.json` is a
// symlink to the sidecar so that an upload can be found by its id.
// Durability is a group commit: put() writes temp files; sync() flushes
// them all with one syncfs(2), renames them to their names and flushes the
// renames with a second syncfs. A crash leaves each file whole or absent,
// never torn. Call sync() before telling anyone the files exist; without
// durability put() renames at once and sync() does nothing. Storing the
// same blob twice keeps the first copy.
#pragma once

#include <cstdint>
#include <set>
#include <vector>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace iot::waveform {

class BlobStore {
 public:
  // Creates root (and its parents) when missing; durable = fsync files and dirs.
  static Result<BlobStore> open(const std::string& root, bool durable = true);
  // Stores blob under its hash (hex) and the sidecar JSON text; returns the blob's path.
  Result<std::string> put(std::string_view sha256_hex, std::string_view blob, std::string_view sidecar_json,
                          std::string_view upload_id);
  std::string blob_path(std::string_view sha256_hex) const;
  std::string sidecar_path(std::string_view sha256_hex) const;
  std::string upload_path(std::string_view upload_id) const;
  const std::string& root() const { return root_; }
  // Makes everything put() since the last call durable and visible.
  Status sync();
  ~BlobStore();  // removes temp files that were never synced
  BlobStore(BlobStore&&) = default;
  BlobStore& operator=(BlobStore&&) = default;

 private:
  BlobStore(std::string root, bool durable) : root_(std::move(root)), durable_(durable) {}
  Status ensure_dir(const std::string& dir);
  std::string root_;
  bool durable_ = true;
  std::string last_dir_;  // the last shard directory known to exist
  Status stage(const std::string& path, std::string_view data);  // temp file now, rename at sync()
  struct Rename { std::string from, to; };
  std::vector<Rename> pending_;
  std::set<std::string> pending_names_;
  std::uint64_t counter_ = 0;
};

// Writes data to path atomically (temp file, fdatasync when durable, rename).
// The directory is not synced: the caller does (BlobStore::sync).
Status write_file_atomic(const std::string& path, std::string_view data, bool durable);
Result<std::string> read_file(const std::string& path, std::size_t max_bytes);

}  // namespace iot::waveform
