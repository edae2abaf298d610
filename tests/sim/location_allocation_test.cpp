#include "sim/location_allocation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tests/sim/sim_fixtures.hpp"

namespace covsim::sim {
namespace {

// Five communes on a line, 10 minutes apart, populations 15, 20, 30, 20, 100.
struct Line {
  geo::Territory territory = test::tiny_territory({15, 20, 30, 20, 100});
  geo::TravelTable table =
      test::table_from_matrix(test::line_minutes(5, 10), test::iota_ids(5), 45);
  LocationProblem problem(std::vector<geo::CommuneId> fixed = {}) const {
    const auto all = test::iota_ids(5);
    return location_problem(table, all, all, territory.population, fixed);
  }
};

TEST(LocationAllocation, MaxCoverOnALineByHand) {
  const Line line;
  const LocationOptions cover{.objective = Objective::max_cover, .cover_minutes = 10};
  // k = 1: site 3 covers communes 2, 3, 4 = 30 + 20 + 100 = 150 (site 4 only 120).
  const LocationSolution one = solve_location(line.problem(), 1, cover);
  EXPECT_EQ(one.chosen, std::vector<std::uint32_t>{3});
  EXPECT_DOUBLE_EQ(one.covered, 150);
  // k = 2: {0,3}, {1,3} and {1,4} cover all 185; {1,4} travels least:
  // 15×10 + 30×10 + 20×10 = 650 population-minutes.
  const LocationSolution two = solve_location(line.problem(), 2, cover);
  EXPECT_EQ(two.chosen, (std::vector<std::uint32_t>{1, 4}));
  EXPECT_DOUBLE_EQ(two.covered, 185);
  EXPECT_DOUBLE_EQ(two.weighted_minutes, 650);
  EXPECT_EQ(two.assigned, (std::vector<std::uint32_t>{1, 1, 1, 4, 4}));
  EXPECT_DOUBLE_EQ(two.unreachable, 0);
}

TEST(LocationAllocation, PMedianOnALineByHand) {
  const Line line;
  const LocationOptions median{.objective = Objective::p_median};
  // k = 1: site 4 costs 15×40 + 20×30 + 30×20 + 20×10 = 2000, site 3 costs
  // 15×30 + 20×20 + 30×10 + 100×10 = 2150.
  const LocationSolution one = solve_location(line.problem(), 1, median);
  EXPECT_EQ(one.chosen, std::vector<std::uint32_t>{4});
  EXPECT_DOUBLE_EQ(one.weighted_minutes, 2000);
  // k = 2: {1,4} = 650 beats {2,4} = 15×20 + 20×10 + 20×10 = 700.
  EXPECT_EQ(solve_location(line.problem(), 2, median).chosen, (std::vector<std::uint32_t>{1, 4}));
  // A fixed site stays: with site 0 imposed, the best partner is 4 (15×0 + 20×10 + 30×20 +
  // 20×10 = 1000) rather than 3 (200 + 300 + 1000 = 1500).
  const LocationSolution fixed = solve_location(line.problem({0}), 2, median);
  EXPECT_EQ(fixed.chosen, (std::vector<std::uint32_t>{0, 4}));
  EXPECT_DOUBLE_EQ(fixed.weighted_minutes, 1000);
}

TEST(LocationAllocation, UnreachableDemandPaysThePenalty) {
  // Commune 2 is 60 min from the others, beyond the 45 min cut-off: it only reaches itself.
  std::vector<std::vector<float>> m = {{0, 10, 60}, {10, 0, 60}, {60, 60, 0}};
  const geo::Territory t = test::tiny_territory({5, 5, 1});
  const geo::TravelTable table = test::table_from_matrix(m, {0, 1}, 45);
  const auto all = test::iota_ids(3);
  const std::vector<geo::CommuneId> sites{0, 1};
  const LocationProblem pb = location_problem(table, all, sites, t.population);
  // Longest minutes in the problem is 10: default penalty 20 per inhabitant.
  const LocationSolution s = solve_location(pb, 1, {.objective = Objective::p_median});
  EXPECT_DOUBLE_EQ(s.unreachable, 1);
  EXPECT_EQ(s.assigned[2], kNoCandidate);
  EXPECT_DOUBLE_EQ(s.weighted_minutes, 5 * 10 + 1 * 20);
  const LocationSolution set =
      solve_location(pb, 1, {.objective = Objective::p_median, .unreachable_minutes = 90});
  EXPECT_DOUBLE_EQ(set.weighted_minutes, 50 + 90);
  EXPECT_THROW(location_problem(table, all, all, t.population), std::invalid_argument)
      << "commune 2 has no row: it cannot be a candidate";
}

TEST(LocationAllocation, KIsClampedBetweenFixedSitesAndCandidates) {
  const Line line;
  EXPECT_EQ(solve_location(line.problem(), 9, {}).chosen.size(), 5u);
  EXPECT_EQ(solve_location(line.problem({2, 4}), 1, {}).chosen, (std::vector<std::uint32_t>{2, 4}));
  EXPECT_EQ(solve_location_exhaustive(line.problem({2, 4}), 1, {}).chosen,
            (std::vector<std::uint32_t>{2, 4}));
}

// Portable random numbers for instance generation (SplitMix64).
struct Random {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(uniform() * n); }
};

// n communes scattered in a square, minutes = 1.3 × distance at 50 km/h (asymmetric by up to
// 10 % like a road network), every commune a candidate, lognormal-ish populations.
LocationProblem random_problem(Random& rng, std::size_t n, float cutoff, std::size_t fixed) {
  std::vector<double> x(n), y(n), pop(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = rng.uniform() * 40;
    y[i] = rng.uniform() * 40;
    pop[i] = std::floor(50 * std::exp(3 * rng.uniform()));
  }
  std::vector<std::vector<float>> m(n, std::vector<float>(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      m[i][j] = static_cast<float>(1.3 * std::hypot(x[i] - x[j], y[i] - y[j]) * 60 / 50 *
                                   (i == j ? 1 : 1 + 0.1 * rng.uniform()));
  const auto all = test::iota_ids(n);
  const geo::TravelTable table = test::table_from_matrix(m, all, cutoff);
  std::vector<geo::CommuneId> fix;
  while (fix.size() < fixed) {
    const geo::CommuneId c = rng.below(static_cast<std::uint32_t>(n));
    if (std::find(fix.begin(), fix.end(), c) == fix.end()) fix.push_back(c);
  }
  return location_problem(table, all, all, pop, fix);
}

bool same_objective(const LocationSolution& a, const LocationSolution& b,
                    const LocationOptions& o) {
  return !better(a, b, o) && !better(b, a, o);
}

TEST(LocationAllocation, HeuristicReachesTheExactOptimumOnSmallInstances) {
  Random rng{20240601};
  int instances = 0, optimal = 0, single_optimal = 0, greedy_optimal = 0;
  for (int round = 0; round < 400; ++round) {
    const std::size_t n = 5 + rng.below(8);  // 5..12 communes
    const std::size_t k = 1 + rng.below(4);  // 1..4 sites
    const std::size_t fixed = rng.below(4) == 0 ? 1 : 0;
    const float cutoff = 20 + 40 * static_cast<float>(rng.uniform());
    const LocationProblem pb = random_problem(rng, n, cutoff, fixed);
    for (Objective obj : {Objective::max_cover, Objective::p_median}) {
      const LocationOptions o{.objective = obj,
                              .cover_minutes = 10 + 15 * static_cast<float>(rng.uniform())};
      const LocationSolution exact = solve_location_exhaustive(pb, k, o);
      const LocationSolution heuristic = solve_location(pb, k, o);
      LocationOptions one_start = o;
      one_start.restarts = 0;
      const LocationSolution single = solve_location(pb, k, one_start);
      LocationOptions greedy_only = o;
      greedy_only.interchange = false;
      const LocationSolution greedy = solve_location(pb, k, greedy_only);
      ++instances;
      ASSERT_FALSE(better(heuristic, exact, o)) << "nothing beats the exact optimum";
      ASSERT_FALSE(better(single, heuristic, o)) << "restarts keep the best run";
      ASSERT_FALSE(better(greedy, single, o)) << "interchange never makes greedy worse";
      ASSERT_EQ(heuristic.chosen.size(), exact.chosen.size());
      optimal += same_objective(heuristic, exact, o);
      single_optimal += same_objective(single, exact, o);
      greedy_optimal += same_objective(greedy, exact, o);
    }
  }
  std::printf(
      "small instances: %d; optimal: with restarts %d, one greedy + interchange %d, "
      "greedy alone %d\n",
      instances, optimal, single_optimal, greedy_optimal);
  EXPECT_EQ(optimal, instances);
  EXPECT_LT(greedy_optimal, instances) << "the instances are hard enough to need interchange";
}

// Larger instances: exact optimum still by enumeration (26 candidates, 4 sites = 14,950
// subsets) and, at 300 communes, a bound. Prints the gaps; asserts only their order.
TEST(LocationAllocation, ReportsTheGapOnLargerInstances) {
  Random rng{77};
  double worst = 0, sum = 0, greedy_sum = 0;
  const int rounds = 12;
  for (int round = 0; round < rounds; ++round) {
    const LocationProblem pb = random_problem(rng, 26, 40, 0);
    for (Objective obj : {Objective::max_cover, Objective::p_median}) {
      const LocationOptions o{.objective = obj, .cover_minutes = 12};
      LocationOptions g = o;
      g.interchange = false;
      const LocationSolution exact = solve_location_exhaustive(pb, 4, o);
      const LocationSolution heuristic = solve_location(pb, 4, o);
      const LocationSolution greedy = solve_location(pb, 4, g);
      ASSERT_FALSE(better(heuristic, exact, o));
      auto gap = [&](const LocationSolution& s) {
        return obj == Objective::max_cover
                   ? (exact.covered - s.covered) / exact.covered
                   : (s.weighted_minutes - exact.weighted_minutes) / exact.weighted_minutes;
      };
      worst = std::max(worst, gap(heuristic));
      sum += gap(heuristic);
      greedy_sum += gap(greedy);
    }
  }
  std::printf(
      "26 communes, k=4, %d instances x 2 objectives: mean gap %.4f%% (worst %.4f%%), "
      "greedy alone %.4f%%\n",
      rounds, 100 * sum / (2 * rounds), 100 * worst, 100 * greedy_sum / (2 * rounds));
  EXPECT_LE(sum, greedy_sum);

  // 300 communes, k = 12: max cover against the bound "the 12 best single covers".
  const LocationProblem big = random_problem(rng, 300, 40, 0);
  const LocationOptions o{.objective = Objective::max_cover, .cover_minutes = 8};
  std::vector<double> single;
  double total = 0;
  for (double w : big.weight) total += w;
  for (std::uint32_t c = 0; c < big.candidate_count(); ++c) {
    double w = 0;
    for (std::uint32_t e = big.first[c]; e < big.first[c + 1]; ++e)
      if (big.minutes[e] <= o.cover_minutes) w += big.weight[big.demand[e]];
    single.push_back(w);
  }
  std::sort(single.rbegin(), single.rend());
  double bound = 0;
  for (int i = 0; i < 12; ++i) bound += single[i];
  bound = std::min(bound, total);
  const LocationSolution s = solve_location(big, 12, o);
  LocationOptions g = o;
  g.interchange = false;
  const LocationSolution greedy = solve_location(big, 12, g);
  std::printf(
      "300 communes, k=12: covered %.0f of %.0f, bound %.0f, gap to bound %.2f%% "
      "(greedy alone %.2f%%), %u swaps\n",
      s.covered, total, bound, 100 * (bound - s.covered) / bound,
      100 * (bound - greedy.covered) / bound, s.swaps);
  EXPECT_LE(s.covered, bound);
  EXPECT_GE(s.covered, greedy.covered);
}

}  // namespace
}  // namespace covsim::sim
