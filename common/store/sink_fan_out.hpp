// Several databases at once (iot-ingest(1), --db given more than once): one
// lane per sink, each with its own breaker and spool folder, all written
// the same batch side by side. A batch is done when every lane committed or
// spooled it; each lane's result comes back on its own, so one sink that is
// away or refuses a row never holds back or fails another.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "spool/spool.hpp"
#include "store/resilient_writer.hpp"
#include "store/sink.hpp"

namespace iot::store {

// One --db: the sink, its spool (may be null) and the writer over both.
struct SinkLane {
  std::string name;  // the URL without user, password or query, for logs and the summary
  std::unique_ptr<Sink> sink;
  std::unique_ptr<spool::Spool> spool;
  std::unique_ptr<ResilientWriter> writer;
};

class SinkFanOut {
 public:
  explicit SinkFanOut(std::vector<SinkLane> lanes) : lanes_(std::move(lanes)) {}
  // Writes the batch to every lane, each on a thread of its own (the first
  // on the caller's), and returns one result per lane, in lane order.
  std::vector<Result<WriteOutcome>> write(const Batch& batch);
  std::size_t size() const { return lanes_.size(); }
  SinkLane& lane(std::size_t i) { return lanes_.at(i); }
  const SinkLane& lane(std::size_t i) const { return lanes_.at(i); }

 private:
  std::vector<SinkLane> lanes_;
};

// A database URL with what may be secret taken out (user and password,
// query, libpq's password= keyword), for logs.
std::string public_sink_name(const std::string& url);

// The spool subfolder of one lane when --db is given more than once: made of
// the public name only ([A-Za-z0-9._-]), so the same URL finds its spool
// again in the next run whatever the order of the --db options.
std::string spool_folder_name(const std::string& url);

}  // namespace iot::store
