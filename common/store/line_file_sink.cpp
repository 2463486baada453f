#include "store/line_file_sink.hpp"

#include <cerrno>
#include <cstring>

#include "store/line_protocol.hpp"

namespace iot::store {

Result<std::unique_ptr<LineFileSink>> LineFileSink::open(const std::string& path, const SinkOptions& options) {
  std::FILE* file = path == "-" ? stdout : std::fopen(path.c_str(), "ab");  // appends: a second run adds, never truncates
  if (!file) return make_error(ErrorKind::io, "io", "line-protocol:" + path + ": " + std::strerror(errno));
  return std::unique_ptr<LineFileSink>(new LineFileSink(path, file, options));
}

LineFileSink::~LineFileSink() {
  if (file_ && file_ != stdout) std::fclose(file_);
  else if (file_) std::fflush(file_);
}

Result<WriteStats> LineFileSink::write(const Batch& batch) {
  lines_.clear();
  for (const auto& row : batch.readings)
    if (auto st = encoder_.append(lines_, row, row.table.empty() ? options_.table : row.table); !st) return st.error();
  if (!lines_.empty() && (std::fwrite(lines_.data(), 1, lines_.size(), file_) != lines_.size() || std::fflush(file_) != 0))
    return make_error(ErrorKind::io, "io", "line-protocol:" + path_ + ": " + std::strerror(errno));
  WriteStats stats;
  stats.inserted = batch.readings.size();
  return stats;
}

}  // namespace iot::store
