// Redis Streams for iot-ingest (iot-ingest(1), --from and --to-stream): a writer (XADD with MAXLEN ~, one
// entry per stream line, field "data") and a consumer-group reader.
//
// Reader contract (at least once, made exactly once in effect by the
// primary key): entries are read with XREADGROUP; the caller acknowledges
// them (ack) only after their rows are committed (or durably spooled).
// Entries another consumer left pending longer than claim_idle are taken
// over with XAUTOCLAIM; an entry delivered more than max_deliveries times is
// a poison entry: copied to the DLQ stream with the reason and acknowledged.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/redis_client.hpp"

namespace iot::store {

class RedisStreamWriter {
 public:
  RedisStreamWriter(std::unique_ptr<RedisClient> client, std::uint64_t maxlen)
      : client_(std::move(client)), maxlen_(maxlen) {}
  // XADD each (stream, line) in one pipelined round trip.
  Status add(const std::vector<std::pair<std::string, std::string>>& entries);

 private:
  std::unique_ptr<RedisClient> client_;
  std::uint64_t maxlen_;
};

struct StreamEntry {
  std::string id;
  std::string data;  // field "data" (else the first field's value)
  bool claimed = false;  // taken over from another consumer
};

struct StreamReaderOptions {
  std::string stream, group, consumer;
  std::string dlq_stream;  // empty: <stream>:dlq
  int count = 1000;        // entries per read
  int block_ms = 1000;
  std::chrono::milliseconds claim_idle{30000};
  int max_deliveries = 5;
};

class RedisStreamReader {
 public:
  // Creates the group (MKSTREAM, from the start of the stream) when missing.
  static Result<std::unique_ptr<RedisStreamReader>> open(std::unique_ptr<RedisClient> client,
                                                         StreamReaderOptions options);
  // Next entries: first this consumer's own pending ones (after a restart),
  // then entries claimed from dead consumers, then new ones (blocking up to
  // block_ms; empty on timeout). Poison entries are dead-lettered here.
  Result<std::vector<StreamEntry>> read();
  Status ack(const std::vector<std::string>& ids);
  std::uint64_t dead_lettered() const { return dead_lettered_; }
  // Entries pending for the whole group (XPENDING summary).
  Result<std::int64_t> pending_count();

 private:
  RedisStreamReader(std::unique_ptr<RedisClient> client, StreamReaderOptions options)
      : client_(std::move(client)), options_(std::move(options)) {}
  Result<std::vector<StreamEntry>> read_group(const std::string& from_id, int block_ms);
  Result<std::vector<StreamEntry>> claim();
  Status drop_poison(std::vector<StreamEntry>& entries);

  std::unique_ptr<RedisClient> client_;
  StreamReaderOptions options_;
  bool own_pending_done_ = false;
  std::string own_cursor_ = "0";
  std::chrono::steady_clock::time_point next_claim_{};
  std::uint64_t dead_lettered_ = 0;
};

}  // namespace iot::store
