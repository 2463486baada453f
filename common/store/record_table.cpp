#include "store/record_table.hpp"

#include <fmt/format.h>

#include "core/time_text.hpp"

namespace iot::store {
namespace {

using C = RecordColumn;
using T = ColumnType;
using F = RecordField;

constexpr C kTime{"time", T::time, F::time, true};
constexpr C kDevice{"device_id", T::text, F::device_id, true};
constexpr C kTenant{"tenant", T::text, F::tenant};
constexpr C kTopic{"topic", T::text, F::topic};
constexpr C kMsgId{"msg_id", T::text, F::msg_id, true};
constexpr C kPayload{"payload", T::json, F::json};

constexpr C events_columns[] = {kTime, kDevice, kTenant, {"type", T::text, F::name, true},
                                {"severity", T::text, F::label}, kPayload, kTopic, kMsgId};
constexpr C logs_columns[] = {kTime, kDevice, kTenant, {"container", T::text, F::name}, {"level", T::text, F::label},
                              {"message", T::text, F::text, true}, kPayload, kTopic, kMsgId};
constexpr C job_requests_columns[] = {kTime, kDevice, kTenant, kPayload, kTopic, kMsgId};
constexpr C actions_columns[] = {kTime, kDevice, kTenant, {"action", T::text, F::name, true}, kPayload, kTopic, kMsgId};
constexpr C state_columns[] = {kDevice, kTenant, {"state", T::json, F::json, true}, kTime, kMsgId};
constexpr C history_columns[] = {kTime, kDevice, kTenant, {"state", T::json, F::json, true}, kMsgId};
constexpr C job_status_columns[] = {kDevice,
                                    {"job_id", T::text, F::name, true},
                                    kTenant,
                                    {"status", T::text, F::label, true},
                                    {"progress", T::real, F::number},
                                    kPayload,
                                    {"updated_at", T::time, F::time, true},
                                    kMsgId};

constexpr std::string_view by_msg_id[] = {"msg_id"};
constexpr std::string_view by_device[] = {"device_id"};
constexpr std::string_view by_device_job[] = {"device_id", "job_id"};

// actions is no hypertable: TimescaleDB can only keep a key unique together
// with the time column, and an action must be one row by msg_id alone.
constexpr RecordTableSpec specs[] = {
    {RecordTable::events, "events", events_columns, by_msg_id, false, true},
    {RecordTable::logs, "logs", logs_columns, by_msg_id, false, true},
    {RecordTable::job_requests, "job_requests", job_requests_columns, by_msg_id, false, true},
    {RecordTable::actions, "actions", actions_columns, by_msg_id, false, false},
    {RecordTable::agent_state, "agent_state", state_columns, by_device, true, false},
    {RecordTable::agent_state_history, "agent_state_history", history_columns, by_msg_id, false, true},
    {RecordTable::agent_job_status, "agent_job_status", job_status_columns, by_device_job, true, false, "updated_at"},
};

std::optional<std::string> text_or_null(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

std::optional<std::string> value_of(const RecordRow& row, RecordField field) {
  switch (field) {
    case F::time: return time_text::rfc3339_micros(row.time_ns);
    case F::msg_id: return text_or_null(row.msg_id);
    case F::device_id: return text_or_null(row.device_id);
    case F::tenant: return text_or_null(row.tenant);
    case F::topic: return text_or_null(row.topic);
    case F::name: return text_or_null(row.name);
    case F::label: return text_or_null(row.label);
    case F::text: return text_or_null(row.text);
    case F::number:
      if (!row.number) return std::nullopt;
      return fmt::format("{}", *row.number);
    case F::json: return text_or_null(row.json);
  }
  return std::nullopt;
}

}  // namespace

std::span<const RecordTableSpec> record_tables() { return specs; }

const RecordTableSpec& record_table(RecordTable table) {
  for (const auto& s : specs)
    if (s.id == table) return s;
  return specs[0];
}

std::optional<RecordTable> record_table_named(std::string_view name) {
  for (const auto& s : specs)
    if (s.name == name) return s.id;
  return std::nullopt;
}

std::vector<std::optional<std::string>> record_values(const RecordRow& row) {
  std::vector<std::optional<std::string>> out;
  for (const auto& c : record_table(row.table).columns) out.push_back(value_of(row, c.field));
  return out;
}

}  // namespace iot::store
