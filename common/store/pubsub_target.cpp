#include "store/pubsub_target.hpp"

#include <cctype>

namespace iot::store {
namespace {

Error bad(const std::string& why) { return make_error(ErrorKind::usage, "bad_url", "pubsub://PROJECT/TOPIC: " + why); }

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Project ids are lower-case letters, digits and hyphens; the older
// domain-scoped ones ("example.com:proj") add dots and a colon.
bool valid_project(const std::string& p) {
  if (p.empty() || p.size() > 100) return false;
  for (char c : p)
    if (!is_alnum(c) && c != '-' && c != '.' && c != ':' && c != '_') return false;
  return true;
}

bool valid_topic(const std::string& t) {
  if (t.size() < 3 || t.size() > 255 || !is_alpha(t[0]) || t.rfind("goog", 0) == 0) return false;
  for (char c : t)
    if (!is_alnum(c) && std::string_view("-_.~+%").find(c) == std::string_view::npos) return false;
  return true;
}

}  // namespace

std::string PubsubTarget::describe() const {
  return "Pub/Sub " + topic_path() + (emulator ? " (emulator " + endpoint + ")" : "");
}

Result<PubsubTarget> parse_pubsub_url(const std::string& url, const char* emulator_host) {
  const std::string scheme = "pubsub://";
  if (url.rfind(scheme, 0) != 0) return bad("not a pubsub:// URL");
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  if (slash == std::string::npos) return bad("no topic");
  PubsubTarget t;
  t.project = rest.substr(0, slash);
  t.topic = rest.substr(slash + 1);
  if (!valid_project(t.project)) return bad("bad project id \"" + t.project.substr(0, 100) + "\"");
  if (!valid_topic(t.topic))
    return bad("bad topic name \"" + t.topic.substr(0, 100) +
               "\" (3 to 255 of letters, digits, -_.~+%, a letter first, not starting with goog)");
  if (emulator_host && *emulator_host) {
    std::string host = emulator_host;
    if (host.find("://") != std::string::npos || host.find('/') != std::string::npos)
      return make_error(ErrorKind::usage, "bad_url", "PUBSUB_EMULATOR_HOST: want HOST:PORT, got " + host);
    t.endpoint = "http://" + host;
    t.emulator = true;
  } else {
    t.endpoint = pubsub_google_endpoint;
  }
  return t;
}

}  // namespace iot::store
