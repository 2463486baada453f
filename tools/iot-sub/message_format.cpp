#include "iot-sub/message_format.hpp"

#include <fmt/format.h>

#include "core/time_text.hpp"
#include "iot-sub/terminal_style.hpp"

namespace iot::sub {
namespace {

constexpr std::string_view kDirectives = "tpvjxlqrmIUC%";

Error bad_format(std::string_view format, std::size_t pos, const std::string& why) {
  return make_error(ErrorKind::usage, "usage",
                    fmt::format("-F \"{}\": {} at position {} (see iot-sub(1), FORMATS)", format, why, pos + 1));
}

std::optional<char> escape_value(char c) {
  switch (c) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'e': return '\x1b';
    case '\\': return '\\';
    default: return std::nullopt;
  }
}

void append_topic(std::string& out, std::string_view topic, const FormatContext& c) {
  std::string safe;
  if (c.safe_topic) {
    safe.assign(topic);
    for (char& ch : safe)
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    topic = safe;
  }
  style::append_styled(out, topic, style::bold, c.color);
}

}  // namespace

std::string rfc3339_millis(std::int64_t time_ns) {
  std::string micros = time_text::rfc3339_micros(time_ns);  // ...T10:40:00.123456Z
  if (micros.size() > 4 && micros.back() == 'Z') micros.erase(micros.size() - 4, 3);
  return micros;
}

Result<MessageFormat> MessageFormat::parse(std::string_view format) {
  MessageFormat f;
  auto literal = [&f](char c) {
    if (f.pieces_.empty() || f.pieces_.back().directive) f.pieces_.push_back({});
    f.pieces_.back().text += c;
  };
  for (std::size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if (c != '%' && c != '\\') {
      literal(c);
      continue;
    }
    if (i + 1 == format.size()) return bad_format(format, i, std::string("a lone '") + c + "' at the end");
    char next = format[++i];
    if (c == '\\') {
      auto v = escape_value(next);
      if (!v) return bad_format(format, i - 1, std::string("unknown escape \\") + next);
      literal(*v);
    } else if (next == '%') {
      literal('%');
    } else if (kDirectives.find(next) != std::string_view::npos) {
      f.pieces_.push_back({next, {}});
    } else {
      return bad_format(format, i - 1, std::string("unknown directive %") + next);
    }
  }
  return f;
}

std::string MessageFormat::render(const mqtt::IncomingMessage& m, std::int64_t rx_ts, const FormatContext& c,
                                  std::optional<std::uint64_t> jpos) const {
  if (pieces_.size() == 1 && pieces_[0].directive == 'j' && c.envelope) return c.envelope->render(m, rx_ts, jpos);
  std::string out;
  for (const Piece& p : pieces_) {
    switch (p.directive) {
      case 0: out += p.text; break;
      case 't': append_topic(out, m.topic, c); break;
      case 'p': out += m.payload; break;
      case 'v': append_payload_view(out, m.payload, c.view); break;
      case 'j':
        if (c.envelope) out += c.envelope->render(m, rx_ts, jpos);
        break;
      case 'x':
        for (unsigned char b : m.payload) fmt::format_to(std::back_inserter(out), "{:02x}", b);
        break;
      case 'l': out += std::to_string(m.payload.size()); break;
      case 'q': out += std::to_string(m.qos); break;
      case 'r': out += m.retain ? '1' : '0'; break;
      case 'm': out += std::to_string(m.mid); break;
      case 'I': style::append_styled(out, rfc3339_millis(rx_ts), style::dim, c.color); break;
      case 'U':
        fmt::format_to(std::back_inserter(out), "{}.{:09}", rx_ts / 1000000000, rx_ts % 1000000000);
        break;
      case 'C':
        if (m.props.content_type) out += *m.props.content_type;
        break;
    }
  }
  return out;
}

}  // namespace iot::sub
