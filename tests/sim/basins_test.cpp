#include "sim/basins.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <queue>

#include "tests/sim/sim_fixtures.hpp"

namespace covsim::sim {
namespace {

// A w × h grid of communes, 4-neighbour borders, `step` minutes per grid step (Manhattan).
struct Grid {
  std::size_t w, h;
  std::vector<geo::CommuneId> ids;
  std::vector<float> minutes;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<double> population;

  Grid(std::size_t width, std::size_t height, float step) : w(width), h(height) {
    const std::size_t n = w * h;
    ids = test::iota_ids(n);
    minutes.resize(n * n);
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = 0; b < n; ++b)
        minutes[a * n + b] =
            step *
            static_cast<float>(std::abs(static_cast<long>(a % w) - static_cast<long>(b % w)) +
                               std::abs(static_cast<long>(a / w) - static_cast<long>(b / w)));
    for (std::uint32_t a = 0; a < n; ++a) {
      if ((a + 1) % w != 0) pairs.emplace_back(a, a + 1);
      if (a + w < n) pairs.emplace_back(a, a + w);
    }
    population.assign(n, 100);
  }
  std::uint32_t at(std::size_t x, std::size_t y) const {
    return static_cast<std::uint32_t>(y * w + x);
  }
  TravelMinutes travel() const { return {ids, minutes}; }
};

// Whether every basin is connected through the given borders alone.
bool connected_by_borders(const Basins& b, std::size_t n,
                          const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs) {
  std::vector<std::vector<std::uint32_t>> adj(n);
  for (auto [a, c] : pairs) adj[a].push_back(c), adj[c].push_back(a);
  for (std::uint32_t basin = 0; basin < b.centre.size(); ++basin) {
    std::vector<std::uint8_t> seen(n, 0);
    std::queue<std::uint32_t> q;
    q.push(b.centre[basin]);
    seen[b.centre[basin]] = 1;
    std::size_t reached = 0;
    while (!q.empty()) {
      const std::uint32_t u = q.front();
      q.pop();
      ++reached;
      for (std::uint32_t v : adj[u])
        if (!seen[v] && b.of[v] == basin) seen[v] = 1, q.push(v);
    }
    const auto members = static_cast<std::size_t>(std::count(b.of.begin(), b.of.end(), basin));
    if (reached != members) return false;
  }
  return true;
}

TEST(Basins, FourCornersSplitAGridIntoEqualContiguousQuarters) {
  const Grid g(6, 6, 5);
  std::vector<std::uint32_t> locked(36, kNoBasin);
  locked[g.at(0, 0)] = 0;
  locked[g.at(5, 0)] = 1;
  locked[g.at(0, 5)] = 2;
  locked[g.at(5, 5)] = 3;
  const std::vector<double> hours(4, 35);
  const Basins b = partition_basins(
      {g.population, round_trip_of(g.travel()), g.pairs, hours, locked}, {.balance_tolerance = 0});
  for (std::uint32_t k = 0; k < 4; ++k) {
    EXPECT_DOUBLE_EQ(b.population[k], 900) << "nine communes of 100 each";
    EXPECT_DOUBLE_EQ(b.target[k], 900);
  }
  EXPECT_EQ(b.of[g.at(1, 1)], 0u);
  EXPECT_EQ(b.of[g.at(4, 4)], 3u);
  EXPECT_EQ(b.centre, (std::vector<std::uint32_t>{0, 5, 30, 35}));
  EXPECT_TRUE(connected_by_borders(b, 36, g.pairs));
  EXPECT_EQ(b.worst_deviation, 0);
}

TEST(Basins, HoursSetTheShares) {
  // A full-time and a half-time post: two thirds and one third of the population.
  const Grid g(6, 3, 5);
  std::vector<std::uint32_t> locked(18, kNoBasin);
  locked[g.at(0, 1)] = 0;
  locked[g.at(5, 1)] = 1;
  const std::vector<double> hours{35, 17.5};
  const Basins b =
      partition_basins({g.population, round_trip_of(g.travel()), g.pairs, hours, locked}, {0.05});
  EXPECT_NEAR(b.target[0], 1200, 1e-9);
  EXPECT_NEAR(b.population[0], 1200, 1e-9);
  EXPECT_NEAR(b.population[1], 600, 1e-9);
  EXPECT_TRUE(connected_by_borders(b, 18, g.pairs));
}

TEST(Basins, RandomTerritoriesStayContiguousBalancedAndKeepTheirLocks) {
  std::uint64_t s = 99;
  auto uniform = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) * 0x1.0p-53;
  };
  int balanced = 0, runs = 0;
  for (int round = 0; round < 40; ++round) {
    Grid g(5 + round % 4, 4 + round % 3, 4);
    const std::size_t n = g.ids.size();
    // Skewed populations, a few towns among villages.
    for (double& p : g.population)
      p = uniform() < 0.15 ? 800 + 2000 * uniform() : 50 + 400 * uniform();
    const std::size_t k = 2 + round % 4;
    std::vector<std::uint32_t> locked(n, kNoBasin);
    std::vector<double> hours;
    for (std::uint32_t b = 0; b < k; ++b) {
      hours.push_back(b % 2 ? 35 : 28);
      if (b % 3 != 2) {  // some posts have a home, the others are seeded
        std::uint32_t c;
        do c = static_cast<std::uint32_t>(uniform() * static_cast<double>(n));
        while (locked[c] != kNoBasin);
        locked[c] = b;
      }
    }
    const Basins b =
        partition_basins({g.population, round_trip_of(g.travel()), g.pairs, hours, locked}, {0.15});
    ++runs;
    ASSERT_TRUE(b.unreachable.empty());
    for (std::uint32_t c = 0; c < n; ++c) {
      ASSERT_NE(b.of[c], kNoBasin);
      if (locked[c] != kNoBasin) {
        ASSERT_EQ(b.of[c], locked[c]) << "a home stays in its basin";
      }
    }
    ASSERT_TRUE(connected_by_borders(b, n, g.pairs)) << "round " << round;
    const double total = std::accumulate(g.population.begin(), g.population.end(), 0.0);
    double worst = 0;
    for (std::uint32_t j = 0; j < k; ++j) {
      EXPECT_NEAR(b.target[j], total * hours[j] / std::accumulate(hours.begin(), hours.end(), 0.0),
                  1e-6);
      worst = std::max(worst, std::abs(b.population[j] / b.target[j] - 1));
    }
    EXPECT_NEAR(b.worst_deviation, worst, 1e-12) << "the reported deviation is the real one";
    balanced += worst <= 0.15 + 1e-12;
  }
  std::printf("basins: %d of %d random territories balanced within 15 %%\n", balanced, runs);
  EXPECT_GE(balanced, runs * 3 / 4);
}

TEST(Basins, AnIslandJoinsItsNearestBasinAndAnUnreachableOneNone) {
  // A line of four communes plus commune 4, an island 12 minutes from commune 3 by ferry and
  // commune 5, with no route at all.
  const std::size_t n = 6;
  std::vector<geo::CommuneId> ids = test::iota_ids(n);
  std::vector<float> m(n * n, test::kNone);
  auto set = [&](std::size_t a, std::size_t b, float v) { m[a * n + b] = m[b * n + a] = v; };
  for (std::size_t a = 0; a < 5; ++a) {
    set(a, a, 0);
    for (std::size_t b = a + 1; b < 4; ++b) set(a, b, 10.0f * static_cast<float>(b - a));
    if (a < 4) set(a, 4, 12 + 10.0f * static_cast<float>(3 - a));
  }
  set(5, 5, 0);
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs{{0, 1}, {1, 2}, {2, 3}};
  const std::vector<double> population(n, 100), hours{35, 35};
  std::vector<std::uint32_t> locked(n, kNoBasin);
  locked[0] = 0;
  locked[3] = 1;
  const Basins b = partition_basins(
      {population, round_trip_of(TravelMinutes{ids, m}), pairs, hours, locked}, {});
  EXPECT_EQ(b.of[4], 1u) << "the ferry lands at commune 3";
  EXPECT_EQ(b.of[5], kNoBasin);
  EXPECT_EQ(b.unreachable, std::vector<std::uint32_t>{5});
  EXPECT_TRUE(b.contiguous[0] && b.contiguous[1]);
}

TEST(Basins, AnIndivisibleTownIsReportedNotHidden) {
  // A town of 5,000 and four villages of 100 for two posts: no split is within 15 %.
  const Grid g(5, 1, 5);
  std::vector<double> population{5000, 100, 100, 100, 100};
  std::vector<std::uint32_t> locked(5, kNoBasin);
  locked[0] = 0;
  locked[4] = 1;
  const std::vector<double> hours{35, 35};
  const Basins b =
      partition_basins({population, round_trip_of(g.travel()), g.pairs, hours, locked}, {0.15});
  EXPECT_EQ(b.of, (std::vector<std::uint32_t>{0, 1, 1, 1, 1}))
      << "the town alone, as far as it goes";
  EXPECT_GT(b.worst_deviation, 0.8);
}

TEST(Basins, InconsistentProblemsAreRefused) {
  const Grid g(2, 2, 5);
  std::vector<std::uint32_t> locked(4, kNoBasin);
  const std::vector<double> zero{0}, one{35};
  EXPECT_THROW(
      partition_basins({g.population, round_trip_of(g.travel()), g.pairs, zero, locked}, {}),
      std::invalid_argument);
  locked[0] = 3;
  EXPECT_THROW(
      partition_basins({g.population, round_trip_of(g.travel()), g.pairs, one, locked}, {}),
      std::invalid_argument);
}

}  // namespace
}  // namespace covsim::sim
