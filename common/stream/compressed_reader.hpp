// Internal to stream: line readers over compressed input, chosen by
// LineReader::open() from the first bytes (never from the file name).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "stream/line_reader.hpp"

namespace iot::stream::detail {

enum class InputFormat { plain, gzip, lz4 };

// What the first bytes say; `need_more` when they are a strict prefix of a
// magic number and more bytes are needed to tell.
struct Sniff {
  InputFormat format = InputFormat::plain;
  bool need_more = false;
};
Sniff sniff_format(std::string_view head);

// Each reader takes `prefix` (the bytes already read while sniffing) before
// the descriptor; it closes fd when owns_fd.
std::unique_ptr<LineReader> make_gzip_reader(int fd, bool owns_fd, std::string source,
                                             std::size_t max_line, std::string prefix);
std::unique_ptr<LineReader> make_lz4_reader(int fd, bool owns_fd, std::string source,
                                            std::size_t max_line, std::string prefix);

}  // namespace iot::stream::detail
