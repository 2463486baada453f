#include "devices/tag_merge.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace iot::devices {
namespace {

using Tags = std::map<std::string, std::string>;

TEST(TagMerge, RouteOverPayloadOverTable) {
  auto table = table_from_csv("device_id,site,area,unit.temp\nP-1,table-site,table-area,degC\nP-2,,,\n", "t");
  ASSERT_TRUE(table.ok()) << table.error().message;
  struct Case {
    const char* name;
    std::string device, metric;
    Tags own, route;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"table alone", "P-1", "flow", {}, {}, R"({"area":"table-area","site":"table-site"})"},
      {"table unit for its metric", "P-1", "temp", {}, {}, R"({"area":"table-area","site":"table-site","unit":"degC"})"},
      {"payload wins over table", "P-1", "flow", {{"site", "payload-site"}}, {},
       R"({"area":"table-area","site":"payload-site"})"},
      {"route wins over payload and table", "P-1", "flow", {{"site", "payload-site"}}, {{"site", "route-site"}},
       R"({"area":"table-area","site":"route-site"})"},
      {"route wins over table unit", "P-1", "temp", {}, {{"unit", "K"}},
       R"({"area":"table-area","site":"table-site","unit":"K"})"},
      {"payload unit tag wins over table unit", "P-1", "temp", {{"unit", "F"}}, {},
       R"({"area":"table-area","site":"table-site","unit":"F"})"},
      {"all three add up", "P-1", "flow", {{"line", "3"}}, {{"plant", "north"}},
       R"({"area":"table-area","line":"3","plant":"north","site":"table-site"})"},
      {"device without columns", "P-2", "temp", {}, {}, ""},
      {"device without columns, route tags", "P-2", "temp", {}, {{"plant", "n"}}, R"({"plant":"n"})"},
      {"escaping", "P-2", "x", {{"q\"", "a\\b"}}, {}, R"({"q\"":"a\\b"})"},
  };
  for (const auto& c : cases) {
    const DeviceInfo* d = table->find(c.device);
    ASSERT_NE(d, nullptr) << c.name;
    auto got = merged_tags_json(*d, c.metric, c.own, c.route);
    ASSERT_TRUE(got.ok()) << c.name << ": " << got.error().message;
    EXPECT_EQ(*got, c.want) << c.name;
  }
}

TEST(TagMerge, RefusesATagThatIsNotUtf8) {
  auto table = table_from_csv("device_id,site\nP-1,A\n", "t");
  ASSERT_TRUE(table.ok());
  auto got = merged_tags_json(*table->find("P-1"), "m", {{"bad", "\xFF"}}, {});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().reason, "schema");
}

}  // namespace
}  // namespace iot::devices
