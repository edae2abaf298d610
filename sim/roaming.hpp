// Roaming ("flying") advisors as the field practises them (DOMAIN.md, "Field practice in
// detail"): a post holds a few permanences, its stops, in its basin, either on a rotation
// (every stop held once a week, fortnight or month) or as workshop campaigns held in one commune
// at a time until its demand is met, then in the next. Which communes become stops is decided by
// the deployment (sim/deployment.hpp); this header orders them into a round, decides how many
// half-day sessions each gets and what the driving costs.
//
//   RoundPlan r = plan_round(travel, home, stops, demand, {}, 35, RoundOptions{});
//   double monthly = r.presence_hours[0] * options.weeks_per_month / r.period_weeks;
//
// Rotation (weekly | fortnightly | monthly: a round of W = 1, 2 or weeks_per_month weeks). The
// round holds H = weekly_hours × W hours. Stops are visited in the order of a closed tour from
// the advisor's home (nearest neighbour + 2-opt). A stop gets s_i half-day sessions of
// session_hours each per round: every stop one, then one more at a time to the stop with the
// most demand per session (demand_i / (s_i + 1), the D'Hondt rule), while the round still fits:
//   Σ_i s_i × session_hours + driving / 60 ≤ H
// Driving: each pair of sessions at one stop is a day there (home → stop → home); single
// sessions are paired into one day with the next single session on the tour (home → a → b →
// home) when that day's driving is at most max_day_driving_minutes, else driven alone. When
// even one session per stop does not fit, the stops with the least demand are dropped. A stop
// with pinned weekly hours gets exactly those hours per week (hours × W per round, in whole
// days and a half-day) and no more sessions. Per stop and round: presence = s_i ×
// session_hours, days = the days it is held; a month has weeks_per_month / W rounds.
//
// Campaigns: stop i's campaign needs sessions_i = max(1, ⌈sessions_per_1000 × demand_i /
// 1000⌉) sessions (or campaign_weeks of them at the advisor's pace); the advisor drives out and
// back every day and holds min(2, ⌊(day_hours − round trip / 60) / session_hours⌋) sessions a
// day, weekly_hours / day_hours days a week. A stop too far for one session in a day is
// dropped. Campaigns follow the tour; the cycle lasts Σ weeks_i, after which the first commune
// gets its next campaign. within_year marks campaigns that start within
// working_weeks_per_year.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "geo/territory.hpp"
#include "sim/post.hpp"

namespace covsim::sim {

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

struct RoundOptions {
  RoundKind round = RoundKind::weekly;
  // Most permanences a rotation holds: real roaming advisors keep 5 to 15 (DOMAIN.md).
  std::uint32_t max_stops = 8;
  // A half-day: "a 3-hour morning at a town hall" (DOMAIN.md), a permanence or a workshop.
  double session_hours = 3;
  double day_hours = 7;  // two sessions
  // Longest driving of one day (out, between two stops, back); farther stops are not held.
  float max_day_driving_minutes = 120;
  double weeks_per_month = 52.0 / 12.0;
  // Campaigns: their length in weeks, or 0 to size them by the commune's demand.
  double campaign_weeks = 0;
  // Workshop sessions for 1,000 inhabitants served: about a tenth of them needing help, in
  // groups of about twelve.
  double sessions_per_1000 = 8;
  double working_weeks_per_year = 47;
};

// Weeks of one round: 1, 2, weeks_per_month; 0 for campaigns (their cycle is computed).
double round_weeks(RoundKind round, double weeks_per_month);

struct RoundPlan {
  RoundKind round = RoundKind::weekly;
  std::vector<std::uint32_t> stops;       // local communes in visiting order
  std::vector<double> sessions;           // per stop: sessions per round (campaigns: per campaign)
  std::vector<double> days;               // per stop: days it is held per round
  std::vector<double> presence_hours;     // per stop: hours held per round
  std::vector<double> weeks;              // campaigns, per stop: weeks of its campaign
  std::vector<std::uint8_t> within_year;  // campaigns, per stop: starts within a working year
  double period_weeks = 0;                // a round; campaigns: the whole cycle
  double driving_minutes = 0;             // per round
  std::vector<std::uint32_t> dropped;     // stops the hours or the day could not hold
};

// `stops` are local communes (duplicates ignored), `demand[k]` the population stops[k] serves,
// `pinned_weekly_hours[k]` the hours the planner fixed there (0 or an empty span: none).
// `home` is the local commune the advisor drives from. Throws std::invalid_argument on sizes
// that disagree or options out of range.
RoundPlan plan_round(const TravelMinutes& travel, std::uint32_t home,
                     std::span<const std::uint32_t> stops, std::span<const double> demand,
                     std::span<const double> pinned_weekly_hours, double weekly_hours,
                     const RoundOptions& options);

// A closed tour through `stops` (local indices) starting at stops[0]: nearest neighbour, then
// 2-opt until no reversal shortens it (asymmetric minutes handled exactly).
std::vector<std::uint32_t> plan_circuit(const TravelMinutes& travel,
                                        std::span<const std::uint32_t> stops);
// Minutes of the closed tour (back to the first stop); 0 for fewer than two stops.
float tour_minutes(const TravelMinutes& travel, std::span<const std::uint32_t> tour);

}  // namespace covsim::sim
