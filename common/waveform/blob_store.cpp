#include "waveform/blob_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/file_io.hpp"
#include "waveform/protocol.hpp"

namespace iot::waveform {
namespace {

Error io_error(const std::string& what, const std::string& path) {
  return make_error(ErrorKind::io, "io", what + " " + path + ": " + std::strerror(errno));
}

// An fd closed on every path out.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

}  // namespace

Status write_file_atomic(const std::string& path, std::string_view data, bool durable) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    Fd f(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (f.fd < 0) return io_error("cannot create", tmp);
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(f.fd, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        auto e = io_error("cannot write", tmp);
        ::unlink(tmp.c_str());
        return e;
      }
      done += static_cast<std::size_t>(n);
    }
    if (durable && ::fdatasync(f.fd) != 0) {
      auto e = io_error("cannot sync", tmp);
      ::unlink(tmp.c_str());
      return e;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = io_error("cannot rename to", path);
    ::unlink(tmp.c_str());
    return e;
  }
  return ok_status();
}

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (f.fd < 0) return io_error("cannot open", path);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("cannot read", path);
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes)
      return make_error(ErrorKind::too_large, "too_large", path + " is larger than " + std::to_string(max_bytes) + " bytes");
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

Result<BlobStore> BlobStore::open(const std::string& root, bool durable) {
  std::error_code ec;
  std::filesystem::create_directories(root + "/by-upload", ec);
  if (ec) return make_error(ErrorKind::io, "io", "cannot create store " + root + ": " + ec.message());
  return BlobStore(std::filesystem::absolute(root).lexically_normal().string(), durable);
}

std::string BlobStore::blob_path(std::string_view sha) const {
  return root_ + "/" + std::string(sha.substr(0, 2)) + "/" + std::string(sha) + ".lz4";
}
std::string BlobStore::sidecar_path(std::string_view sha) const {
  return root_ + "/" + std::string(sha.substr(0, 2)) + "/" + std::string(sha) + ".json";
}
std::string BlobStore::upload_path(std::string_view id) const {
  return root_ + "/by-upload/" + std::string(id) + ".json";
}

Status BlobStore::ensure_dir(const std::string& dir) {
  if (dir == last_dir_) return ok_status();
  if (!make_directories(dir, 0755)) return io_error("cannot create", dir);
  last_dir_ = dir;
  return ok_status();
}

BlobStore::~BlobStore() {
  for (const auto& r : pending_) ::unlink(r.from.c_str());
}

Status BlobStore::stage(const std::string& path, std::string_view data) {
  if (!durable_) return write_file_atomic(path, data, false);
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter_);
  if (auto w = write_file_atomic(tmp, data, false); !w) return w;
  pending_.push_back({tmp, path});
  pending_names_.insert(path);
  return ok_status();
}

Result<std::string> BlobStore::put(std::string_view sha, std::string_view blob, std::string_view sidecar,
                                   std::string_view upload_id) {
  if (sha.size() != 64 || !is_safe_upload_id(upload_id))
    return make_error(ErrorKind::internal, "internal", "store: bad hash or upload id");
  auto dir = ensure_dir(root_ + "/" + std::string(sha.substr(0, 2)));
  if (!dir) return dir.error();
  std::string path = blob_path(sha);
  struct stat st {};
  // The name is the content's hash: an existing file of the right size is this blob already.
  bool have = pending_names_.count(path) ||
              (::stat(path.c_str(), &st) == 0 && static_cast<std::size_t>(st.st_size) == blob.size());
  if (!have)
    if (auto w = stage(path, blob); !w) return w.error();
  if (auto w = stage(sidecar_path(sha), sidecar); !w) return w.error();
  // The index entry: a relative symlink to the sidecar, renamed over any older one.
  std::string link = upload_path(upload_id);
  std::string tmp = link + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++counter_);
  std::string target = "../" + std::string(sha.substr(0, 2)) + "/" + std::string(sha) + ".json";
  if (::symlink(target.c_str(), tmp.c_str()) != 0) return io_error("cannot create", tmp);
  if (durable_) {
    pending_.push_back({tmp, link});
  } else if (::rename(tmp.c_str(), link.c_str()) != 0) {
    auto e = io_error("cannot rename to", link);
    ::unlink(tmp.c_str());
    return e;
  }
  return path;
}

Status BlobStore::sync() {
  if (pending_.empty()) return ok_status();
  std::vector<Rename> batch;
  batch.swap(pending_);
  pending_names_.clear();
  Fd root(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  auto fail = [&](const std::string& what, const std::string& path) {
    auto e = io_error(what, path);
    for (const auto& r : batch) ::unlink(r.from.c_str());
    return e;
  };
  if (root.fd < 0 || ::syncfs(root.fd) != 0) return fail("cannot sync", root_);  // the data, all at once
  for (std::size_t i = 0; i < batch.size(); ++i)
    if (::rename(batch[i].from.c_str(), batch[i].to.c_str()) != 0) {
      auto e = io_error("cannot rename to", batch[i].to);
      for (std::size_t j = i; j < batch.size(); ++j) ::unlink(batch[j].from.c_str());
      return e;
    }
  if (::syncfs(root.fd) != 0) return io_error("cannot sync", root_);  // the names
  return ok_status();
}

}  // namespace iot::waveform
