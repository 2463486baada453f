#include "waveform/metadata.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

namespace iot::waveform {
namespace {

using Json = nlohmann::ordered_json;

void add_complete(Json& j, const CompleteMessage& c) {
  j["sample_rate_hz"] = c.sample_rate_hz;
  j["sample_count"] = c.sample_count;
  j["format"] = c.format;
  j["total_chunks"] = c.total_chunks;
  j["total_bytes"] = c.total_bytes;
  j["sha256"] = c.checksum_sha256;
  if (c.url) j["url"] = *c.url;
}

double finite(double v) { return std::isfinite(v) ? v : 0.0; }

void add_features(Json& j, const Features& f) {
  j["rms"] = finite(f.rms);
  j["peak"] = finite(f.peak);
  j["peak_to_peak"] = finite(f.peak_to_peak);
  j["crest"] = finite(f.crest_factor);
  j["kurtosis"] = finite(f.kurtosis);
  Json hz = Json::array(), dominant = Json::array(), bands = Json::array();
  for (const Peak& p : f.dominant) {
    hz.push_back(finite(p.hz));
    dominant.push_back({{"hz", finite(p.hz)}, {"magnitude", finite(p.magnitude)}});
  }
  for (const Band& b : f.bands) bands.push_back({{"lo_hz", b.lo_hz}, {"hi_hz", b.hi_hz}, {"rms", finite(b.rms)}});
  j["dominant_hz"] = hz;
  j["dominant"] = dominant;
  j["bands"] = bands;
}

}  // namespace

std::string device_of_base(std::string_view base) {
  auto slash = base.rfind('/');
  return std::string(slash == std::string_view::npos ? base : base.substr(slash + 1));
}

std::string iso_time(std::int64_t ns) {
  std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  long micros = static_cast<long>((ns % 1'000'000'000) / 1000);
  if (micros < 0) {
    micros += 1'000'000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
}

std::string render_metadata(const Outcome& o, const std::string& blob_path, const Features* features) {
  Json j;
  j["type"] = "waveform";
  j["status"] = std::string(status_name(o.status));
  j["upload_id"] = o.upload_id;
  j["device_id"] = device_of_base(o.base);
  j["topic_base"] = o.base;
  j["time"] = iso_time(o.time_ns);
  if (o.complete) add_complete(j, *o.complete);
  if (o.status == UploadStatus::ok) {
    j["compression"] = o.compression;
    j["blob"] = blob_path;
  }
  j["received"] = o.received;
  if (o.status == UploadStatus::incomplete) j["missing"] = o.missing;
  if (!o.conflicting.empty()) j["conflicting"] = o.conflicting;
  if (!o.detail.empty()) j["detail"] = o.detail;
  if (features) add_features(j, *features);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace iot::waveform
