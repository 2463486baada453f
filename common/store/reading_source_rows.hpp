// Internal to reading_source.cpp: the engines yield flat rows ordered by
// (time, device_id, metric); the grouping turns them into messages.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "store/reading_source.hpp"

namespace iot::store::detail {

struct SourceRow {
  std::string device_id, metric, msg_id;
  std::int64_t time_ns = 0;
  std::optional<double> value;
  int quality = 192;
  std::optional<std::int64_t> seq;
};

class RowCursor {
 public:
  virtual ~RowCursor() = default;
  virtual Result<bool> fetch(SourceRow& row) = 0;
};

Result<std::unique_ptr<RowCursor>> open_sqlite_cursor(const std::string& path, const ReadingFilter& filter);
Result<std::unique_ptr<RowCursor>> open_pg_cursor(const std::string& conninfo, const ReadingFilter& filter);

}  // namespace iot::store::detail
