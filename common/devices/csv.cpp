#include "devices/csv.hpp"

namespace iot::devices {
namespace {

Error csv_error(std::size_t line, const std::string& what) {
  return make_error(ErrorKind::bad_input, "bad_csv", "line " + std::to_string(line) + ": " + what);
}

}  // namespace

Result<std::vector<CsvRecord>> parse_csv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  std::size_t line = 1, i = 0;
  bool in_record = false;  // something (even an empty field) was read on this record
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    // A line holding nothing at all is blank, not a record with one empty field.
    if (!(record.size() == 1 && record[0].empty() && !in_record)) records.push_back(std::move(record));
    record.clear();
    in_record = false;
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '\0') return csv_error(line, "a NUL byte");
    if (c == '"' && field.empty()) {
      // A quoted field: runs to the closing quote, "" is one quote.
      std::size_t start_line = line;
      ++i;
      for (;;) {
        if (i >= text.size()) return csv_error(start_line, "a quoted field is not closed");
        char q = text[i];
        if (q == '\0') return csv_error(line, "a NUL byte");
        if (q == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (q == '\n') ++line;
        field += q;
        ++i;
      }
      in_record = true;
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
        return csv_error(line, "text after a closing quote (a quote inside a field is written \"\")");
      continue;
    }
    if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      in_record = true;
      ++i;
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      end_record();
      i += c == '\r' ? 2 : 1;
      ++line;
    } else {
      if (c == '"') return csv_error(line, "a quote inside an unquoted field");
      field += c;
      in_record = true;
      ++i;
    }
  }
  if (in_record || !field.empty() || !record.empty()) end_record();
  return records;
}

}  // namespace iot::devices
