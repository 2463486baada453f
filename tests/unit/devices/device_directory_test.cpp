#include "devices/device_directory.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>

namespace iot::devices {
namespace {

using namespace std::chrono_literals;

DeviceTable one_device(const std::string& site) {
  auto table = table_from_csv("device_id,site\nP-1," + site + "\n", "t");
  EXPECT_TRUE(table.ok());
  return std::move(*table);
}

std::string site_of(DeviceDirectory& d) { return d.current().find("P-1")->tags_json; }

// Waits, without a timed assertion, until the reload thread counted `n`.
template <class F>
void until(F done) {
  while (!done()) std::this_thread::sleep_for(5ms);
}

TEST(DeviceDirectory, AFailedFirstLoadIsTheCallersError) {
  DeviceDirectory::Options o;
  o.load = []() -> Result<DeviceTable> { return make_error(ErrorKind::bad_input, "bad_devices", "nope"); };
  auto d = DeviceDirectory::open(o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "nope");
}

TEST(DeviceDirectory, ReloadReplacesTheTableAndAFailedOneKeepsIt) {
  std::atomic<int> version{0};
  DeviceDirectory::Options o;
  o.name = "test";
  o.poll = 10ms;
  o.load = [&]() -> Result<DeviceTable> {
    int v = version.load();
    if (v < 0) return make_error(ErrorKind::bad_input, "bad_devices", "broken");
    return one_device("s" + std::to_string(v));
  };
  auto d = DeviceDirectory::open(o);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(site_of(**d), R"({"site":"s0"})");
  version = 1;
  EXPECT_EQ(site_of(**d), R"({"site":"s0"})");  // nothing asked yet
  (*d)->request_reload();
  until([&] { return (*d)->reloads() == 1; });
  EXPECT_EQ(site_of(**d), R"({"site":"s1"})");
  version = -1;
  (*d)->request_reload();
  until([&] { return (*d)->failed_reloads() == 1; });
  EXPECT_EQ(site_of(**d), R"({"site":"s1"})");
  EXPECT_EQ((*d)->reloads(), 1u);
}

TEST(DeviceDirectory, SighupAsksForAReload) {
  install_hangup_reload();
  std::atomic<int> loads{0};
  DeviceDirectory::Options o;
  o.poll = 10ms;
  o.load = [&]() -> Result<DeviceTable> { return one_device("s" + std::to_string(loads++)); };
  auto d = DeviceDirectory::open(o);
  ASSERT_TRUE(d.ok());
  std::raise(SIGHUP);  // the process lives on: the handler only counts
  until([&] { return (*d)->reloads() == 1; });
  EXPECT_EQ(site_of(**d), R"({"site":"s1"})");
}

TEST(DeviceDirectory, AChangedFileIsReloaded) {
  const std::string path = ::testing::TempDir() + "/directory_devices.csv";
  std::ofstream(path) << "device_id,site\nP-1,first\n";
  DeviceDirectory::Options o;
  o.poll = 10ms;
  o.load = [&] { return load_table_file(path); };
  o.version = [&] { return file_version(path); };
  auto d = DeviceDirectory::open(o);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(site_of(**d), R"({"site":"first"})");
  // Written aside and renamed over (a new inode): what an operator should do.
  std::ofstream(path + ".new") << "device_id,site\nP-1,second\n";
  ASSERT_EQ(std::rename((path + ".new").c_str(), path.c_str()), 0);
  until([&] { return (*d)->reloads() == 1; });
  EXPECT_EQ(site_of(**d), R"({"site":"second"})");
  std::remove(path.c_str());
}

TEST(DeviceDirectory, PeriodicReload) {
  std::atomic<int> loads{0};
  DeviceDirectory::Options o;
  o.poll = 5ms;
  o.every = 20ms;
  o.load = [&]() -> Result<DeviceTable> { return one_device("s" + std::to_string(loads++)); };
  auto d = DeviceDirectory::open(o);
  ASSERT_TRUE(d.ok());
  until([&] { return (*d)->reloads() >= 2; });
  EXPECT_NE(site_of(**d), R"({"site":"s0"})");
}

TEST(DeviceDirectory, FileVersionChangesWithTheFile) {
  const std::string path = ::testing::TempDir() + "/version_devices.csv";
  EXPECT_EQ(file_version(path + ".missing"), "");
  std::ofstream(path) << "a";
  std::string first = file_version(path);
  EXPECT_NE(first, "");
  std::ofstream(path, std::ios::app) << "bc";
  EXPECT_NE(file_version(path), first);  // the size at least
  std::remove(path.c_str());
}

}  // namespace
}  // namespace iot::devices
