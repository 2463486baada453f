#include "spool/spool.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/file_io.hpp"

namespace iot::spool {
namespace {

Error io_error(const std::string& what) {
  return make_error(ErrorKind::io, "spool_io", what + ": " + std::strerror(errno));
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  return write_fully(fd, bytes) ? ok_status() : Status(io_error("cannot write " + path));
}

Status fsync_dir(const std::string& dir) {
  return fsync_directory(dir) ? ok_status() : Status(io_error("cannot fsync " + dir));
}

// "00000000000000000042.batch" -> 42
std::optional<std::uint64_t> batch_id(const char* name) {
  std::size_t len = std::strlen(name);
  if (len != 26 || std::strcmp(name + 20, ".batch") != 0) return std::nullopt;
  std::uint64_t id = 0;
  for (int i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    id = id * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  return id;
}

}  // namespace

Spool::Spool(std::string dir, SpoolLimits limits, int lock_fd)
    : dir_(std::move(dir)), limits_(limits), lock_fd_(lock_fd) {}

Spool::~Spool() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<std::unique_ptr<Spool>> Spool::open(const std::string& dir, SpoolLimits limits) {
  if (!make_directories(dir, 0700)) return io_error("cannot create spool " + dir);
  std::string lock_path = dir + "/.lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot open " + lock_path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return make_error(ErrorKind::io, "spool_locked", "spool " + dir + " is in use by another process");
  }
  std::unique_ptr<Spool> spool(new Spool(dir, limits, fd));
  if (auto st = spool->scan(); !st) return st.error();
  return spool;
}

Status Spool::scan() {
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return io_error("cannot read " + dir_);
  while (dirent* e = ::readdir(d)) {
    if (std::strncmp(e->d_name, ".tmp-", 5) == 0) {  // a push that a crash cut short
      ::unlink((dir_ + "/" + e->d_name).c_str());
      continue;
    }
    auto id = batch_id(e->d_name);
    if (!id) continue;
    struct stat st {};
    if (::stat(path_of(*id).c_str(), &st) != 0) continue;
    files_.emplace_back(*id, static_cast<std::uint64_t>(st.st_size));
    bytes_ += static_cast<std::uint64_t>(st.st_size);
  }
  ::closedir(d);
  std::sort(files_.begin(), files_.end());
  if (!files_.empty()) next_id_ = files_.back().first + 1;
  return ok_status();
}

std::string Spool::path_of(std::uint64_t id) const {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu.batch", static_cast<unsigned long long>(id));
  return dir_ + "/" + name;
}

Status Spool::push(std::string_view bytes) {
  if (size() + 1 > limits_.max_files || bytes_ + bytes.size() > limits_.max_bytes)
    return make_error(ErrorKind::too_large, "spool_full",
                      "spool " + dir_ + " is full (" + std::to_string(size()) + " batches, " +
                          std::to_string(bytes_) + " bytes)");
  std::uint64_t id = next_id_++;
  std::string tmp = dir_ + "/.tmp-" + std::to_string(id);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create " + tmp);
  Status written = write_all(fd, bytes, tmp);
  if (written && ::fsync(fd) != 0) written = io_error("cannot fsync " + tmp);
  ::close(fd);
  if (written && ::rename(tmp.c_str(), path_of(id).c_str()) != 0) written = io_error("cannot rename " + tmp);
  if (!written) {
    ::unlink(tmp.c_str());
    return written;
  }
  if (auto st = fsync_dir(dir_); !st) return st;
  files_.emplace_back(id, bytes.size());
  bytes_ += bytes.size();
  return ok_status();
}

Result<std::optional<std::string>> Spool::front() {
  if (empty()) return std::optional<std::string>();
  std::string path = path_of(files_[head_].first);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open " + path);
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return io_error("cannot read " + path);
    }
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(data));
}

Status Spool::pop() {
  if (empty()) return ok_status();
  auto [id, size] = files_[head_];
  if (::unlink(path_of(id).c_str()) != 0 && errno != ENOENT) return io_error("cannot remove " + path_of(id));
  ++head_;
  bytes_ -= size;
  if (head_ == files_.size()) {
    files_.clear();
    head_ = 0;
  }
  return fsync_dir(dir_);
}

}  // namespace iot::spool
