// SharedText: an immutable string that copies by reference. Many rows
// carry the same text (iot-ingest's readings.tags: every reading of a
// device stores the same rendering of its --devices columns), so a copy
// must not allocate and copy the bytes again for each of them.
//
// The text lives in its own allocation, apart from the reference counts:
// the thread that writes a batch reads the text while the thread that
// builds the next one copies references to it, and the two must not share
// a cache line. A copy also keeps the text's address and size, so that a
// reader (a sink binding it) goes from the row straight to the bytes.
// Empty text holds no allocation at all.
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
      : text_(text.empty() ? nullptr : std::shared_ptr<const std::string>(new std::string(std::move(text)))),
        view_(text_ ? std::string_view(*text_) : std::string_view()) {}
  SharedText(std::string_view text) : SharedText(std::string(text)) {}  // NOLINT(google-explicit-constructor)
  SharedText(const char* text) : SharedText(std::string(text)) {}       // NOLINT(google-explicit-constructor)
  SharedText(const SharedText&) = default;
  SharedText& operator=(const SharedText&) = default;
  // A moved-from text is empty: it must not keep a view of bytes it no longer holds.
  SharedText(SharedText&& other) noexcept : text_(std::move(other.text_)), view_(std::exchange(other.view_, {})) {}
  SharedText& operator=(SharedText&& other) noexcept {
    text_ = std::move(other.text_);
    view_ = std::exchange(other.view_, {});
    return *this;
  }

  const std::string& str() const { return text_ ? *text_ : empty_text(); }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return view_; }   // NOLINT(google-explicit-constructor)
  std::string_view view() const { return view_; }
  bool empty() const { return view_.empty(); }
  std::size_t size() const { return view_.size(); }
  const char* data() const { return view_.data(); }
  // Whether two texts are one allocation (the tests: shared, not copied).
  bool same_as(const SharedText& other) const { return text_ == other.text_; }

  friend bool operator==(const SharedText& a, const SharedText& b) { return a.view_ == b.view_; }
  friend bool operator==(const SharedText& a, std::string_view b) { return a.view_ == b; }
  friend bool operator==(const SharedText& a, const std::string& b) { return a.view_ == b; }
  friend bool operator==(const SharedText& a, const char* b) { return a.view_ == b; }
  friend std::ostream& operator<<(std::ostream& out, const SharedText& t) { return out << t.view_; }

 private:
  static const std::string& empty_text() {
    static const std::string empty;
    return empty;
  }
  std::shared_ptr<const std::string> text_;
  std::string_view view_;  // *text_; its bytes do not move when text_ is copied or moved
};

}  // namespace iot
