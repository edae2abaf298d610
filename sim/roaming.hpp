// Roaming ("flying") advisors: the communes of a territory are split between the advisors into
// catchments of balanced population and short travel, each advisor gets a circuit through its
// catchment, and its weekly hours minus travel give how often each commune is visited and how
// long the advisor is present there.
//
//   RoamingPlan plan = plan_roaming(population, TravelMinutes{communes, minutes}, advisors, {});
//   double v = plan.visits_per_month[i];  // commune communes[i]
//
// Visit model. An advisor works M = weekly_hours × weeks_per_month hours a month in rounds; a
// round drives the whole circuit once (C minutes) and holds one visit in each of its n communes,
// visits lasting session_hours on average, longer in more populated communes:
//   rounds per month        R   = M / (C / 60 + n × session_hours)
//   visits per month (all)  R
//   presence hours/month    p_i = (M − R × C / 60) × pop_i / pop(catchment)
// (equal shares when the catchment has no population). So the hours left after travel are
// spread by population, and a longer circuit or more communes means rarer visits.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "geo/territory.hpp"
#include "sim/post.hpp"

namespace covsim::sim {

inline constexpr std::uint32_t kNoAdvisor = std::numeric_limits<std::uint32_t>::max();

// Dense travel minutes among `communes`: minutes[i * n + j] from communes[i] to communes[j],
// +infinity when there is no route (an island without a ferry link). The layout of
// geo::TravelMatrix: view one as TravelMinutes{m.communes, m.minutes}. The minutes must be
// shortest paths (triangle inequality), as minutes_among gives them.
struct TravelMinutes {
  std::span<const geo::CommuneId> communes;
  std::span<const float> minutes;

  std::size_t size() const { return communes.size(); }
  float at(std::size_t from, std::size_t to) const { return minutes[from * size() + to]; }
};

struct RoamingAdvisor {
  PostId post = kNoPost;
  geo::CommuneId home = 0;  // seeds its catchment and starts its circuit when inside it
  double weekly_hours = 35;
};

struct RoamingOptions {
  // Catchment populations are balanced until each lies within ±balance_tolerance of the mean
  // (or no move improves the balance).
  double balance_tolerance = 0.15;
  // Mean length of one visit: a half-day, the usual slot of a roaming permanence.
  double session_hours = 3.5;
  double weeks_per_month = 52.0 / 12.0;
  int max_iterations = 50;  // k-medoids rounds
};

// Local indices: commune i is travel.communes[i]; advisor a is advisors[a].
struct RoamingPlan {
  std::vector<std::uint32_t> advisor_of;  // commune -> advisor, kNoAdvisor when unreachable
  std::vector<std::uint32_t> medoid;      // advisor -> its catchment's centre, kNoAdvisor if empty
  std::vector<double> catchment_population;      // advisor -> population
  std::vector<std::uint32_t> circuit_first{0};   // advisor a's stops: [first[a], first[a + 1])
  std::vector<std::uint32_t> circuit;            // communes in visiting order
  std::vector<float> cycle_minutes;              // advisor -> one full round of driving
  std::vector<double> rounds_per_month;          // advisor -> R
  std::vector<double> visits_per_month;          // commune -> R of its advisor, 0 if none
  std::vector<double> presence_hours_per_month;  // commune -> p_i, 0 if none
  // Communes that no advisor can reach (no finite route to and from any catchment centre).
  std::vector<std::uint32_t> unreachable;
};

// `population` is per local commune. Deterministic for equal inputs.
RoamingPlan plan_roaming(std::span<const double> population, const TravelMinutes& travel,
                         std::span<const RoamingAdvisor> advisors, const RoamingOptions& options);

// Catchments only: advisor_of, medoid, catchment_population and unreachable of the plan.
RoamingPlan balanced_catchments(std::span<const double> population, const TravelMinutes& travel,
                                std::span<const RoamingAdvisor> advisors,
                                const RoamingOptions& options);

// A closed tour through `stops` (local indices) starting at stops[0]: nearest neighbour, then
// 2-opt until no reversal shortens it (asymmetric minutes handled exactly).
std::vector<std::uint32_t> plan_circuit(const TravelMinutes& travel,
                                        std::span<const std::uint32_t> stops);
// Minutes of the closed tour (back to the first stop); 0 for fewer than two stops.
float tour_minutes(const TravelMinutes& travel, std::span<const std::uint32_t> tour);

}  // namespace covsim::sim
