// A whole (small) table read back as text: its column names and every row,
// each value as text and NULL as "". For tables an operator keeps beside
// the readings, such as iot-ingest's device table (--devices table:NAME).
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"

namespace iot::store {

struct TableText {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each as wide as columns
};

// url: sqlite:FILE or postgresql://... (postgres://, postgresql:KEYWORDS);
// schema: PostgreSQL only, empty for the search path. Errors: usage
// "bad_url" / "bad_identifier"; unavailable "db_unavailable" (no server,
// no such file); bad_input "db_rejected" (no such table, no permission).
Result<TableText> read_table_text(const std::string& url, const std::string& schema, const std::string& table);

}  // namespace iot::store
