#include "sim/roaming.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tests/sim/sim_fixtures.hpp"

namespace covsim::sim {
namespace {

// Row-major copy of a square matrix, as geo::minutes_among returns it.
std::vector<float> flat(const std::vector<std::vector<float>>& m) {
  std::vector<float> out;
  for (const auto& row : m) out.insert(out.end(), row.begin(), row.end());
  return out;
}

struct Fixture {
  std::vector<geo::CommuneId> communes;
  std::vector<float> minutes;
  explicit Fixture(const std::vector<std::vector<float>>& m)
      : communes(test::iota_ids(m.size())), minutes(flat(m)) {}
  TravelMinutes view() const { return {communes, minutes}; }
};

std::vector<std::uint32_t> members(const RoamingPlan& p, std::uint32_t advisor) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < p.advisor_of.size(); ++i)
    if (p.advisor_of[i] == advisor) out.push_back(i);
  return out;
}

TEST(Roaming, TwoAdvisorsSplitALineAndDriveTheirCircuits) {
  // Six communes 10 min apart, 100 inhabitants each; advisors based at both ends.
  const Fixture f(test::line_minutes(6, 10));
  const std::vector<double> pop(6, 100);
  const std::vector<RoamingAdvisor> advisors{{7, 0, 35}, {8, 5, 35}};
  const RoamingPlan p = plan_roaming(pop, f.view(), advisors, {});
  EXPECT_EQ(members(p, 0), (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(members(p, 1), (std::vector<std::uint32_t>{3, 4, 5}));
  EXPECT_EQ(p.medoid, (std::vector<std::uint32_t>{1, 4})) << "centres move to the middle";
  EXPECT_EQ(p.catchment_population, (std::vector<double>{300, 300}));
  // Circuits start at home: 0 → 1 → 2 → back, 10 + 10 + 20 = 40 min.
  EXPECT_EQ(std::vector<std::uint32_t>(p.circuit.begin(), p.circuit.begin() + 3),
            (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(std::vector<std::uint32_t>(p.circuit.begin() + 3, p.circuit.end()),
            (std::vector<std::uint32_t>{5, 4, 3}));
  EXPECT_FLOAT_EQ(p.cycle_minutes[0], 40);
  // 35 h/week = 151.667 h/month; a round is 40 min of driving + 3 × 3.5 h of visits.
  const double month = 35 * 52.0 / 12.0;
  const double rounds = month / (40.0 / 60.0 + 3 * 3.5);
  EXPECT_NEAR(p.rounds_per_month[0], rounds, 1e-9);
  EXPECT_NEAR(p.rounds_per_month[0], 13.5821, 1e-4);
  EXPECT_NEAR(p.visits_per_month[2], rounds, 1e-9);
  // Equal populations: the hours left after driving, split in three.
  EXPECT_NEAR(p.presence_hours_per_month[1], (month - rounds * 40.0 / 60.0) / 3, 1e-9);
  EXPECT_NEAR(p.presence_hours_per_month[1], 47.5373, 1e-4);
  EXPECT_TRUE(p.unreachable.empty());
}

TEST(Roaming, CatchmentsBalancePopulationAndPresenceFollowsIt) {
  // A town of 500 at one end of a line of 100-inhabitant villages: the town's advisor keeps
  // the town, the other takes the five villages (500 each).
  const Fixture f(test::line_minutes(6, 10));
  const std::vector<double> pop{500, 100, 100, 100, 100, 100};
  const std::vector<RoamingAdvisor> advisors{{0, 0, 35}, {1, 5, 17.5}};
  const RoamingPlan p = plan_roaming(pop, f.view(), advisors, {});
  EXPECT_EQ(members(p, 0), std::vector<std::uint32_t>{0});
  EXPECT_EQ(members(p, 1), (std::vector<std::uint32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(p.catchment_population, (std::vector<double>{500, 500}));
  EXPECT_FLOAT_EQ(p.cycle_minutes[0], 0) << "one commune: no driving";
  // Advisor 1 starts at home (5) and drives 5 → 4 → 3 → 2 → 1 → 5: 40 + 40 = 80 min.
  EXPECT_FLOAT_EQ(p.cycle_minutes[1], 80);
  const double month = 17.5 * 52 / 12;
  const double rounds = month / (80.0 / 60 + 5 * 3.5);
  EXPECT_NEAR(p.visits_per_month[3], rounds, 1e-9);
  EXPECT_NEAR(p.presence_hours_per_month[3], (month - rounds * 80.0 / 60) / 5, 1e-9);
}

TEST(Roaming, PresenceIsWeightedByPopulation) {
  const Fixture f(test::line_minutes(3, 15));
  const std::vector<double> pop{100, 300, 600};
  const std::vector<RoamingAdvisor> one{{0, 1, 35}};
  const RoamingPlan p = plan_roaming(pop, f.view(), one, {.session_hours = 3});
  // Round: 1 → 0 → 2 → 1 or 1 → 2 → 0 → 1 = 15 + 30 + 15 = 60 min; 3 visits of 3 h.
  EXPECT_FLOAT_EQ(p.cycle_minutes[0], 60);
  const double month = 35 * 52.0 / 12;
  const double rounds = month / (1 + 9);
  const double presence = month - rounds * 1;
  EXPECT_NEAR(p.presence_hours_per_month[0], presence * 0.1, 1e-9);
  EXPECT_NEAR(p.presence_hours_per_month[1], presence * 0.3, 1e-9);
  EXPECT_NEAR(p.presence_hours_per_month[2], presence * 0.6, 1e-9);
  EXPECT_NEAR(p.presence_hours_per_month[0] + p.presence_hours_per_month[1] +
                  p.presence_hours_per_month[2] + rounds * 1.0,
              month, 1e-9)
      << "presence plus driving is the month";
}

TEST(Roaming, AnIslandWithoutFerryIsReportedNotDropped) {
  auto m = test::line_minutes(4, 10);
  for (int i = 0; i < 3; ++i) m[i][3] = m[3][i] = test::kNone;
  const Fixture f(m);
  const std::vector<double> pop{100, 100, 100, 50};
  const std::vector<RoamingAdvisor> one{{0, 0, 35}};
  const RoamingPlan p = plan_roaming(pop, f.view(), one, {});
  EXPECT_EQ(p.unreachable, std::vector<std::uint32_t>{3});
  EXPECT_EQ(p.advisor_of[3], kNoAdvisor);
  EXPECT_EQ(p.visits_per_month[3], 0);
  EXPECT_EQ(members(p, 0), (std::vector<std::uint32_t>{0, 1, 2}));
}

TEST(Roaming, MoreAdvisorsThanCommunesLeavesSomeWithoutCatchment) {
  const Fixture f(test::line_minutes(2, 10));
  const std::vector<double> pop{10, 10};
  const std::vector<RoamingAdvisor> three{{0, 0, 35}, {1, 1, 35}, {2, 0, 35}};
  const RoamingPlan p = plan_roaming(pop, f.view(), three, {});
  EXPECT_EQ(p.medoid[2], kNoAdvisor);
  EXPECT_EQ(p.circuit_first[3] - p.circuit_first[2], 0u);
  EXPECT_EQ(p.rounds_per_month[2], 0);
}

TEST(Roaming, HomeOutsideTheTerritorySeedsByFarthestPoints) {
  // A department-hosted advisor pair whose home commune (99) is not in the EPCI.
  const Fixture f(test::line_minutes(8, 10));
  const std::vector<double> pop(8, 100);
  const std::vector<RoamingAdvisor> two{{0, 99, 35}, {1, 99, 35}};
  const RoamingPlan p = balanced_catchments(pop, f.view(), two, {});
  EXPECT_EQ(p.catchment_population, (std::vector<double>{400, 400}));
  const auto a = members(p, p.advisor_of[0]);
  EXPECT_EQ(a, (std::vector<std::uint32_t>{0, 1, 2, 3})) << "contiguous halves";
}

float brute_force_best(const TravelMinutes& t, std::vector<std::uint32_t> stops) {
  float best = std::numeric_limits<float>::infinity();
  std::sort(stops.begin() + 1, stops.end());
  do best = std::min(best, tour_minutes(t, stops));
  while (std::next_permutation(stops.begin() + 1, stops.end()));
  return best;
}

TEST(Roaming, CircuitIsTwoOptLocallyOptimalAndOftenOptimal) {
  std::uint64_t s = 12345;
  auto uniform = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s >> 11) * 0x1.0p-53;
  };
  int instances = 0, optimal = 0, improved_on_nn = 0;
  for (int round = 0; round < 60; ++round) {
    const std::size_t n = 5 + round % 4;  // 5..8 stops
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = uniform() * 30, y[i] = uniform() * 30;
    std::vector<std::vector<float>> m(n, std::vector<float>(n));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        m[i][j] = static_cast<float>(std::hypot(x[i] - x[j], y[i] - y[j]) *
                                     (i < j ? 1.0 : 1.05));  // mildly asymmetric
    const Fixture f(m);
    const auto stops = test::iota_ids(n);
    const std::vector<std::uint32_t> tour = plan_circuit(f.view(), stops);
    ASSERT_EQ(tour.front(), 0u) << "starts at the first stop";
    std::vector<std::uint32_t> sorted = tour;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(sorted, stops) << "a permutation of the stops";
    const float length = tour_minutes(f.view(), tour);
    // No reversal of a segment shortens the tour any more.
    for (std::size_t i = 1; i + 1 < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j) {
        std::vector<std::uint32_t> other = tour;
        std::reverse(other.begin() + i, other.begin() + j + 1);
        ASSERT_GE(tour_minutes(f.view(), other), length - 1e-3f);
      }
    // Nearest neighbour alone, for comparison.
    std::vector<std::uint32_t> nn{0};
    std::vector<bool> used(n, false);
    used[0] = true;
    for (std::size_t k = 1; k < n; ++k) {
      std::uint32_t best = 0;
      for (std::uint32_t j = 0; j < n; ++j)
        if (!used[j] && (best == 0 || m[nn.back()][j] < m[nn.back()][best])) best = j;
      used[best] = true;
      nn.push_back(best);
    }
    ASSERT_LE(length, tour_minutes(f.view(), nn) + 1e-3f);
    improved_on_nn += length < tour_minutes(f.view(), nn) - 1e-3f;
    optimal += length <= brute_force_best(f.view(), stops) + 1e-3f;
    ++instances;
  }
  std::printf("circuits: %d instances, 2-opt improved nearest neighbour in %d, optimal in %d\n",
              instances, improved_on_nn, optimal);
  EXPECT_GT(improved_on_nn, 0);
  EXPECT_GE(optimal, instances * 3 / 4);
}

TEST(Roaming, OneWayStreetsAreTakenInTheirDirection) {
  // A one-way ring: 1 minute forwards, 10 backwards. The best round goes forwards.
  std::vector<std::vector<float>> m(5, std::vector<float>(5, 10));
  for (int i = 0; i < 5; ++i) {
    m[i][i] = 0;
    m[i][(i + 1) % 5] = 1;
  }
  const Fixture f(m);
  const std::vector<std::uint32_t> stops{0, 3, 1, 4, 2};
  const std::vector<std::uint32_t> tour = plan_circuit(f.view(), stops);
  EXPECT_EQ(tour, (std::vector<std::uint32_t>{0, 1, 2, 3, 4}));
  EXPECT_FLOAT_EQ(tour_minutes(f.view(), tour), 5);
}

}  // namespace
}  // namespace covsim::sim
