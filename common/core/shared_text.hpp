// SharedText: an immutable string that copies by reference. Many rows
// carry the same text (iot-ingest's readings.tags: every reading of a
// device stores the same rendering of its --devices columns), so a copy
// must not allocate and copy the bytes again for each of them.
//
// The text lives in its own allocation, apart from the reference counts:
// the thread that writes a batch reads the text while the thread that
// builds the next one copies references to it, and the two must not share
// a cache line. Empty text holds no allocation at all.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace iot {

class SharedText {
 public:
  SharedText() = default;
  SharedText(std::string text)  // NOLINT(google-explicit-constructor): a string is text
      : text_(text.empty() ? nullptr : std::shared_ptr<const std::string>(new std::string(std::move(text)))) {}
  SharedText(std::string_view text) : SharedText(std::string(text)) {}  // NOLINT(google-explicit-constructor)
  SharedText(const char* text) : SharedText(std::string(text)) {}       // NOLINT(google-explicit-constructor)

  const std::string& str() const { return text_ ? *text_ : empty_text(); }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return str(); }    // NOLINT(google-explicit-constructor)
  bool empty() const { return !text_; }
  std::size_t size() const { return str().size(); }
  const char* data() const { return str().data(); }
  // Whether two texts are one allocation (the tests: shared, not copied).
  bool same_as(const SharedText& other) const { return text_ == other.text_; }

  friend bool operator==(const SharedText& a, const SharedText& b) { return a.str() == b.str(); }
  friend bool operator==(const SharedText& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const SharedText& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const SharedText& a, const char* b) { return a.str() == b; }
  friend std::ostream& operator<<(std::ostream& out, const SharedText& t) { return out << t.str(); }

 private:
  static const std::string& empty_text() {
    static const std::string empty;
    return empty;
  }
  std::shared_ptr<const std::string> text_;
};

}  // namespace iot
