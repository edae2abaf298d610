#include "geo/table_writer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <locale>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/error.hpp"
#include "tests/error_message.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::geo {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A French-style locale built in place (no system locale needed): decimal comma and digits
// grouped by three, the settings that break naive CSV writers.
struct FrenchPunct : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return ' '; }
  std::string do_grouping() const override { return "\3"; }
};

class TableWriterTest : public ::testing::Test {
 protected:
  std::size_t entries() const { return dir_.entries(); }

  // Three communes with every kind of value and every quoting case.
  static std::vector<FieldColumn> table() {
    return {FieldColumn::text("code", {"01001", "2A004", "35238"}),
            FieldColumn::text(
                "name", {"L'Abergement-Clémenciat", "Ajaccio, \"la cité\"", " Rennes\r\nnord"}),
            FieldColumn::integer("population", {832, 71361, -1234567}),
            FieldColumn::real("minutes", {12.5, kNaN, 0.1}, "Minutes to the nearest site", "min"),
            FieldColumn::boolean("covered", {true, false, true})};
  }
  static constexpr const char* kExpected =
      "code,name,population,minutes,covered\r\n"
      "01001,L'Abergement-Clémenciat,832,12.5,true\r\n"
      "2A004,\"Ajaccio, \"\"la cité\"\"\",71361,,false\r\n"
      "35238,\" Rennes\r\nnord\",-1234567,0.1,true\r\n";

  test::TempDir dir_;
};

TEST_F(TableWriterTest, QuotesFieldsAndWritesNaNAsEmpty) {
  const fs::path out = dir_ / "t.csv";
  write_csv(out, table());
  EXPECT_EQ(read_all(out), kExpected);
  EXPECT_EQ(entries(), 1u);  // no temporary left beside it
}

TEST_F(TableWriterTest, IgnoresTheLocaleForNumbers) {
  const std::locale before =
      std::locale::global(std::locale(std::locale::classic(), new FrenchPunct));
  const fs::path out = dir_ / "t.csv";
  try {
    write_csv(out, table());
  } catch (...) {
    std::locale::global(before);
    throw;
  }
  std::locale::global(before);
  EXPECT_EQ(read_all(out), kExpected);
}

TEST_F(TableWriterTest, RealsReadBackExactly) {
  const std::vector<double> values{1.0 / 3, 1e-7, 6.02214076e23, -0.0, 1234567.125};
  EXPECT_EQ(format_real(1e-7), "1e-07");
  EXPECT_EQ(format_real(1234567.125), "1234567.125");
  EXPECT_EQ(format_real(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_real(kNaN), "");
  for (double v : values) EXPECT_EQ(std::stod(format_real(v)), v) << format_real(v);
}

// Reals are written to the precision their unit has meaning at; kExact keeps the shortest exact
// text for files a program reads back.
TEST(Precision, ByUnitUnlessExact) {
  auto column = [](std::string unit) {
    return FieldColumn::real("x", {12.3456789, -0.0004}, "", std::move(unit));
  };
  EXPECT_EQ(decimals_of(column("min")), 1);
  EXPECT_EQ(decimals_of(column("h/week")), 2);
  EXPECT_EQ(decimals_of(column("h/week per 10,000 inhabitants")), 2);
  EXPECT_EQ(decimals_of(column("days/month")), 2);
  EXPECT_EQ(decimals_of(column("inhabitants")), 0);
  EXPECT_EQ(decimals_of(column("")), 3);
  FieldColumn exact = column("min");
  exact.decimals = kExact;
  EXPECT_EQ(decimals_of(exact), -1);
  exact.decimals = 4;
  EXPECT_EQ(decimals_of(exact), 4);
  std::ostringstream csv;
  exact.decimals = kExact;
  const std::vector<FieldColumn> cols{column("min"), column(""), column("inhabitants"), exact};
  write_csv(csv, cols);
  EXPECT_EQ(csv.str(), "x,x,x,x\r\n12.3,12.346,12,12.3456789\r\n0,0,0,-4e-04\r\n")
      << "-0.0004 to 0.1 is 0, never -0";
  const nlohmann::json j = table_json("t", std::vector<FieldColumn>{column("min")});
  EXPECT_EQ(j["columns"][0]["values"], nlohmann::json::parse("[12.3, 0.0]"));
}

TEST_F(TableWriterTest, ByteOrderMarkOnRequest) {
  const fs::path out = dir_ / "t.csv";
  write_csv(out, table(), {.utf8_bom = true});
  EXPECT_EQ(read_all(out), std::string("\xEF\xBB\xBF") + kExpected);
}

TEST_F(TableWriterTest, RefusesToOverwriteUnlessAsked) {
  const fs::path out = dir_ / "t.csv";
  std::ofstream(out) << "keep me";
  const std::string what = test::error_message<OutputError>([&] { write_csv(out, table()); });
  EXPECT_THAT(what, HasSubstr(out.string()));
  EXPECT_THAT(what, HasSubstr("already exists"));
  EXPECT_EQ(read_all(out), "keep me");
  write_csv(out, table(), {.overwrite = true});
  EXPECT_EQ(read_all(out), kExpected);
  EXPECT_EQ(entries(), 1u);
}

TEST_F(TableWriterTest, UnwritableDirectoryNamesThePath) {
  const fs::path out = dir_ / "missing" / "t.csv";
  EXPECT_THAT(test::error_message<OutputError>([&] { write_csv(out, table()); }),
              HasSubstr(out.string()));
  EXPECT_EQ(entries(), 0u);
}

TEST_F(TableWriterTest, BadColumnsAreRefusedBeforeWriting) {
  const fs::path out = dir_ / "t.csv";
  auto expect_input_error = [&](std::vector<FieldColumn> cols, const std::string& needle) {
    EXPECT_THAT(test::error_message<InputError>([&] { write_csv(out, cols); }), HasSubstr(needle));
    EXPECT_EQ(entries(), 0u);
  };
  expect_input_error({FieldColumn::text("code", {"a", "b"}), FieldColumn::real("x", {1.0})},
                     "column 'x': has 1 values for 2 rows");
  expect_input_error({FieldColumn::text("Code", {"a"}), FieldColumn::text("code", {"b"})},
                     "duplicates column 'Code'");
  expect_input_error({FieldColumn::text("name", {"ok", "Saint-\xC9tienne"})},
                     "column 'name', row 1: value is not valid UTF-8");
  expect_input_error({}, "at least one column");
}

TEST(CsvField, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("trailing "), "\"trailing \"");
  EXPECT_EQ(csv_field("line\nbreak"), "\"line\nbreak\"");
}

}  // namespace
}  // namespace covsim::geo
