#include "sim/prioritise.hpp"

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cstdio>
#include <random>
#include <vector>

#include "geo/error.hpp"
#include "tests/sim/renewal_fixtures.hpp"

namespace covsim::sim {
namespace {

// A grid 10 minutes per step with `count` centrality posts at seeded communes (a few sharing
// one) of 14 to 35 weekly hours.
struct Posts : test::Grid {
  Posts(std::size_t w, std::size_t h, std::size_t count, std::uint64_t seed)
      : test::Grid(w, h, 10, seed, 3000) {
    std::mt19937_64 rng(seed * 7919);
    for (std::size_t i = 0; i < count; ++i) {
      Post& p = add("P" + std::to_string(i), static_cast<geo::CommuneId>(rng() % (w * h)));
      p.weekly_hours = 14 + static_cast<double>(rng() % 4) * 7;
    }
  }
};

TEST(Prioritise, KeepSetMatchesExhaustiveSearchUnderPolicyNone) {
  double worst_gap = 0;
  for (std::uint64_t seed = 1; seed <= 15; ++seed) {
    Posts s(6, 6, 11, seed);
    s.build();
    for (std::uint32_t keep : {3u, 5u, 8u}) {
      const PrioritiseOptions o{.keep = keep, .threshold = 0};
      const Priorities pr = prioritise(*s.realloc, o);
      const Priorities best = prioritise_exhaustive(*s.realloc, o);
      EXPECT_EQ(pr.kept.posts, keep);
      worst_gap = std::max(worst_gap, (best.kept.population_reached - pr.kept.population_reached) /
                                          best.kept.population_reached);
      // The standalone values are what coverage says when the post alone goes.
      for (PostId p = 0; p < s.posts.size(); ++p) {
        std::vector<std::uint8_t> active(s.posts.size(), 1);
        active[p] = 0;
        const KeepFigures without = evaluate_keep(*s.realloc, ReallocationPolicy::none, active, 0);
        EXPECT_DOUBLE_EQ(pr.standalone[p], pr.all.population_reached - without.population_reached);
      }
    }
  }
  std::printf("prioritise, policy none, 45 grid instances: worst gap to exhaustive %.4f %%\n",
              100 * worst_gap);
  // Measured: 0.0965 % (one instance of 45; the others exact). Swaps are a local search.
  EXPECT_LE(worst_gap, 0.002);
}

TEST(Prioritise, BudgetOfWeeklyHoursMatchesExhaustiveSearch) {
  double worst_gap = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    Posts s(5, 5, 10, seed);
    s.build();
    const PrioritiseOptions o{.budget_hours = 100, .threshold = 0};
    const Priorities pr = prioritise(*s.realloc, o);
    const Priorities best = prioritise_exhaustive(*s.realloc, o);
    EXPECT_LE(pr.kept.weekly_hours, 100 + 1e-9);
    worst_gap = std::max(worst_gap, (best.kept.population_reached - pr.kept.population_reached) /
                                        best.kept.population_reached);
  }
  std::printf("prioritise, budget 100 h, 8 grid instances: worst gap to exhaustive %.4f %%\n",
              100 * worst_gap);
  // Measured: 4.23 % on one instance of 8 (a budget is a knapsack: single swaps and the
  // one-for-several moves miss some exchanges of two posts for two); 3 of 8 are exact.
  EXPECT_LE(worst_gap, 0.05);
}

TEST(Prioritise, ReplanAndAbsorbScoreEveryKeepSetThroughTheReallocator) {
  double worst_gap = 0;
  for (const ReallocationPolicy policy : {ReallocationPolicy::absorb, ReallocationPolicy::replan}) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      Posts s(6, 4, 5, seed);
      s.deploy_options.roaming.round.max_stops = 2;
      s.add("R0", 0, Strategy::roaming);
      s.add("R1", 5, Strategy::roaming);
      s.build();
      const PrioritiseOptions o{.keep = 4, .policy = policy, .threshold = 0};
      const Priorities pr = prioritise(*s.realloc, o);
      const Priorities best = prioritise_exhaustive(*s.realloc, o);
      worst_gap = std::max(worst_gap, (best.kept.population_reached - pr.kept.population_reached) /
                                          best.kept.population_reached);
      EXPECT_EQ(pr.policy, policy);
    }
  }
  std::printf("prioritise, absorb and replan, 6 instances: worst gap to exhaustive %.4f %%\n",
              100 * worst_gap);
  EXPECT_EQ(worst_gap, 0);
}

TEST(Prioritise, SameKeepSetWhateverTheThreadCount) {
  Posts s(10, 8, 40, 3);
  s.build();
  const PrioritiseOptions o{.keep = 25, .threshold = 1};
  const Priorities many = prioritise(*s.realloc, o);
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  const Priorities single = prioritise(*s.realloc, o);
  EXPECT_EQ(many.keep, single.keep);
  EXPECT_EQ(many.standalone, single.standalone);
}

TEST(Prioritise, RefusesMorePostsThanThereAreAndNoLimit) {
  Posts s(3, 3, 4, 1);
  s.build();
  EXPECT_THROW(prioritise(*s.realloc, {.keep = 5}), Error);
  EXPECT_THROW(prioritise(*s.realloc, {}), Error);
  EXPECT_THROW(prioritise(*s.realloc, {.budget_hours = -1}), Error);
}

}  // namespace
}  // namespace covsim::sim
