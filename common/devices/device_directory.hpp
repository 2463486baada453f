// The device table in use and its reloads (iot-ingest(1), --devices): a
// reload runs on a thread of its own and hands over a complete table, so
// the ingest loop never waits for one and never sees half a table; a
// reload that fails keeps the table in use and says why on stderr.
//
// What starts a reload: SIGHUP (after install_hangup_reload()), the period
// (`every`), and a change of `version` (a file's mtime, size and inode),
// which the thread looks at every `poll`.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "devices/device_table.hpp"

namespace iot::devices {

class DeviceDirectory {
 public:
  struct Options {
    std::string name;                           // in log lines: the --devices value
    std::function<Result<DeviceTable>()> load;  // reads the whole table
    std::function<std::string()> version;       // empty function: no change detection
    std::chrono::milliseconds every{0};         // 0: no periodic reload
    std::chrono::milliseconds poll{200};        // how often SIGHUP and version are looked at
  };

  // Loads the table once (its error is the caller's: a bad table at start
  // stops the run) and starts the reload thread.
  static Result<std::unique_ptr<DeviceDirectory>> open(Options options);
  ~DeviceDirectory();
  DeviceDirectory(const DeviceDirectory&) = delete;
  DeviceDirectory& operator=(const DeviceDirectory&) = delete;

  // The table to use now; takes over a table a reload finished since the
  // last call. One thread only (the ingest loop); what it returns stays
  // valid until its next call.
  const DeviceTable& current();
  // Asks for a reload now (the tests; SIGHUP does the same).
  void request_reload();
  std::uint64_t reloads() const { return reloads_.load(); }
  std::uint64_t failed_reloads() const { return failed_reloads_.load(); }

 private:
  DeviceDirectory(Options options, DeviceTable first);
  void run();
  void reload(const char* why);

  Options options_;
  std::shared_ptr<const DeviceTable> in_use_;  // the ingest thread's
  std::mutex mutex_;
  std::condition_variable wake_;
  std::shared_ptr<const DeviceTable> next_;  // under mutex_
  std::atomic<bool> fresh_{false};           // next_ is waiting to be taken
  bool stop_ = false, asked_ = false;        // under mutex_
  std::atomic<std::uint64_t> reloads_{0}, failed_reloads_{0};
  unsigned hangups_seen_ = 0;  // at the start, for the thread
  std::string version_;        // at the start, for the thread
  std::thread thread_;
};

// SIGHUP asks every DeviceDirectory for a reload (instead of ending the
// process). System calls it interrupts are restarted.
void install_hangup_reload();
// A file's mtime, size and inode as text ("" when it cannot be read): a
// DeviceDirectory `version` for a --devices file.
std::string file_version(const std::string& path);

}  // namespace iot::devices
