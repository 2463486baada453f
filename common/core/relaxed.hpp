// Relaxed<T>: a counter or gauge that one thread writes while another reads
// it: --metrics-listen serves a tool's counters from the HTTP server's
// thread while the tool's own thread counts (iot-sub(1) and the other
// tools, "Logging options"). A plain integer there is a data race; a
// relaxed atomic is not, and costs nothing: with one writer an update is a
// load and a store, the same instructions as for a plain integer (no locked
// read-modify-write). A reader sees a value that may be a moment old, never
// a torn one. Only one thread may update a given value.
#pragma once

#include <atomic>
#include <cstdint>

#include <fmt/format.h>

namespace iot {

template <class T>
class Relaxed {
 public:
  constexpr Relaxed(T value = T{}) noexcept : value_(value) {}
  Relaxed(const Relaxed& other) noexcept : value_(other.load()) {}
  Relaxed& operator=(const Relaxed& other) noexcept { return *this = other.load(); }
  Relaxed& operator=(T value) noexcept {
    value_.store(value, std::memory_order_relaxed);
    return *this;
  }

  T load() const noexcept { return value_.load(std::memory_order_relaxed); }
  operator T() const noexcept { return load(); }

  Relaxed& operator+=(T delta) noexcept { return *this = load() + delta; }
  Relaxed& operator-=(T delta) noexcept { return *this = load() - delta; }
  Relaxed& operator++() noexcept { return *this += T{1}; }
  T operator++(int) noexcept {
    T before = load();
    *this = before + T{1};
    return before;
  }

 private:
  std::atomic<T> value_;
};

using Count = Relaxed<std::uint64_t>;

// nlohmann::json takes a Relaxed as its value (found by argument-dependent
// lookup; the library's own conversions do not see through the class).
template <class Json, class T>
void to_json(Json& json, const Relaxed<T>& value) {
  json = value.load();
}

}  // namespace iot

// fmt prints a Relaxed<T> as its value.
template <class T>
struct fmt::formatter<iot::Relaxed<T>> : fmt::formatter<T> {
  template <class FormatContext>
  auto format(const iot::Relaxed<T>& value, FormatContext& ctx) const {
    return fmt::formatter<T>::format(value.load(), ctx);
  }
};
