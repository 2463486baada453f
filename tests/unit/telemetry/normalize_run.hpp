// Test helper: normalize() on JSON text, and the message of a schema rejection.
// Shared by the shape tests (nested_flat_test, signed_kpi_test).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "json_doc.hpp"
#include "telemetry/normalize.hpp"

namespace iot::telemetry::test_util {

inline Result<std::vector<Message>> run(const std::string& json, const NormalizeContext& context = {}) {
  auto doc = iot::test::parse_json(json);
  return normalize(doc.root, context);
}

// The message of the rejection, "(accepted)" when normalize() took it; a
// rejection must be a "schema" error of kind bad_input.
inline std::string schema_message(const std::string& json, const NormalizeContext& context = {}) {
  auto result = run(json, context);
  if (result.ok()) return "(accepted)";
  EXPECT_EQ(result.error().reason, "schema");
  EXPECT_EQ(result.error().kind, ErrorKind::bad_input);
  return result.error().message;
}

}  // namespace iot::telemetry::test_util
