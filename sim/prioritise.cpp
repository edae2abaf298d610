#include "sim/prioritise.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

#include "geo/error.hpp"
#include "sim/detail/set_search.hpp"

namespace covsim::sim {

namespace {

using detail::Score;

// Policy none: a commune is reached while a kept post's place reaches it within T, and holds a
// permanence while a kept post holds one there, so counts per commune say everything.
class CountEngine {
 public:
  CountEngine(const Reallocator& r, std::size_t threshold) : population_(r.territory().population) {
    const Deployment& d = r.base();
    const CoverageModel& model = r.model();
    const geo::TravelTable& table = r.table();
    const float minutes = model.options().thresholds_minutes[threshold];
    const std::size_t posts = r.posts().size();
    const std::size_t n = population_.size();
    std::vector<std::vector<geo::CommuneId>> reach(posts), hold(posts);
    auto reach_from = [&](PostId p, geo::CommuneId place) {
      for (const geo::Reach& e : table.row(table.row_of(place)))
        if (e.minutes <= minutes) reach[p].push_back(e.commune);
    };
    for (SiteId s = 0; s < d.sites(); ++s) {
      reach_from(d.site_post[s], d.site_commune[s]);
      if (d.site_weekly_hours[s] > 0) hold[d.site_post[s]].push_back(d.site_commune[s]);
    }
    for (CircuitId c = 0; c < d.circuits(); ++c)
      for (std::uint32_t k = d.circuit_first[c]; k < d.circuit_first[c + 1]; ++k) {
        if (model.stop_gives_reach(d.stop_visits_per_month[k]))
          reach_from(d.circuit_post[c], d.stop_commune[k]);
        if (d.stop_presence_hours_per_month[k] > 0)
          hold[d.circuit_post[c]].push_back(d.stop_commune[k]);
      }
    auto flatten = [](std::vector<std::vector<geo::CommuneId>>& lists,
                      std::vector<std::uint32_t>& first, std::vector<geo::CommuneId>& flat) {
      first.assign(1, 0);
      for (std::vector<geo::CommuneId>& l : lists) {
        std::sort(l.begin(), l.end());
        l.erase(std::unique(l.begin(), l.end()), l.end());
        flat.insert(flat.end(), l.begin(), l.end());
        first.push_back(static_cast<std::uint32_t>(flat.size()));
      }
    };
    flatten(reach, reach_first_, reach_);
    flatten(hold, hold_first_, hold_);
    reached_by_.assign(n, 0);
    held_by_.assign(n, 0);
  }

  // Score of adding post q (not kept) / of removing post p (kept).
  Score gain(std::uint32_t q) const { return sum(q, 0); }
  Score loss(std::uint32_t p) const { return sum(p, 1); }
  void add(std::uint32_t p) { shift(p, 1); }
  void remove(std::uint32_t p) { shift(p, -1); }

 private:
  // Population of p's reached communes whose count is `at`, and p's held communes so.
  Score sum(std::uint32_t p, std::uint32_t at) const {
    Score s;
    for (std::uint32_t e = reach_first_[p]; e < reach_first_[p + 1]; ++e)
      if (reached_by_[reach_[e]] == at) s.primary += population_[reach_[e]];
    for (std::uint32_t e = hold_first_[p]; e < hold_first_[p + 1]; ++e)
      if (held_by_[hold_[e]] == at) s.secondary += 1;
    return s;
  }
  void shift(std::uint32_t p, int by) {
    for (std::uint32_t e = reach_first_[p]; e < reach_first_[p + 1]; ++e)
      reached_by_[reach_[e]] += static_cast<std::uint32_t>(by);
    for (std::uint32_t e = hold_first_[p]; e < hold_first_[p + 1]; ++e)
      held_by_[hold_[e]] += static_cast<std::uint32_t>(by);
  }

  const std::vector<double>& population_;
  std::vector<std::uint32_t> reach_first_, hold_first_;
  std::vector<geo::CommuneId> reach_, hold_;
  std::vector<std::uint32_t> reached_by_, held_by_;  // commune -> kept posts reaching / holding
};

// absorb, replan: every score is the coverage of a Reallocator::apply.
class ApplyEngine {
 public:
  ApplyEngine(const Reallocator& r, ReallocationPolicy policy, std::size_t threshold)
      : r_(r), policy_(policy), threshold_(threshold), active_(r.posts().size(), 0) {}

  Score gain(std::uint32_t q) const { return with(q, 1) - current_; }
  Score loss(std::uint32_t p) const { return current_ - with(p, 0); }
  void add(std::uint32_t p) { set(p, 1); }
  void remove(std::uint32_t p) { set(p, 0); }

 private:
  struct Local {
    std::vector<std::uint8_t> active;
    ReallocationScratch scratch;
    CommuneCoverage coverage;
  };
  Score with(std::uint32_t p, std::uint8_t flag) const {
    Local& l = local_.local();
    l.active = active_;
    l.active[p] = flag;
    return value(l);
  }
  Score value(Local& l) const {
    r_.apply(policy_, l.active, threshold_, l.scratch, l.coverage);
    Score s;
    const std::vector<double>& pop = r_.territory().population;
    for (geo::CommuneId c = 0; c < l.coverage.size(); ++c) {
      if (l.coverage.reached_within(c, threshold_)) s.primary += pop[c];
      s.secondary += l.coverage.has_permanence[c];
    }
    return s;
  }
  void set(std::uint32_t p, std::uint8_t flag) {
    active_[p] = flag;
    Local& l = local_.local();
    l.active = active_;
    current_ = value(l);
  }

  const Reallocator& r_;
  ReallocationPolicy policy_;
  std::size_t threshold_;
  std::vector<std::uint8_t> active_;
  Score current_;
  mutable tbb::enumerable_thread_specific<Local> local_;
};

struct PriorityFrame {
  const Reallocator& r;
  const PrioritiseOptions& o;
  std::vector<std::uint32_t> posts;  // 0..P-1
  std::vector<double> hours;

  PriorityFrame(const Reallocator& realloc, const PrioritiseOptions& options)
      : r(realloc), o(options) {
    const std::size_t n = r.posts().size();
    if (!o.keep && !o.budget_hours)
      throw Error(
          "prioritise: say how many posts can be kept (keep) or their weekly hours (budget)");
    if (o.keep && *o.keep > n)
      throw Error("prioritise: cannot keep " + std::to_string(*o.keep) + " posts of " +
                  std::to_string(n));
    if (o.budget_hours && !(*o.budget_hours >= 0))
      throw Error("prioritise: the budget must be >= 0 weekly hours");
    if (o.threshold >= r.model().options().thresholds_minutes.size())
      throw Error("prioritise: threshold index " + std::to_string(o.threshold) + " out of range");
    for (PostId p = 0; p < n; ++p) {
      posts.push_back(p);
      hours.push_back(r.posts().posts[p].weekly_hours);
    }
  }
  bool over(std::size_t kept, double kept_hours) const {
    return (o.keep && kept > *o.keep) || (o.budget_hours && kept_hours > *o.budget_hours + 1e-9);
  }
};

template <typename Engine>
void standalone_values(const PriorityFrame& f, const Engine& engine, Priorities& pr,
                       Progress& progress) {
  const std::size_t n = f.posts.size();
  pr.standalone.assign(n, 0.0);
  pr.standalone_permanence.assign(n, 0);
  progress.start("prioritise: standalone values", n);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), [&](const auto& range) {
    for (std::size_t p = range.begin(); p != range.end(); ++p) {
      const Score s = engine.loss(static_cast<std::uint32_t>(p));
      pr.standalone[p] = s.primary;
      pr.standalone_permanence[p] = static_cast<std::int32_t>(std::lround(s.secondary));
      progress.advance();
    }
  });
  progress.finish();
  pr.evaluations += n;
}

constexpr std::uint32_t kRestarts = 4;

// A keep-set being searched: the engine holds exactly the posts with kept[p].
template <typename Engine>
struct KeepSet {
  Engine& engine;
  const PriorityFrame& f;
  std::vector<std::uint8_t> kept;
  std::size_t count = 0;
  double hours = 0;

  Score gain(std::uint32_t q) const { return engine.gain(q); }
  void add(std::uint32_t q) {
    kept[q] = 1;
    ++count;
    hours += f.hours[q];
    engine.add(q);
  }
  void remove(std::uint32_t p) {
    kept[p] = 0;
    --count;
    hours -= f.hours[p];
    engine.remove(p);
  }
  bool fits(std::uint32_t q) const {
    return !f.o.budget_hours || hours + f.hours[q] <= *f.o.budget_hours + 1e-9;
  }
  std::vector<std::uint32_t> members() const {
    std::vector<std::uint32_t> m;
    for (std::uint32_t p = 0; p < kept.size(); ++p)
      if (kept[p]) m.push_back(p);
    return m;
  }
  // The objective of the set, taking it apart and back.
  Score value() {
    const std::vector<std::uint32_t> m = members();
    for (std::uint32_t p : m) remove(p);
    Score v;
    for (std::uint32_t p : m) {
      v = v + gain(p);
      add(p);
    }
    return v;
  }
  void clear() {
    for (std::uint32_t p : members()) remove(p);
  }
};

// Adds the best post (per weekly hour with a budget) that fits, while the count allows and,
// without a count, while it gains. Returns the scores computed.
template <typename Engine>
std::uint64_t fill(KeepSet<Engine>& set, bool per_hour) {
  const PriorityFrame& f = set.f;
  const std::size_t n = f.posts.size();
  std::uint64_t evaluations = 0;
  std::vector<Score> score(n);
  while (!f.o.keep || set.count < *f.o.keep) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), [&](const auto& range) {
      for (std::size_t q = range.begin(); q != range.end(); ++q)
        if (!set.kept[q]) score[q] = set.gain(static_cast<std::uint32_t>(q));
    });
    evaluations += n - set.count;
    std::uint32_t best = detail::kNoIndex;
    Score top;
    for (std::uint32_t q = 0; q < n; ++q) {
      if (set.kept[q] || !set.fits(q)) continue;
      const Score s = per_hour
                          ? Score{score[q].primary / f.hours[q], score[q].secondary / f.hours[q]}
                          : score[q];
      if (best == detail::kNoIndex || detail::better(s, top)) {
        best = q;
        top = s;
      }
    }
    if (best == detail::kNoIndex || (!f.o.keep && !detail::better(score[best], Score{}))) break;
    set.add(best);
  }
  return evaluations;
}

// Greedy removal from every post: the post whose removal loses least (per weekly hour while
// the budget binds) goes, ties to the later post.
template <typename Engine>
std::uint64_t remove_greedily(KeepSet<Engine>& set, Progress& progress) {
  const PriorityFrame& f = set.f;
  const std::size_t n = f.posts.size();
  std::uint64_t evaluations = 0;
  std::vector<Score> loss(n);
  progress.start("prioritise: greedy removal", n - std::min<std::size_t>(n, f.o.keep.value_or(0)));
  while (set.count > 0 && f.over(set.count, set.hours)) {
    const bool hours_bind = f.o.budget_hours && set.hours > *f.o.budget_hours + 1e-9;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), [&](const auto& range) {
      for (std::size_t p = range.begin(); p != range.end(); ++p)
        if (set.kept[p]) loss[p] = set.engine.loss(static_cast<std::uint32_t>(p));
    });
    evaluations += set.count;
    std::uint32_t worst = detail::kNoIndex;
    Score least;
    for (std::uint32_t p = 0; p < n; ++p) {
      if (!set.kept[p]) continue;
      Score s = loss[p];
      if (hours_bind) s = {s.primary / f.hours[p], s.secondary / f.hours[p]};
      if (worst == detail::kNoIndex || !detail::better(s, least)) {
        worst = p;
        least = s;
      }
    }
    set.remove(worst);
    progress.advance();
  }
  progress.finish();
  return evaluations;
}

// Swaps while one improves; with a budget, also a post out and the best that fit in its room
// back (one for several), until a pass changes nothing.
template <typename Engine>
void improve(KeepSet<Engine>& set, Priorities& pr, Progress& progress) {
  const PriorityFrame& f = set.f;
  const std::size_t n = f.posts.size();
  std::function<bool(std::uint32_t)> fits;
  if (f.o.budget_hours) fits = [&set](std::uint32_t q) { return set.fits(q); };
  for (int round = 0; round < 20; ++round) {
    bool changed = false;
    if (f.o.swaps && set.count > 0 && set.count < n) {
      std::vector<std::uint32_t> members = set.members();
      const std::uint32_t swaps =
          detail::interchange(set, members, std::span<const std::uint32_t>(f.posts), fits, progress,
                              "prioritise: swaps");
      pr.swaps += swaps;
      changed |= swaps > 0;
    }
    if (!f.o.budget_hours || f.o.keep) break;
    // One post in, the members that lose least per weekly hour out until the budget holds.
    for (std::uint32_t q = 0; q < n; ++q) {
      if (set.kept[q] || set.fits(q)) continue;
      const Score before = set.value();
      const std::vector<std::uint8_t> was = set.kept;
      set.add(q);
      while (set.hours > *f.o.budget_hours + 1e-9) {
        std::uint32_t worst = detail::kNoIndex;
        Score least;
        for (std::uint32_t p = 0; p < n; ++p) {
          if (!set.kept[p] || p == q) continue;
          const Score l = set.engine.loss(p);
          const Score s{l.primary / f.hours[p], l.secondary / f.hours[p]};
          if (worst == detail::kNoIndex || !detail::better(s, least)) {
            worst = p;
            least = s;
          }
        }
        pr.evaluations += set.count;
        if (worst == detail::kNoIndex) break;
        set.remove(worst);
      }
      if (set.hours <= *f.o.budget_hours + 1e-9 && detail::better(set.value(), before)) {
        changed = true;
        continue;
      }
      for (std::uint32_t p = 0; p < n; ++p)
        if (set.kept[p] && !was[p]) set.remove(p);
      for (std::uint32_t p = 0; p < n; ++p)
        if (!set.kept[p] && was[p]) set.add(p);
    }
    // One post out and the best that fit its room in, by gain or by gain per hour.
    for (std::uint32_t m : set.members()) {
      if (!set.kept[m]) continue;
      bool taken = false;
      for (const bool per_hour : {false, true}) {
        const Score before = set.value();
        set.remove(m);
        std::vector<std::uint8_t> was = set.kept;
        was[m] = 1;
        pr.evaluations += fill(set, per_hour);
        if (detail::better(set.value(), before)) {
          taken = true;
          break;
        }
        for (std::uint32_t p = 0; p < n; ++p)
          if (set.kept[p] && !was[p]) set.remove(p);
        set.add(m);
      }
      changed |= taken;
    }
    if (!changed) break;
  }
}

template <typename Engine>
Priorities search(const PriorityFrame& f, Engine& engine, Progress& progress) {
  Priorities pr;
  const std::size_t n = f.posts.size();
  KeepSet<Engine> set{engine, f, std::vector<std::uint8_t>(n, 0)};
  for (std::uint32_t p = 0; p < n; ++p) set.add(p);
  standalone_values(f, engine, pr, progress);

  // Two starts, each improved: greedy removal from every post (then, with a budget and no
  // count, the dropped posts that still fit and gain come back), and greedy addition from none.
  pr.evaluations += remove_greedily(set, progress);
  if (f.o.budget_hours && !f.o.keep) pr.evaluations += fill(set, false);
  improve(set, pr, progress);
  std::vector<std::uint8_t> best = set.kept;
  Score best_value = set.value();
  set.clear();
  // Then greedy additions, opening with the k-th best single post for k = 0..restarts.
  std::vector<Score> single(n);
  for (std::uint32_t q = 0; q < n; ++q) single[q] = set.gain(q);
  const std::vector<std::uint32_t> openings = detail::ranked(single);
  for (std::uint32_t k = 0; k <= kRestarts && k < n; ++k) {
    if (!set.fits(openings[k]) || (f.o.keep && *f.o.keep == 0)) continue;
    set.add(openings[k]);
    pr.evaluations += fill(set, f.o.budget_hours.has_value());
    improve(set, pr, progress);
    if (const Score v = set.value(); detail::better(v, best_value)) {
      best = set.kept;
      best_value = v;
    }
    set.clear();
  }
  pr.keep = best;
  return pr;
}

template <typename Engine>
Priorities exhaustive(const PriorityFrame& f, Engine& engine, std::uint64_t max_subsets) {
  Priorities pr;
  const auto n = static_cast<std::uint32_t>(f.posts.size());
  for (std::uint32_t p = 0; p < n; ++p) engine.add(p);
  standalone_values(f, engine, pr, null_progress());
  for (std::uint32_t p = 0; p < n; ++p) engine.remove(p);
  std::vector<std::uint8_t> best;
  Score best_value;
  auto consider = [&](std::span<const std::uint32_t> s) {
    double h = 0;
    for (std::uint32_t p : s) h += f.hours[p];
    if (f.o.budget_hours && h > *f.o.budget_hours + 1e-9) return;
    Score v;
    for (std::uint32_t p : s) {
      v = v + engine.gain(p);
      engine.add(p);
    }
    for (std::uint32_t p : s) engine.remove(p);
    ++pr.evaluations;
    if (best.empty() || detail::better(v, best_value)) {
      best_value = v;
      best.assign(n, 0);
      for (std::uint32_t p : s) best[p] = 1;
    }
  };
  if (f.o.keep) {
    if (detail::subsets(n, *f.o.keep) > max_subsets)
      throw std::invalid_argument("prioritise_exhaustive: too many keep-sets");
    detail::for_each_subset(n, *f.o.keep, consider);
  } else {
    if (n >= 63 || (std::uint64_t{1} << n) > max_subsets)
      throw std::invalid_argument("prioritise_exhaustive: too many keep-sets");
    for (std::uint32_t k = 0; k <= n; ++k) detail::for_each_subset(n, k, consider);
  }
  pr.keep = best;
  return pr;
}

template <typename Run>
Priorities dispatch(const Reallocator& r, const PrioritiseOptions& o, Run&& run) {
  const PriorityFrame f(r, o);
  Priorities pr;
  if (o.policy == ReallocationPolicy::none) {
    CountEngine engine(r, o.threshold);
    pr = run(f, engine);
  } else {
    ApplyEngine engine(r, o.policy, o.threshold);
    pr = run(f, engine);
  }
  pr.threshold = o.threshold;
  pr.policy = o.policy;
  const std::vector<std::uint8_t> all(f.posts.size(), 1);
  pr.all = evaluate_keep(r, o.policy, all, o.threshold);
  pr.kept = evaluate_keep(r, o.policy, pr.keep, o.threshold);
  if (o.budget_hours && pr.kept.posts == 0)
    pr.notes.push_back("no post fits within the budget of weekly hours");
  return pr;
}

}  // namespace

KeepFigures evaluate_keep(const Reallocator& r, ReallocationPolicy policy,
                          std::span<const std::uint8_t> active, std::size_t threshold) {
  ReallocationScratch scratch;
  CommuneCoverage coverage;
  r.apply(policy, active, threshold, scratch, coverage);
  KeepFigures k;
  const std::vector<double>& pop = r.territory().population;
  for (geo::CommuneId c = 0; c < coverage.size(); ++c) {
    if (coverage.reached_within(c, threshold)) k.population_reached += pop[c];
    k.communes_with_permanence += coverage.has_permanence[c];
  }
  for (PostId p = 0; p < active.size(); ++p)
    if (active[p]) {
      ++k.posts;
      k.weekly_hours += r.posts().posts[p].weekly_hours;
    }
  return k;
}

Priorities prioritise(const Reallocator& r, const PrioritiseOptions& o, Progress& progress) {
  return dispatch(
      r, o, [&](const PriorityFrame& f, auto& engine) { return search(f, engine, progress); });
}

Priorities prioritise_exhaustive(const Reallocator& r, const PrioritiseOptions& o,
                                 std::uint64_t max_subsets) {
  return dispatch(r, o, [&](const PriorityFrame& f, auto& engine) {
    return exhaustive(f, engine, max_subsets);
  });
}

}  // namespace covsim::sim
