// What files hold, for tests that check that outputs were (or were not) touched.
//
//   const auto before = covsim::test::files_in(dir);  ...  EXPECT_EQ(files_in(dir), before);
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace covsim::test {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Name -> bytes of every entry directly in `dir` ("<dir>" for a directory).
inline std::map<std::string, std::string> files_in(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    out[e.path().filename().string()] = e.is_directory() ? "<dir>" : read_file(e.path());
  return out;
}

}  // namespace covsim::test
