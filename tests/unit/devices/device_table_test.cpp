#include "devices/device_table.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace iot::devices {
namespace {

struct LoadCase {
  const char* name;
  std::string text;
  bool ndjson;
  std::string device;
  std::string tags_json;             // of the device, without a unit
  std::vector<Tag> units;            // its unit.METRIC columns
  std::size_t size;
};

TEST(DeviceTable, LoadsCsvAndNdjson) {
  const std::vector<LoadCase> cases = {
      {"csv columns become tags", "device_id,device_type,site\nP-1,pump,A\nP-2,fan,B\n", false, "P-2",
       R"({"device_type":"fan","site":"B"})", {}, 2},
      {"csv key in any column", "site,device_id\nA,P-1\n", false, "P-1", R"({"site":"A"})", {}, 1},
      {"csv empty cell left out", "device_id,site,area\nP-1,,north\n", false, "P-1", R"({"area":"north"})", {}, 1},
      {"csv no tags at all", "device_id,site\nP-1,\n", false, "P-1", "", {}, 1},
      {"csv quotes and crlf", "device_id,\"a,b\"\r\nP-1,\"x \"\"y\"\"\"\r\n", false, "P-1", R"({"a,b":"x \"y\""})", {}, 1},
      {"csv units", "device_id,unit.temp_c,unit.flow,site\nP-1,degC,m3/h,A\n", false, "P-1", R"({"site":"A"})",
       {{"flow", "m3/h"}, {"temp_c", "degC"}}, 1},
      {"ndjson strings numbers bools", R"({"device_id":"P-1","site":"A","floor":3,"gain":1.5,"spare":true,"x":null})",
       true, "P-1", R"({"floor":"3","gain":"1.5","site":"A","spare":"true"})", {}, 1},
      {"ndjson nested units", "{\"device_id\":\"P-1\",\"unit\":{\"temp\":\"degC\"}}\r\n\n{\"device_id\":\"P-2\"}\n",
       true, "P-1", "", {{"temp", "degC"}}, 2},
      {"ndjson flat unit column", R"({"device_id":"P-1","unit.temp":"K"})", true, "P-1", "", {{"temp", "K"}}, 1},
  };
  for (const auto& c : cases) {
    auto table = c.ndjson ? table_from_ndjson(c.text, "t") : table_from_csv(c.text, "t");
    ASSERT_TRUE(table.ok()) << c.name << ": " << table.error().message;
    EXPECT_EQ(table->size(), c.size) << c.name;
    const DeviceInfo* d = table->find(c.device);
    ASSERT_NE(d, nullptr) << c.name;
    EXPECT_EQ(d->tags_json, c.tags_json) << c.name;
    EXPECT_EQ(d->units, c.units) << c.name;
    EXPECT_EQ(table->find("nobody"), nullptr) << c.name;
  }
}

TEST(DeviceTable, RefusesBadTablesWithWhere) {
  struct Bad {
    std::string text;
    bool ndjson;
    std::string want;
  };
  const std::vector<Bad> cases = {
      {"site\nA\n", false, "no device_id column"},
      {"", false, "no header line"},
      {"device_id,site\nP-1\n", false, "record 2: 1 fields where the header has 2"},
      {"device_id,site\nP-1,A\nP-1,B\n", false, "record 3: device_id P-1 appears twice"},
      {"device_id,site\n,A\n", false, "record 2: empty device_id"},
      {"device_id,site,site\nP-1,A,B\n", false, "column site appears twice"},
      {"device_id,unit.\nP-1,x\n", false, "unit. names no metric"},
      {"device_id,\nP-1,x\n", false, "a column without a name"},
      {"device_id,site\nP-1,\xFF\n", false, "not UTF-8"},
      {"device_id,site\n\"P-1,A\n", false, "not closed"},
      {"{\"site\":\"A\"}", true, "line 1: no device_id"},
      {"{\"device_id\":\"P-1\"}\n[1]", true, "line 2: not a JSON object"},
      {"{\"device_id\":7}", true, "device_id is not a string"},
      {"{\"device_id\":\"P-1\",\"a\":[1]}", true, "a is an array"},
      {"{\"device_id\":\"P-1\",\"a\":{\"b\":{\"c\":1}}}", true, "a.b nests deeper than one level"},
      {"{\"device_id\":\"P-1\"}\n{\"device_id\":\"P-1\"}", true, "line 2: device_id P-1 appears twice"},
      {"{\"device_id\":\"P-1\",\"device_id\":\"P-2\"}", true, "device_id given twice"},
      {"{\"device_id\":\"P-1\"", true, "line 1: not a JSON object"},
  };
  for (const auto& c : cases) {
    auto table = c.ndjson ? table_from_ndjson(c.text, "src") : table_from_csv(c.text, "src");
    ASSERT_FALSE(table.ok()) << c.text;
    EXPECT_EQ(table.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(table.error().message.rfind("src", 0), 0u) << table.error().message;
    EXPECT_NE(table.error().message.find(c.want), std::string::npos) << c.text << " -> " << table.error().message;
  }
}

TEST(DeviceTable, UnitVariantsOfTheTagsPerMetric) {
  auto table = table_from_csv("device_id,zone,area,unit.temp,unit,unit.flow\nP-1,z1,a1,degC,SI,m3/h\n", "t");
  ASSERT_TRUE(table.ok()) << table.error().message;
  const DeviceInfo* d = table->find("P-1");
  ASSERT_NE(d, nullptr);
  // A plain "unit" column is a tag like any other; unit.METRIC replaces it for its metric.
  EXPECT_EQ(d->tags_json_for("pressure"), R"({"area":"a1","unit":"SI","zone":"z1"})");
  EXPECT_EQ(d->tags_json_for("temp"), R"({"area":"a1","unit":"degC","zone":"z1"})");
  EXPECT_EQ(d->tags_json_for("flow"), R"({"area":"a1","unit":"m3/h","zone":"z1"})");
  ASSERT_NE(d->unit_of("temp"), nullptr);
  EXPECT_EQ(*d->unit_of("temp"), "degC");
  EXPECT_EQ(d->unit_of("pressure"), nullptr);
  auto only_unit = table_from_csv("device_id,unit.temp\nP-1,degC\n", "t");
  ASSERT_TRUE(only_unit.ok());
  EXPECT_EQ(only_unit->find("P-1")->tags_json_for("temp"), R"({"unit":"degC"})");
  EXPECT_EQ(only_unit->find("P-1")->tags_json_for("flow"), "");
}

TEST(DeviceTable, RecordsFromADatabaseTable) {
  auto table = table_from_records({"id", "device_id", "site"}, {{"1", "P-1", "A"}, {"2", "P-2", ""}}, "table:d");
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table->find("P-1")->tags_json, R"({"id":"1","site":"A"})");
  EXPECT_EQ(table->find("P-2")->tags_json, R"({"id":"2"})");
}

// The index grows past many devices and finds each one; an id it does not
// hold (one that differs in a character, a prefix, the empty id) is not
// found, and a repeated id is still refused.
TEST(DeviceTable, FindsEveryDeviceOfALargeTable) {
  std::string csv = "device_id,n\n";
  for (int i = 0; i < 5000; ++i) csv += "P-" + std::to_string(i) + "," + std::to_string(i) + "\n";
  auto table = table_from_csv(csv, "big");
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table->size(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    const DeviceInfo* d = table->find("P-" + std::to_string(i));
    ASSERT_NE(d, nullptr) << i;
    EXPECT_EQ(d->tags_json, R"({"n":")" + std::to_string(i) + R"("})");
  }
  for (const char* missing : {"P-5000", "P-", "", "p-1", "P-00"}) EXPECT_EQ(table->find(missing), nullptr) << missing;
  auto repeated = table_from_csv(csv + "P-4999,x\n", "big");
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.error().message.find("P-4999 appears twice"), std::string::npos) << repeated.error().message;
}

TEST(DeviceTable, LoadTableFileTellsTheFormatApart) {
  const std::string dir = ::testing::TempDir();
  struct FileCase {
    std::string name, text;
    bool ok;
  };
  const std::vector<FileCase> cases = {
      {"a.csv", "device_id,site\nP-1,A\n", true},
      {"a.ndjson", "{\"device_id\":\"P-1\",\"site\":\"A\"}\n", true},
      {"a.jsonl", "{\"device_id\":\"P-1\",\"site\":\"A\"}\n", true},
      {"a.txt", "  {\"device_id\":\"P-1\",\"site\":\"A\"}\n", true},  // sniffed
      {"b.txt", "device_id,site\nP-1,A\n", true},
      {"b.csv", "{\"device_id\":\"P-1\",\"site\":\"A\"}\n", false},  // .csv is CSV whatever it holds
  };
  for (const auto& c : cases) {
    std::string path = dir + "/devices_" + c.name;
    std::ofstream(path, std::ios::binary) << c.text;
    auto table = load_table_file(path);
    EXPECT_EQ(table.ok(), c.ok) << c.name;
    if (table.ok()) {
      EXPECT_EQ(table->find("P-1")->tags_json, R"({"site":"A"})") << c.name;
    }
    std::remove(path.c_str());
  }
  auto missing = load_table_file(dir + "/no_such_devices.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::io);
}

}  // namespace
}  // namespace iot::devices
