#include "sim/coverage.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "geo/error.hpp"
#include "tests/error_message.hpp"
#include "tests/sim/sim_fixtures.hpp"

namespace covsim::sim {
namespace {

// Four communes A, B, C, D (ids 0..3), populations 1000, 500, 200, 300, priority populations
// 100, 0, 0, 50; departments D1 = {A, B}, D2 = {C, D}. Symmetric minutes:
//   A–B 10, A–C 25, A–D 40, B–C 15, B–D 30, C–D 20.
struct Four {
  geo::Territory territory = [] {
    geo::Territory t = test::tiny_territory({1000, 500, 200, 300});
    t.priority_population = {100, 0, 0, 50};
    test::add_grouping(t, "department", {"D1", "D1", "D2", "D2"});
    return t;
  }();
  geo::TravelTable table = test::table_from_matrix(
      {{0, 10, 25, 40}, {10, 0, 15, 30}, {25, 15, 0, 20}, {40, 30, 20, 0}}, test::iota_ids(4), 45);
};

// Site at A (post 0, 35 h/week) and at C (post 1, 14 h/week).
Deployment two_sites() {
  Deployment d;
  d.site_commune = {0, 2};
  d.site_post = {0, 1};
  d.site_weekly_hours = {35, 14};
  return d;
}

// Access figures agree to float precision: the model stores decay weights as float.
#define EXPECT_ACCESS(actual, expected) EXPECT_NEAR(actual, expected, 1e-6 * std::abs(expected))

// The Gaussian decay written out again, independently of the model.
double w(double d, double d0) {
  if (d > d0) return 0;
  return (std::exp(-d * d / (2 * d0 * d0)) - std::exp(-0.5)) / (1 - std::exp(-0.5));
}

// Gini by its definition over pairs: Σ Σ p_i p_j |a_i − a_j| / (2 P² mean).
double gini_by_pairs(const std::vector<double>& p, const std::vector<double>& a) {
  double total = 0, weighted = 0, pairs = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    total += p[i];
    weighted += p[i] * a[i];
    for (std::size_t j = 0; j < p.size(); ++j) pairs += p[i] * p[j] * std::abs(a[i] - a[j]);
  }
  return pairs / (2 * total * total * (weighted / total));
}

TEST(Coverage, DecayIsOneAtTheSiteAndZeroAtTheCatchmentEdge) {
  const Four f;
  const CoverageModel model(f.territory, f.table, {.thresholds_minutes = {15, 30}});
  EXPECT_EQ(model.catchment_minutes(), 30) << "defaults to the largest threshold";
  EXPECT_DOUBLE_EQ(model.decay(0), 1);
  EXPECT_NEAR(model.decay(30), 0, 1e-15);
  EXPECT_EQ(model.decay(31), 0);
  EXPECT_NEAR(model.decay(15), w(15, 30), 1e-15);
  EXPECT_NEAR(model.decay(15), 0.7014, 1e-4);  // (e^-1/8 − e^-1/2) / (1 − e^-1/2)
}

TEST(Coverage, NearestReachAndAccessByHand) {
  const Four f;
  const CoverageModel model(f.territory, f.table, {.thresholds_minutes = {15, 30}});
  CoverageScratch scratch;
  CommuneCoverage c;
  model.compute(two_sites(), {}, scratch, c);

  EXPECT_EQ(c.nearest_minutes, (std::vector<float>{0, 10, 0, 20}));
  EXPECT_EQ(c.nearest_site, (std::vector<geo::CommuneId>{0, 0, 2, 2}));
  // Within 15 min: A, B, C; within 30: all four.
  EXPECT_EQ(c.reached, (std::vector<std::uint8_t>{0b11, 0b11, 0b11, 0b10}));
  EXPECT_EQ(c.gap, (std::vector<std::uint8_t>{0, 0, 0, 0}));

  // E2SFCA with d0 = 30: D is 40 min from A, outside A's catchment.
  const double ra = 35 / (1000 * w(0, 30) + 500 * w(10, 30) + 200 * w(25, 30));
  const double rc = 14 / (1000 * w(25, 30) + 500 * w(15, 30) + 200 * w(0, 30) + 300 * w(20, 30));
  EXPECT_ACCESS(c.access[0], 1e4 * (ra + rc * w(25, 30)));
  EXPECT_ACCESS(c.access[1], 1e4 * (ra * w(10, 30) + rc * w(15, 30)));
  EXPECT_ACCESS(c.access[2], 1e4 * (ra * w(25, 30) + rc));
  EXPECT_ACCESS(c.access[3], 1e4 * rc * w(20, 30));
  // Floating catchments conserve supply: Σ P_i A_i = 10,000 × (35 + 14) when every site's
  // catchment holds people, up to the fixed point's rounding: each commune's at most two
  // terms are each within half a unit (2^-25 h) of the real value.
  double supply = 0;
  for (geo::CommuneId i = 0; i < 4; ++i) supply += f.territory.population[i] * c.access[i];
  EXPECT_NEAR(supply, 49e4, 2000 * 2 * 0x1p-25);
  // Fixed point: every figure is a whole number of 2^-24 h.
  for (geo::CommuneId i = 0; i < 4; ++i)
    EXPECT_EQ(std::ldexp(c.access[i], 24), std::floor(std::ldexp(c.access[i], 24))) << i;
}

TEST(Coverage, GroupSummariesAndGiniByHand) {
  const Four f;
  const CoverageModel model(f.territory, f.table, {.thresholds_minutes = {15, 30}});
  CoverageScratch scratch;
  CommuneCoverage c;
  GroupCoverage g;
  model.compute(two_sites(), {}, scratch, c);
  model.summarise(c, scratch, g);

  ASSERT_EQ(g.rows(), 3u);
  EXPECT_EQ(model.group_rows().grouping,
            (std::vector<std::string>{"all", "department", "department"}));
  EXPECT_EQ(model.group_rows().code, (std::vector<std::string>{"all", "D1", "D2"}));
  EXPECT_EQ(g.communes, (std::vector<std::uint32_t>{4, 2, 2}));
  EXPECT_EQ(g.population, (std::vector<double>{2000, 1500, 500}));
  EXPECT_DOUBLE_EQ(g.reached_at(0, 0), 1700);  // D (300) is 20 min away
  EXPECT_DOUBLE_EQ(g.reached_at(0, 1), 2000);
  EXPECT_DOUBLE_EQ(g.reached_at(2, 0), 200);
  EXPECT_DOUBLE_EQ(g.priority_population[0], 150);
  EXPECT_DOUBLE_EQ(g.priority_reached_at(0, 0), 100);
  EXPECT_DOUBLE_EQ(g.priority_reached_at(2, 1), 50);
  EXPECT_EQ(g.gap_population, (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(g.communes_no_reach, (std::vector<std::uint32_t>{0, 0, 0}));

  const std::vector<double> pop = f.territory.population;
  EXPECT_NEAR(g.mean_access[0], 49e4 / 2000, 2 * 0x1p-25);  // as the supply above
  EXPECT_NEAR(g.mean_access[1], (1000 * c.access[0] + 500 * c.access[1]) / 1500, 1e-9);
  EXPECT_NEAR(g.gini_access[0], gini_by_pairs(pop, c.access), 1e-12);
  EXPECT_NEAR(g.gini_access[1], gini_by_pairs({1000, 500}, {c.access[0], c.access[1]}), 1e-12);
  EXPECT_NEAR(g.gini_access[2], gini_by_pairs({200, 300}, {c.access[2], c.access[3]}), 1e-12);
  EXPECT_GT(g.gini_access[0], 0);
}

TEST(Coverage, GiniMatchesItsPairwiseDefinitionOnAThousandCommunes) {
  // 1,000 communes on a line (3 min apart), uneven populations, 40 sites with uneven hours:
  // access spans several orders of magnitude, and many communes have none.
  std::vector<double> pop;
  std::uint64_t s = 99;
  auto next = [&] { return (s = s * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  for (int i = 0; i < 1000; ++i) pop.push_back(static_cast<double>(next() % 5000));
  geo::Territory t = test::tiny_territory(pop);
  std::vector<std::string> dep, epci;
  for (int i = 0; i < 1000; ++i) {
    dep.push_back(i < 600 ? "D1" : "D2");
    epci.push_back("E" + std::to_string(i / 37));
  }
  test::add_grouping(t, "department", dep);
  test::add_grouping(t, "epci", epci);
  Deployment d;
  std::vector<geo::CommuneId> sites;
  for (PostId p = 0; p < 40; ++p) {
    sites.push_back(static_cast<geo::CommuneId>(next() % 1000));
    d.site_commune.push_back(sites.back());
    d.site_post.push_back(p);
    d.site_weekly_hours.push_back(1 + static_cast<double>(next() % 70));
  }
  // Rows for the sites only, straight from the line: minutes = 3 × |i − j| up to 45.
  geo::TravelTable table;
  table.cutoff_minutes = 45;
  table.row_of_site.assign(1000, geo::kNoRow);
  table.first.push_back(0);
  for (geo::CommuneId site : sites) {
    if (table.row_of_site[site] != geo::kNoRow) continue;
    table.row_of_site[site] = static_cast<geo::RowId>(table.site.size());
    table.site.push_back(site);
    for (geo::CommuneId c = 0; c < 1000; ++c) {
      const float m = 3.0f * static_cast<float>(c > site ? c - site : site - c);
      if (m <= 45) table.reach.push_back({c, m});
    }
    table.first.push_back(table.reach.size());
  }
  const CoverageModel model(t, table, {.thresholds_minutes = {15, 30}});
  CoverageScratch scratch;
  CommuneCoverage c;
  GroupCoverage g;
  model.compute(d, {}, scratch, c);
  model.summarise(c, scratch, g);
  auto rows_of = [&](const std::string& key, const std::vector<std::string>& codes,
                     const std::string& code) {
    std::vector<double> p, a;
    for (geo::CommuneId i = 0; i < 1000; ++i)
      if (key == "all" || codes[i] == code) {
        p.push_back(pop[i]);
        a.push_back(c.access[i]);
      }
    return std::pair{p, a};
  };
  const GroupRows& rows = model.group_rows();
  for (std::size_t r = 0; r < g.rows(); ++r) {
    const auto& codes = rows.grouping[r] == "epci" ? epci : dep;
    const auto [p, a] = rows_of(rows.grouping[r], codes, rows.code[r]);
    double weighted = 0, total = 0;
    for (std::size_t i = 0; i < p.size(); ++i) weighted += p[i] * a[i], total += p[i];
    if (weighted == 0) {
      EXPECT_TRUE(std::isnan(g.gini_access[r])) << rows.code[r];
      continue;
    }
    EXPECT_NEAR(g.gini_access[r], gini_by_pairs(p, a), 1e-9) << rows.grouping[r] << rows.code[r];
    EXPECT_NEAR(g.mean_access[r], weighted / total, 1e-9 * weighted / total) << rows.code[r];
  }
  EXPECT_GT(g.gini_access[0], 0.3) << "most communes are far from the 40 sites";
}

TEST(Coverage, GiniOfTwoEqualCommunesOneWithoutAccessIsOneHalf) {
  // Two communes of 100, 60 min apart; one site: access a at its commune, 0 at the other.
  const geo::Territory t = test::tiny_territory({100, 100});
  const geo::TravelTable table = test::table_from_matrix({{0, 60}, {60, 0}}, {0, 1}, 60);
  const CoverageModel model(t, table, {.thresholds_minutes = {30}});
  Deployment d;
  d.site_commune = {0};
  d.site_post = {0};
  d.site_weekly_hours = {10};
  CoverageScratch scratch;
  CommuneCoverage c;
  GroupCoverage g;
  model.compute(d, {}, scratch, c);
  model.summarise(c, scratch, g);
  EXPECT_DOUBLE_EQ(c.access[0], 1e4 * 10 / 100);
  EXPECT_EQ(c.access[1], 0);
  EXPECT_EQ(c.nearest_minutes[1], 60) << "within the table's cut-off, beyond the threshold";
  EXPECT_DOUBLE_EQ(g.gini_access[0], 0.5);
  EXPECT_DOUBLE_EQ(g.mean_access[0], 500);
  EXPECT_EQ(g.communes_no_reach[0], 1u);
  EXPECT_DOUBLE_EQ(g.gap_population[0], 100);
  // No active post: nobody has access, the Gini is undefined.
  const std::vector<std::uint8_t> none{0};
  model.compute(d, none, scratch, c);
  model.summarise(c, scratch, g);
  EXPECT_TRUE(std::isnan(g.gini_access[0]));
  EXPECT_EQ(g.mean_access[0], 0);
  EXPECT_TRUE(std::isinf(c.nearest_minutes[0]));
  EXPECT_EQ(c.nearest_site[0], kNoCommune);
}

TEST(Coverage, InactivePostsAreSkippedAndScratchIsReusable) {
  const Four f;
  const CoverageModel model(f.territory, f.table, {.thresholds_minutes = {15, 30}});
  CoverageScratch scratch;
  CommuneCoverage all, without_a, again;
  model.compute(two_sites(), {}, scratch, all);
  const std::vector<std::uint8_t> active{0, 1};
  model.compute(two_sites(), active, scratch, without_a);
  EXPECT_EQ(without_a.nearest_minutes, (std::vector<float>{25, 15, 0, 20}));
  EXPECT_EQ(without_a.reached, (std::vector<std::uint8_t>{0b10, 0b11, 0b11, 0b10}));
  const double rc = 14 / (1000 * w(25, 30) + 500 * w(15, 30) + 200 + 300 * w(20, 30));
  EXPECT_ACCESS(without_a.access[0], 1e4 * rc * w(25, 30));
  model.compute(two_sites(), {}, scratch, again);
  EXPECT_EQ(again.access, all.access) << "no hours left over in the scratch";
  EXPECT_EQ(again.nearest_minutes, all.nearest_minutes);
}

TEST(Coverage, PostsSharingASitePoolTheirHours) {
  const Four f;
  const CoverageModel model(f.territory, f.table, {.thresholds_minutes = {15, 30}});
  Deployment one = two_sites(), split = two_sites();
  split.site_commune.push_back(0);  // a third post at A with 15 h: 35 = 20 + 15
  split.site_post.push_back(2);
  split.site_weekly_hours = {20, 14, 15};
  CoverageScratch scratch;
  CommuneCoverage a, b;
  model.compute(one, {}, scratch, a);
  model.compute(split, {}, scratch, b);
  for (geo::CommuneId i = 0; i < 4; ++i) EXPECT_NEAR(a.access[i], b.access[i], 1e-9);
}

TEST(Coverage, RoamingVisitsReachOnlyWhenFrequentEnough) {
  const Four f;
  // One 15 min threshold; a site at A. C (25 min) and D (40 min) are beyond it, but a roaming
  // advisor visits C twice a month (6.5 h of presence) and D every other month.
  const CoverageModel model(f.territory, f.table,
                            {.thresholds_minutes = {15}, .min_visits_per_month = 1});
  Deployment d;
  d.site_commune = {0};
  d.site_post = {0};
  d.site_weekly_hours = {35};
  d.circuit_post = {1};
  d.circuit_cycle_minutes = {80};
  d.circuit_rounds_per_month = {2};
  d.circuit_first = {0, 2};
  d.stop_commune = {2, 3};
  d.stop_visits_per_month = {2, 0.5};
  d.stop_presence_hours_per_month = {6.5, 1};
  CoverageScratch scratch;
  CommuneCoverage c;
  GroupCoverage g;
  model.compute(d, {}, scratch, c);
  model.summarise(c, scratch, g);
  EXPECT_EQ(c.reached, (std::vector<std::uint8_t>{1, 1, 1, 0}));
  EXPECT_EQ(c.gap, (std::vector<std::uint8_t>{0, 0, 0, 1}));
  EXPECT_EQ(c.visits_per_month[3], 0.5);
  const double ra = 35 / (1000 + 500 * w(10, 15));
  EXPECT_ACCESS(c.access[0], 1e4 * ra);
  EXPECT_ACCESS(c.access[1], 1e4 * ra * w(10, 15));
  EXPECT_ACCESS(c.access[2], 1e4 * 6.5 / (52.0 / 12) / 200);
  EXPECT_ACCESS(c.access[3], 1e4 * 1 / (52.0 / 12) / 300);
  EXPECT_DOUBLE_EQ(g.gap_population[0], 300);
  EXPECT_DOUBLE_EQ(g.priority_gap_population[0], 50);
  EXPECT_DOUBLE_EQ(g.priority_gap_population[2], 50);
  EXPECT_EQ(g.communes_no_reach, (std::vector<std::uint32_t>{1, 0, 1}));
  // The roaming post inactive: C falls into the gap too.
  const std::vector<std::uint8_t> fixed_only{1, 0};
  model.compute(d, fixed_only, scratch, c);
  EXPECT_EQ(c.gap, (std::vector<std::uint8_t>{0, 0, 1, 1}));
  EXPECT_EQ(c.access[2], 0);
}

TEST(Coverage, RejectsOptionsTheTableCannotAnswerAndSitesWithoutRows) {
  const Four f;
  EXPECT_THROW(CoverageModel(f.territory, f.table, {.thresholds_minutes = {15, 60}}), Error);
  EXPECT_THROW(CoverageModel(f.territory, f.table, {.thresholds_minutes = {30, 15}}), Error);
  EXPECT_THROW(CoverageModel(f.territory, f.table, {.thresholds_minutes = {}}), Error);
  EXPECT_THROW(
      CoverageModel(f.territory, f.table, {.thresholds_minutes = {15}, .catchment_minutes = 50}),
      Error);
  const geo::TravelTable partial = test::table_from_matrix(
      {{0, 10, 25, 40}, {10, 0, 15, 30}, {25, 15, 0, 20}, {40, 30, 20, 0}}, {0}, 45);
  const CoverageModel model(f.territory, partial, {.thresholds_minutes = {15}});
  CoverageScratch scratch;
  CommuneCoverage c;
  EXPECT_THROW(model.compute(two_sites(), {}, scratch, c), Error) << "C has no row";
  Deployment only_a = two_sites();
  only_a.site_commune.pop_back();
  only_a.site_post.pop_back();
  only_a.site_weekly_hours.pop_back();
  model.compute(only_a, {}, scratch, c);
  EXPECT_ACCESS(c.access[0], 1e4 * 35 / (1000 + 500 * w(10, 15)))
      << "the failed call left no hours behind";
}

TEST(Coverage, RejectsAccessBeyondWhatItsFixedPointHolds) {
  // Populations given in tens of thousands: 35 h a week for about 0.14 weighted inhabitants
  // is over 100 h each, a sign of wrong populations.
  Four f;
  for (double& p : f.territory.population) p /= 10'000;
  const CoverageModel model(f.territory, f.table, {.thresholds_minutes = {15, 30}});
  CoverageScratch scratch;
  CommuneCoverage c;
  const std::string message =
      covsim::test::error_message<Error>([&] { model.compute(two_sites(), {}, scratch, c); });
  EXPECT_NE(message.find("permanences at commune C0"), std::string::npos) << message;
  EXPECT_NE(message.find("check the populations"), std::string::npos) << message;
  f.territory.population = Four().territory.population;
  const CoverageModel sound(f.territory, f.table, {.thresholds_minutes = {15, 30}});
  sound.compute(two_sites(), {}, scratch, c);
  EXPECT_GT(c.access[0], 0) << "the failed call left no hours behind";
}

}  // namespace
}  // namespace covsim::sim
