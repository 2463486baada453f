// The resend loop's parsers on arbitrary bytes: a request or gone notice
// (resend::parse), the device and seq of a kept payload (message_key), and
// a resend topic template over a topic. An accepted notice renders and
// parses back to the same device and range.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "resend/kept_messages.hpp"
#include "resend/notice.hpp"
#include "resend/resend_topic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace iot::resend;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (auto kind : {NoticeKind::request, NoticeKind::gone}) {
    auto n = parse(in, kind);
    if (!n) {
      if (n.error().reason != "bad_json" && n.error().reason != "schema") std::abort();
      continue;
    }
    if (n->device_id.empty() || n->from_seq > n->to_seq) std::abort();
    auto back = parse(render(*n), kind);
    if (!back || back->device_id != n->device_id || back->from_seq != n->from_seq || back->to_seq != n->to_seq)
      std::abort();
  }
  if (auto key = message_key(in); key && key->first.empty()) std::abort();
  std::size_t nl = in.find('\n');
  if (nl != std::string_view::npos) {
    auto topic = resend_topic_for(in.substr(0, nl), in.substr(nl + 1), nullptr);
    if (topic && (topic->empty() || topic->find_first_of("+#") != std::string::npos)) std::abort();
  }
  return 0;
}
