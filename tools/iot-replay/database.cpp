// --from-db: stored readings read back as nested payloads (store::ReadingSource),
// each written as an envelope on the --topic-template topic.
#include <optional>
#include <utility>

#include "core/log.hpp"
#include "iot-replay/sources.hpp"
#include "store/reading_source.hpp"
#include "stream/envelope.hpp"

namespace iot::replay {
namespace {

bool publishable_level(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id)
    if (c == '/' || c == '+' || c == '#' || c == '\0') return false;
  return true;
}

class DatabaseItems : public ItemSource {
 public:
  DatabaseItems(const ReplayOptions& o, std::unique_ptr<store::ReadingSource> source)
      : o_(o), source_(std::move(source)) {}

  Result<bool> next(Item& item) override {
    for (;;) {
      auto more = source_->next(message_);
      if (!more) return more.error();
      if (!*more) return false;
      // The source promises (time, device) strictly increasing; a repeat would
      // be replayed forever, so it ends the replay instead.
      if (last_ && std::pair(message_.time_ns, message_.device_id) <= *last_)
        return make_error(ErrorKind::internal, "internal",
                          "the database source went back in time or repeated a message (device " +
                              message_.device_id + "): stopping");
      last_ = std::pair(message_.time_ns, message_.device_id);
      if (!publishable_level(message_.device_id)) {
        if (++skipped_ == 1) log::warn("device id '{}' cannot stand in a topic level; skipped", message_.device_id);
        continue;
      }
      topic_ = o_.topic_template;
      for (auto pos = topic_.find("{device_id}"); pos != std::string::npos;
           pos = topic_.find("{device_id}", pos + message_.device_id.size()))
        topic_.replace(pos, 11, message_.device_id);
      stream::EnvelopeOut out;
      out.topic = topic_;
      out.payload_json = message_.payload_json;
      line_ = stream::render_envelope(out);
      item = {line_, message_.time_ns};
      return true;
    }
  }

  Status finish() override {
    if (skipped_ > 1) log::warn("{} stored messages skipped: device ids that cannot stand in a topic", skipped_);
    return ok_status();
  }

 private:
  const ReplayOptions& o_;
  std::unique_ptr<store::ReadingSource> source_;
  store::StoredMessage message_;
  std::string topic_, line_;
  std::uint64_t skipped_ = 0;
  std::optional<std::pair<std::int64_t, std::string>> last_;
};

}  // namespace

Result<std::unique_ptr<ItemSource>> open_database(const ReplayOptions& o) {
  store::ReadingFilter filter;
  filter.devices = o.devices;
  filter.metrics = o.metrics;
  if (o.since) filter.since_ns = o.since->unix_ns;
  if (o.until) filter.until_ns = o.until->unix_ns;
  filter.table = o.table;
  filter.schema = o.schema;
  auto source = store::ReadingSource::open(o.from_db, filter);
  if (!source) return source.error();
  return std::unique_ptr<ItemSource>(new DatabaseItems(o, std::move(*source)));
}

}  // namespace iot::replay
