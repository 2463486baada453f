// Helpers for the stream tests: a temp folder kept on failure, pipes fed by a
// writer thread in small pieces, gzip/lz4 made with the libraries directly.
#pragma once

#include <fcntl.h>
#include <lz4frame.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "stream/line_reader.hpp"

namespace iot::stream::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "iot-stream-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    if (!::testing::Test::HasFailure()) std::filesystem::remove_all(path_);
  }
  std::string file(const std::string& name, std::string_view content) const {
    std::string p = (path_ / name).string();
    std::ofstream(p, std::ios::binary).write(content.data(), static_cast<std::streamsize>(content.size()));
    return p;
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A pipe whose write end is fed `data` in pieces of `piece` bytes by a thread.
class FedPipe {
 public:
  FedPipe(std::string data, std::size_t piece) {
    int fds[2];
    if (::pipe(fds) != 0) std::abort();
    read_fd_ = fds[0];
    writer_ = std::thread([w = fds[1], data = std::move(data), piece] {
      for (std::size_t i = 0; i < data.size(); i += piece) {
        std::size_t n = std::min(piece, data.size() - i);
        if (::write(w, data.data() + i, n) != static_cast<ssize_t>(n)) break;
      }
      ::close(w);
    });
  }
  ~FedPipe() {
    ::close(read_fd_);
    writer_.join();
  }
  int fd() const { return read_fd_; }

 private:
  int read_fd_;
  std::thread writer_;
};

inline std::string gzip(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// checksum: the content checksum the lz4 command line writes by default.
inline std::string lz4_frame(std::string_view data, bool checksum = false) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentChecksumFlag = checksum ? LZ4F_contentChecksumEnabled : LZ4F_noContentChecksum;
  std::string out(LZ4F_compressFrameBound(data.size(), &prefs), '\0');
  out.resize(LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), &prefs));
  return out;
}

// n JSON lines {"i":0} ... {"i":n-1}, each followed by '\n'.
inline std::string numbered_lines(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "{\"i\":" + std::to_string(i) + ",\"pad\":\"" + std::string(40 + i % 50, 'p') + "\"}\n";
  return s;
}

// Every line a reader gives, until its end.
inline std::vector<std::string> lines_of(LineReader& reader) {
  std::vector<std::string> out;
  Line line;
  while (reader.next(line)) out.emplace_back(line.text);
  return out;
}

// The lines of text that end in '\n' (what a reader must give back).
inline std::vector<std::string> newline_terminated_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    out.push_back(text.substr(start, nl - start));
  return out;
}

}  // namespace iot::stream::testing
