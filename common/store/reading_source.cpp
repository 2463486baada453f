#include "store/reading_source.hpp"

#include <fmt/format.h>

#include "store/identifier.hpp"
#include "store/json_out.hpp"
#include "store/reading_source_rows.hpp"

namespace iot::store {
namespace {

using detail::SourceRow;

// Groups consecutive rows of one (time, device) into one nested payload.
class GroupingSource : public ReadingSource {
 public:
  explicit GroupingSource(std::unique_ptr<detail::RowCursor> cursor) : cursor_(std::move(cursor)) {}

  Result<bool> next(StoredMessage& out) override {
    if (!have_pending_) {
      auto got = cursor_->fetch(pending_);
      if (!got) return got.error();
      if (!*got) return false;
      have_pending_ = true;
    }
    std::vector<SourceRow> group;
    group.push_back(std::move(pending_));
    have_pending_ = false;
    for (;;) {
      auto got = cursor_->fetch(pending_);
      if (!got) return got.error();
      if (!*got) break;
      if (pending_.time_ns != group.front().time_ns || pending_.device_id != group.front().device_id) {
        have_pending_ = true;
        break;
      }
      group.push_back(std::move(pending_));
    }
    render(group, out);
    return true;
  }

 private:
  static void render(const std::vector<SourceRow>& group, StoredMessage& out) {
    const SourceRow& first = group.front();
    bool same_msg = !first.msg_id.empty(), same_seq = first.seq.has_value();
    for (const auto& r : group) {
      same_msg = same_msg && r.msg_id == first.msg_id;
      same_seq = same_seq && r.seq == first.seq;
    }
    std::string& s = out.payload_json;
    s.assign("{\"schema_version\":\"2.1\"");
    if (same_msg) {
      s += ",\"msg_id\":";
      append_json_quoted(s, first.msg_id);
    }
    s += ",\"device_id\":";
    append_json_quoted(s, first.device_id);
    std::int64_t ms = first.time_ns >= 0 ? first.time_ns / 1000000 : -((-first.time_ns + 999999) / 1000000);
    fmt::format_to(std::back_inserter(s), ",\"ts\":{}", ms);
    if (same_seq) fmt::format_to(std::back_inserter(s), ",\"seq\":{}", *first.seq);
    s += ",\"d\":{";
    for (std::size_t i = 0; i < group.size(); ++i) {
      if (i) s += ',';
      append_json_quoted(s, group[i].metric);
      s += ":{\"v\":";
      append_json_number(s, group[i].value);
      fmt::format_to(std::back_inserter(s), ",\"q\":{}}}", group[i].quality);
    }
    s += "}}";
    out.device_id = first.device_id;
    out.time_ns = first.time_ns;
    out.reading_count = group.size();
  }

  std::unique_ptr<detail::RowCursor> cursor_;
  SourceRow pending_;
  bool have_pending_ = false;
};

}  // namespace

Result<std::unique_ptr<ReadingSource>> ReadingSource::open(const std::string& url, const ReadingFilter& filter) {
  if (auto t = checked_identifier(filter.table); !t) return t.error();
  if (!filter.schema.empty()) {
    if (auto s = checked_identifier(filter.schema); !s) return s.error();
  }
  Result<std::unique_ptr<detail::RowCursor>> cursor =
      make_error(ErrorKind::usage, "bad_url", "unknown database URL '" + url + "' (want sqlite:FILE or postgresql://...)");
  if (url.rfind("sqlite:", 0) == 0) {
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);
    cursor = detail::open_sqlite_cursor(path, filter);
  } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    cursor = detail::open_pg_cursor(url, filter);
  }
  if (!cursor) return cursor.error();
  return std::unique_ptr<ReadingSource>(new GroupingSource(std::move(*cursor)));
}

}  // namespace iot::store
