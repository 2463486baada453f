// Result<T>: a value or an Error with a message. The library returns these;
// tools turn them into exit codes in one place (cli/run.cpp).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace iot {

// What went wrong, told apart so that a tool can choose its exit code:
// bad data is the input's fault, unavailable is a server's, io is ours.
enum class ErrorKind {
  bad_input,    // malformed or refused data (a reject record, never a crash)
  too_large,    // over a configured limit (line, payload, decompressed size)
  usage,        // wrong options or configuration
  unavailable,  // a broker or database could not be reached
  timeout,      // something did not answer in time
  io,           // local file or pipe error
  internal,     // a bug of ours
};

struct Error {
  ErrorKind kind = ErrorKind::bad_input;
  std::string message;
  // The short fixed word a reject record carries ("bad_json", "decode", ...).
  std::string reason = "bad_input";
};

inline Error make_error(ErrorKind kind, std::string reason, std::string message) {
  return Error{kind, std::move(message), std::move(reason)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}        // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing but may fail.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace iot
