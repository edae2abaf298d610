#include "geo/detail/atomic_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "geo/error.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::geo::detail {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public ::testing::Test {
 protected:
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::size_t entries() const { return dir_.entries(); }

  test::TempDir dir_;
};

TEST_F(AtomicFileTest, TempFileSitsBesideTheTargetUntilCommit) {
  const fs::path target = dir_ / "coverage.csv";
  AtomicFile f(target, false);
  EXPECT_TRUE(fs::exists(f.temp_path()));
  EXPECT_EQ(f.temp_path().parent_path(), dir_.path());
  EXPECT_EQ(f.temp_path().extension(), ".csv") << "drivers infer the format from the name";
  EXPECT_EQ(f.temp_path().filename().string().front(), '.') << "hidden while being written";
  EXPECT_FALSE(fs::exists(target));
  write(f.temp_path(), "code,minutes\n");
  f.commit();
  EXPECT_EQ(read(target), "code,minutes\n");
  EXPECT_FALSE(fs::exists(f.temp_path()));
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFileTest, AnAbandonedWriteLeavesNothing) {
  {
    AtomicFile f(dir_ / "map.png", false);
    write(f.temp_path(), "half a PNG");
  }
  EXPECT_EQ(entries(), 0u);
  EXPECT_THROW(write_atomically(dir_ / "t.csv", false,
                                [](const fs::path& p) {
                                  write(p, "partial");
                                  throw std::runtime_error("disk full");
                                }),
               std::runtime_error);
  EXPECT_EQ(entries(), 0u);
}

TEST_F(AtomicFileTest, ExistingTargetIsReplacedOnlyWhenAsked) {
  const fs::path target = dir_ / "out.csv";
  write(target, "old");
  EXPECT_THROW(AtomicFile(target, false), OutputError);
  EXPECT_EQ(read(target), "old");
  write_atomically(target, true, [](const fs::path& p) { write(p, "new"); });
  EXPECT_EQ(read(target), "new");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(AtomicFileTest, TargetAppearingDuringTheWriteIsLeftAlone) {
  const fs::path target = dir_ / "race.csv";
  AtomicFile f(target, false);
  write(f.temp_path(), "ours");
  write(target, "theirs");
  EXPECT_THROW(f.commit(), OutputError);
  EXPECT_EQ(read(target), "theirs");
}

TEST_F(AtomicFileTest, UnwritablePlacesAreOutputErrors) {
  EXPECT_THROW(AtomicFile(dir_ / "missing" / "x.csv", false), OutputError);
  EXPECT_THROW(AtomicFile(dir_.path(), true), OutputError) << "a directory is not a file";
  write(dir_ / "plain", "");
  EXPECT_THROW(AtomicFile(dir_ / "plain" / "x.csv", false), OutputError);
  // /proc refuses new files even to root, for whom permission bits do not apply.
  EXPECT_THROW(AtomicFile("/proc/covsim-test.csv", false), OutputError);
  try {
    AtomicFile f(dir_ / "missing" / "x.csv", false);
    FAIL() << "no error for a missing directory";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("x.csv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace covsim::geo::detail
