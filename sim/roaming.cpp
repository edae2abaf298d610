#include "sim/roaming.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace covsim::sim {

namespace {

constexpr double kEps = 1e-9;
constexpr std::uint32_t kNoPending = std::numeric_limits<std::uint32_t>::max();

double round_trip(const TravelMinutes& t, std::uint32_t a, std::uint32_t b) {
  return static_cast<double>(t.at(a, b)) + t.at(b, a);
}

// One stop of a round being planned.
struct Stop {
  std::uint32_t commune;
  double demand;
  double pinned;    // weekly hours fixed by the planner, 0 when free
  double sessions;  // per round; fractional only for pinned hours
};

// Days at each stop and the driving of one round, for the pairing rule of the header.
double driving(const TravelMinutes& t, std::uint32_t home, std::span<const Stop> order,
               const RoundOptions& o, std::vector<double>* days = nullptr) {
  double total = 0;
  std::uint32_t pending = kNoPending;
  if (days) days->assign(order.size(), 0);
  for (std::uint32_t k = 0; k < order.size(); ++k) {
    const double full = std::floor(order[k].sessions / 2 + kEps);
    const bool half = order[k].sessions - 2 * full > kEps;
    const std::uint32_t c = order[k].commune;
    total += full * round_trip(t, home, c);
    if (days) (*days)[k] = full + (half ? 1 : 0);
    if (!half) continue;
    if (pending == kNoPending) {
      pending = k;
      continue;
    }
    const std::uint32_t a = order[pending].commune;
    const double pair = static_cast<double>(t.at(home, a)) + t.at(a, c) + t.at(c, home);
    if (pair <= o.max_day_driving_minutes) {
      total += pair;
      pending = kNoPending;
    } else {
      total += round_trip(t, home, a);
      pending = k;
    }
  }
  if (pending != kNoPending) total += round_trip(t, home, order[pending].commune);
  return total;
}

// The stops in the order of a closed tour from home (home itself first when it is a stop).
std::vector<Stop> in_tour_order(const TravelMinutes& t, std::uint32_t home,
                                const std::vector<Stop>& stops) {
  std::vector<std::uint32_t> ids{home};
  for (const Stop& s : stops)
    if (s.commune != home) ids.push_back(s.commune);
  const std::vector<std::uint32_t> tour = plan_circuit(t, ids);
  std::vector<Stop> out;
  for (std::uint32_t c : tour)
    for (const Stop& s : stops)
      if (s.commune == c) out.push_back(s);
  return out;
}

void plan_rotation(const TravelMinutes& t, std::uint32_t home, std::vector<Stop> stops,
                   double weekly_hours, const RoundOptions& o, RoundPlan& plan) {
  const double W = plan.period_weeks;
  const double hours = weekly_hours * W;
  for (Stop& s : stops) s.sessions = s.pinned > 0 ? s.pinned * W / o.session_hours : 1;
  std::vector<Stop> order = in_tour_order(t, home, stops);
  auto used = [&](std::span<const Stop> ss) {
    double presence = 0;
    for (const Stop& s : ss) presence += s.sessions * o.session_hours;
    return presence + driving(t, home, ss, o) / 60;
  };
  // Too many stops for the hours: the least demand goes first.
  while (used(order) > hours + kEps) {
    auto weakest = order.end();
    for (auto it = order.begin(); it != order.end(); ++it)
      if (it->pinned == 0 && (weakest == order.end() || it->demand <= weakest->demand))
        weakest = it;
    if (weakest == order.end()) break;  // only pinned stops left: the planner's hours stand
    plan.dropped.push_back(weakest->commune);
    stops.erase(std::find_if(stops.begin(), stops.end(),
                             [&](const Stop& s) { return s.commune == weakest->commune; }));
    order = in_tour_order(t, home, stops);
  }
  // More sessions, one at a time, by the D'Hondt rule, while the round fits.
  std::vector<std::uint32_t> by_quotient(order.size());
  while (true) {
    std::iota(by_quotient.begin(), by_quotient.end(), 0u);
    std::stable_sort(by_quotient.begin(), by_quotient.end(), [&](std::uint32_t a, std::uint32_t b) {
      return order[a].demand / (order[a].sessions + 1) > order[b].demand / (order[b].sessions + 1);
    });
    bool added = false;
    for (std::uint32_t k : by_quotient) {
      if (order[k].pinned > 0) continue;
      order[k].sessions += 1;
      if (used(order) <= hours + kEps) {
        added = true;
        break;
      }
      order[k].sessions -= 1;
    }
    if (!added) break;
  }
  plan.driving_minutes = driving(t, home, order, o, &plan.days);
  for (const Stop& s : order) {
    plan.stops.push_back(s.commune);
    plan.sessions.push_back(s.sessions);
    plan.presence_hours.push_back(s.sessions * o.session_hours);
  }
}

void plan_campaigns(const TravelMinutes& t, std::uint32_t home, const std::vector<Stop>& stops,
                    double weekly_hours, const RoundOptions& o, RoundPlan& plan) {
  const double days_per_week = weekly_hours / o.day_hours;
  double start = 0;
  for (const Stop& s : in_tour_order(t, home, stops)) {
    const double trip = round_trip(t, home, s.commune);
    const double per_day =
        std::min(2.0, std::floor((o.day_hours - trip / 60) / o.session_hours + kEps));
    if (!(per_day >= 1)) {  // not one session and the drive in a day
      plan.dropped.push_back(s.commune);
      continue;
    }
    const double per_week = days_per_week * per_day;
    const double sessions = o.campaign_weeks > 0
                                ? o.campaign_weeks * per_week
                                : std::max(1.0, std::ceil(o.sessions_per_1000 * s.demand / 1000));
    const double days = std::ceil(sessions / per_day - kEps);
    plan.stops.push_back(s.commune);
    plan.sessions.push_back(sessions);
    plan.days.push_back(days);
    plan.presence_hours.push_back(sessions * o.session_hours);
    plan.weeks.push_back(sessions / per_week);
    plan.within_year.push_back(start < o.working_weeks_per_year ? 1 : 0);
    plan.driving_minutes += days * trip;
    start += sessions / per_week;
  }
  plan.period_weeks = start;
}

}  // namespace

float tour_minutes(const TravelMinutes& travel, std::span<const std::uint32_t> tour) {
  if (tour.size() < 2) return 0;
  double sum = 0;
  for (std::size_t p = 0; p < tour.size(); ++p)
    sum += travel.at(tour[p], tour[(p + 1) % tour.size()]);
  return static_cast<float>(sum);
}

std::vector<std::uint32_t> plan_circuit(const TravelMinutes& travel,
                                        std::span<const std::uint32_t> stops) {
  const std::size_t n = stops.size();
  std::vector<std::uint32_t> tour;
  if (n == 0) return tour;
  // Nearest neighbour from the first stop.
  std::vector<std::uint8_t> done(n, 0);
  std::size_t cur = 0;
  done[0] = 1;
  tour.push_back(stops[0]);
  for (std::size_t step = 1; step < n; ++step) {
    std::size_t next = n;
    for (std::size_t j = 0; j < n; ++j)
      if (!done[j] &&
          (next == n || travel.at(stops[cur], stops[j]) < travel.at(stops[cur], stops[next])))
        next = j;
    done[next] = 1;
    tour.push_back(stops[next]);
    cur = next;
  }
  if (n < 4) return tour;  // with three stops or fewer, only the direction can change

  // 2-opt: reversing positions i..j replaces legs (i-1 → i) and (j → j+1) by (i-1 → j) and
  // (i → j+1) and runs the segment backwards; prefix sums of forward and backward leg minutes
  // make each candidate O(1), exact for asymmetric minutes.
  std::vector<double> fwd(n), bwd(n);
  auto prefix = [&] {
    fwd[0] = bwd[0] = 0;
    for (std::size_t p = 1; p < n; ++p) {
      fwd[p] = fwd[p - 1] + travel.at(tour[p - 1], tour[p]);
      bwd[p] = bwd[p - 1] + travel.at(tour[p], tour[p - 1]);
    }
  };
  prefix();
  constexpr double kEps = 1e-4;  // minutes: below this a "gain" is rounding
  for (bool improved = true; improved;) {
    improved = false;
    for (std::size_t i = 1; i + 1 < n && !improved; ++i)
      for (std::size_t j = i + 1; j < n && !improved; ++j) {
        const std::uint32_t before = tour[i - 1], after = tour[(j + 1) % n];
        const double old_cost =
            travel.at(before, tour[i]) + (fwd[j] - fwd[i]) + travel.at(tour[j], after);
        const double new_cost =
            travel.at(before, tour[j]) + (bwd[j] - bwd[i]) + travel.at(tour[i], after);
        if (new_cost < old_cost - kEps) {
          std::reverse(tour.begin() + static_cast<std::ptrdiff_t>(i),
                       tour.begin() + static_cast<std::ptrdiff_t>(j) + 1);
          prefix();
          improved = true;
        }
      }
  }
  return tour;
}

double round_weeks(RoundKind round, double weeks_per_month) {
  switch (round) {
    case RoundKind::weekly:
      return 1;
    case RoundKind::fortnightly:
      return 2;
    case RoundKind::monthly:
      return weeks_per_month;
    case RoundKind::campaigns:
      return 0;
  }
  return 0;
}

RoundPlan plan_round(const TravelMinutes& travel, std::uint32_t home,
                     std::span<const std::uint32_t> stops, std::span<const double> demand,
                     std::span<const double> pinned_weekly_hours, double weekly_hours,
                     const RoundOptions& o) {
  if (demand.size() != stops.size() ||
      (!pinned_weekly_hours.empty() && pinned_weekly_hours.size() != stops.size()))
    throw std::invalid_argument("plan_round: stops, demand and pinned hours differ in size");
  if (home >= travel.size())
    throw std::invalid_argument("plan_round: home is not one of the travel matrix's communes");
  if (!(o.session_hours > 0) || !(o.day_hours >= o.session_hours) || !(o.weeks_per_month > 0) ||
      !(weekly_hours > 0) || !(o.campaign_weeks >= 0) || !(o.sessions_per_1000 > 0))
    throw std::invalid_argument("plan_round: hours, weeks and sessions must be positive");
  std::vector<Stop> list;
  for (std::size_t k = 0; k < stops.size(); ++k) {
    if (stops[k] >= travel.size())
      throw std::invalid_argument("plan_round: a stop is not one of the travel matrix's communes");
    const double pinned = pinned_weekly_hours.empty() ? 0 : pinned_weekly_hours[k];
    if (std::none_of(list.begin(), list.end(),
                     [&](const Stop& s) { return s.commune == stops[k]; }))
      list.push_back({stops[k], demand[k], pinned, 0});
  }
  RoundPlan plan;
  plan.round = o.round;
  // A stop the advisor cannot reach and come back from in a day is not held, unless the
  // planner pinned it.
  std::erase_if(list, [&](const Stop& s) {
    const bool far = !(round_trip(travel, home, s.commune) <= o.max_day_driving_minutes);
    if (far && s.pinned == 0) plan.dropped.push_back(s.commune);
    return far && s.pinned == 0;
  });
  if (o.round == RoundKind::campaigns) {
    plan_campaigns(travel, home, list, weekly_hours, o, plan);
  } else {
    plan.period_weeks = round_weeks(o.round, o.weeks_per_month);
    plan_rotation(travel, home, std::move(list), weekly_hours, o, plan);
  }
  return plan;
}

}  // namespace covsim::sim
