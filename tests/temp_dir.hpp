// A fresh, empty directory for one test that writes files, removed when the test ends. Named
// after the process and the running test, so parallel ctest runs never share one; a test that
// needs two at once tells them apart with a suffix.
//
//   covsim::test::TempDir dir;
//   render_map(spec, (dir / "map.png").string());  EXPECT_EQ(dir.entries(), 1u);
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <string>

namespace covsim::test {

class TempDir {
 public:
  explicit TempDir(const std::string& suffix = "") {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("covsim-" + std::to_string(::getpid()) + "-" +
             (info ? std::string(info->test_suite_name()) + "." + info->name() : "suite") + suffix);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // Files and directories directly inside: shows leftover temporary files.
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(path_), {}));
  }

 private:
  std::filesystem::path path_;
};

}  // namespace covsim::test
