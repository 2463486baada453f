#include "cli/typed_values.hpp"

#include <charconv>
#include <cmath>
#include <istream>
#include <ostream>
#include <stdexcept>

#include "core/duration.hpp"
#include "core/time_text.hpp"

namespace iot::cli {
namespace {

// The whole rest of the stream: a value never contains a newline, and CLI11
// checks that nothing is left unread.
std::string rest_of(std::istream& in) {
  std::string text;
  std::getline(in, text, '\0');
  return text;
}

// A CLI11 check that runs the same parser as the conversion, so the error
// names the problem ("bad duration '5x' (use e.g. ...)") instead of CLI11's
// generic "could not convert".
template <class Parse>
CLI::Validator checked_by(Parse parse, const char* name) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        auto r = parse(text);
        return r ? std::string() : r.error().message;
      },
      "", name);
}

auto parse_command_line_time(std::string_view text) {
  return time_text::parse_time_ns(text, time_text::command_line_rules);
}

}  // namespace

Result<double> parse_rate(std::string_view text) {
  auto bad = [&] {
    return make_error(ErrorKind::usage, "usage", "bad rate '" + std::string(text) + "' (use N, N/s, N/m or N/h)");
  };
  double per = 1;
  std::string_view number = text;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    std::string_view unit = text.substr(slash + 1);
    number = text.substr(0, slash);
    if (unit == "s") per = 1;
    else if (unit == "m" || unit == "min") per = 60;
    else if (unit == "h") per = 3600;
    else return bad();
  }
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() || !std::isfinite(value) ||
      value < 0)
    return bad();
  return value / per;
}

Result<std::uint64_t> parse_byte_size(std::string_view text) {
  auto bad = [&] {
    return make_error(ErrorKind::usage, "usage",
                      "bad size '" + std::string(text) + "' (use e.g. 65536, 512KiB, 64MiB or 1GiB)");
  };
  std::uint64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) return bad();
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  int shift = 0;
  if (unit.empty() || unit == "B") shift = 0;
  else if (unit == "K" || unit == "KB" || unit == "KiB" || unit == "k" || unit == "kB") shift = 10;
  else if (unit == "M" || unit == "MB" || unit == "MiB") shift = 20;
  else if (unit == "G" || unit == "GB" || unit == "GiB") shift = 30;
  else return bad();
  if (number == 0 || number > (std::uint64_t{1} << (62 - shift))) return bad();
  return number << shift;
}

ByteSize::ByteSize(std::string_view literal) : text(literal) {
  auto b = parse_byte_size(literal);
  if (!b) throw std::logic_error("bad default size: " + std::string(literal));
  bytes = *b;
}

std::istream& operator>>(std::istream& in, ByteSize& b) {
  b.text = rest_of(in);
  auto parsed = parse_byte_size(b.text);
  if (!parsed) in.setstate(std::ios::failbit);
  else b.bytes = *parsed;
  return in;
}

std::ostream& operator<<(std::ostream& out, const ByteSize& b) { return out << b.text; }

CLI::Option* add_byte_size(CLI::App& app, const std::string& name, ByteSize& value, const std::string& help) {
  return app.add_option(name, value, help)->type_name("SIZE")->check(checked_by(parse_byte_size, "SIZE"));
}

Duration::Duration(std::string_view literal) : text(literal) {
  auto d = parse_duration(literal);
  if (!d) throw std::logic_error("bad default duration: " + std::string(literal));
  value = *d;
}

std::istream& operator>>(std::istream& in, Duration& d) {
  d.text = rest_of(in);
  auto parsed = parse_duration(d.text);
  if (!parsed) in.setstate(std::ios::failbit);
  else d.value = *parsed;
  return in;
}

std::ostream& operator<<(std::ostream& out, const Duration& d) { return out << d.text; }

std::istream& operator>>(std::istream& in, TimePoint& t) {
  t.text = rest_of(in);
  auto parsed = parse_command_line_time(t.text);
  if (!parsed) in.setstate(std::ios::failbit);
  else t.unix_ns = *parsed;
  return in;
}

std::ostream& operator<<(std::ostream& out, const TimePoint& t) { return out << t.text; }

Rate::Rate(std::string_view literal) : text(literal) {
  auto r = parse_rate(literal);
  if (!r) throw std::logic_error("bad default rate: " + std::string(literal));
  per_second = *r;
}

std::istream& operator>>(std::istream& in, Rate& r) {
  r.text = rest_of(in);
  auto parsed = parse_rate(r.text);
  if (!parsed) in.setstate(std::ios::failbit);
  else r.per_second = *parsed;
  return in;
}

std::ostream& operator<<(std::ostream& out, const Rate& r) { return out << r.text; }

CLI::Option* add_rate(CLI::App& app, const std::string& name, Rate& value, const std::string& help) {
  return app.add_option(name, value, help)->type_name("RATE")->check(checked_by(parse_rate, "RATE"));
}

CLI::Option* add_duration(CLI::App& app, const std::string& name, Duration& value, const std::string& help) {
  return app.add_option(name, value, help)
      ->type_name("DURATION")
      ->check(checked_by([](std::string_view t) { return parse_duration(t); }, "DURATION"));
}

CLI::Option* add_duration(CLI::App& app, const std::string& name, std::optional<Duration>& value,
                          const std::string& help) {
  return app.add_option(name, value, help)
      ->type_name("DURATION")
      ->check(checked_by([](std::string_view t) { return parse_duration(t); }, "DURATION"));
}

CLI::Option* add_time(CLI::App& app, const std::string& name, std::optional<TimePoint>& value,
                      const std::string& help) {
  return app.add_option(name, value, help)->type_name("TIME")->check(checked_by(parse_command_line_time, "TIME"));
}

}  // namespace iot::cli
