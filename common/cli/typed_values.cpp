#include "cli/typed_values.hpp"

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
