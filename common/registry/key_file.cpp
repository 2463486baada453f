// Key files (iot-registry(5), key_file): the shared reader in codec (the same rules as
// every tool's --key-file and --password-file).
#include "codec/secret_text.hpp"
#include "registry/registry.hpp"

namespace iot::registry {

Result<std::string> decode_key_text(std::string text, std::string_view source) {
  return codec::decode_secret_text(std::move(text), source);
}

Result<std::string> read_key_file(const std::filesystem::path& path) { return codec::read_secret_file(path.string(), "key file"); }

}  // namespace iot::registry
