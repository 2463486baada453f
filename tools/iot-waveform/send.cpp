// `send`: captures -> lz4 frame -> chunks and a complete message, as
// envelopes for iot-pub (or an HTTP PUT and only the complete message).
#include <fmt/format.h>

#include "core/log.hpp"
#include "cli/run.hpp"
#include "core/exit_codes.hpp"
#include "stream/envelope.hpp"
#include "stream/line_writer.hpp"
#include "waveform/blob_store.hpp"
#include "iot-waveform/commands.hpp"
#include "waveform/http.hpp"
#include "waveform/upload.hpp"

namespace iot::waveform {
namespace {

std::string replace_all(std::string text, std::string_view what, std::string_view with) {
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
    text.replace(at, what.size(), with);
  return text;
}

Result<std::string> topic_base(const SendOptions& o) {
  if (o.device.find_first_of("/+#") != std::string::npos || o.device.empty())
    return make_error(ErrorKind::usage, "usage", "--device must be one topic level, without / + #");
  std::string base = replace_all(o.topic_base, "{device}", o.device);
  if (base.find_first_of("+#") != std::string::npos || base.find('\0') != std::string::npos)
    return make_error(ErrorKind::usage, "usage", "--topic-base must not hold + or #");
  return base;
}

Result<Capture> load_capture(const std::string& path, const SendOptions& o) {
  auto data = read_file(path == "-" ? "/dev/stdin" : path, 1u << 30);
  if (!data) return data.error();
  InputFormat format = guess_input_format(path);
  if (!o.format.empty()) {
    auto f = parse_input_format(o.format);
    if (!f) return f.error();
    format = *f;
  }
  auto capture = read_capture(*data, format);
  if (!capture) return make_error(capture.error().kind, capture.error().reason, path + ": " + capture.error().message);
  return capture;
}

Status emit(stream::LineWriter& out, const std::string& topic, const std::string* json, std::string_view bytes, int qos) {
  stream::EnvelopeOut e;
  e.topic = topic;
  if (json) {
    e.payload_json = *json;
    e.enc = "json";
  } else {
    e.payload_bytes = bytes;
    e.enc = "binary";
  }
  e.qos = qos;
  return out.write_line(stream::render_envelope(e));
}

Status send_one(const std::string& path, const std::string& base, const SendOptions& o, stream::LineWriter& out) {
  auto capture = load_capture(path, o);
  if (!capture) return capture.error();
  double rate = o.rate.per_second > 0 ? o.rate.per_second : capture->rate_hz.value_or(0);
  if (!(rate > 0))
    return make_error(ErrorKind::usage, "usage", path + ": no sample rate: give --rate (only WAV files carry one)");
  Upload up = make_upload(*capture, rate, o.chunk_size, o.upload_id);
  if (!o.upload_url.empty()) {
    std::string url = replace_all(o.upload_url, "{upload_id}", up.complete.upload_id);
    if (auto st = http_put(url, up.blob); !st) return st.error();
    up.complete.url = url;
  } else if (up.blob.size() > o.mqtt_limit) {
    return make_error(ErrorKind::too_large, "too_large",
                      fmt::format("{}: {} bytes compressed is over the MQTT limit of {} (--mqtt-limit); send it "
                                  "with --upload-url URL (HTTP PUT, only the complete message over MQTT)",
                                  path, up.blob.size(), o.mqtt_limit));
  } else {
    for (std::size_t i = 0; i < up.complete.total_chunks; ++i)
      if (auto st = emit(out, chunk_topic(base, up.complete.upload_id, i), nullptr, up.chunk(i), o.qos); !st) return st;
  }
  std::string json = render_complete(up.complete);
  if (auto st = emit(out, complete_topic(base, up.complete.upload_id), &json, {}, o.qos); !st) return st;
  log::info("{}: upload {}: {} samples, {} bytes compressed, {} chunks{}", path, up.complete.upload_id,
            up.complete.sample_count, up.blob.size(), up.complete.url ? 0 : up.complete.total_chunks,
            up.complete.url ? " (sent by HTTP PUT)" : "");
  return ok_status();
}

}  // namespace

int run_send(const SendOptions& o) {
  if (!o.upload_id.empty() && (o.files.size() != 1 || !is_safe_upload_id(o.upload_id)))
    cli::fail(make_error(ErrorKind::usage, "usage", "--upload-id takes one file and a name of [A-Za-z0-9._-]"));
  auto base = topic_base(o);
  if (!base) cli::fail(base.error());
  stream::LineWriter out(1, stream::LineWriter::wants_line_flush(1));
  int failed = 0;
  for (const auto& path : o.files) {
    if (cli::interrupted()) break;
    auto st = send_one(path, *base, o, out);
    if (!st) {
      if (st.error().kind == ErrorKind::io && st.error().message == "output closed") cli::fail(st.error());
      if (st.error().kind == ErrorKind::usage) cli::fail(st.error());
      log::error("{}", st.error().message);
      failed = failed ? failed : cli::exit_code_for(st.error());
    }
  }
  if (auto st = out.flush(); !st) cli::fail(st.error());
  return failed;
}

}  // namespace iot::waveform
