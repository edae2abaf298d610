// Greedy construction and interchange over a set of members drawn from candidates, shared by
// sim/recommend (new posts: which communes) and sim/prioritise (posts kept). Internal to sim/.
//
//   std::uint32_t c = best_addition(set, candidates, member).index;  set.add(candidates[c]);
//   std::uint32_t swaps = interchange(set, members, candidates, {}, progress, "interchange");
//
// A Set exposes, for the members it holds now:
//   Score gain(std::uint32_t candidate) const;  // value of the set with it, less the value
//                                                // now; called from several threads at once
//   void add(std::uint32_t candidate);  void remove(std::uint32_t member);
// Scores are compared first on `primary`, then on `secondary`, each with a relative tolerance
// of 1e-9, so that rounding never decides; remaining ties go to the earliest candidate in the
// list. Candidates are evaluated in parallel into one slot each and the best is found by one
// sequential scan, so the result does not depend on the number of threads.
#pragma once

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "geo/progress.hpp"

namespace covsim::sim::detail {

struct Score {
  double primary = 0;
  double secondary = 0;
  friend Score operator+(Score a, Score b) {
    return {a.primary + b.primary, a.secondary + b.secondary};
  }
  friend Score operator-(Score a, Score b) {
    return {a.primary - b.primary, a.secondary - b.secondary};
  }
};

inline bool clearly_greater(double a, double b) {
  return a > b + 1e-9 * std::max({1.0, std::abs(a), std::abs(b)});
}
// a strictly better than b.
inline bool better(Score a, Score b) {
  if (clearly_greater(a.primary, b.primary)) return true;
  if (clearly_greater(b.primary, a.primary)) return false;
  return clearly_greater(a.secondary, b.secondary);
}

inline constexpr std::uint32_t kNoIndex = std::numeric_limits<std::uint32_t>::max();

struct Best {
  std::uint32_t index = kNoIndex;  // into the candidate list; kNoIndex when none is eligible
  Score score;
};

// The score of adding each candidate, in parallel (one slot each).
template <typename Set>
std::vector<Score> all_gains(const Set& set, std::span<const std::uint32_t> candidates) {
  std::vector<Score> score(candidates.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, candidates.size()), [&](const auto& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) score[i] = set.gain(candidates[i]);
  });
  return score;
}

// Indices of `score` from the best to the worst, ties by index.
inline std::vector<std::uint32_t> ranked(const std::vector<Score>& score) {
  std::vector<std::uint32_t> order(score.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return better(score[a], score[b]); });
  return order;
}

// The candidate whose addition scores best, among those with skip[index] == 0 that pass
// `eligible` (empty: all).
template <typename Set>
Best best_addition(const Set& set, std::span<const std::uint32_t> candidates,
                   std::span<const std::uint8_t> skip,
                   const std::function<bool(std::uint32_t)>& eligible = {}) {
  std::vector<Score> score(candidates.size());
  std::vector<std::uint8_t> ok(candidates.size(), 0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, candidates.size()), [&](const auto& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      if (skip[i] || (eligible && !eligible(candidates[i]))) continue;
      score[i] = set.gain(candidates[i]);
      ok[i] = 1;
    }
  });
  Best best;
  for (std::uint32_t i = 0; i < candidates.size(); ++i)
    if (ok[i] && (best.index == kNoIndex || better(score[i], best.score))) best = {i, score[i]};
  return best;
}

// Swaps a member for a non-member while that improves the set: for each member in turn, it
// leaves, the best candidate (it included) joins. Passes repeat until one changes nothing or
// `max_passes` is reached. `members` holds indices into `candidates` and is updated in place;
// `eligible` (empty: all) is asked with the member out. Returns the swaps applied.
template <typename Set>
std::uint32_t interchange(Set& set, std::vector<std::uint32_t>& members,
                          std::span<const std::uint32_t> candidates,
                          const std::function<bool(std::uint32_t)>& eligible, Progress& progress,
                          const std::string& what, std::uint32_t max_passes = 50) {
  std::vector<std::uint8_t> in(candidates.size(), 0);
  for (std::uint32_t m : members) in[m] = 1;
  std::uint32_t swaps = 0;
  for (std::uint32_t pass = 0; pass < max_passes; ++pass) {
    progress.start(what + " (pass " + std::to_string(pass + 1) + ")", members.size());
    bool changed = false;
    for (std::uint32_t& m : members) {
      set.remove(candidates[m]);
      in[m] = 0;
      const Score stay = set.gain(candidates[m]);
      in[m] = 1;  // the leaving member is compared with `stay`, not searched again
      const Best b = best_addition(set, candidates, in, eligible);
      if (b.index != kNoIndex && better(b.score, stay)) {
        in[m] = 0;
        m = b.index;
        in[m] = 1;
        ++swaps;
        changed = true;
      }
      set.add(candidates[m]);
      progress.advance();
    }
    progress.finish();
    if (!changed) break;
  }
  return swaps;
}

// Calls f(subset) for every k-subset of {0..n-1} (ascending indices), in lexicographic order.
template <typename F>
void for_each_subset(std::uint32_t n, std::uint32_t k, F&& f) {
  if (k > n) return;
  std::vector<std::uint32_t> s(k);
  for (std::uint32_t i = 0; i < k; ++i) s[i] = i;
  while (true) {
    f(std::span<const std::uint32_t>(s));
    std::int64_t i = static_cast<std::int64_t>(k) - 1;
    while (i >= 0 && s[i] == n - k + static_cast<std::uint32_t>(i)) --i;
    if (i < 0) return;
    ++s[i];
    for (auto j = static_cast<std::uint32_t>(i) + 1; j < k; ++j) s[j] = s[j - 1] + 1;
  }
}

// C(n, k), saturating at the largest uint64.
inline std::uint64_t subsets(std::uint64_t n, std::uint64_t k) {
  if (k > n) return 0;
  k = std::min(k, n - k);
  std::uint64_t r = 1;
  for (std::uint64_t i = 1; i <= k; ++i) {
    const std::uint64_t num = n - k + i;
    if (r > std::numeric_limits<std::uint64_t>::max() / num)
      return std::numeric_limits<std::uint64_t>::max();
    r = r * num / i;
  }
  return r;
}

}  // namespace covsim::sim::detail
