// Reading the inputs, on one thread or on several (iot-verify(1), --threads).
// With N >= 2 a reader thread reads lines in batches, N worker threads
// analyze the batches (envelope, route, signature, normalizer: the costly,
// stateless part, LineAnalyzer), and the caller's thread takes the batches
// back in input order and runs the stateful checks and the outputs on each
// line in turn: the output and the report are the same as with one thread.
// At most max_batches batches are queued, two more are being read and
// written (bounded memory: consumed batches are reused); a batch is
// passed on early when the input has no whole line waiting, so a quiet pipe
// does not hold lines back.
//
// With `adaptive` the workers start only when they can help: files, all
// there to be read, get them from the first line; from a pipe the lines are
// read on the caller's thread until it has run flat out for a while (the
// input outpaces one thread), and only then do the reader and the workers
// take over, from the next line on. A live pipe that one thread keeps up
// with, or a process starved of cores by the rest of a pipeline, never pays
// for the hand-offs between threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "stream/line_reader.hpp"
#include "iot-verify/checker.hpp"

namespace iot::verify {

struct ReadPlan {
  std::vector<std::string> inputs;  // "-" is stdin
  int threads = 1;                  // workers; 1: all on the caller's thread
  std::size_t max_batches = 0;      // 0: 2 * threads + 2
  bool adaptive = false;            // threads >= 2 only once one thread is not enough
  // adaptive: whether one thread is outpaced, asked each time it finds no
  // whole line waiting; empty: it ran flat out for the last 200 ms.
  std::function<bool()> outpaced;
};

// Makes one analyzer per worker thread (called on the caller's thread).
using AnalyzerFactory = std::function<std::unique_ptr<LineAnalyzer>()>;

// Called once per line, in input order, on the caller's thread. analysis:
// the line analyzed by a worker, or null with one thread (the consumer
// analyzes it itself). Return false to stop.
using LineConsumer = std::function<bool(const stream::Line& line, LineAnalysis* analysis)>;

// Called on the caller's thread on a line analyzed already, a few lines
// before it is consumed (to warm caches), with N >= 2.
using LinePrefetcher = std::function<void(const LineAnalysis& analysis)>;

// Called on the caller's thread when the lines read so far are consumed and
// the input has none waiting (one thread: before a read that may wait;
// workers: after each batch): outputs gathered from those lines go out
// now, so that a live pipe sees every line before the next one comes.
// Return false to stop.
using IdleHandler = std::function<bool()>;

// Reads every input; false when an input could not be opened or read (logged).
bool read_inputs(const ReadPlan& plan, const AnalyzerFactory& make_analyzer, const LinePrefetcher& prefetch,
                 const LineConsumer& consume, const IdleHandler& idle = {});

}  // namespace iot::verify
