// Test helper: a parsed JSON document that keeps its parser alive.
#pragma once

#include <simdjson.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

namespace iot::test {

struct JsonDoc {
  std::unique_ptr<simdjson::dom::parser> parser = std::make_unique<simdjson::dom::parser>();
  simdjson::dom::element root;
};

inline JsonDoc parse_json(const std::string& text) {
  JsonDoc doc;
  if (doc.parser->parse(text).get(doc.root)) throw std::runtime_error("test JSON does not parse: " + text);
  return doc;
}

inline std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(IOT_SOURCE_DIR) + "/tests/fixtures/payloads/" + name);
  if (!in) throw std::runtime_error("missing fixture " + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace iot::test
