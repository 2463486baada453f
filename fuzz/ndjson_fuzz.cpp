// LineReader on arbitrary bytes. Header: chunk size, line cap, read buffer
// size, then a mode byte: plain input from memory in chunks (lines cross
// buffer boundaries), or the bytes as a gzip / lz4 file through a memfd.
// Checks the reader's promises as it goes.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "stream/compressed_reader.hpp"
#include "stream/line_reader.hpp"

namespace {

std::unique_ptr<iot::stream::LineReader> compressed_reader(std::string_view input, bool lz4, std::size_t max_line) {
  int fd = ::memfd_create("fuzz", 0);
  if (fd < 0) std::abort();
  if (::write(fd, input.data(), input.size()) != static_cast<ssize_t>(input.size())) std::abort();
  ::lseek(fd, 0, SEEK_SET);
  namespace d = iot::stream::detail;
  return lz4 ? d::make_lz4_reader(fd, true, "fuzz.lz4", max_line, "")
             : d::make_gzip_reader(fd, true, "fuzz.gz", max_line, "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  const std::size_t max_line = 1 + data[1] * 4;
  const std::size_t buffer = 16 + data[2] % 128;
  const int mode = data[3] % 3;
  std::string_view input(reinterpret_cast<const char*>(data + 4), size - 4);
  std::unique_ptr<iot::stream::LineReader> reader =
      mode == 0 ? std::make_unique<iot::stream::MemoryLineReader>(input, "fuzz", max_line, chunk, buffer)
                : compressed_reader(input, mode == 2, max_line);
  // Plain input is read a second time in step, asking line_buffered()
  // before and after every line as iot-verify does (the reader then starts
  // at the newline that call found): the lines must be the same.
  std::unique_ptr<iot::stream::LineReader> asked;
  if (mode == 0) asked = std::make_unique<iot::stream::MemoryLineReader>(input, "fuzz", max_line, chunk, buffer);
  iot::stream::Line line, asked_line;
  std::uint64_t last = 0;
  std::size_t delivered = 0;
  for (;;) {
    const bool more = reader->next(line);
    if (asked) {
      asked->line_buffered();
      if (asked->next(asked_line) != more) std::abort();
      asked->line_buffered();
      if (more && (asked_line.text != line.text || asked_line.number != line.number ||
                   asked_line.too_long != line.too_long))
        std::abort();
    }
    if (!more) break;
    if (line.number <= last) std::abort();                       // numbers only grow
    if (line.text.size() > max_line) std::abort();               // the cap holds
    if (line.text.find('\n') != std::string_view::npos) std::abort();
    if (!line.too_long && line.text.empty()) std::abort();       // empty lines are skipped
    if (line.too_long && !line.text.empty()) std::abort();
    delivered += line.text.size();
    last = line.number;
    if (mode == 0 && delivered > input.size()) std::abort();
    if (last > (std::uint64_t{1} << 32)) break;  // a bomb of newlines: enough seen
  }
  if (mode == 0 && reader->error()) std::abort();
  if (mode != 0 && reader->error() && reader->error()->message.find("fuzz.") != 0) std::abort();
  return 0;
}
