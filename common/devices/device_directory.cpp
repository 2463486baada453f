#include "devices/device_directory.hpp"

#include <sys/stat.h>

#include <csignal>

#include "core/log.hpp"

namespace iot::devices {
namespace {

std::atomic<unsigned> g_hangups{0};  // lock-free: safe in a signal handler
static_assert(std::atomic<unsigned>::is_always_lock_free);

void on_hangup(int) { g_hangups.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

void install_hangup_reload() {
  struct sigaction action {};
  action.sa_handler = on_hangup;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // a read on stdin goes on; no line is lost to EINTR
  sigaction(SIGHUP, &action, nullptr);
}

std::string file_version(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ":" +
         std::to_string(st.st_size) + ":" + std::to_string(st.st_ino);
}

Result<std::unique_ptr<DeviceDirectory>> DeviceDirectory::open(Options options) {
  auto first = options.load();
  if (!first) return first.error();
  return std::unique_ptr<DeviceDirectory>(new DeviceDirectory(std::move(options), std::move(*first)));
}

DeviceDirectory::DeviceDirectory(Options options, DeviceTable first)
    : options_(std::move(options)), in_use_(std::make_shared<const DeviceTable>(std::move(first))) {
  // Counted from here, not from when the thread gets to run: a SIGHUP
  // between the load and the thread's start is a reload too.
  hangups_seen_ = g_hangups.load();
  version_ = options_.version ? options_.version() : std::string();
  thread_ = std::thread([this] { run(); });
}

DeviceDirectory::~DeviceDirectory() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

const DeviceTable& DeviceDirectory::current() {
  if (fresh_.load(std::memory_order_acquire)) {
    std::lock_guard lock(mutex_);
    in_use_ = std::move(next_);
    fresh_.store(false, std::memory_order_release);
  }
  return *in_use_;
}

void DeviceDirectory::request_reload() {
  {
    std::lock_guard lock(mutex_);
    asked_ = true;
  }
  wake_.notify_all();
}

void DeviceDirectory::reload(const char* why) {
  auto table = options_.load();
  if (!table) {
    ++failed_reloads_;
    log::warn("--devices {}: reload ({}) failed, the table loaded before stays in use: {}", options_.name, why,
              table.error().message);
    return;
  }
  std::size_t size = table->size();
  {
    std::lock_guard lock(mutex_);
    next_ = std::make_shared<const DeviceTable>(std::move(*table));
    fresh_.store(true, std::memory_order_release);
  }
  ++reloads_;
  log::info("--devices {}: reloaded ({}), {} devices", options_.name, why, size);
}

void DeviceDirectory::run() {
  using Clock = std::chrono::steady_clock;
  unsigned hangups_seen = hangups_seen_;
  std::string version = version_;
  auto next_periodic = Clock::now() + options_.every;
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, options_.poll, [&] { return stop_ || asked_; });
    if (stop_) break;
    const char* why = nullptr;
    if (asked_) why = "asked";
    unsigned hangups = g_hangups.load();
    if (hangups != hangups_seen) why = "SIGHUP";
    hangups_seen = hangups;
    asked_ = false;
    lock.unlock();
    if (options_.version) {
      std::string now = options_.version();
      if (now != version) {
        version = now;
        if (!why) why = "changed";
      }
    }
    if (options_.every.count() > 0 && Clock::now() >= next_periodic) {
      if (!why) why = "periodic";
    }
    if (why) {
      // The version before loading: a change during the load is seen next time.
      if (options_.version) version = options_.version();
      reload(why);
      next_periodic = Clock::now() + options_.every;
    }
    lock.lock();
  }
}

}  // namespace iot::devices
