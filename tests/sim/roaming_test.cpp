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

// Communes on a line, 10 minutes apart; the advisor lives at commune 0.
Fixture line(std::size_t n) { return Fixture(test::line_minutes(n, 10)); }

RoundOptions weekly() {
  RoundOptions o;
  o.session_hours = 3.5;
  return o;
}

TEST(Round, TwoStopsShareTheWeekAndItsDriving) {
  // 17.5 h a week, stops 10 and 20 minutes out, equal demand. One session each, driven in one
  // day (0 -> 1 -> 2 -> 0: 40 min) = 7.67 h; a second session at stop 1 makes it a full day
  // there (20 min) and a lone half-day at stop 2 (40 min): 11.5 h; a second at stop 2: two
  // full days, 60 min, 15 h; a third anywhere would need 17.5 h + driving.
  const Fixture f = line(3);
  const std::vector<std::uint32_t> stops{1, 2};
  const RoundPlan r =
      plan_round(f.view(), 0, stops, std::vector<double>{100, 100}, {}, 17.5, weekly());
  EXPECT_EQ(r.stops, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(r.sessions, (std::vector<double>{2, 2}));
  EXPECT_EQ(r.days, (std::vector<double>{1, 1}));
  EXPECT_EQ(r.presence_hours, (std::vector<double>{7, 7}));
  EXPECT_DOUBLE_EQ(r.driving_minutes, 60);
  EXPECT_DOUBLE_EQ(r.period_weeks, 1);
  EXPECT_TRUE(r.dropped.empty());
}

TEST(Round, SessionsFollowDemandAndTheRoundFitsItsHours) {
  const Fixture f = line(5);
  const std::vector<std::uint32_t> stops{3, 1, 2, 4};
  const std::vector<double> demand{100, 900, 300, 100};
  for (const RoundKind kind : {RoundKind::weekly, RoundKind::fortnightly, RoundKind::monthly}) {
    RoundOptions o = weekly();
    o.round = kind;
    const RoundPlan r = plan_round(f.view(), 0, stops, demand, {}, 35, o);
    ASSERT_EQ(r.stops.size(), 4u) << name(kind);
    EXPECT_EQ(r.stops, (std::vector<std::uint32_t>{1, 2, 3, 4})) << "the tour from home";
    double presence = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      EXPECT_GE(r.sessions[k], 1) << "every stop is held";
      EXPECT_DOUBLE_EQ(r.presence_hours[k], r.sessions[k] * 3.5);
      EXPECT_DOUBLE_EQ(r.days[k], std::ceil(r.sessions[k] / 2));
      presence += r.presence_hours[k];
    }
    const double hours = 35 * round_weeks(kind, o.weeks_per_month);
    EXPECT_LE(presence + r.driving_minutes / 60, hours + 1e-9) << name(kind);
    EXPECT_GT(presence + r.driving_minutes / 60 + 3.5 + 2, hours)
        << "no further session (and its drive) would have fitted";
    EXPECT_GT(r.sessions[0], r.sessions[2]) << "900 inhabitants get more than 300";
    EXPECT_GE(r.sessions[1], r.sessions[3]);
  }
}

TEST(Round, AFortnightHoldsTwiceTheHoursOfAWeek) {
  const Fixture f = line(4);
  const std::vector<std::uint32_t> stops{1, 2, 3};
  const std::vector<double> demand{300, 300, 300};
  RoundOptions o = weekly();
  const RoundPlan w = plan_round(f.view(), 0, stops, demand, {}, 35, o);
  o.round = RoundKind::fortnightly;
  const RoundPlan two = plan_round(f.view(), 0, stops, demand, {}, 35, o);
  EXPECT_DOUBLE_EQ(two.period_weeks, 2);
  double a = 0, b = 0;
  for (std::size_t k = 0; k < 3; ++k) a += w.presence_hours[k], b += two.presence_hours[k];
  EXPECT_GT(b, 1.8 * a);
  EXPECT_LE(b, 2 * a + 2 * 3.5);
}

TEST(Round, TooManyStopsForTheHoursDropTheLeastDemand) {
  // 10 hours a week cannot hold five half-days: the stops serving fewest go first, until
  // two half-days and their drive (0 -> 2 -> 4 -> 0, 80 min) fit.
  const Fixture f = line(6);
  const std::vector<std::uint32_t> stops{1, 2, 3, 4, 5};
  const RoundPlan r =
      plan_round(f.view(), 0, stops, std::vector<double>{50, 400, 10, 300, 20}, {}, 10, weekly());
  EXPECT_EQ(r.stops, (std::vector<std::uint32_t>{2, 4}));
  EXPECT_EQ(r.dropped, (std::vector<std::uint32_t>{3, 5, 1}));
}

TEST(Round, AStopBeyondADaysDriveIsDroppedUnlessPinned) {
  // 70 minutes out: 140 minutes there and back, over the 120-minute day.
  const Fixture f = line(8);
  const std::vector<std::uint32_t> stops{1, 7};
  const RoundPlan r =
      plan_round(f.view(), 0, stops, std::vector<double>{100, 100}, {}, 35, weekly());
  EXPECT_EQ(r.stops, std::vector<std::uint32_t>{1});
  EXPECT_EQ(r.dropped, std::vector<std::uint32_t>{7});
  const RoundPlan pinned = plan_round(f.view(), 0, stops, std::vector<double>{100, 100},
                                      std::vector<double>{0, 7}, 35, weekly());
  EXPECT_EQ(pinned.stops.size(), 2u) << "the planner's stop stands";
}

TEST(Round, PinnedHoursAreKeptExactly) {
  // "Three days in V, the rest rotating": 21 hours at stop 2 every week, whatever its demand.
  const Fixture f = line(4);
  const std::vector<std::uint32_t> stops{2, 1, 3};
  for (const RoundKind kind : {RoundKind::weekly, RoundKind::fortnightly}) {
    RoundOptions o = weekly();
    o.round = kind;
    const RoundPlan r = plan_round(f.view(), 0, stops, std::vector<double>{10, 500, 500},
                                   std::vector<double>{21, 0, 0}, 35, o);
    const auto at = std::find(r.stops.begin(), r.stops.end(), 2u) - r.stops.begin();
    EXPECT_DOUBLE_EQ(r.presence_hours[at], 21 * r.period_weeks) << name(kind);
    EXPECT_DOUBLE_EQ(r.days[at], 3 * r.period_weeks) << "three full days a week";
  }
}

TEST(Round, CampaignsLastWhatTheirDemandNeeds) {
  // Demand 500 and 2,000 at 8 sessions per 1,000: 4 and 16 sessions. Two sessions a day fit
  // (6 h + a 20- or 40-minute drive in 7 h), five days a week: 10 sessions a week.
  const Fixture f = line(3);
  RoundOptions o;
  o.round = RoundKind::campaigns;
  const std::vector<std::uint32_t> stops{2, 1};
  const RoundPlan r = plan_round(f.view(), 0, stops, std::vector<double>{2000, 500}, {}, 35, o);
  EXPECT_EQ(r.stops, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(r.sessions, (std::vector<double>{4, 16}));
  EXPECT_EQ(r.days, (std::vector<double>{2, 8}));
  EXPECT_NEAR(r.weeks[0], 0.4, 1e-12);
  EXPECT_NEAR(r.weeks[1], 1.6, 1e-12);
  EXPECT_NEAR(r.period_weeks, 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(r.driving_minutes, 2 * 20 + 8 * 40);
  EXPECT_EQ(r.within_year, (std::vector<std::uint8_t>{1, 1}));

  o.campaign_weeks = 6;  // a fixed length: 60 sessions each, a 12-week cycle
  o.working_weeks_per_year = 10;
  const RoundPlan fixed = plan_round(f.view(), 0, stops, std::vector<double>{2000, 500}, {}, 35, o);
  EXPECT_EQ(fixed.sessions, (std::vector<double>{60, 60}));
  EXPECT_NEAR(fixed.period_weeks, 12, 1e-12);
  EXPECT_EQ(fixed.within_year, (std::vector<std::uint8_t>{1, 1})) << "the second starts in week 6";
  o.working_weeks_per_year = 5;
  const RoundPlan short_year =
      plan_round(f.view(), 0, stops, std::vector<double>{2000, 500}, {}, 35, o);
  EXPECT_EQ(short_year.within_year, (std::vector<std::uint8_t>{1, 0}));
}

TEST(Round, BadArgumentsAreRefused) {
  const Fixture f = line(3);
  const std::vector<std::uint32_t> stops{1};
  EXPECT_THROW(plan_round(f.view(), 0, stops, std::vector<double>{}, {}, 35, weekly()),
               std::invalid_argument);
  EXPECT_THROW(plan_round(f.view(), 9, stops, std::vector<double>{1}, {}, 35, weekly()),
               std::invalid_argument);
  EXPECT_THROW(plan_round(f.view(), 0, stops, std::vector<double>{1}, {}, 0, weekly()),
               std::invalid_argument);
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
