// `analyze`: features and spectrum of one capture as JSON on stdout, and
// the spectrum as SVG with --plot.
#include <simdjson.h>

#include <iostream>

#include "core/log.hpp"
#include "cli/run.hpp"
#include "codec/lz4.hpp"
#include "core/exit_codes.hpp"
#include "core/limits.hpp"
#include "waveform/analysis.hpp"
#include "waveform/blob_store.hpp"
#include "iot-waveform/commands.hpp"
#include "waveform/protocol.hpp"
#include "waveform/samples.hpp"
#include "waveform/svg_plot.hpp"

namespace iot::waveform {
namespace {

using cli::must;

struct Loaded {
  std::vector<double> samples;
  double rate = 0;
  std::string name;
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The sidecar's sample_rate_hz and format (also the metadata line's).
void read_sidecar(const std::string& path, double& rate, std::string& format) {
  auto text = must(read_file(path, 1u << 20));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(text)).get(doc) || doc["sample_rate_hz"].get(rate) ||
      doc["format"].get_string().error())
    cli::fail(make_error(ErrorKind::bad_input, "schema", path + ": no sample_rate_hz or format"));
  format = std::string(doc["format"].get_string().value());
}

Loaded load_blob(const std::string& blob_path, const std::string& sidecar, const AnalyzeOptions& o) {
  Loaded l{{}, 0, blob_path};
  std::string format = "float32_le";
  read_sidecar(sidecar, l.rate, format);
  if (o.rate.per_second > 0) l.rate = o.rate.per_second;
  auto blob = must(read_file(blob_path, limits::max_decompressed_bytes));
  auto raw = must(codec::lz4_decompress_any(blob, limits::max_decompressed_bytes));
  l.samples = must(decode_samples(raw, must(parse_wire_format(format))));
  return l;
}

Loaded load(const AnalyzeOptions& o) {
  if (!o.upload_id.empty()) {
    if (o.store.empty()) cli::fail(make_error(ErrorKind::usage, "usage", "--upload-id needs --store"));
    if (!is_safe_upload_id(o.upload_id)) cli::fail(make_error(ErrorKind::usage, "usage", "bad --upload-id"));
    std::string sidecar = o.store + "/by-upload/" + o.upload_id + ".json";
    auto text = must(read_file(sidecar, 1u << 20));
    simdjson::dom::parser parser;
    std::string_view blob;
    if (parser.parse(simdjson::padded_string(text))["blob"].get(blob))
      cli::fail(make_error(ErrorKind::bad_input, "schema", sidecar + ": no blob path"));
    return load_blob(std::string(blob), sidecar, o);
  }
  if (o.file.empty()) cli::fail(make_error(ErrorKind::usage, "usage", "analyze needs FILE or --store DIR --upload-id ID"));
  if (ends_with(o.file, ".lz4")) {
    std::string sidecar = o.file.substr(0, o.file.size() - 4) + ".json";
    return load_blob(o.file, sidecar, o);
  }
  if (!(o.rate.per_second > 0)) {
    InputFormat guess = o.format.empty() ? guess_input_format(o.file) : must(parse_input_format(o.format));
    if (guess != InputFormat::wav) cli::fail(make_error(ErrorKind::usage, "usage", "raw samples need --rate HZ"));
  }
  auto data = must(read_file(o.file == "-" ? "/dev/stdin" : o.file, 1u << 30));
  InputFormat format = o.format.empty() ? guess_input_format(o.file) : must(parse_input_format(o.format));
  Capture c = must(read_capture(data, format));
  Loaded l{must(decode_samples(c.bytes, c.format)), o.rate.per_second > 0 ? o.rate.per_second : c.rate_hz.value_or(0), o.file};
  if (!(l.rate > 0)) cli::fail(make_error(ErrorKind::usage, "usage", "no sample rate: give --rate HZ"));
  return l;
}

}  // namespace

int run_analyze(const AnalyzeOptions& o) {
  Loaded l = load(o);
  AnalysisOptions a;
  a.top_peaks = o.top;
  a.min_hz = o.min_hz;
  if (!o.bands.empty()) a.bands = must(parse_bands(o.bands));
  if (o.envelope) l.samples = envelope(l.samples);
  Features f = must(analyze(l.samples, l.rate, a));
  if (!o.plot.empty()) {
    PlotOptions p;
    p.max_hz = o.max_hz;
    p.title = o.title.empty() ? (o.envelope ? "Envelope spectrum of " : "Amplitude spectrum of ") + l.name : o.title;
    if (auto st = write_file_atomic(o.plot, render_spectrum_svg(f, p), false); !st) cli::fail(st.error());
  }
  std::cout << render_features_json(f) << '\n';
  std::cout.flush();
  if (!std::cout) cli::fail(make_error(ErrorKind::io, "io", "output closed"));
  return exit_code::ok;
}

}  // namespace iot::waveform
