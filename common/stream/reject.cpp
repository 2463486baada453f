#include "stream/reject.hpp"

#include "core/log.hpp"
#include "codec/base64.hpp"
#include "codec/json_text.hpp"
#include "stream/json_escape.hpp"

namespace iot::stream {

std::string render_reject(std::string_view reason, std::string_view detail, std::string_view source,
                          std::string_view line) {
  std::string out;
  out.reserve(64 + reason.size() + detail.size() + source.size() + line.size() + line.size() / 8);
  out += "{\"reason\":";
  detail::append_json_string_lossy(out, reason);
  out += ",\"detail\":";
  detail::append_json_string_lossy(out, detail);
  out += ",\"source\":";
  detail::append_json_string_lossy(out, source);
  out += ",\"line\":";
  detail::append_json_string_lossy(out, line);
  if (!codec::is_valid_utf8(line)) {
    out += ",\"line_b64\":\"";
    out += codec::base64_encode(line);
    out += '"';
  }
  out += '}';
  return out;
}

std::string source_of(std::string_view file, std::uint64_t line_number) {
  std::string out(file.empty() ? std::string_view("-") : file);
  out += ':';
  out += std::to_string(line_number);
  return out;
}

Result<std::unique_ptr<RejectSink>> RejectSink::open(const std::string& path) {
  auto writer = LineWriter::open(path, /*append=*/true);
  if (!writer) return writer.error();
  auto sink = std::make_unique<RejectSink>();
  sink->writer_ = std::move(*writer);
  return sink;
}

Status RejectSink::reject(std::string_view reason, std::string_view detail, std::string_view source,
                          std::string_view line) {
  ++count_;
  // One per bad line: after the first few of a reason, counted (log.hpp).
  log::warn_repeated(fmt::format("rejected ({})", reason), "rejected {} ({}): {}", source, reason, detail);
  if (!writer_) return ok_status();
  return writer_->write_line(render_reject(reason, detail, source, line));
}

Status RejectSink::note(std::string_view reason, std::string_view detail, std::string_view source,
                        std::string_view line) {
  log::warn_repeated(fmt::format("note ({})", reason), "note on {} ({}): {}", source, reason, detail);
  if (!writer_) return ok_status();
  return writer_->write_line(render_reject(reason, detail, source, line));
}

Status RejectSink::flush() { return writer_ ? writer_->flush() : ok_status(); }

Status RejectSink::sync() { return writer_ ? writer_->sync() : ok_status(); }

}  // namespace iot::stream
