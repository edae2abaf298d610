// Small text inputs are read with bounds: regular files only, a size limit, UTF-8 named by
// line and column.
#include "geo/text_input.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "geo/error.hpp"
#include "geo/utf8.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::geo {
namespace {

TEST(Utf8, FindsTheFirstByteThatIsNotUtf8WithItsLineAndColumn) {
  EXPECT_FALSE(invalid_utf8("Pont-Linouët, Lanvéoc\n€ 𝄞"));
  const auto e = invalid_utf8("name: ok\nname: Sc\xe9nario\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->offset, 17u);
  EXPECT_EQ(e->line, 2u);
  EXPECT_EQ(e->column, 9u);
  EXPECT_EQ(e->where(), "line 2, column 9");
  EXPECT_NE(e->problem().find("byte 0xE9"), std::string::npos);
  // Columns count characters: "é" before the bad byte is one column.
  EXPECT_EQ(invalid_utf8("\xc3\xa9\xff")->column, 2u);
}

TEST(Utf8, RefusesWhatRfc3629Forbids) {
  for (const char* bad : {"\xc0\xaf",          // overlong '/'
                          "\xed\xa0\x80",      // a UTF-16 surrogate
                          "\xf4\x90\x80\x80",  // above U+10FFFF
                          "\xe2\x82",          // cut short
                          "\x80"})             // a lone continuation byte
    EXPECT_TRUE(invalid_utf8(bad)) << bad;
}

TEST(TextInput, ReadsARegularFile) {
  test::TempDir dir;
  std::ofstream(dir / "s.yaml") << "name: Lanvéoc\n";
  EXPECT_EQ(read_text_input(dir / "s.yaml", "scenario file", 100), "name: Lanvéoc\n");
}

TEST(TextInput, RefusesDevicesPipesAndDirectoriesWithoutReadingThem) {
  test::TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  for (const std::filesystem::path& p :
       {std::filesystem::path("/dev/zero"), dir / "fifo", dir.path()}) {
    try {
      read_text_input(p, "scenario file", 100);
      ADD_FAILURE() << p << " was read";
    } catch (const InputError& e) {
      EXPECT_EQ(e.problem(),
                "the scenario file is not a regular file (a directory, a device or a pipe)");
    }
  }
  EXPECT_THROW(read_text_input(dir / "missing", "scenario file", 100), InputError);
}

TEST(TextInput, RefusesAFileLargerThanItsBound) {
  test::TempDir dir;
  std::ofstream(dir / "big.csv") << std::string(101, 'x');
  try {
    read_text_input(dir / "big.csv", "posts file", 100);
    ADD_FAILURE() << "read";
  } catch (const InputError& e) {
    EXPECT_NE(e.problem().find("the posts file is larger than"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_text_input(dir / "big.csv", "posts file", 101).size(), 101u);
}

TEST(TextInput, NamesTheLineOfTextThatIsNotUtf8) {
  test::TempDir dir;
  std::ofstream(dir / "p.csv") << "id,host_name\nP1,\xc9"
                                  "cole\n";
  try {
    read_text_input(dir / "p.csv", "posts file", 100);
    ADD_FAILURE() << "read";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), (dir / "p.csv").string());
    EXPECT_EQ(e.where(), "line 2, column 4");
  }
  EXPECT_NO_THROW(read_text_input(dir / "p.csv", "posts file", 100, /*utf8=*/false));
}

}  // namespace
}  // namespace covsim::geo
