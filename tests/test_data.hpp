// Paths to test inputs. Real data lives beside the repository in ../shared/data and may be
// absent: tests that need it call COVSIM_REQUIRE_SHARED_DATA to skip with a clear message.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace covsim::test {

inline std::filesystem::path shared_data() { return COVSIM_SHARED_DATA; }
inline std::filesystem::path test_data() { return COVSIM_TEST_DATA; }
inline std::filesystem::path source_dir() { return COVSIM_SOURCE_DIR; }

}  // namespace covsim::test

#define COVSIM_REQUIRE_SHARED_DATA(relative)                                                 \
  do {                                                                                       \
    if (!std::filesystem::exists(::covsim::test::shared_data() / (relative)))                \
      GTEST_SKIP() << "shared data absent: " << (::covsim::test::shared_data() / (relative)) \
                   << " (see ../shared/data/README.md)";                                     \
  } while (0)
