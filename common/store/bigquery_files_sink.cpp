#include "store/bigquery_files_sink.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include <fmt/format.h>

#include "core/file_io.hpp"
#include "core/time_text.hpp"
#include "store/identifier.hpp"
#include "store/json_out.hpp"

namespace iot::store {
namespace {

Error io_error(const std::string& what) {
  return make_error(ErrorKind::io, "io", "bigquery-files: " + what + ": " + std::strerror(errno));
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  return write_fully(fd, bytes) ? ok_status() : Status(io_error("cannot write " + path));
}

Status fsync_dir(const std::string& dir) {
  return fsync_directory(dir) ? ok_status() : Status(io_error("cannot fsync " + dir));
}

Status make_dir(const std::string& dir) {
  if (!make_directories(dir, 0755)) return io_error("cannot create " + dir);
  return ok_status();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (auto* e = ::readdir(d)) names.emplace_back(e->d_name);
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A whole file through a temporary name: written, fsynced, renamed, the directory fsynced.
Status replace_file(const std::string& dir, const std::string& name, std::string_view bytes) {
  const std::string path = dir + "/" + name, tmp = dir + "/." + name + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create " + tmp);
  Status st = write_all(fd, bytes, tmp);
  if (st && ::fsync(fd) != 0) st = io_error("cannot fsync " + tmp);
  ::close(fd);
  if (st && ::rename(tmp.c_str(), path.c_str()) != 0) st = io_error("cannot rename " + tmp);
  if (!st) return st;
  return fsync_dir(dir);
}

std::string read_file_or_empty(const std::string& path) {
  std::string bytes;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return bytes;
  char buf[1 << 16];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) bytes.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return bytes;
}

// "20260319T104001Z": the UTC second a file is begun.
std::string utc_stamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
  return text;
}

void append_json_or_null(std::string& out, const std::string& json) { out += json.empty() ? "null" : json; }

void append_string_or_null(std::string& out, const std::string& s) {
  if (s.empty()) out += "null";
  else append_json_quoted(out, s);
}

}  // namespace

std::uint64_t load_key(std::string_view table, std::string_view device, std::string_view metric,
                       std::string_view time_text) {
  // FNV-1a over the four parts, each closed by a 0 byte (no part holds one).
  std::uint64_t h = 14695981039346656037ull;
  for (std::string_view part : {table, device, metric, time_text}) {
    for (unsigned char c : part) h = (h ^ c) * 1099511628211ull;
    h *= 1099511628211ull;
  }
  return h;
}

void append_load_line(std::string& out, const ReadingRow& r) {
  out += "{\"time\":\"";
  time_text::append_rfc3339_micros(out, r.time_ns);
  out += "\",\"device_id\":";
  append_json_quoted(out, r.device_id);
  out += ",\"metric\":";
  append_json_quoted(out, r.metric);
  out += ",\"value\":";
  append_json_number(out, r.value);
  fmt::format_to(std::back_inserter(out), ",\"quality\":{},\"tenant\":", r.quality);
  append_string_or_null(out, r.tenant);
  out += ",\"protocol\":";
  append_string_or_null(out, r.protocol);
  out += ",\"unit\":";
  append_string_or_null(out, r.unit);
  out += ",\"msg_id\":";
  append_string_or_null(out, r.msg_id);
  out += ",\"seq\":";
  if (r.seq) fmt::format_to(std::back_inserter(out), "{}", *r.seq);
  else out += "null";
  out += ",\"tags\":";
  append_json_or_null(out, r.tags_json);
  out += ",\"extra\":";
  append_json_or_null(out, r.extra_json);
  out += "}\n";
}

std::string load_schema_json() {
  struct Field { const char* name; const char* type; const char* mode; const char* description; };
  static const Field fields[] = {
      {"time", "TIMESTAMP", "REQUIRED", "When the reading was taken (UTC, microseconds)"},
      {"device_id", "STRING", "REQUIRED", "Device"},
      {"metric", "STRING", "REQUIRED", "What was measured"},
      {"value", "FLOAT64", "NULLABLE", "The reading; null when the payload said null"},
      {"quality", "INT64", "REQUIRED", "OPC UA style quality code (192 good)"},
      {"tenant", "STRING", "NULLABLE", "Tenant"},
      {"protocol", "STRING", "NULLABLE", "Protocol the payload came over"},
      {"unit", "STRING", "NULLABLE", "Unit of the value"},
      {"msg_id", "STRING", "NULLABLE", "Id of the message the reading came in"},
      {"seq", "INT64", "NULLABLE", "Sequence number of that message"},
      {"tags", "JSON", "NULLABLE", "The reading's tags (payload and route)"},
      {"extra", "JSON", "NULLABLE", "Payload fields kept beside the reading"},
  };
  std::string out = "[\n";
  for (const auto& f : fields) {
    if (out.size() > 2) out += ",\n";
    out += fmt::format("  {{\"name\": \"{}\", \"type\": \"{}\", \"mode\": \"{}\", \"description\": \"{}\"}}", f.name,
                       f.type, f.mode, f.description);
  }
  return out + "\n]\n";
}

BigQueryFilesSink::BigQueryFilesSink(std::string dir, SinkOptions options, int lock_fd)
    : dir_(std::move(dir)), options_(std::move(options)), lock_fd_(lock_fd) {}

Result<std::unique_ptr<BigQueryFilesSink>> BigQueryFilesSink::open(const std::string& dir,
                                                                   const SinkOptions& options) {
  if (auto st = make_dir(dir); !st) return st.error();
  const std::string lock = dir + "/.lock";
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot open " + lock);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return make_error(ErrorKind::usage, "locked", "bigquery-files:" + dir + " is in use by another process");
  }
  return std::unique_ptr<BigQueryFilesSink>(new BigQueryFilesSink(dir, options, fd));
}

BigQueryFilesSink::~BigQueryFilesSink() {
  (void)close_files();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Status BigQueryFilesSink::ensure_schema() {
  if (auto st = prepare_table(options_.table); !st) return st;
  for (const auto& [table, plan] : options_.plans.tables)
    if (auto st = prepare_table(table); !st) return st;
  return ok_status();
}

Status BigQueryFilesSink::prepare_table(const std::string& table) {
  if (prepared_.count(table)) return ok_status();
  auto name = checked_identifier(table);
  if (!name) return name.error();
  const std::string table_dir = dir_ + "/" + table;
  if (auto st = make_dir(table_dir); !st) return st;
  const std::string schema_name = table + ".schema.json";
  const std::string schema = load_schema_json();
  if (read_file_or_empty(dir_ + "/" + schema_name) != schema)
    if (auto st = replace_file(dir_, schema_name, schema); !st) return st;
  if (auto st = recover_parts(table_dir); !st) return st;
  if (auto st = load_keys(table, table_dir); !st) return st;
  prepared_[table] = true;
  return ok_status();
}

// A part left by a run that died: cut to its last whole line and published
// (the lines in it were written, and their keys will be loaded).
Status BigQueryFilesSink::recover_parts(const std::string& table_dir) {
  for (const auto& name : names_in(table_dir)) {
    if (name.size() < 2 || name[0] != '.' || !ends_with(name, ".ndjson.part")) continue;
    const std::string part = table_dir + "/" + name;
    const std::string final_name = table_dir + "/" + name.substr(1, name.size() - 1 - 5);  // drop "." and ".part"
    std::string bytes = read_file_or_empty(part);
    auto keep = bytes.rfind('\n');
    std::size_t length = keep == std::string::npos ? 0 : keep + 1;
    if (length == 0 || exists(final_name)) {
      if (::unlink(part.c_str()) != 0) return io_error("cannot remove " + part);
      continue;
    }
    int fd = ::open(part.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return io_error("cannot open " + part);
    bool ok = ::ftruncate(fd, static_cast<off_t>(length)) == 0 && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return io_error("cannot truncate " + part);
    if (::rename(part.c_str(), final_name.c_str()) != 0) return io_error("cannot rename " + part);
  }
  return fsync_dir(table_dir);
}

// The keys of the newest readings already in DIR/TABLE, up to the window.
Status BigQueryFilesSink::load_keys(const std::string& table, const std::string& table_dir) {
  auto names = names_in(table_dir);
  std::vector<std::string> files;
  for (auto& n : names)
    if (n[0] != '.' && ends_with(n, ".ndjson")) files.push_back(n);
  // Newest first (names begin with their UTC second), until the window is full.
  std::vector<std::uint64_t> found;
  simdjson::ondemand::parser parser;
  for (auto it = files.rbegin(); it != files.rend() && found.size() < options_.key_window; ++it) {
    std::string bytes = read_file_or_empty(table_dir + "/" + *it);
    std::vector<std::uint64_t> in_file;
    std::size_t start = 0;
    while (start < bytes.size()) {
      auto end = bytes.find('\n', start);
      if (end == std::string::npos) end = bytes.size();
      simdjson::padded_string line(std::string_view(bytes).substr(start, end - start));
      start = end + 1;
      std::string_view device, metric, time;
      auto doc = parser.iterate(line);
      if (doc.error()) continue;  // not ours: ignored, as bq load would refuse it
      if (doc["time"].get_string().get(time) || doc["device_id"].get_string().get(device) ||
          doc["metric"].get_string().get(metric))
        continue;
      // The views point into the parser's buffer: hash before the next line.
      in_file.push_back(load_key(table, device, metric, time));
    }
    found.insert(found.end(), in_file.rbegin(), in_file.rend());
  }
  if (found.size() > options_.key_window) found.resize(options_.key_window);
  for (auto k = found.rbegin(); k != found.rend(); ++k) remember(*k);  // oldest first
  return ok_status();
}

void BigQueryFilesSink::remember(std::uint64_t key) {
  if (!keys_.insert(key).second) return;
  key_order_.push_back(key);
  while (key_order_.size() > options_.key_window) {
    keys_.erase(key_order_.front());
    key_order_.pop_front();
  }
}

Result<BigQueryFilesSink::OpenFile*> BigQueryFilesSink::file_for(const std::string& table) {
  if (auto it = open_.find(table); it != open_.end()) return &it->second;
  const std::string table_dir = dir_ + "/" + table, stamp = utc_stamp();
  OpenFile f;
  for (int n = 0;; ++n) {
    std::string name = fmt::format("{}-{}.ndjson", stamp, n);
    f.final_name = table_dir + "/" + name;
    f.part = table_dir + "/." + name + ".part";
    if (!exists(f.final_name) && !exists(f.part)) break;
  }
  f.fd = ::open(f.part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (f.fd < 0) return io_error("cannot create " + f.part);
  f.opened = std::chrono::steady_clock::now();
  return &open_.emplace(table, std::move(f)).first->second;
}

Status BigQueryFilesSink::publish(OpenFile& f) {
  Status st = ok_status();
  if (::fsync(f.fd) != 0) st = io_error("cannot fsync " + f.part);
  ::close(f.fd);
  f.fd = -1;
  if (!st) return st;
  if (f.bytes == 0) {
    ::unlink(f.part.c_str());
    return ok_status();
  }
  if (::rename(f.part.c_str(), f.final_name.c_str()) != 0) return io_error("cannot rename " + f.part);
  return fsync_dir(f.final_name.substr(0, f.final_name.rfind('/')));
}

Status BigQueryFilesSink::close_files() {
  Status result = ok_status();
  for (auto& [table, f] : open_)
    if (auto st = publish(f); !st && result) result = st;
  open_.clear();
  return result;
}

Result<WriteStats> BigQueryFilesSink::write(const Batch& batch) {
  WriteStats stats;
  // Lines per table, in the batch's order; keys added only once all are synced.
  std::map<std::string, std::string> lines;
  std::vector<std::uint64_t> new_keys;
  std::unordered_set<std::uint64_t> in_batch;
  std::string time;
  for (const auto& row : batch.readings) {
    const std::string& table = row.table.empty() ? options_.table : row.table;
    if (auto st = prepare_table(table); !st) {
      if (st.error().kind == ErrorKind::usage)  // a bad table name: this reading, not the run
        return make_error(ErrorKind::bad_input, "db_rejected", st.error().message);
      return st.error();
    }
    time.clear();
    time_text::append_rfc3339_micros(time, row.time_ns);
    auto key = load_key(table, row.device_id, row.metric, time);
    if (keys_.count(key) || !in_batch.insert(key).second) {
      ++stats.duplicates;
      continue;
    }
    new_keys.push_back(key);
    append_load_line(lines[table], row);
    ++stats.inserted;
  }
  // Each table's lines appended and synced; on a failure every file is cut
  // back to where it was, so the batch is in all of them or in none.
  std::vector<std::pair<OpenFile*, std::uint64_t>> before;
  Status st = ok_status();
  for (auto& [table, text] : lines) {
    auto file = file_for(table);
    if (!file) {
      st = file.error();
      break;
    }
    before.emplace_back(*file, (*file)->bytes);
    st = write_all((*file)->fd, text, (*file)->part);
    if (st && ::fdatasync((*file)->fd) != 0) st = io_error("cannot fsync " + (*file)->part);
    if (!st) break;
    (*file)->bytes += text.size();
  }
  if (!st) {
    for (auto& [file, bytes] : before) {
      if (::ftruncate(file->fd, static_cast<off_t>(bytes)) != 0) continue;
      file->bytes = bytes;
    }
    return st.error();
  }
  for (auto k : new_keys) remember(k);
  // Files that reached their size or age are published now.
  const auto now = std::chrono::steady_clock::now();
  for (auto it = open_.begin(); it != open_.end();) {
    OpenFile& f = it->second;
    if (f.bytes >= options_.rotate_bytes || now - f.opened >= options_.rotate_every) {
      if (auto pst = publish(f); !pst) return pst.error();
      it = open_.erase(it);
    } else {
      ++it;
    }
  }
  return stats;
}

}  // namespace iot::store
