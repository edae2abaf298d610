#include "sim/recommend.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <unordered_map>

#include "geo/error.hpp"
#include "sim/detail/set_search.hpp"

namespace covsim::sim {

namespace {

using detail::Score;

constexpr std::array<std::string_view, 3> kGoals = {"reach", "permanence", "access"};

// What the objectives count, fixed before any pick.
struct Frame {
  const geo::Territory& territory;
  const CoverageModel& model;
  const PlanState& state;
  const RecommendOptions& options;
  std::vector<std::uint8_t> active;   // over the scenario's posts
  std::vector<std::uint8_t> counted;  // commune -> in L (permanence) or W (access)
  double counted_population = 0;      // of W
  std::vector<geo::CommuneId> candidates;

  Frame(const DeploymentInputs& in, const CoverageModel& m, const PlanState& s,
        const RecommendOptions& o)
      : territory(in.territory), model(m), state(s), options(o) {
    const std::size_t n = territory.size();
    if (o.add == 0) throw Error("recommend: the number of posts to add must be > 0");
    if (o.threshold >= m.options().thresholds_minutes.size())
      throw Error("recommend: threshold index " + std::to_string(o.threshold) + " out of range");
    if (!(o.worst_share > 0 && o.worst_share <= 1))
      throw Error("recommend: worst_share must be within (0, 1]");
    if (!s.active.empty() && s.active.size() != s.posts.size())
      throw Error("recommend: active flags and posts disagree");
    if (s.coverage.size() != n || (!s.lost_permanence.empty() && s.lost_permanence.size() != n))
      throw Error("recommend: coverage and territory disagree");
    active.assign(s.posts.size(), 1);
    if (!s.active.empty()) active.assign(s.active.begin(), s.active.end());

    counted.assign(n, 0);
    if (o.goal == PlacementGoal::permanence) {
      for (geo::CommuneId c = 0; c < n; ++c)
        counted[c] =
            s.lost_permanence.empty() ? !s.coverage.has_permanence[c] : s.lost_permanence[c] != 0;
    } else if (o.goal == PlacementGoal::access) {
      std::vector<geo::CommuneId> order(n);
      for (geo::CommuneId c = 0; c < n; ++c) order[c] = c;
      std::stable_sort(order.begin(), order.end(), [&](geo::CommuneId a, geo::CommuneId b) {
        return s.coverage.access[a] < s.coverage.access[b];
      });
      double total = 0;
      for (double p : territory.population) total += p;
      double taken = 0;
      double last = -1;
      for (geo::CommuneId c : order) {
        if (taken >= o.worst_share * total && s.coverage.access[c] > last) break;
        counted[c] = 1;
        taken += territory.population[c];
        last = s.coverage.access[c];
      }
      counted_population = taken;
    }

    if (o.candidates.empty()) {
      for (geo::CommuneId c = 0; c < n; ++c)
        if (in.table.row_of(c) != geo::kNoRow) candidates.push_back(c);
    } else {
      candidates = o.candidates;
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      for (geo::CommuneId c : candidates)
        if (c >= n || in.table.row_of(c) == geo::kNoRow)
          throw Error("recommend: candidate commune " + std::to_string(c) +
                      " has no travel-table row");
    }
  }

  // The objective of a whole plan's coverage.
  Score value(const CommuneCoverage& cov) const {
    const std::vector<double>& pop = territory.population;
    Score v;
    switch (options.goal) {
      case PlacementGoal::reach:
        for (geo::CommuneId c = 0; c < cov.size(); ++c)
          if (cov.reached_within(c, options.threshold)) v.primary += pop[c];
        break;
      case PlacementGoal::permanence:
        for (geo::CommuneId c = 0; c < cov.size(); ++c) {
          if (counted[c] && cov.has_permanence[c]) v = v + Score{1, pop[c]};
          if (!counted[c] && state.coverage.has_permanence[c] && !cov.has_permanence[c])
            v = v - Score{1, pop[c]};
        }
        break;
      case PlacementGoal::access:
        for (geo::CommuneId c = 0; c < cov.size(); ++c)
          if (counted[c]) v.primary += pop[c] * cov.access[c];
        v.primary = counted_population > 0 ? v.primary / counted_population : 0;
        break;
    }
    return v;
  }
};

// Centrality posts: each candidate's row says what it adds to each commune's level; the
// objective is Σ_i w_i min(cap_i, level_i), so a candidate is scored from its row alone.
class CentralityEngine {
 public:
  CentralityEngine(const DeploymentInputs& in, const Frame& f) {
    const geo::Territory& t = in.territory;
    const CommuneCoverage& cov = f.state.coverage;
    const std::size_t n = t.size();
    const float threshold = f.model.options().thresholds_minutes[f.options.threshold];
    weight_.assign(n, 0.0);
    tiebreak_.assign(n, 0.0);
    cap_.assign(n, 1.0);
    level_.assign(n, 0.0);
    const double hours = f.options.model.weekly_hours;
    slot_.assign(n, detail::kNoIndex);
    first_.push_back(0);
    for (std::uint32_t k = 0; k < f.candidates.size(); ++k) {
      const geo::CommuneId site = f.candidates[k];
      slot_[site] = k;
      const auto row = in.table.row(in.table.row_of(site));
      switch (f.options.goal) {
        case PlacementGoal::reach:
          for (const geo::Reach& r : row)
            if (r.minutes <= threshold && !cov.reached_within(r.commune, f.options.threshold))
              push(r.commune, 1.0);
          break;
        case PlacementGoal::permanence:
          if (f.counted[site]) push(site, 1.0);
          break;
        case PlacementGoal::access: {
          // R_j = S_j / Σ_k P_k w(d_kj) as CoverageModel computes it (weights as floats).
          double demand = 0;
          for (const geo::Reach& r : row)
            demand += t.population[r.commune] * static_cast<float>(f.model.decay(r.minutes));
          if (!(demand > 0)) break;
          for (const geo::Reach& r : row)
            if (f.counted[r.commune])
              if (const float w = static_cast<float>(f.model.decay(r.minutes)); w > 0)
                push(r.commune, 10'000 * hours / demand * w);
          break;
        }
      }
      first_.push_back(static_cast<std::uint32_t>(commune_.size()));
    }
    for (geo::CommuneId c = 0; c < n; ++c) switch (f.options.goal) {
        case PlacementGoal::reach:
          weight_[c] = t.population[c];
          break;
        case PlacementGoal::permanence:
          weight_[c] = 1;
          tiebreak_[c] = t.population[c];
          break;
        case PlacementGoal::access:
          weight_[c] = f.counted_population > 0 ? t.population[c] / f.counted_population : 0;
          cap_[c] = std::numeric_limits<double>::infinity();
          break;
      }
  }

  Score gain(std::uint32_t commune) const {
    const std::uint32_t k = slot_[commune];
    Score s;
    for (std::uint32_t e = first_[k]; e < first_[k + 1]; ++e) {
      const geo::CommuneId c = commune_[e];
      const double before = std::min(cap_[c], level_[c]);
      const double rise = std::min(cap_[c], level_[c] + amount_[e]) - before;
      s.primary += weight_[c] * rise;
      s.secondary += tiebreak_[c] * rise;
    }
    return s;
  }
  void add(std::uint32_t commune) { shift(commune, 1); }
  void remove(std::uint32_t commune) { shift(commune, -1); }

 private:
  void push(geo::CommuneId c, double amount) {
    commune_.push_back(c);
    amount_.push_back(amount);
  }
  void shift(std::uint32_t commune, double sign) {
    const std::uint32_t k = slot_[commune];
    for (std::uint32_t e = first_[k]; e < first_[k + 1]; ++e)
      level_[commune_[e]] += sign * amount_[e];
  }

  std::vector<std::uint32_t> slot_;  // commune -> candidate index
  std::vector<std::uint32_t> first_;
  std::vector<geo::CommuneId> commune_;
  std::vector<double> amount_;
  std::vector<double> weight_, tiebreak_, cap_, level_;
};

// Team posts: a plan is the posts left outside the re-planned teams, plus each re-planned team
// (a group holding new posts) planned afresh by deploy(); every evaluation recomputes coverage.
class TeamEngine {
 public:
  TeamEngine(const DeploymentInputs& in, const Frame& f, const DeploymentOptions& deploy_options)
      : in_(in), f_(f), deploy_options_(deploy_options) {
    const Post& m = f.options.model;
    grouping_ = in.territory.grouping(m.group_key);
    if (grouping_ == nullptr)
      throw Error("recommend: a new " + std::string(name(m.strategy)) +
                  " post joins the team of its group, but the territory has no grouping \"" +
                  m.group_key + "\"");
    for (PostId p = 0; p < f.state.posts.size(); ++p) {
      const Post& post = f.state.posts.posts[p];
      if (f.active[p] && in_team(post) && post.group_key == m.group_key)
        team_[post.group].push_back(p);
    }
    current_ = evaluate(picks_, nullptr).second;
  }

  Score gain(std::uint32_t commune) const {
    std::vector<geo::CommuneId> with = picks_;
    with.push_back(commune);
    return evaluate(with, nullptr).second - current_;
  }
  void add(std::uint32_t commune) {
    picks_.push_back(commune);
    current_ = evaluate(picks_, nullptr).second;
  }
  void remove(std::uint32_t commune) {
    std::erase(picks_, commune);
    current_ = evaluate(picks_, nullptr).second;
  }

  // The plan with new posts at `homes` (post ids: the scenario's, then base_id + i for homes[i])
  // and its objective; the coverage is kept in `out` when given.
  std::pair<Deployment, Score> evaluate(std::span<const geo::CommuneId> homes,
                                        CommuneCoverage* out) const {
    const PostTable& posts = f_.state.posts;
    const auto base_id = static_cast<PostId>(posts.size());
    std::map<geo::GroupId, std::vector<std::uint32_t>> by_group;  // group -> indices in homes
    for (std::uint32_t i = 0; i < homes.size(); ++i) {
      const geo::GroupId g = grouping_->of[homes[i]];
      if (g != geo::kNoGroup) by_group[g].push_back(i);
    }
    auto replanned = [&](PostId p) {
      return p < base_id && in_team(posts.posts[p]) &&
             posts.posts[p].group_key == f_.options.model.group_key &&
             by_group.contains(posts.posts[p].group);
    };
    const Deployment& d = f_.state.deployment;
    Deployment plan;
    for (SiteId s = 0; s < d.sites(); ++s)
      if (f_.active[d.site_post[s]] && !replanned(d.site_post[s]))
        append_site(plan, d.site_commune[s], d.site_post[s], d.site_weekly_hours[s]);
    for (CircuitId c = 0; c < d.circuits(); ++c)
      if (f_.active[d.circuit_post[c]] && !replanned(d.circuit_post[c]))
        append_circuit(plan, d, c, d.circuit_post[c]);
    for (auto& [g, indices] : by_group) {
      // New posts join their team in commune order, whatever the order of the picks.
      std::sort(indices.begin(), indices.end(),
                [&](std::uint32_t a, std::uint32_t b) { return homes[a] < homes[b]; });
      std::vector<geo::CommuneId> group_homes;
      for (std::uint32_t i : indices) group_homes.push_back(homes[i]);
      const std::shared_ptr<const Deployment> team = team_plan(g, group_homes);
      const auto it = team_.find(g);
      const std::size_t old = it == team_.end() ? 0 : it->second.size();
      auto id = [&](PostId local) {
        return local < old ? it->second[local] : base_id + indices[local - old];
      };
      for (SiteId s = 0; s < team->sites(); ++s)
        append_site(plan, team->site_commune[s], id(team->site_post[s]),
                    team->site_weekly_hours[s]);
      for (CircuitId c = 0; c < team->circuits(); ++c)
        append_circuit(plan, *team, c, id(team->circuit_post[c]));
      plan.notes.insert(plan.notes.end(), team->notes.begin(), team->notes.end());
    }
    CoverageScratch& scratch = scratch_.local();
    CommuneCoverage local;
    CommuneCoverage& cov = out ? *out : local;
    f_.model.compute(plan, {}, scratch, cov);
    const Score v = f_.value(cov);
    return {std::move(plan), v};
  }

 private:
  // Team g planned afresh with its posts left and new posts at `homes` (ascending), respecting
  // the permanences every post outside it holds in the plan as it stands (so the plan depends on
  // g and homes only, and is cached on them).
  std::shared_ptr<const Deployment> team_plan(geo::GroupId g,
                                              std::span<const geo::CommuneId> homes) const {
    std::string key = std::to_string(g);
    for (geo::CommuneId h : homes) key += "," + std::to_string(h);
    {
      std::lock_guard lock(mutex_);
      if (auto it = plans_.find(key); it != plans_.end()) return it->second;
    }
    PostTable sub;
    std::vector<geo::CommuneId> existing;
    const auto it = team_.find(g);
    if (it != team_.end())
      for (PostId p : it->second) sub.posts.push_back(f_.state.posts.posts[p]);
    for (std::size_t i = 0; i < homes.size(); ++i) {
      Post q = f_.options.model;
      q.id = "NEW-" + in_.territory.code[homes[i]];
      q.home = homes[i];
      q.group = g;
      sub.posts.push_back(std::move(q));
    }
    std::vector<std::uint8_t> member(f_.state.posts.size(), 0);
    if (it != team_.end())
      for (PostId p : it->second) member[p] = 1;
    const Deployment& d = f_.state.deployment;
    for (SiteId s = 0; s < d.sites(); ++s)
      if (f_.active[d.site_post[s]] && !member[d.site_post[s]])
        existing.push_back(d.site_commune[s]);
    for (CircuitId c = 0; c < d.circuits(); ++c)
      if (f_.active[d.circuit_post[c]] && !member[d.circuit_post[c]])
        for (geo::CommuneId x : d.stops(c)) existing.push_back(x);
    auto plan = std::make_shared<Deployment>(deploy(
        {in_.territory, in_.table, in_.adjacency, minutes_}, sub, deploy_options_, {existing}));
    std::lock_guard lock(mutex_);
    return plans_.emplace(std::move(key), std::move(plan)).first->second;
  }

  const DeploymentInputs& in_;
  const Frame& f_;
  const DeploymentOptions& deploy_options_;
  const geo::Grouping* grouping_ = nullptr;
  std::map<geo::GroupId, std::vector<PostId>> team_;  // group -> active posts of its team
  std::vector<geo::CommuneId> picks_;
  Score current_;
  MinutesRow minutes_ = cached(in_.minutes);
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, std::shared_ptr<const Deployment>> plans_;
  mutable tbb::enumerable_thread_specific<CoverageScratch> scratch_;

  // Rows asked once are kept: every evaluation of a team asks the same few centres and homes.
  static MinutesRow cached(MinutesRow inner) {
    struct Cache {
      std::mutex mutex;
      std::map<std::tuple<geo::CommuneId, bool, std::vector<geo::CommuneId>>, std::vector<float>>
          rows;
    };
    auto cache = std::make_shared<Cache>();
    return [inner = std::move(inner), cache](
               geo::CommuneId source, std::span<const geo::CommuneId> targets, bool towards) {
      auto key = std::make_tuple(source, towards,
                                 std::vector<geo::CommuneId>(targets.begin(), targets.end()));
      {
        std::lock_guard lock(cache->mutex);
        if (auto it = cache->rows.find(key); it != cache->rows.end()) return it->second;
      }
      std::vector<float> row = inner(source, targets, towards);
      std::lock_guard lock(cache->mutex);
      return cache->rows.emplace(std::move(key), std::move(row)).first->second;
    };
  }
};

// Orders a final set as greedy would take it, each pick with its gain given those before.
template <typename Engine>
void rank(Engine& engine, std::vector<geo::CommuneId> set, Recommendation& r) {
  for (geo::CommuneId c : set) engine.remove(c);
  std::vector<std::uint8_t> taken(set.size(), 0);
  double total = 0;
  for (std::size_t step = 0; step < set.size(); ++step) {
    const detail::Best b =
        detail::best_addition(engine, std::span<const std::uint32_t>(set), taken);
    taken[b.index] = 1;
    engine.add(set[b.index]);
    r.picks.push_back(set[b.index]);
    r.gain.push_back(b.score.primary);
    r.gain_tiebreak.push_back(b.score.secondary);
    total += b.score.primary;
    r.cumulative.push_back(total);
  }
  r.total = total;
}

std::string new_post_id(std::size_t rank) { return "NEW-" + std::to_string(rank + 1); }

// Posts, deployment and coverage of the plan with the ranked picks.
template <typename Engine>
void finish(const Frame& f, Engine& engine, Recommendation& r) {
  r.goal = f.options.goal;
  r.counted = f.counted;
  r.posts = f.state.posts;
  r.active = f.active;
  for (std::size_t i = 0; i < r.picks.size(); ++i) {
    Post q = f.options.model;
    q.id = new_post_id(i);
    q.home = r.picks[i];
    if (q.strategy != Strategy::centrality) {
      const geo::Grouping* g = f.territory.grouping(q.group_key);
      q.group = g ? g->of[q.home] : geo::kNoGroup;
    }
    r.posts.posts.push_back(std::move(q));
    r.active.push_back(1);
  }
  if constexpr (std::is_same_v<Engine, TeamEngine>) {
    r.deployment = engine.evaluate(r.picks, &r.coverage).first;
  } else {
    r.deployment = active_only(f.state.deployment, f.active);
    const auto base_id = static_cast<PostId>(f.state.posts.size());
    for (std::size_t i = 0; i < r.picks.size(); ++i)
      append_site(r.deployment, r.picks[i], base_id + static_cast<PostId>(i),
                  f.options.model.weekly_hours);
    CoverageScratch scratch;
    f.model.compute(r.deployment, {}, scratch, r.coverage);
  }
  r.value_before = f.value(f.state.coverage).primary;
  if (f.options.goal == PlacementGoal::permanence && !f.state.lost_permanence.empty() &&
      std::none_of(f.counted.begin(), f.counted.end(), [](std::uint8_t x) { return x != 0; }))
    r.notes.push_back("no commune lost its permanence in the renewal round: nothing to regain");
}

// Greedy picks after `first` (none: from scratch), then interchange; the set, engine left
// holding it.
template <typename Engine>
std::vector<geo::CommuneId> greedy_interchange(const Frame& f, Engine& engine,
                                               std::optional<std::uint32_t> first,
                                               Recommendation& r, Progress& progress) {
  const std::span<const std::uint32_t> candidates(f.candidates);
  std::vector<std::uint8_t> picked(candidates.size(), 0);
  std::vector<std::uint32_t> members;
  if (first) {
    picked[*first] = 1;
    members.push_back(*first);
    engine.add(candidates[*first]);
  }
  progress.start("recommend: greedy picks", f.options.add);
  progress.advance(members.size());
  while (members.size() < f.options.add) {
    const detail::Best b = detail::best_addition(engine, candidates, picked);
    r.evaluations += candidates.size() - members.size();
    if (b.index == detail::kNoIndex || !detail::better(b.score, Score{})) break;
    picked[b.index] = 1;
    members.push_back(b.index);
    engine.add(candidates[b.index]);
    progress.advance();
  }
  progress.finish();
  if (f.options.interchange && !members.empty())
    r.swaps +=
        detail::interchange(engine, members, candidates, {}, progress, "recommend: interchange");
  std::vector<geo::CommuneId> set;
  for (std::uint32_t m : members) set.push_back(candidates[m]);
  return set;
}

// Value of the set the engine holds, taking it apart and back.
template <typename Engine>
Score value_of(Engine& engine, std::span<const geo::CommuneId> set) {
  for (geo::CommuneId c : set) engine.remove(c);
  Score total;
  for (geo::CommuneId c : set) {
    total = total + engine.gain(c);
    engine.add(c);
  }
  return total;
}

template <typename Engine>
Recommendation heuristic(const Frame& f, Engine& engine, Progress& progress) {
  Recommendation r;
  // Run 0 starts from scratch; run k opens with the k-th best single pick instead, since
  // interchange alone stops in local optima. The best set is kept (ties: the earlier run).
  const std::vector<std::uint32_t> openings =
      detail::ranked(detail::all_gains(engine, std::span<const std::uint32_t>(f.candidates)));
  r.evaluations += f.candidates.size();
  std::vector<geo::CommuneId> best;
  Score best_value;
  for (std::uint32_t run = 0; run <= f.options.restarts && run < openings.size(); ++run) {
    std::optional<std::uint32_t> first;
    if (run > 0) first = openings[run];
    std::vector<geo::CommuneId> set = greedy_interchange(f, engine, first, r, progress);
    const Score v = value_of(engine, set);
    if (run == 0 || detail::better(v, best_value)) {
      best = set;
      best_value = v;
    }
    for (geo::CommuneId c : set) engine.remove(c);
    if (f.options.add == 1) break;  // one pick: the first run is exact
  }
  if (best.size() < f.options.add)
    r.notes.push_back("only " + std::to_string(best.size()) + " of " +
                      std::to_string(f.options.add) + " new posts raise the " +
                      std::string(name(f.options.goal)) +
                      " objective; the others would add nothing and are not placed");
  for (geo::CommuneId c : best) engine.add(c);
  rank(engine, best, r);
  finish(f, engine, r);
  return r;
}

template <typename Engine>
Recommendation exhaustive(const Frame& f, Engine& engine, std::uint64_t max_subsets) {
  const auto n = static_cast<std::uint32_t>(f.candidates.size());
  const std::uint32_t k = std::min(f.options.add, n);
  if (detail::subsets(n, k) > max_subsets)
    throw std::invalid_argument("recommend_exhaustive: C(" + std::to_string(n) + ", " +
                                std::to_string(k) + ") subsets exceed the limit");
  std::vector<geo::CommuneId> best;
  Score best_total;
  Recommendation r;
  detail::for_each_subset(n, k, [&](std::span<const std::uint32_t> s) {
    Score total;
    for (std::uint32_t i : s) {
      total = total + engine.gain(f.candidates[i]);
      engine.add(f.candidates[i]);
      ++r.evaluations;
    }
    for (std::uint32_t i : s) engine.remove(f.candidates[i]);
    if (best.empty() || detail::better(total, best_total)) {
      best_total = total;
      best.clear();
      for (std::uint32_t i : s) best.push_back(f.candidates[i]);
    }
  });
  for (geo::CommuneId c : best) engine.add(c);
  rank(engine, best, r);
  finish(f, engine, r);
  return r;
}

template <typename Run>
Recommendation dispatch(const DeploymentInputs& in, const CoverageModel& model,
                        const PlanState& state, const DeploymentOptions& deploy_options,
                        const RecommendOptions& options, Run&& run) {
  const Frame f(in, model, state, options);
  if (options.model.strategy == Strategy::centrality) {
    CentralityEngine engine(in, f);
    return run(f, engine);
  }
  TeamEngine engine(in, f, deploy_options);
  return run(f, engine);
}

}  // namespace

std::string_view name(PlacementGoal g) { return kGoals[static_cast<std::size_t>(g)]; }

std::optional<PlacementGoal> parse_placement_goal(std::string_view text) {
  for (std::size_t i = 0; i < kGoals.size(); ++i)
    if (kGoals[i] == text) return static_cast<PlacementGoal>(i);
  return std::nullopt;
}

std::string allowed_placement_goals() { return "reach, permanence, access"; }

Recommendation recommend(const DeploymentInputs& inputs, const CoverageModel& model,
                         const PlanState& state, const DeploymentOptions& deploy_options,
                         const RecommendOptions& options, Progress& progress) {
  return dispatch(inputs, model, state, deploy_options, options,
                  [&](const Frame& f, auto& engine) { return heuristic(f, engine, progress); });
}

Recommendation recommend_exhaustive(const DeploymentInputs& inputs, const CoverageModel& model,
                                    const PlanState& state, const DeploymentOptions& deploy_options,
                                    const RecommendOptions& options, std::uint64_t max_subsets) {
  return dispatch(inputs, model, state, deploy_options, options,
                  [&](const Frame& f, auto& engine) { return exhaustive(f, engine, max_subsets); });
}

}  // namespace covsim::sim
