#include "sim/roaming.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace covsim::sim {

namespace {

// Advisors drive out and back: catchments are judged on the round trip, which is also what
// makes asymmetric road minutes usable.
double round_trip(const TravelMinutes& t, std::uint32_t a, std::uint32_t b) {
  return static_cast<double>(t.at(a, b)) + t.at(b, a);
}

class Catchments {
 public:
  Catchments(std::span<const double> population, const TravelMinutes& travel,
             std::span<const RoamingAdvisor> advisors, const RoamingOptions& options)
      : w_(population), t_(travel), k_(advisors.size()), options_(options) {
    total_ = std::accumulate(w_.begin(), w_.end(), 0.0);
    seed(advisors);
  }

  RoamingPlan run() {
    for (int it = 0; it < options_.max_iterations; ++it) {
      assign();
      if (!update_medoids()) break;
    }
    assign();
    balance();
    RoamingPlan plan;
    plan.advisor_of = of_;
    plan.medoid = medoid_;
    plan.catchment_population = load_;
    for (std::uint32_t i = 0; i < t_.size(); ++i)
      if (of_[i] == kNoAdvisor) plan.unreachable.push_back(i);
    return plan;
  }

 private:
  bool reaches(std::uint32_t m, std::uint32_t i) const {
    return std::isfinite(t_.at(m, i)) && std::isfinite(t_.at(i, m));
  }

  // Seeds: each advisor's home when it lies in the territory (advisors are based there), then
  // deterministic farthest points for the others, so catchments start spread out.
  void seed(std::span<const RoamingAdvisor> advisors) {
    const std::size_t n = t_.size();
    medoid_.assign(k_, kNoAdvisor);
    std::vector<std::uint8_t> used(n, 0);
    std::unordered_map<geo::CommuneId, std::uint32_t> local;
    for (std::uint32_t i = 0; i < n; ++i) local.emplace(t_.communes[i], i);
    for (std::size_t a = 0; a < k_; ++a)
      if (auto it = local.find(advisors[a].home); it != local.end() && !used[it->second]) {
        medoid_[a] = it->second;
        used[it->second] = 1;
      }
    for (std::size_t a = 0; a < k_; ++a) {
      if (medoid_[a] != kNoAdvisor) continue;
      std::uint32_t best = kNoAdvisor;
      double best_score = -1;
      const bool any = std::any_of(medoid_.begin(), medoid_.end(),
                                   [](std::uint32_t m) { return m != kNoAdvisor; });
      for (std::uint32_t c = 0; c < n; ++c) {
        if (used[c]) continue;
        double score = 0;
        if (any) {
          // Farthest point by round trip among those some seed reaches.
          double nearest = std::numeric_limits<double>::infinity();
          for (std::uint32_t m : medoid_)
            if (m != kNoAdvisor && reaches(m, c)) nearest = std::min(nearest, round_trip(t_, m, c));
          score = std::isfinite(nearest) ? nearest : -1;
        } else {
          // First seed: the commune that reaches the most population.
          for (std::uint32_t j = 0; j < n; ++j)
            if (reaches(c, j)) score += w_[j];
        }
        if (score > best_score) {
          best_score = score;
          best = c;
        }
      }
      if (best == kNoAdvisor) {  // every seed's component is taken: the most populous left
        for (std::uint32_t c = 0; c < n; ++c)
          if (!used[c] && (best == kNoAdvisor || w_[c] > w_[best])) best = c;
      }
      if (best == kNoAdvisor) break;  // fewer communes than advisors
      medoid_[a] = best;
      used[best] = 1;
    }
  }

  // Capacitated assignment: most constrained communes first (largest regret between their
  // nearest and second-nearest centre), each to the nearest centre with room under
  // (1 + tolerance) × mean population, or to the nearest when none has room.
  void assign() {
    const std::size_t n = t_.size();
    of_.assign(n, kNoAdvisor);
    load_.assign(k_, 0.0);
    std::vector<double> regret(n, -1);
    std::vector<std::uint32_t> order;
    for (std::size_t a = 0; a < k_; ++a)
      if (medoid_[a] != kNoAdvisor) {
        of_[medoid_[a]] = static_cast<std::uint32_t>(a);
        load_[a] += w_[medoid_[a]];
      }
    for (std::uint32_t i = 0; i < n; ++i) {
      if (of_[i] != kNoAdvisor) continue;
      double d1 = std::numeric_limits<double>::infinity(), d2 = d1;
      for (std::uint32_t m : medoid_) {
        if (m == kNoAdvisor || !reaches(m, i)) continue;
        const double d = round_trip(t_, m, i);
        if (d < d1) {
          d2 = d1;
          d1 = d;
        } else if (d < d2) {
          d2 = d;
        }
      }
      if (!std::isfinite(d1)) continue;  // unreachable by every centre
      regret[i] = std::isfinite(d2) ? d2 - d1 : std::numeric_limits<double>::max();
      order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return regret[a] > regret[b] || (regret[a] == regret[b] && w_[a] > w_[b]);
    });
    const double cap = (1 + options_.balance_tolerance) * total_ / static_cast<double>(k_);
    std::vector<std::uint32_t> by_distance;
    for (std::uint32_t i : order) {
      by_distance.clear();
      for (std::uint32_t a = 0; a < k_; ++a)
        if (medoid_[a] != kNoAdvisor && reaches(medoid_[a], i)) by_distance.push_back(a);
      std::stable_sort(by_distance.begin(), by_distance.end(),
                       [&](std::uint32_t a, std::uint32_t b) {
                         return round_trip(t_, medoid_[a], i) < round_trip(t_, medoid_[b], i);
                       });
      std::uint32_t pick = by_distance.front();
      for (std::uint32_t a : by_distance)
        if (load_[a] + w_[i] <= cap) {
          pick = a;
          break;
        }
      of_[i] = pick;
      load_[pick] += w_[i];
    }
  }

  // Each centre moves to the member with the least population-weighted round trip to the
  // others. Returns whether any centre moved.
  bool update_medoids() {
    bool moved = false;
    for (std::uint32_t a = 0; a < k_; ++a) {
      if (medoid_[a] == kNoAdvisor) continue;
      double best_cost = std::numeric_limits<double>::infinity();
      std::uint32_t best = medoid_[a];
      for (std::uint32_t m = 0; m < t_.size(); ++m) {
        if (of_[m] != a) continue;
        double cost = 0;
        // Stop once strictly worse: an unfinished sum must never tie with the best.
        for (std::uint32_t j = 0; j < t_.size() && cost <= best_cost; ++j)
          if (of_[j] == a) cost += w_[j] * round_trip(t_, m, j);
        if (cost < best_cost || (cost == best_cost && m == medoid_[a])) {
          best_cost = cost;
          best = m;
        }
      }
      if (best != medoid_[a]) {
        medoid_[a] = best;
        moved = true;
      }
    }
    return moved;
  }

  // Local moves while a catchment is outside ±tolerance of the mean: move one commune out of
  // the heaviest or into the lightest catchment, the move that lengthens trips least among
  // those that reduce the spread of populations (Σ load², so the process terminates).
  void balance() {
    std::size_t active = 0;
    for (std::uint32_t m : medoid_) active += m != kNoAdvisor;
    if (active < 2) return;
    const double mean = total_ / static_cast<double>(active);
    const double upper = mean * (1 + options_.balance_tolerance);
    const double lower = mean * (1 - options_.balance_tolerance);
    for (std::size_t step = 0; step < 4 * t_.size(); ++step) {
      std::uint32_t heavy = kNoAdvisor, light = kNoAdvisor;
      for (std::uint32_t a = 0; a < k_; ++a) {
        if (medoid_[a] == kNoAdvisor) continue;
        if (heavy == kNoAdvisor || load_[a] > load_[heavy]) heavy = a;
        if (light == kNoAdvisor || load_[a] < load_[light]) light = a;
      }
      const bool too_heavy = load_[heavy] > upper, too_light = load_[light] < lower;
      if (!too_heavy && !too_light) return;
      std::uint32_t best_c = kNoAdvisor, best_to = kNoAdvisor;
      double best_cost = std::numeric_limits<double>::infinity();
      for (std::uint32_t c = 0; c < t_.size(); ++c) {
        const std::uint32_t from = of_[c];
        if (from == kNoAdvisor || medoid_[from] == c || w_[c] <= 0) continue;
        for (std::uint32_t to = 0; to < k_; ++to) {
          if (to == from || medoid_[to] == kNoAdvisor) continue;
          if (!((too_heavy && from == heavy) || (too_light && to == light))) continue;
          if (!(w_[c] < load_[from] - load_[to]) || !reaches(medoid_[to], c)) continue;
          const double cost = round_trip(t_, medoid_[to], c) - round_trip(t_, medoid_[from], c);
          if (cost < best_cost) {
            best_cost = cost;
            best_c = c;
            best_to = to;
          }
        }
      }
      if (best_c == kNoAdvisor) return;
      load_[of_[best_c]] -= w_[best_c];
      load_[best_to] += w_[best_c];
      of_[best_c] = best_to;
    }
  }

  std::span<const double> w_;
  const TravelMinutes& t_;
  std::size_t k_;
  const RoamingOptions& options_;
  double total_ = 0;
  std::vector<std::uint32_t> medoid_, of_;
  std::vector<double> load_;
};

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

RoamingPlan balanced_catchments(std::span<const double> population, const TravelMinutes& travel,
                                std::span<const RoamingAdvisor> advisors,
                                const RoamingOptions& options) {
  if (advisors.empty() || travel.size() == 0) {
    RoamingPlan plan;
    plan.advisor_of.assign(travel.size(), kNoAdvisor);
    plan.medoid.assign(advisors.size(), kNoAdvisor);
    plan.catchment_population.assign(advisors.size(), 0.0);
    for (std::uint32_t i = 0; i < travel.size(); ++i) plan.unreachable.push_back(i);
    return plan;
  }
  return Catchments(population, travel, advisors, options).run();
}

RoamingPlan plan_roaming(std::span<const double> population, const TravelMinutes& travel,
                         std::span<const RoamingAdvisor> advisors, const RoamingOptions& options) {
  RoamingPlan plan = balanced_catchments(population, travel, advisors, options);
  const std::size_t n = travel.size();
  plan.visits_per_month.assign(n, 0.0);
  plan.presence_hours_per_month.assign(n, 0.0);
  std::unordered_map<geo::CommuneId, std::uint32_t> local;
  for (std::uint32_t i = 0; i < n; ++i) local.emplace(travel.communes[i], i);
  std::vector<std::uint32_t> stops;
  for (std::uint32_t a = 0; a < advisors.size(); ++a) {
    stops.clear();
    // The circuit starts at the advisor's home when it is in the catchment, else at its centre.
    auto home = local.find(advisors[a].home);
    const std::uint32_t start =
        home != local.end() && plan.advisor_of[home->second] == a ? home->second : plan.medoid[a];
    if (start != kNoAdvisor) stops.push_back(start);
    for (std::uint32_t i = 0; i < n; ++i)
      if (plan.advisor_of[i] == a && i != start) stops.push_back(i);
    const std::vector<std::uint32_t> tour = plan_circuit(travel, stops);
    plan.circuit.insert(plan.circuit.end(), tour.begin(), tour.end());
    plan.circuit_first.push_back(static_cast<std::uint32_t>(plan.circuit.size()));
    const float cycle = tour_minutes(travel, tour);
    if (!std::isfinite(cycle))
      throw std::invalid_argument(
          "plan_roaming: a circuit has no finite route between two of its communes although "
          "both reach its centre: the minutes are not shortest paths");
    plan.cycle_minutes.push_back(cycle);

    const double month = advisors[a].weekly_hours * options.weeks_per_month;
    const double rounds =
        tour.empty()
            ? 0.0
            : month / (cycle / 60.0 + static_cast<double>(tour.size()) * options.session_hours);
    plan.rounds_per_month.push_back(rounds);
    const double presence = month - rounds * cycle / 60.0;
    const double pop = plan.catchment_population[a];
    for (std::uint32_t i : tour) {
      plan.visits_per_month[i] = rounds;
      plan.presence_hours_per_month[i] =
          presence * (pop > 0 ? population[i] / pop : 1.0 / static_cast<double>(tour.size()));
    }
  }
  return plan;
}

}  // namespace covsim::sim
