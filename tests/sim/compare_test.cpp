#include "sim/compare.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "geo/error.hpp"
#include "tests/sim/sim_fixtures.hpp"

namespace covsim::sim {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

geo::Territory four() {
  geo::Territory t = test::tiny_territory({100, 200, 300, 400});
  test::add_grouping(t, "epci", {"E1", "E1", "E2", "E2"});
  return t;
}

TEST(Compare, APlanComparedWithItselfShowsNoDifference) {
  const geo::Territory t = four();
  const PlanFigures a{"A", {5, 18, 40, kInf}, {3, 2, NAN, 0}, {1, 0, 0, 0}};
  const Comparison c = compare_plans(t, a, a, {.thresholds_minutes = {20, 30}});
  EXPECT_TRUE(c.identical());
  const Table table = comparison_table(c);
  // Two rows (all, E1, E2) per threshold; every difference 0 (access unknown on both sides of
  // the whole territory is no difference either).
  ASSERT_EQ(table.rows(), 6u);
  for (double v : table.find("reached_difference")->reals()) EXPECT_EQ(v, 0);
  for (const char* column : {"permanence_difference", "communes_better"})
    for (std::int64_t v : table.find(column)->integers()) EXPECT_EQ(v, 0);
}

TEST(Compare, CountsBetterWorseAndPermanencesGainedOrLostPerGroup) {
  const geo::Territory t = four();
  const PlanFigures a{"A", {5, 18, 40, kInf}, {3, 2, 1, 0}, {1, 0, 0, 0}};
  const PlanFigures b{"B", {5.2f, 25, 12, 30}, {3, 1, 2, 1}, {0, 0, 1, 1}};
  const Comparison c = compare_plans(t, a, b, {.thresholds_minutes = {20, 30}});
  EXPECT_FALSE(c.identical());
  // C0 within tolerance: unchanged; C1 worse; C2 better; C3 better (reached at last).
  EXPECT_EQ(c.change, (std::vector<Change>{Change::unchanged, Change::worse, Change::better,
                                           Change::better}));
  EXPECT_EQ(c.permanence, (std::vector<std::int8_t>{-1, 0, 1, 1}));
  // Row 0 within 20: A reaches C0, C1 (300); B reaches C0, C2 (400).
  EXPECT_EQ(c.reached_a[0], 300);
  EXPECT_EQ(c.reached_b[0], 400);
  // Within 30, B reaches every commune.
  EXPECT_EQ(c.reached_b[1], 1000);
  EXPECT_EQ(c.better[0], 2u);
  EXPECT_EQ(c.worse[1], 1u);   // E1
  EXPECT_EQ(c.gained[2], 2u);  // E2
  EXPECT_EQ(c.lost[1], 1u);
  EXPECT_DOUBLE_EQ(c.access_a[1], (100 * 3 + 200 * 2) / 300.0);
  EXPECT_THROW(compare_plans(t, a, b, {.group_key = "canton"}), Error);
}

}  // namespace
}  // namespace covsim::sim
