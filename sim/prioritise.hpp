// Which posts to renew when only N of them (or a budget of weekly hours) can be: each post's
// standalone value (what is lost if it alone goes), then the keep-set that loses least, found by
// greedy removal and improved by swaps (a kept post exchanged for a dropped one while that keeps
// more people within reach), so a planner can hold it against the renewal round's decisions.
//
//   Priorities pr = prioritise(reallocator, {.keep = 40, .policy = ReallocationPolicy::none,
//                                            .threshold = 1});
//   KeepFigures mine = evaluate_keep(reallocator, policy, pr.keep, 1);  // vs the round's own
//
// Objective: the population reached within thresholds_minutes[threshold] (sim/coverage.hpp)
// when only the kept posts work and the reallocation `policy` applies (sim/reallocation.hpp);
// equal populations are decided by the communes holding a permanence. A post's standalone value
// is the population losing reach within T (and the communes losing their permanence) when it
// alone goes, every other post working.
// Search, deterministic and independent of the thread count, from several starts, the best
// keep-set kept:
//  1. Greedy removal from every post: while more than N posts are kept (or their hours exceed
//     the budget), the post whose removal loses least goes (with a budget: least per weekly
//     hour); ties go to the later post of the table. With a budget and no N, dropped posts that
//     fit the hours left and add reach then come back, the best first.
//  2. Greedy addition from no post, opening with the k-th best single post (k = 0..4): the post
//     that adds most (per weekly hour with a budget) joins while the count or budget allows.
//  Each start is then improved by swaps: each kept post in turn leaves and the best dropped post
//  (it included) that keeps the count and fits the budget joins, until a pass changes nothing
//  (sim/detail/set_search.hpp); with a budget and no N, also one post out and the best that fit
//  its room in, and one post in and the posts losing least per hour out until the budget holds.
// With policy none the engine keeps, per commune, how many kept posts reach it within T and how
// many hold a permanence there, and scores a post from its own places' table rows. Other
// policies re-plan teams, so every score is a Reallocator::apply (fine for a hundred posts,
// slow for thousands).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "geo/progress.hpp"
#include "sim/reallocation.hpp"

namespace covsim::sim {

struct PrioritiseOptions {
  std::optional<std::uint32_t> keep{};   // posts kept, at most the table's
  std::optional<double> budget_hours{};  // weekly hours of the posts kept, at most
  ReallocationPolicy policy = ReallocationPolicy::none;
  std::size_t threshold = 0;  // index into the coverage thresholds
  bool swaps = true;
};

// What a set of posts kept gives.
struct KeepFigures {
  double population_reached = 0;  // within the threshold
  std::uint32_t communes_with_permanence = 0;
  double weekly_hours = 0;
  std::uint32_t posts = 0;
};

struct Priorities {
  std::size_t threshold = 0;
  ReallocationPolicy policy = ReallocationPolicy::none;
  KeepFigures all;  // every post kept
  // Per post: population losing reach within T and communes losing their permanence if it alone
  // goes.
  std::vector<double> standalone;
  std::vector<std::int32_t> standalone_permanence;  // negative: the reallocation adds some
  std::vector<std::uint8_t> keep;                   // post -> in the keep-set
  KeepFigures kept;                                 // what the keep-set gives
  std::uint32_t swaps = 0;
  std::uint64_t evaluations = 0;
  std::vector<std::string> notes;
};

// Throws covsim::Error when neither keep nor budget_hours is given, keep exceeds the posts,
// the budget is negative or the threshold is out of range.
Priorities prioritise(const Reallocator& reallocator, const PrioritiseOptions& options,
                      Progress& progress = null_progress());

// The best keep-set by enumerating every one (N-subsets with keep; every subset within the
// budget otherwise). Throws std::invalid_argument beyond `max_subsets` sets.
Priorities prioritise_exhaustive(const Reallocator& reallocator, const PrioritiseOptions& options,
                                 std::uint64_t max_subsets = 200'000);

// The figures of `active` (post -> kept) under `policy`, by Reallocator::apply.
KeepFigures evaluate_keep(const Reallocator& reallocator, ReallocationPolicy policy,
                          std::span<const std::uint8_t> active, std::size_t threshold);

}  // namespace covsim::sim
