#include "sim/location_allocation.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace covsim::sim {

namespace {

// Both objectives as one lexicographic cost: max cover is (uncovered, minutes), p-median is
// (minutes, 0). One interchange routine then serves both, and max cover breaks its many ties
// by travel instead of by candidate order.
struct Cost {
  double a = 0;
  double b = 0;
  Cost operator+(Cost o) const { return {a + o.a, b + o.b}; }
  Cost operator-(Cost o) const { return {a - o.a, b - o.b}; }
  Cost operator*(double w) const { return {a * w, b * w}; }
  Cost& operator+=(Cost o) { return *this = *this + o; }
  bool operator<(Cost o) const { return a < o.a || (a == o.a && b < o.b); }
};

struct CostModel {
  Objective objective;
  float cover;
  double penalty;  // minutes of an unreachable demand point
  Cost tolerance;  // improvements smaller than this are rounding, not progress

  Cost of(float minutes) const {
    if (objective == Objective::p_median) return {minutes, 0};
    return {minutes <= cover ? 0.0 : 1.0, minutes};
  }
  Cost unreachable() const {
    return objective == Objective::p_median ? Cost{penalty, 0} : Cost{1, penalty};
  }
  bool improves(Cost delta) const {
    return delta.a > tolerance.a || (delta.a >= -tolerance.a && delta.b > tolerance.b);
  }
};

CostModel cost_model(const LocationProblem& pb, const LocationOptions& o) {
  double penalty = o.unreachable_minutes;
  if (penalty <= 0) {
    float longest = 0;
    for (float m : pb.minutes) longest = std::max(longest, m);
    penalty = longest > 0 ? 2.0 * longest : 1.0;
  }
  double total = 0;
  for (double w : pb.weight) total += w;
  const double scale = 1e-9 * std::max(total, 1.0);
  const Cost tol =
      o.objective == Objective::p_median ? Cost{scale * penalty, 0} : Cost{scale, scale * penalty};
  return {o.objective, o.cover_minutes, penalty, tol};
}

// Best and second-best cost of each demand point over the chosen sites, and which slot of
// `chosen` gives the best.
struct Assignment {
  std::vector<Cost> c1, c2;
  std::vector<std::uint32_t> slot;

  void rebuild(const LocationProblem& pb, const CostModel& cm,
               std::span<const std::uint32_t> chosen) {
    c1.assign(pb.demand_count(), cm.unreachable());
    c2.assign(pb.demand_count(), cm.unreachable());
    slot.assign(pb.demand_count(), kNoCandidate);
    for (std::uint32_t s = 0; s < chosen.size(); ++s) add(pb, cm, chosen[s], s);
  }
  void add(const LocationProblem& pb, const CostModel& cm, std::uint32_t candidate,
           std::uint32_t s) {
    for (std::uint32_t e = pb.first[candidate]; e < pb.first[candidate + 1]; ++e) {
      const std::uint32_t u = pb.demand[e];
      const Cost q = cm.of(pb.minutes[e]);
      if (q < c1[u]) {
        c2[u] = c1[u];
        c1[u] = q;
        slot[u] = s;
      } else if (q < c2[u]) {
        c2[u] = q;
      }
    }
  }
};

// What adding candidate c would save, given the current assignment.
Cost gain_of(const LocationProblem& pb, const CostModel& cm, const Assignment& state,
             std::uint32_t c) {
  Cost gain;
  for (std::uint32_t e = pb.first[c]; e < pb.first[c + 1]; ++e) {
    const std::uint32_t u = pb.demand[e];
    const Cost q = cm.of(pb.minutes[e]);
    if (q < state.c1[u]) gain += (state.c1[u] - q) * pb.weight[u];
  }
  return gain;
}

// The fixed candidates, then `start` (kNoCandidate: none), then the best addition until k.
std::vector<std::uint32_t> greedy(const LocationProblem& pb, const CostModel& cm, std::size_t k,
                                  std::uint32_t start, Assignment& state) {
  std::vector<std::uint32_t> chosen;
  std::vector<std::uint8_t> in(pb.candidate_count(), 0);
  for (std::uint32_t c = 0; c < pb.candidate_count(); ++c)
    if (pb.fixed[c] || c == start) {
      chosen.push_back(c);
      in[c] = 1;
    }
  state.rebuild(pb, cm, chosen);
  while (chosen.size() < k) {
    std::uint32_t best = kNoCandidate;
    Cost best_gain;
    for (std::uint32_t c = 0; c < pb.candidate_count(); ++c) {
      if (in[c]) continue;
      const Cost gain = gain_of(pb, cm, state, c);
      if (best == kNoCandidate || cm.improves(gain - best_gain)) {
        best = c;
        best_gain = gain;
      }
    }
    in[best] = 1;
    state.add(pb, cm, best, static_cast<std::uint32_t>(chosen.size()));
    chosen.push_back(best);
  }
  return chosen;
}

// Fast interchange: for each candidate i outside the solution, one pass over its entries gives
// the profit of swapping it with every chosen site s at once:
//   profit(i, s) = gain(i) - loss(s) + adjust(i, s)
// gain(i): what adding i saves; loss(s): what removing s costs (its points fall back to their
// second best); adjust(i, s): the part of loss(s) that i itself absorbs.
std::uint32_t interchange(const LocationProblem& pb, const CostModel& cm,
                          std::vector<std::uint32_t>& chosen, Assignment& state) {
  std::vector<std::uint8_t> in(pb.candidate_count(), 0);
  for (std::uint32_t c : chosen) in[c] = 1;
  std::vector<Cost> loss(chosen.size()), adjust(chosen.size());
  auto compute_loss = [&] {
    std::fill(loss.begin(), loss.end(), Cost{});
    for (std::uint32_t u = 0; u < pb.demand_count(); ++u)
      if (state.slot[u] != kNoCandidate)
        loss[state.slot[u]] += (state.c2[u] - state.c1[u]) * pb.weight[u];
  };
  compute_loss();
  std::uint32_t swaps = 0;
  for (bool improved = true; improved;) {
    improved = false;
    for (std::uint32_t i = 0; i < pb.candidate_count(); ++i) {
      if (in[i]) continue;
      Cost gain;
      std::fill(adjust.begin(), adjust.end(), Cost{});
      for (std::uint32_t e = pb.first[i]; e < pb.first[i + 1]; ++e) {
        const std::uint32_t u = pb.demand[e];
        const Cost q = cm.of(pb.minutes[e]);
        const std::uint32_t s = state.slot[u];
        if (q < state.c1[u]) {
          gain += (state.c1[u] - q) * pb.weight[u];
          if (s != kNoCandidate) adjust[s] += (state.c2[u] - state.c1[u]) * pb.weight[u];
        } else if (q < state.c2[u] && s != kNoCandidate) {
          adjust[s] += (state.c2[u] - q) * pb.weight[u];
        }
      }
      std::uint32_t best = kNoCandidate;
      Cost best_profit;
      for (std::uint32_t s = 0; s < chosen.size(); ++s) {
        if (pb.fixed[chosen[s]]) continue;
        const Cost profit = gain - loss[s] + adjust[s];
        if (cm.improves(profit) && (best == kNoCandidate || best_profit < profit)) {
          best = s;
          best_profit = profit;
        }
      }
      if (best == kNoCandidate) continue;
      in[chosen[best]] = 0;
      in[i] = 1;
      chosen[best] = i;
      state.rebuild(pb, cm, chosen);
      compute_loss();
      ++swaps;
      improved = true;
    }
  }
  return swaps;
}

}  // namespace

std::uint32_t LocationProblem::add_candidate(std::span<const std::uint32_t> demand_points,
                                             std::span<const float> minutes_to_it, bool is_fixed) {
  if (demand_points.size() != minutes_to_it.size())
    throw std::invalid_argument("add_candidate: demand points and minutes differ in length");
  demand.insert(demand.end(), demand_points.begin(), demand_points.end());
  minutes.insert(minutes.end(), minutes_to_it.begin(), minutes_to_it.end());
  first.push_back(static_cast<std::uint32_t>(demand.size()));
  fixed.push_back(is_fixed ? 1 : 0);
  return static_cast<std::uint32_t>(first.size() - 2);
}

LocationProblem location_problem(const geo::TravelTable& table,
                                 std::span<const geo::CommuneId> demand,
                                 std::span<const geo::CommuneId> candidates,
                                 std::span<const double> population,
                                 std::span<const geo::CommuneId> fixed) {
  LocationProblem pb;
  std::unordered_map<geo::CommuneId, std::uint32_t> local;
  local.reserve(demand.size());
  for (std::uint32_t i = 0; i < demand.size(); ++i) {
    local.emplace(demand[i], i);
    pb.weight.push_back(population[demand[i]]);
  }
  std::vector<std::uint32_t> points;
  std::vector<float> minutes;
  for (geo::CommuneId c : candidates) {
    const geo::RowId r = table.row_of(c);
    if (r == geo::kNoRow)
      throw std::invalid_argument("location_problem: commune " + std::to_string(c) +
                                  " has no row in the travel table");
    points.clear();
    minutes.clear();
    for (const geo::Reach& reach : table.row(r))
      if (auto it = local.find(reach.commune); it != local.end()) {
        points.push_back(it->second);
        minutes.push_back(reach.minutes);
      }
    pb.add_candidate(points, minutes, std::find(fixed.begin(), fixed.end(), c) != fixed.end());
  }
  return pb;
}

LocationSolution evaluate_location(const LocationProblem& pb, std::span<const std::uint32_t> chosen,
                                   const LocationOptions& options) {
  const CostModel cm = cost_model(pb, options);
  LocationSolution s;
  s.chosen.assign(chosen.begin(), chosen.end());
  std::sort(s.chosen.begin(), s.chosen.end());
  s.assigned.assign(pb.demand_count(), kNoCandidate);
  std::vector<float> best(pb.demand_count(), 0);
  for (std::uint32_t c : s.chosen)
    for (std::uint32_t e = pb.first[c]; e < pb.first[c + 1]; ++e) {
      const std::uint32_t u = pb.demand[e];
      if (s.assigned[u] == kNoCandidate || pb.minutes[e] < best[u]) {
        s.assigned[u] = c;
        best[u] = pb.minutes[e];
      }
    }
  for (std::uint32_t u = 0; u < pb.demand_count(); ++u) {
    const double w = pb.weight[u];
    if (s.assigned[u] == kNoCandidate) {
      s.unreachable += w;
      s.weighted_minutes += w * cm.penalty;
    } else {
      s.weighted_minutes += w * best[u];
      if (best[u] <= options.cover_minutes) s.covered += w;
    }
  }
  return s;
}

bool better(const LocationSolution& a, const LocationSolution& b, const LocationOptions& o) {
  const double scale = 1e-9 * std::max({1.0, a.covered, b.covered});
  if (o.objective == Objective::max_cover) {
    if (a.covered > b.covered + scale) return true;
    if (a.covered < b.covered - scale) return false;
  }
  return a.weighted_minutes < b.weighted_minutes - 1e-9 * std::max(1.0, b.weighted_minutes);
}

LocationSolution solve_location(const LocationProblem& pb, std::size_t k,
                                const LocationOptions& options) {
  std::size_t fixed = 0;
  for (std::uint8_t f : pb.fixed) fixed += f;
  k = std::min(std::max(k, fixed), pb.candidate_count());
  const CostModel cm = cost_model(pb, options);
  Assignment state;
  auto run = [&](std::uint32_t start) {
    std::vector<std::uint32_t> chosen = greedy(pb, cm, k, start, state);
    const std::uint32_t swaps = options.interchange ? interchange(pb, cm, chosen, state) : 0;
    LocationSolution s = evaluate_location(pb, chosen, options);
    s.swaps = swaps;
    return s;
  };
  LocationSolution best = run(kNoCandidate);
  if (k == fixed || !options.interchange || options.restarts == 0) return best;

  // Restarts: the plain greedy opens with the best single site; each restart opens with the
  // next best instead, so the interchange explores other basins.
  state.rebuild(pb, cm, {});
  for (std::uint32_t c = 0; c < pb.candidate_count(); ++c)
    if (pb.fixed[c]) state.add(pb, cm, c, 0);
  std::vector<std::pair<Cost, std::uint32_t>> opening;
  for (std::uint32_t c = 0; c < pb.candidate_count(); ++c)
    if (!pb.fixed[c]) opening.emplace_back(gain_of(pb, cm, state, c), c);
  std::stable_sort(opening.begin(), opening.end(),
                   [](const auto& a, const auto& b) { return b.first < a.first; });
  const std::size_t starts = std::min<std::size_t>(opening.size(), 1 + options.restarts);
  for (std::size_t i = 1; i < starts; ++i) {
    LocationSolution s = run(opening[i].second);
    if (better(s, best, options)) best = std::move(s);
  }
  return best;
}

LocationSolution solve_location_exhaustive(const LocationProblem& pb, std::size_t k,
                                           const LocationOptions& options,
                                           std::uint64_t max_subsets) {
  std::vector<std::uint32_t> base, free;
  for (std::uint32_t c = 0; c < pb.candidate_count(); ++c) (pb.fixed[c] ? base : free).push_back(c);
  k = std::min(std::max(k, base.size()), pb.candidate_count());
  const std::size_t r = k - base.size();
  std::uint64_t subsets = 1;  // C(|free|, r), stopping as soon as it passes the limit
  for (std::size_t i = 0; i < r && subsets <= max_subsets; ++i)
    subsets = subsets * (free.size() - i) / (i + 1);
  if (subsets > max_subsets)
    throw std::invalid_argument("solve_location_exhaustive: more than " +
                                std::to_string(max_subsets) + " subsets");

  std::vector<std::size_t> pick(r);
  for (std::size_t i = 0; i < r; ++i) pick[i] = i;
  std::vector<std::uint32_t> chosen = base;
  chosen.resize(k);
  LocationSolution best;
  bool have = false;
  while (true) {
    for (std::size_t i = 0; i < r; ++i) chosen[base.size() + i] = free[pick[i]];
    LocationSolution s = evaluate_location(pb, chosen, options);
    if (!have || better(s, best, options)) {
      best = std::move(s);
      have = true;
    }
    // Next combination in lexicographic order.
    std::size_t i = r;
    while (i > 0 && pick[i - 1] == free.size() - r + i - 1) --i;
    if (i == 0) break;
    ++pick[i - 1];
    for (std::size_t j = i; j < r; ++j) pick[j] = pick[j - 1] + 1;
  }
  return best;
}

}  // namespace covsim::sim
