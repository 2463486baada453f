#include "store/sink_fan_out.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <future>

namespace iot::store {

std::vector<Result<WriteOutcome>> SinkFanOut::write(const Batch& batch) {
  std::vector<std::future<Result<WriteOutcome>>> others;
  for (std::size_t i = 1; i < lanes_.size(); ++i)
    others.push_back(std::async(std::launch::async, [this, i, &batch] { return lanes_[i].writer->write(batch); }));
  std::vector<Result<WriteOutcome>> results;
  results.reserve(lanes_.size());
  if (!lanes_.empty()) results.push_back(lanes_[0].writer->write(batch));
  for (auto& f : others) results.push_back(f.get());
  return results;
}

std::string public_sink_name(const std::string& url) {
  std::string out = url;
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    auto rest = scheme + 3;
    auto slash = out.find('/', rest);
    auto at = out.rfind('@', slash == std::string::npos ? out.size() : slash);
    if (at != std::string::npos && at >= rest) out.erase(rest, at + 1 - rest);
    if (auto q = out.find('?'); q != std::string::npos) out.erase(q);
    return out;
  }
  // libpq keywords ("postgresql:dbname=x password=y"): drop the password pair.
  for (auto p = out.find("password="); p != std::string::npos; p = out.find("password=")) {
    auto end = out.find(' ', p);
    out.erase(p, end == std::string::npos ? std::string::npos : end - p + 1);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string spool_folder_name(const std::string& url) {
  std::string name;
  for (char c : public_sink_name(url)) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    name += plain ? c : '_';
  }
  // Collapse runs of '_' ("postgresql___host" -> "postgresql_host").
  std::string tidy;
  for (char c : name)
    if (c != '_' || tidy.empty() || tidy.back() != '_') tidy += c;
  while (!tidy.empty() && (tidy.back() == '_' || tidy.back() == '.')) tidy.pop_back();
  if (tidy.empty() || tidy[0] == '.') tidy.insert(tidy.begin(), 'x');
  // Long names (a long path) keep their start and a hash of the whole URL.
  // FNV-1a: the same in every build, unlike std::hash.
  if (tidy.size() > 80) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : url) h = (h ^ c) * 1099511628211ull;
    tidy = fmt::format("{}-{:016x}", tidy.substr(0, 60), h);
  }
  return tidy;
}

}  // namespace iot::store
