// Reject and DLQ records (design §8): {"reason", "detail", "source", "line"}.
// reasons are short fixed words: bad_json, bad_signature, schema, duplicate,
// no_route, too_large, decode, db_rejected, ...
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "stream/line_writer.hpp"

namespace iot::stream {

std::string render_reject(std::string_view reason, std::string_view detail, std::string_view source,
                          std::string_view line);

// Writes reject records to a file (or nowhere) and counts them; each line is
// also logged once at warn level with its reason.
class RejectSink {
 public:
  RejectSink() = default;  // counts and logs only
  static Result<std::unique_ptr<RejectSink>> open(const std::string& path);
  Status reject(std::string_view reason, std::string_view detail, std::string_view source,
                std::string_view line);
  std::uint64_t count() const { return count_; }
  Status flush();

 private:
  std::unique_ptr<LineWriter> writer_;
  std::uint64_t count_ = 0;
};

}  // namespace iot::stream
