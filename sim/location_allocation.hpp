// Location-allocation for multi-centre posts: choose k sites among candidate communes so that
// the most population is covered within a threshold (maximal covering) or the population-
// weighted travel is least (p-median). Greedy construction then fast interchange (Teitz–Bart
// with the Whitaker/Resende–Werneck gain bookkeeping), restarted from other opening sites; an
// exhaustive solver gives the exact optimum on small instances, so tests measure the heuristic.
//
//   LocationProblem pb = location_problem(table, demand, candidates, territory.population);
//   LocationSolution s = solve_location(pb, 3, {.objective = Objective::max_cover, .cover_minutes =
//   20});
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "geo/travel_table.hpp"

namespace covsim::sim {

inline constexpr std::uint32_t kNoCandidate = std::numeric_limits<std::uint32_t>::max();

// Demand points and candidates are local indices 0..n-1 and 0..m-1. A candidate lists the
// demand points within the travel table's cut-off and their minutes *to* the candidate; any
// other demand point cannot use it.
struct LocationProblem {
  std::vector<double> weight;           // demand point -> population
  std::vector<std::uint32_t> first{0};  // candidate c spans entries [first[c], first[c + 1])
  std::vector<std::uint32_t> demand;    // entry -> demand point
  std::vector<float> minutes;           // entry -> minutes from the demand point to c
  std::vector<std::uint8_t> fixed;      // candidate -> 1 when every solution must contain it

  std::size_t demand_count() const { return weight.size(); }
  std::size_t candidate_count() const { return first.size() - 1; }
  // Appends a candidate; returns its index.
  std::uint32_t add_candidate(std::span<const std::uint32_t> demand_points,
                              std::span<const float> minutes_to_it, bool is_fixed = false);
};

// The problem restricted to `demand` communes and `candidates` (communes with a row in
// `table`; a commune without one cannot be a candidate: throws std::invalid_argument).
// Demand point i is demand[i]; candidate c is candidates[c]; `fixed` are candidate communes
// that must be kept.
LocationProblem location_problem(const geo::TravelTable& table,
                                 std::span<const geo::CommuneId> demand,
                                 std::span<const geo::CommuneId> candidates,
                                 std::span<const double> population,
                                 std::span<const geo::CommuneId> fixed = {});

enum class Objective : std::uint8_t {
  // Maximise population within cover_minutes of a chosen site; among equal covers, least
  // population-weighted minutes (so extra sites still go where they shorten trips).
  max_cover,
  // Minimise population-weighted minutes to the nearest chosen site.
  p_median,
};

struct LocationOptions {
  Objective objective = Objective::max_cover;
  float cover_minutes = 30;
  // Minutes charged to a demand point that no chosen site reaches within the table's cut-off
  // (the true time is unknown but larger). 0 means twice the largest minutes of the problem,
  // so an unreachable point always costs more than any reachable one.
  float unreachable_minutes = 0;
  // false stops after the greedy construction (to measure what the interchange adds).
  bool interchange = true;
  // Further greedy + interchange runs, each opening with the next best single site instead
  // of the best one; the best result is kept. Interchange alone stops in local optima.
  std::uint32_t restarts = 8;
};

struct LocationSolution {
  std::vector<std::uint32_t> chosen;    // candidate indices, ascending
  std::vector<std::uint32_t> assigned;  // demand point -> nearest chosen candidate, kNoCandidate
  double covered = 0;                   // weight within cover_minutes
  double unreachable = 0;               // weight with no chosen site within the cut-off
  // Σ weight × minutes to the assigned site, unreachable points at unreachable_minutes.
  double weighted_minutes = 0;
  std::uint32_t swaps = 0;  // improving interchanges applied
};

// k sites (fixed candidates included, so at least their number; at most every candidate).
// Deterministic: ties go to the lowest candidate index.
LocationSolution solve_location(const LocationProblem& problem, std::size_t k,
                                const LocationOptions& options);

// Exact optimum by enumerating every k-subset containing the fixed candidates. Throws
// std::invalid_argument beyond `max_subsets` subsets.
LocationSolution solve_location_exhaustive(const LocationProblem& problem, std::size_t k,
                                           const LocationOptions& options,
                                           std::uint64_t max_subsets = 5'000'000);

// Figures of a given set of candidates (any order, no duplicates).
LocationSolution evaluate_location(const LocationProblem& problem,
                                   std::span<const std::uint32_t> chosen,
                                   const LocationOptions& options);

// True when `a` is strictly better than `b` for the objective (with a relative tolerance of
// 1e-9 so rounding never makes two equal solutions differ).
bool better(const LocationSolution& a, const LocationSolution& b, const LocationOptions& options);

}  // namespace covsim::sim
