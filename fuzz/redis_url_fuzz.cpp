// Redis URLs and cluster routing from arbitrary text: parse_redis_url
// (redis:// and redis+cluster://), parse_endpoint (the address in a MOVED or
// ASK reply), key slots and the key a command routes by. Input: a URL line,
// then words of a command separated by '\n'. Checks that a parsed URL has a
// port in range and at least one host, that a slot is in range and that the
// hashed part of a key lies inside the key.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "store/redis_client.hpp"
#include "store/redis_cluster.hpp"
#include "store/redis_slot.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::size_t nl = in.find('\n');
  std::string_view url = in.substr(0, nl);
  using namespace iot::store;
  if (auto u = parse_redis_url(url)) {
    if (u->nodes.empty() || u->port <= 0 || u->port > 65535) std::abort();
    for (const auto& n : u->nodes)
      if (n.port <= 0 || n.port > 65535) std::abort();
  }
  (void)parse_endpoint(std::string(url));
  int slot = key_slot(in);
  if (slot < 0 || slot >= redis_slot_count) std::abort();
  std::string_view part = hashed_part(in);
  if (part.data() < in.data() || part.data() + part.size() > in.data() + in.size()) std::abort();
  std::vector<std::string> argv;
  std::string_view rest = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
  while (!rest.empty()) {
    std::size_t cut = rest.find('\n');
    argv.emplace_back(rest.substr(0, cut));
    rest = cut == std::string_view::npos ? std::string_view{} : rest.substr(cut + 1);
  }
  if (auto key = command_key(argv)) {
    bool found = false;
    for (const auto& a : argv) found |= key->data() == a.data();
    if (!found) std::abort();  // the key is one of the words
  }
  return 0;
}
