#include "iot-sub/json_pretty.hpp"

#include <vector>

#include "iot-sub/terminal_style.hpp"

namespace iot::sub {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class PrettyWriter {
 public:
  PrettyWriter(std::string& out, std::string_view json, bool color) : out_(out), in_(json), color_(color) {}

  void run() {
    while (skip_space()) {
      char c = in_[pos_];
      if (c == '"') {
        string_token();
      } else if (c == '{' || c == '[') {
        open(c);
      } else if (c == '}' || c == ']') {
        close(c);
      } else if (c == ',') {
        out_ += ',';
        ++pos_;
        newline();
        expect_key_ = in_object();
      } else if (c == ':') {
        out_ += ": ";
        ++pos_;
        expect_key_ = false;
      } else {
        scalar_token();
      }
    }
  }

 private:
  bool skip_space() {
    while (pos_ < in_.size() && is_space(in_[pos_])) ++pos_;
    return pos_ < in_.size();
  }
  bool in_object() const { return !stack_.empty() && stack_.back() == '{'; }
  void newline() {
    out_ += '\n';
    out_.append(2 * stack_.size(), ' ');
  }
  void open(char c) {
    char closing = c == '{' ? '}' : ']';
    ++pos_;
    skip_space();
    if (pos_ < in_.size() && in_[pos_] == closing) {  // {} and [] stay on one line
      out_ += c;
      out_ += closing;
      ++pos_;
      return;
    }
    out_ += c;
    stack_.push_back(c);
    expect_key_ = c == '{';
    newline();
  }
  void close(char c) {
    if (!stack_.empty()) stack_.pop_back();
    newline();
    out_ += c;
    ++pos_;
    expect_key_ = false;
  }
  void string_token() {
    std::size_t start = pos_++;
    while (pos_ < in_.size() && in_[pos_] != '"') pos_ += in_[pos_] == '\\' ? 2 : 1;
    pos_ = std::min(pos_ + 1, in_.size());
    style::append_styled(out_, in_.substr(start, pos_ - start), expect_key_ ? style::key : style::string, color_);
  }
  void scalar_token() {
    std::size_t start = pos_;
    while (pos_ < in_.size() && !is_space(in_[pos_]) && in_[pos_] != ',' && in_[pos_] != '}' && in_[pos_] != ']' &&
           in_[pos_] != ':')
      ++pos_;
    if (pos_ == start) ++pos_;  // a stray character: copied, never looped on
    std::string_view token = in_.substr(start, pos_ - start);
    std::string_view sgr = token == "null"                       ? style::null
                           : token == "true" || token == "false" ? style::literal
                                                                 : style::number;
    style::append_styled(out_, token, sgr, color_);
  }

  std::string& out_;
  std::string_view in_;
  bool color_;
  std::size_t pos_ = 0;
  std::vector<char> stack_;
  bool expect_key_ = false;
};

}  // namespace

void append_pretty_json(std::string& out, std::string_view json, bool color) { PrettyWriter(out, json, color).run(); }

}  // namespace iot::sub
