#include "sim/recommend.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "geo/error.hpp"
#include "tests/sim/renewal_fixtures.hpp"

namespace covsim::sim {
namespace {

using test::Scenario;

// 8 minutes per step: a site reaches its four neighbours within 15 minutes.
struct Grid : test::Grid {
  Grid(std::size_t w, std::size_t h, std::uint64_t seed) : test::Grid(w, h, 8, seed) {}
};

// The plan as it stands: every post of the grid active, nothing lost.
struct Plan {
  const Scenario& s;
  CommuneCoverage coverage = s.realloc->baseline();
  PlanState state() const { return {s.posts, {}, s.base, coverage, {}}; }
};

double reached(const Scenario& s, const CommuneCoverage& c, std::size_t t) {
  double p = 0;
  for (geo::CommuneId i = 0; i < c.size(); ++i)
    if (c.reached_within(i, t)) p += s.territory.population[i];
  return p;
}

TEST(Recommend, CentralityReachMatchesExhaustiveSearchAndTheCoverageItGives) {
  double worst_gap = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    Grid g(6, 5, seed);
    g.add("P0", static_cast<geo::CommuneId>(seed % 30));
    g.build();
    const Plan plan{g};
    for (std::uint32_t k : {1u, 2u, 3u}) {
      const RecommendOptions o{.add = k, .goal = PlacementGoal::reach, .threshold = 0};
      const Recommendation r = recommend(g.inputs(), *g.model, plan.state(), g.deploy_options, o);
      const Recommendation best =
          recommend_exhaustive(g.inputs(), *g.model, plan.state(), g.deploy_options, o);
      ASSERT_GT(best.total, 0);
      worst_gap = std::max(worst_gap, (best.total - r.total) / best.total);
      // Every figure of the ranking is what coverage says of the plan with the new posts.
      EXPECT_DOUBLE_EQ(r.total, reached(g, r.coverage, 0) - reached(g, plan.coverage, 0));
      EXPECT_DOUBLE_EQ(r.cumulative.back(), r.total);
      EXPECT_EQ(r.posts.size(), 1 + r.picks.size());
      for (std::size_t i = 1; i < r.gain.size(); ++i) EXPECT_LE(r.gain[i], r.gain[i - 1] + 1e-9);
    }
  }
  std::printf("recommend, centrality reach, 36 grid instances: worst gap to exhaustive %.4f %%\n",
              100 * worst_gap);
  EXPECT_EQ(worst_gap, 0);
}

TEST(Recommend, AccessOfTheWorstServedIsExactAndMatchesCoverage) {
  Grid g(6, 5, 3);
  g.add("P0", 0);
  g.add("P1", 29);
  g.build();
  const Plan plan{g};
  const RecommendOptions o{.add = 3, .goal = PlacementGoal::access, .worst_share = 0.2};
  const Recommendation r = recommend(g.inputs(), *g.model, plan.state(), g.deploy_options, o);
  const Recommendation best =
      recommend_exhaustive(g.inputs(), *g.model, plan.state(), g.deploy_options, o);
  EXPECT_NEAR(r.total, best.total, 1e-9 * best.total);
  // W: at least 20 % of the population, the least access first.
  double w_pop = 0, total = 0, before = 0, after = 0;
  for (geo::CommuneId c = 0; c < g.territory.size(); ++c) {
    total += g.territory.population[c];
    if (!r.counted[c]) continue;
    w_pop += g.territory.population[c];
    before += g.territory.population[c] * plan.coverage.access[c];
    after += g.territory.population[c] * r.coverage.access[c];
  }
  EXPECT_GE(w_pop, 0.2 * total);
  EXPECT_NEAR(r.total, (after - before) / w_pop, 1e-6 * r.total);
  EXPECT_GT(r.total, 0);
}

TEST(Recommend, PermanenceGoesBackWhereItWasLostLargestFirst) {
  Grid g(4, 3, 5);
  g.add("P0", 0);
  g.build();
  const Plan plan{g};
  std::vector<std::uint8_t> lost(g.territory.size(), 0);
  lost[5] = lost[7] = lost[11] = 1;
  const PlanState state{g.posts, {}, g.base, plan.coverage, lost};
  const RecommendOptions o{.add = 4, .goal = PlacementGoal::permanence};
  const Recommendation r = recommend(g.inputs(), *g.model, state, g.deploy_options, o);
  // Three communes lost theirs: three picks, each regaining one, the most populous first; the
  // fourth post would regain nothing and is not placed.
  ASSERT_EQ(r.picks.size(), 3u);
  EXPECT_DOUBLE_EQ(r.total, 3);
  for (geo::CommuneId c : r.picks) EXPECT_TRUE(lost[c]);
  EXPECT_GE(g.territory.population[r.picks[0]], g.territory.population[r.picks[1]]);
  EXPECT_GE(g.territory.population[r.picks[1]], g.territory.population[r.picks[2]]);
  EXPECT_EQ(r.notes.size(), 1u);
  for (geo::CommuneId c : r.picks) EXPECT_TRUE(r.coverage.has_permanence[c]);
}

TEST(Recommend, RoamingPostJoinsItsTeamWhichIsPlannedAgain) {
  double worst_gap = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    Grid g(6, 4, seed);
    g.deploy_options.roaming.round.max_stops = 2;
    g.add("R0", 0, Strategy::roaming);
    g.add("F0", 23);
    g.build();
    const Plan plan{g};
    RecommendOptions o{.add = 2, .goal = PlacementGoal::reach, .threshold = 0};
    o.model.strategy = Strategy::roaming;
    o.model.group_key = "epci";
    // Candidates: a handful, so the exhaustive search re-plans teams for every pair.
    o.candidates = {1, 4, 8, 10, 14, 17, 20};
    const Recommendation r = recommend(g.inputs(), *g.model, plan.state(), g.deploy_options, o);
    const Recommendation best =
        recommend_exhaustive(g.inputs(), *g.model, plan.state(), g.deploy_options, o);
    ASSERT_GT(best.total, 0);
    worst_gap = std::max(worst_gap, (best.total - r.total) / best.total);
    EXPECT_NEAR(r.total, reached(g, r.coverage, 0) - reached(g, plan.coverage, 0), 1e-6);
    // The new roaming posts hold rounds of their own; R0's team (EPCI W) was planned again
    // when a pick fell in it.
    std::size_t new_rounds = 0;
    for (CircuitId c = 0; c < r.deployment.circuits(); ++c)
      new_rounds += r.deployment.circuit_post[c] >= g.posts.size();
    EXPECT_EQ(new_rounds, r.picks.size());
  }
  std::printf("recommend, roaming team posts, 4 grid instances: worst gap %.4f %%\n",
              100 * worst_gap);
  EXPECT_EQ(worst_gap, 0);
}

TEST(Recommend, SamePicksWhateverTheThreadCount) {
  Grid g(8, 6, 9);
  g.add("P0", 10);
  g.build();
  const Plan plan{g};
  const RecommendOptions o{.add = 4, .goal = PlacementGoal::reach, .threshold = 1};
  const Recommendation many = recommend(g.inputs(), *g.model, plan.state(), g.deploy_options, o);
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  const Recommendation single = recommend(g.inputs(), *g.model, plan.state(), g.deploy_options, o);
  EXPECT_EQ(many.picks, single.picks);
  EXPECT_EQ(many.gain, single.gain);
}

TEST(Recommend, RefusesZeroPostsAndAnUnknownGrouping) {
  Grid g(3, 3, 1);
  g.add("P0", 0);
  g.build();
  const Plan plan{g};
  EXPECT_THROW(recommend(g.inputs(), *g.model, plan.state(), g.deploy_options, {.add = 0}), Error);
  RecommendOptions o{.add = 1};
  o.model.strategy = Strategy::multi_centre;
  o.model.group_key = "canton";
  EXPECT_THROW(recommend(g.inputs(), *g.model, plan.state(), g.deploy_options, o), Error);
  EXPECT_EQ(parse_placement_goal("access"), PlacementGoal::access);
  EXPECT_FALSE(parse_placement_goal("coverage"));
}

}  // namespace
}  // namespace covsim::sim
