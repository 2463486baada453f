#include "iot-replay/topic_rewriting.hpp"

#include <simdjson.h>

#include "codec/json_text.hpp"
#include "core/log.hpp"
#include "replay/record_info.hpp"

namespace iot::replay {
namespace {

namespace od = simdjson::ondemand;

// Where the top-level "topic" string sits in the line, quotes included.
std::optional<std::pair<std::size_t, std::size_t>> topic_span(od::parser& parser, std::string_view line) {
  simdjson::padded_string buf(line);
  od::document doc;
  od::object root;
  od::value value;
  if (parser.iterate(buf).get(doc) || doc.get_object().get(root) || root.find_field_unordered("topic").get(value))
    return std::nullopt;
  std::string_view raw = value.raw_json_token();
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' || raw.back() == '\n'))
    raw.remove_suffix(1);
  if (raw.size() < 2 || raw.front() != '"') return std::nullopt;
  return std::make_pair(static_cast<std::size_t>(raw.data() - buf.data()), raw.size());
}

class RewrittenItems : public ItemSource {
 public:
  RewrittenItems(std::unique_ptr<ItemSource> inner, topic::TopicRewriter rewriter)
      : inner_(std::move(inner)), rewriter_(std::move(rewriter)) {}

  Result<bool> next(Item& item) override {
    for (;;) {
      auto more = inner_->next(item);
      if (!more || !*more) return more;
      RecordInfo info = inspector_.inspect(item.line);  // validates the whole line
      if (!info.parsed || !info.topic) return true;
      auto topic = rewriter_.apply(*info.topic);
      if (!topic) {
        ++left_out_;
        log::warn("left out: {}", topic.error().message);
        continue;
      }
      auto span = topic_span(parser_, item.line);
      if (!span) return true;
      line_.assign(item.line.substr(0, span->first));
      if (!codec::append_json_string(line_, *topic).ok()) {
        ++left_out_;
        continue;
      }
      line_.append(item.line.substr(span->first + span->second));
      item.line = line_;
      return true;
    }
  }
  Status finish() override { return inner_->finish(); }
  std::optional<double> fraction_done() const override { return inner_->fraction_done(); }
  std::int64_t timeline_shift_ns() const override { return inner_->timeline_shift_ns(); }
  void add_metrics(cli::Metrics& metrics) const override {
    inner_->add_metrics(metrics);
    metrics.add("rewrite_left_out_total", double(left_out_),
                "Messages left out because --topic-rewrite/--topic-prefix made no valid topic");
  }

 private:
  std::unique_ptr<ItemSource> inner_;
  topic::TopicRewriter rewriter_;
  RecordInspector inspector_;
  od::parser parser_;
  std::string line_;
  std::uint64_t left_out_ = 0;
};

}  // namespace

std::unique_ptr<ItemSource> rewritten(std::unique_ptr<ItemSource> source, const ReplayOptions& o) {
  if (!o.rewriter || o.rewriter->empty()) return source;
  return std::make_unique<RewrittenItems>(std::move(source), *o.rewriter);
}

}  // namespace iot::replay
