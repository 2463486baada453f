// iot-pub's options: one struct, one definition (the man page documents
// every long option defined here; tests/docs checks it).
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/typed_values.hpp"

namespace iot::pub {

struct PubOptions {
  cli::BrokerOptions broker;
  cli::LogOptions log;
  std::vector<std::string> inputs;    // files; none or "-": stdin
  std::vector<std::string> messages;  // -m: payload or envelope lines (with --raw: payloads as they are)
  bool raw = false;                   // --raw: -m and input lines are payload bytes as they are
  std::string file;                   // -f FILE: the whole file as one message
  bool stdin_whole = false;           // -s: all of stdin as one message
  bool stdin_lines = false;           // -l: each stdin line a message
  std::string topic_template;         // -t
  std::string topic_prefix;           // --topic-prefix P
  std::vector<std::string> topic_rewrites;  // --topic-rewrite FROM=>TO, repeatable
  std::string encode;                 // --encode: empty keeps the envelope's enc, else json
  std::string key_file;               // --key-file: sign (signed shape)
  bool stamp = false;
  std::size_t max_devices = 1'000'000;  // --max-devices: devices whose last seq is held (iot-pub(1), Resource use)
  std::vector<std::string> deadband;  // --deadband GLOB=abs:X | GLOB=pct:P, repeatable (checked when parsed)
  cli::Duration heartbeat{"0s"};      // --heartbeat: a reading goes at least this often (0: no heartbeat)
  std::string registry;               // --registry FILE: routes' deadband keys
  bool keep_seq = false;              // --keep-seq: the device's msg_id and seq stay; all-suppressed -> empty d
  bool retain = false;
  std::string outbox;                 // --outbox FILE
  std::uint64_t outbox_max = 0;       // --outbox-max N (0: no cap)
  std::string outbox_full = "refuse"; // refuse | drop-oldest
  cli::Duration commit_delay{"5ms"};  // --commit-delay: how long read messages may wait to share an outbox commit
  cli::Duration keep{"0s"};           // --keep: answer resend requests from what was sent this long ago (0: off)
  cli::Rate resend_rate{"200/s"};     // --resend-rate: messages/s sent again on request
  std::string resend_topic{"{topic_prefix}/resend"};  // --resend-topic: where the requests come
  int max_inflight = 100;
  cli::Rate rate;                     // messages/s in total (0: no limit)
  int retries = 10;
  cli::Duration connect_timeout{"10s"};
  std::string reject_file;            // --reject FILE
  cli::Duration drain_timeout{"30s"};  // at EOF: how long to wait for the last acknowledgements while connected
};

void define_options(CLI::App& app, PubOptions& options);

}  // namespace iot::pub
