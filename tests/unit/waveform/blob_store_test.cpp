#include "waveform/blob_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "waveform/digest.hpp"

namespace iot::waveform {
namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/wf-store-XXXXXX";
    path = mkdtemp(t);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(BlobStore, StoresByHashWithSidecarAndUploadIndex) {
  TempDir dir;
  auto store = BlobStore::open(dir.path + "/s");
  ASSERT_TRUE(store);
  std::string blob = "compressed bytes";
  std::string sha = sha256_hex(blob);
  auto path = store->put(sha, blob, "{\"a\":1}", "up-1");
  ASSERT_TRUE(path) << path.error().message;
  // Group commit: nothing under its name before sync().
  EXPECT_FALSE(std::filesystem::exists(*path));
  ASSERT_TRUE(store->sync());
  EXPECT_EQ(*path, dir.path + "/s/" + sha.substr(0, 2) + "/" + sha + ".lz4");
  EXPECT_EQ(*read_file(*path, 1000), blob);
  EXPECT_EQ(*read_file(store->sidecar_path(sha), 1000), "{\"a\":1}");
  EXPECT_EQ(*read_file(store->upload_path("up-1"), 1000), "{\"a\":1}");
  // Same blob again (another upload id): one blob, two index entries, no temp files left.
  ASSERT_TRUE(store->put(sha, blob, "{\"a\":2}", "up-2"));
  ASSERT_TRUE(store->put(sha, blob, "{\"a\":2}", "up-3"));  // twice in one batch
  ASSERT_TRUE(store->sync());
  EXPECT_EQ(*read_file(store->upload_path("up-3"), 1000), "{\"a\":2}");
  int files = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir.path)) {
    if (e.is_regular_file()) ++files;
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos);
  }
  EXPECT_EQ(files, 5);  // blob, sidecar, three index links
}

TEST(BlobStore, UnsyncedTempFilesAreRemovedAndNonDurableIsImmediate) {
  TempDir dir;
  {
    auto store = BlobStore::open(dir.path + "/d");
    ASSERT_TRUE(store->put(sha256_hex("x"), "x", "{}", "u"));
  }
  for (auto& e : std::filesystem::recursive_directory_iterator(dir.path))
    EXPECT_FALSE(e.is_regular_file()) << e.path();
  auto fast = BlobStore::open(dir.path + "/f", false);
  auto path = fast->put(sha256_hex("y"), "y", "{}", "u");
  ASSERT_TRUE(path);
  EXPECT_TRUE(std::filesystem::exists(*path));
}

TEST(BlobStore, RefusesUnsafeIdsAndReportsIoErrors) {
  TempDir dir;
  auto store = BlobStore::open(dir.path);
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->put(sha256_hex("x"), "x", "{}", "../evil"));
  auto missing = read_file(dir.path + "/nope", 10);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::io);
  ASSERT_TRUE(write_file_atomic(dir.path + "/big", std::string(100, 'x'), false));
  EXPECT_EQ(read_file(dir.path + "/big", 10).error().kind, ErrorKind::too_large);
}

}  // namespace
}  // namespace iot::waveform
