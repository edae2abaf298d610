#include "geo/od_matrix.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "geo/error.hpp"
#include "geo/travel_matrix.hpp"
#include "geo/travel_table.hpp"
#include "tests/test_data.hpp"

namespace covsim::geo {
namespace {

std::filesystem::path od(const char* name) { return test::test_data() / "geo/od" / name; }

// Codes 35001..35004; 35004 appears in no OD file.
Territory four_communes() {
  Territory t;
  t.source = "four communes";
  for (const char* code : {"35001", "35002", "35003", "35004"}) t.add(code, code, 1, {}, {});
  t.index_codes();
  return t;
}

// Expects an InputError on `file` whose where() and problem() are as given.
void expect_error(const OdOptions& o, const std::string& where, const std::string& problem) {
  try {
    od_travel_graph(four_communes(), o);
    FAIL() << o.file << " accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), o.file.string());
    EXPECT_EQ(e.where(), where);
    EXPECT_NE(e.problem().find(problem), std::string::npos) << e.what();
  }
}

// directed.csv: 1->2 10, 2->3 5, 1->3 20, 3->3 4 (ignored), 2->1 12.5.
TEST(OdMatrix, ShortestPathsOverTheRowsNeverExceedTheDirectEntry) {
  const Territory t = four_communes();
  const TravelGraph g = od_travel_graph(t, {.file = od("directed.csv")});
  EXPECT_EQ(g.model, "od-matrix");
  EXPECT_EQ(g.edge_count(), 4u);
  const TravelMatrix m = minutes_among(g, all_communes(t));
  EXPECT_EQ(m.at(0, 1), 10.0f);
  EXPECT_EQ(m.at(0, 2), 15.0f);  // 1 -> 2 -> 3 beats the direct 20
  EXPECT_EQ(m.at(1, 0), 12.5f);
  EXPECT_EQ(m.at(1, 2), 5.0f);
  EXPECT_TRUE(std::isinf(m.at(2, 0)));  // directed: no row leaves 35003
  EXPECT_TRUE(std::isinf(m.at(0, 3)));  // 35004 is in no row
  EXPECT_EQ(m.at(2, 2), 0.0f);
}

TEST(OdMatrix, SymmetricRowsAndOtherColumnNames) {
  const Territory t = four_communes();
  const TravelGraph g = od_travel_graph(t, {.file = od("semicolon.csv"),
                                            .origin_column = "depart",
                                            .destination_column = "arrivee",
                                            .minutes_column = "duree",
                                            .symmetric = true});
  const TravelMatrix m = minutes_among(g, all_communes(t));
  EXPECT_EQ(m.at(2, 0), 15.0f);
  EXPECT_EQ(m.at(0, 2), 15.0f);
  const std::vector<CommuneId> third{2};
  EXPECT_EQ(build_travel_table(g, third, 14.0f).entries(), 2u);  // 35003 itself and 35002
}

TEST(OdMatrix, ErrorsNameTheFileAndTheLine) {
  expect_error({.file = od("unknown_code.csv")}, "line 3",
               "unknown commune code '35099' in destination");
  expect_error({.file = od("negative.csv")}, "line 3",
               "minutes must be a finite non-negative number, got '-5'");
  expect_error({.file = od("nan.csv")}, "line 2", "got 'nan'");
  expect_error({.file = od("text.csv")}, "line 2", "got 'ten'");
  expect_error({.file = od("empty_minutes.csv")}, "line 2", "got ''");
  expect_error({.file = od("missing_column.csv")}, "layer 'missing_column'",
               "no minutes column 'minutes' (fields: origin, destination, time)");
  expect_error({.file = od("absent.csv")}, "", "not found");
}

TEST(OdMatrix, APairGivenTwiceMustAgree) {
  // conflict.csv: 1->2 10 on line 2 and 2->1 11 on line 4: two pairs when directed...
  EXPECT_NO_THROW(od_travel_graph(four_communes(), {.file = od("conflict.csv")}));
  // ...but the same entry twice when rows are symmetric.
  expect_error({.file = od("conflict.csv"), .symmetric = true}, "line 4",
               "pair 35002 -> 35001 has 11 minutes but line 2 gives 10");
}

}  // namespace
}  // namespace covsim::geo
