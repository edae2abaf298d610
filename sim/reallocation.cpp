#include "sim/reallocation.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "geo/error.hpp"

namespace covsim::sim {

namespace {

constexpr std::array<std::string_view, 3> kPolicies = {"none", "absorb", "replan"};
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

}  // namespace

// Where each post works in `d`: its sites, and its stops at their weekly presence.
struct Reallocator::Places {
  struct Place {
    geo::CommuneId commune;
    double weekly_hours;
  };
  std::vector<std::vector<Place>> of;  // post -> its places

  Places(const Deployment& d, std::size_t posts, double weeks_per_month) : of(posts) {
    auto add = [&](PostId p, geo::CommuneId c, double h) {
      for (Place& x : of[p])
        if (x.commune == c) {
          x.weekly_hours += h;
          return;
        }
      of[p].push_back({c, h});
    };
    for (SiteId s = 0; s < d.sites(); ++s)
      add(d.site_post[s], d.site_commune[s], d.site_weekly_hours[s]);
    for (CircuitId c = 0; c < d.circuits(); ++c)
      for (std::uint32_t k = d.circuit_first[c]; k < d.circuit_first[c + 1]; ++k)
        add(d.circuit_post[c], d.stop_commune[k],
            d.stop_presence_hours_per_month[k] / weeks_per_month);
    for (std::vector<Place>& list : of)
      std::erase_if(list, [](const Place& x) { return !(x.weekly_hours > 0); });
  }
};

std::string_view name(ReallocationPolicy p) { return kPolicies[static_cast<std::size_t>(p)]; }

std::optional<ReallocationPolicy> parse_reallocation_policy(std::string_view text) {
  for (std::size_t i = 0; i < kPolicies.size(); ++i)
    if (kPolicies[i] == text) return static_cast<ReallocationPolicy>(i);
  return std::nullopt;
}

std::string allowed_reallocation_policies() { return "none, absorb, replan"; }

std::size_t threshold_index(const CoverageOptions& coverage, float minutes) {
  const std::vector<float>& th = coverage.thresholds_minutes;
  if (minutes == 0 && !th.empty()) return th.size() - 1;
  const auto it = std::find(th.begin(), th.end(), minutes);
  if (it == th.end()) {
    auto text = [](float v) {
      char buf[32];
      return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    };
    std::string known;
    for (const float t : th) (known += known.empty() ? "" : ", ") += text(t);
    throw Error("threshold " + text(minutes) + " min is not one of the coverage thresholds (" +
                known + ")");
  }
  return static_cast<std::size_t>(it - th.begin());
}

// A team as deploy() forms it, the posts outside it whose permanences reach its communes (their
// fate changes what the team plan respects), and the communes its plans may ask minutes for.
struct Reallocator::Team {
  std::vector<PostId> posts;
  std::vector<PostId> outside;
  std::vector<geo::CommuneId> communes;
  std::unordered_map<geo::CommuneId, std::uint32_t> index;
};

// Team plans are pure functions of (policy, team, posts active among its own and outside), and
// a commune's minutes to and from its team's communes do not change: both computed once, the
// first time a draw needs them, and shared by threads.
struct Reallocator::Cache {
  std::shared_mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const Deployment>> plans;
  std::size_t plan_bytes = 0;
  std::shared_mutex rows_mutex;
  std::unordered_map<std::uint64_t, std::shared_ptr<const std::vector<float>>> rows;
};

Reallocator::Reallocator(const DeploymentInputs& inputs, const PostTable& posts,
                         const Deployment& base, const CoverageModel& model,
                         const DeploymentOptions& deploy_options, ReallocationOptions options,
                         Progress& progress)
    : territory_(inputs.territory),
      table_(inputs.table),
      adjacency_(inputs.adjacency),
      minutes_(inputs.minutes),
      posts_(posts),
      base_(base),
      model_(model),
      deploy_options_(deploy_options),
      options_(std::move(options)),
      cache_(std::make_unique<Cache>()) {
  const std::size_t n = posts.size();
  for (const PostId p : base.site_post)
    if (p >= n) throw Error("reallocation: the deployment names a post the table does not hold");
  protected_.assign(n, 0.0);
  for (std::size_t i = 0; i < options_.protected_hours.size(); ++i) {
    const ProtectedHours& h = options_.protected_hours[i];
    const std::string where = "protected_hours[" + std::to_string(i) + "]";
    const std::optional<PostId> p = posts.find(h.post_id);
    if (!p) throw InputError(options_.file, where, "no post with id \"" + h.post_id + "\"");
    const double weekly = posts.posts[*p].weekly_hours;
    if (!(h.weekly_hours >= 0 && h.weekly_hours <= weekly))
      throw InputError(options_.file, where + ", weekly_hours",
                       "must be within [0, " + std::to_string(weekly) + "] (post " + h.post_id +
                           "'s weekly hours)");
    protected_[*p] = h.weekly_hours;
  }
  const AbsorbOptions& a = options_.absorb;
  if (!(a.min_hours >= 0) || !(a.hours_per_1000 >= 0) ||
      !(a.movable_share >= 0 && a.movable_share <= 1))
    throw InputError(options_.file, "absorb",
                     "min_hours and hours_per_1000 must be >= 0, movable_share within [0, 1]");

  CoverageScratch scratch;
  model.compute(base, {}, scratch, baseline_);
  places_ = std::make_unique<Places>(base, n, model.options().weeks_per_month);

  // Absorb outside teams: each post's distinct site rows and total site hours.
  std::vector<std::vector<geo::RowId>> rows(n);
  post_site_hours_.assign(n, 0.0);
  for (SiteId s = 0; s < base.sites(); ++s) {
    const PostId p = base.site_post[s];
    const geo::RowId r = table_.row_of(base.site_commune[s]);
    if (r == geo::kNoRow)
      throw Error("reallocation: site " + territory_.code[base.site_commune[s]] + " of post " +
                  posts.posts[p].id + " has no row in the travel table");
    if (std::find(rows[p].begin(), rows[p].end(), r) == rows[p].end()) rows[p].push_back(r);
    post_site_hours_[p] += base.site_weekly_hours[s];
  }
  post_row_first_.assign(1, 0);
  for (PostId p = 0; p < n; ++p) {
    post_rows_.insert(post_rows_.end(), rows[p].begin(), rows[p].end());
    post_row_first_.push_back(static_cast<std::uint32_t>(post_rows_.size()));
  }
  std::size_t absorb_groups = 1;
  if (!a.group_key.empty()) {
    absorb_grouping_ = territory_.grouping(a.group_key);
    if (absorb_grouping_ == nullptr)
      throw Error("reallocation: absorb group_key \"" + a.group_key +
                  "\" is not a grouping of the territory");
    absorb_groups = absorb_grouping_->size();
  }
  std::vector<std::vector<PostId>> by_group(absorb_groups);
  for (PostId p = 0; p < n; ++p) {
    if (rows[p].empty()) continue;
    if (absorb_grouping_ == nullptr) {
      by_group[0].push_back(p);
      continue;
    }
    const geo::CommuneId home = posts.posts[p].home;
    const geo::GroupId g =
        home < absorb_grouping_->of.size() ? absorb_grouping_->of[home] : geo::kNoGroup;
    if (g != geo::kNoGroup) by_group[g].push_back(p);
  }
  group_post_first_.assign(1, 0);
  for (const std::vector<PostId>& g : by_group) {
    group_posts_.insert(group_posts_.end(), g.begin(), g.end());
    group_post_first_.push_back(static_cast<std::uint32_t>(group_posts_.size()));
  }

  // Teams as deploy() forms them.
  team_of_.assign(n, kNone);
  std::map<std::pair<std::string, geo::GroupId>, std::uint32_t> index;
  for (PostId p = 0; p < n; ++p) {
    const Post& post = posts.posts[p];
    if (!in_team(post)) continue;
    auto [it, inserted] = index.emplace(std::pair{post.group_key, post.group},
                                        static_cast<std::uint32_t>(teams_.size()));
    if (inserted) teams_.emplace_back();
    teams_[it->second].posts.push_back(p);
    team_of_[p] = it->second;
  }
  if (teams_.empty()) return;
  // Which posts' permanences reach each commune, to find the posts outside a team that matter.
  std::vector<std::vector<PostId>> reached_by(territory_.size());
  auto reach_from = [&](geo::CommuneId f, PostId p) {
    if (const geo::RowId r = table_.row_of(f); r != geo::kNoRow)
      for (const geo::Reach& e : table_.row(r)) reached_by[e.commune].push_back(p);
  };
  for (SiteId s = 0; s < base.sites(); ++s) reach_from(base.site_commune[s], base.site_post[s]);
  for (CircuitId c = 0; c < base.circuits(); ++c)
    for (geo::CommuneId f : base.stops(c)) reach_from(f, base.circuit_post[c]);
  std::vector<std::uint8_t> seen(n, 0);
  for (std::uint32_t k = 0; k < teams_.size(); ++k) {
    Team& team = teams_[k];
    const Post& first = posts.posts[team.posts.front()];
    const geo::Grouping& g = *territory_.grouping(first.group_key);
    auto add = [&](geo::CommuneId c) {
      if (team.index.emplace(c, static_cast<std::uint32_t>(team.communes.size())).second)
        team.communes.push_back(c);
    };
    for (geo::CommuneId c = 0; c < g.of.size(); ++c)
      if (g.of[c] == first.group) {
        add(c);
        for (PostId p : reached_by[c])
          if (team_of_[p] != k && !seen[p]) {
            seen[p] = 1;
            team.outside.push_back(p);
          }
      }
    for (PostId p : team.outside) seen[p] = 0;
    std::sort(team.outside.begin(), team.outside.end());
    for (PostId p : team.posts) {
      const Post& post = posts.posts[p];
      add(post.home);
      for (const PinnedSite& s : post.sites) add(s.commune);
      for (geo::CommuneId c : post.communes) add(c);
      for (const Places::Place& x : places_->of[p]) add(x.commune);
    }
  }
  (void)progress;  // nothing long left here: team minutes come when a draw first needs them
}

Reallocator::~Reallocator() = default;

const Deployment& Reallocator::evaluated(const ReallocationScratch& scratch) const {
  return scratch.changed ? scratch.work : base_;
}

double Reallocator::movable_hours(PostId p) const {
  const double present = post_site_hours_[p];
  return std::min(present,
                  options_.absorb.movable_share * (posts_.posts[p].weekly_hours - protected_[p]));
}

std::shared_ptr<const Deployment> Reallocator::team_plan(
    ReallocationPolicy policy, std::size_t k, std::span<const std::uint8_t> active) const {
  const Team& team = teams_[k];
  std::string key(1 + sizeof k, '\0');
  key[0] = static_cast<char>(policy);
  std::copy_n(reinterpret_cast<const char*>(&k), sizeof k, key.begin() + 1);
  for (const PostId p : team.posts) key.push_back(static_cast<char>(active[p] != 0));
  for (const PostId p : team.outside) key.push_back(static_cast<char>(active[p] != 0));
  {
    std::shared_lock lock(cache_->mutex);
    if (auto it = cache_->plans.find(key); it != cache_->plans.end()) return it->second;
  }
  using Place = Places::Place;
  std::size_t lost_places = 0, left = 0;
  for (const PostId p : team.posts)
    (active[p] ? left : lost_places) += active[p] ? 1 : places_->of[p].size();
  PostTable sub;
  std::vector<PostId> original;
  for (const PostId p : team.posts) {
    if (!active[p]) continue;
    Post q = posts_.posts[p];
    const std::vector<Place>& places = places_->of[p];
    double present = 0;
    for (const Place& x : places) present += x.weekly_hours;
    // The hours that stay at the post's present places: protected ones under replan, all but
    // the movable ones under absorb.
    const double movable =
        policy == ReallocationPolicy::absorb
            ? std::min(present, options_.absorb.movable_share * (q.weekly_hours - protected_[p]))
            : q.weekly_hours - std::min(protected_[p], q.weekly_hours);
    const double kept = q.weekly_hours - movable;
    // The host's premises stay a place of the post when they were one.
    const bool home_was_a_place = std::any_of(places.begin(), places.end(),
                                              [&](const Place& x) { return x.commune == q.home; });
    if (home_was_a_place && q.strategy != Strategy::centrality &&
        std::none_of(q.sites.begin(), q.sites.end(),
                     [&](const PinnedSite& x) { return x.commune == q.home; }))
      q.sites.push_back({q.home, std::nullopt});
    if (kept > 1e-9 && present > 0) {
      q.sites.clear();
      for (const Place& x : places) q.sites.push_back({x.commune, x.weekly_hours * kept / present});
      if (movable <= 1e-9) {
        q.site_count = static_cast<std::uint32_t>(q.sites.size());
        q.max_stops = static_cast<std::uint32_t>(q.sites.size());
      } else if (policy == ReallocationPolicy::absorb || q.strategy == Strategy::centrality) {
        // The kept days where they are, the rest rotating weekly through the basin. Absorbing,
        // the posts left take over the lost permanences, no more: each holds its share of them.
        q.strategy = Strategy::roaming;
        q.round = RoundKind::weekly;
        std::uint32_t extra =
            q.max_stops > 0 ? q.max_stops : deploy_options_.roaming.round.max_stops;
        if (policy == ReallocationPolicy::absorb)
          extra = std::min<std::uint32_t>(
              extra, static_cast<std::uint32_t>((lost_places + left - 1) /
                                                std::max<std::size_t>(left, 1)));
        q.max_stops = static_cast<std::uint32_t>(q.sites.size()) + extra;
      }
    }
    sub.posts.push_back(std::move(q));
    original.push_back(p);
  }
  auto plan = std::make_shared<Deployment>();
  if (!sub.posts.empty()) {
    std::vector<geo::CommuneId> existing;
    for (const PostId p : team.outside)
      if (active[p])
        for (const Place& x : places_->of[p]) existing.push_back(x.commune);
    const MinutesRow cached = [this, k](geo::CommuneId source,
                                        std::span<const geo::CommuneId> targets, bool towards) {
      return team_minutes(k, source, targets, towards);
    };
    // Absorb takes over what the lost posts leave: new stops only in their basins and places.
    std::vector<std::uint8_t> may_open;
    if (policy == ReallocationPolicy::absorb) {
      may_open.assign(territory_.size(), 0);
      for (const geo::CommuneId c : team.communes) {
        const PostId owner = c < base_.basin_post.size() ? base_.basin_post[c] : kNoPost;
        if (owner != kNoPost && team_of_[owner] == k && !active[owner]) may_open[c] = 1;
      }
      for (const PostId p : team.posts)
        if (!active[p])
          for (const Place& x : places_->of[p]) may_open[x.commune] = 1;
    }
    *plan = deploy({territory_, table_, adjacency_, cached}, sub, deploy_options_,
                   {existing, may_open});
    for (PostId& p : plan->site_post) p = original[p];
    for (PostId& p : plan->circuit_post) p = original[p];
    for (PostId& p : plan->basin_post)
      if (p != kNoPost) p = original[p];
  }
  std::unique_lock lock(cache_->mutex);
  // Bounded (ReallocationOptions::plan_cache_bytes): in-use plans live on in their shared_ptr.
  const std::size_t bytes = plan->bytes() + key.capacity();
  if (cache_->plan_bytes + bytes > options_.plan_cache_bytes) {
    cache_->plans.clear();
    cache_->plan_bytes = 0;
  }
  cache_->plan_bytes += bytes;
  // Another thread may have planned the same case meanwhile: deploy() is deterministic, so
  // either copy is the same plan.
  return cache_->plans.emplace(std::move(key), std::move(plan)).first->second;
}

std::vector<float> Reallocator::team_minutes(std::size_t k, geo::CommuneId source,
                                             std::span<const geo::CommuneId> targets,
                                             bool towards) const {
  const Team& team = teams_[k];
  std::vector<std::uint32_t> at;
  at.reserve(targets.size());
  for (geo::CommuneId c : targets) {
    const auto it = team.index.find(c);
    if (it == team.index.end()) return minutes_(source, targets, towards);  // not worth keeping
    at.push_back(it->second);
  }
  const std::uint64_t key = (static_cast<std::uint64_t>(k) << 33) |
                            (static_cast<std::uint64_t>(source) << 1) | (towards ? 1 : 0);
  std::shared_ptr<const std::vector<float>> row;
  {
    std::shared_lock lock(cache_->rows_mutex);
    if (auto it = cache_->rows.find(key); it != cache_->rows.end()) row = it->second;
  }
  if (!row) {
    auto fresh =
        std::make_shared<const std::vector<float>>(minutes_(source, team.communes, towards));
    std::unique_lock lock(cache_->rows_mutex);
    row = cache_->rows.emplace(key, std::move(fresh)).first->second;
  }
  std::vector<float> out(at.size());
  for (std::size_t i = 0; i < at.size(); ++i) out[i] = (*row)[at[i]];
  return out;
}

void Reallocator::replan_teams(ReallocationPolicy policy, std::span<const std::uint8_t> active,
                               ReallocationScratch& scratch) const {
  scratch.replanned.assign(teams_.size(), 0);
  for (std::size_t k = 0; k < teams_.size(); ++k) {
    bool lost = false, left = false;
    for (const PostId p : teams_[k].posts) (active[p] ? left : lost) = true;
    scratch.replanned[k] = lost && left;
    scratch.groups_replanned += scratch.replanned[k];
  }
  scratch.changed = scratch.groups_replanned > 0;
  if (!scratch.changed) return;
  auto replanned = [&](PostId p) {
    return team_of_[p] != kNone && scratch.replanned[team_of_[p]] != 0;
  };
  Deployment& w = scratch.work;
  clear(w);
  w.basin_post = base_.basin_post;
  for (SiteId s = 0; s < base_.sites(); ++s) {
    const PostId p = base_.site_post[s];
    if (active[p] && !replanned(p))
      append_site(w, base_.site_commune[s], p, base_.site_weekly_hours[s]);
  }
  for (CircuitId c = 0; c < base_.circuits(); ++c) {
    const PostId p = base_.circuit_post[c];
    if (active[p] && !replanned(p)) append_circuit(w, base_, c, p);
  }
  const double weeks = model_.options().weeks_per_month;
  for (std::size_t k = 0; k < teams_.size(); ++k) {
    if (!scratch.replanned[k]) continue;
    const std::shared_ptr<const Deployment> plan = team_plan(policy, k, active);
    for (SiteId s = 0; s < plan->sites(); ++s)
      append_site(w, plan->site_commune[s], plan->site_post[s], plan->site_weekly_hours[s]);
    for (CircuitId c = 0; c < plan->circuits(); ++c)
      append_circuit(w, *plan, c, plan->circuit_post[c]);
    for (geo::CommuneId c = 0; c < w.basin_post.size(); ++c)
      if ((w.basin_post[c] != kNoPost && team_of_[w.basin_post[c]] == k) ||
          plan->basin_post[c] != kNoPost)
        w.basin_post[c] = plan->basin_post[c];
    w.notes.insert(w.notes.end(), plan->notes.begin(), plan->notes.end());
    if (policy != ReallocationPolicy::absorb) continue;
    // What absorb moved: the rounds' stops that are not among the post's present places.
    for (CircuitId c = 0; c < plan->circuits(); ++c) {
      const PostId p = plan->circuit_post[c];
      const std::vector<Places::Place>& before = places_->of[p];
      double sessions = 0;
      for (std::uint32_t i = plan->circuit_first[c]; i < plan->circuit_first[c + 1]; ++i)
        sessions += plan->stop_sessions[i];
      const double driving =
          plan->circuit_cycle_minutes[c] / 60.0 / std::max(plan->circuit_period_weeks[c], 1e-9);
      for (std::uint32_t i = plan->circuit_first[c]; i < plan->circuit_first[c + 1]; ++i) {
        const geo::CommuneId at = plan->stop_commune[i];
        if (std::any_of(before.begin(), before.end(),
                        [&](const Places::Place& x) { return x.commune == at; }))
          continue;
        float minutes = std::numeric_limits<float>::infinity();
        for (const Places::Place& x : before)
          if (auto m = table_.minutes(table_.row_of(x.commune), at); m && *m < minutes)
            minutes = *m;
        const double presence = plan->stop_presence_hours_per_month[i] / weeks;
        const double travel = sessions > 0 ? driving * plan->stop_sessions[i] / sessions : 0;
        scratch.absorbed.push_back(
            {at, p, std::isfinite(minutes) ? minutes : 0.0f, presence, travel});
        scratch.hours_moved += presence + travel;
      }
    }
  }
}

void Reallocator::apply(ReallocationPolicy policy, std::span<const std::uint8_t> active,
                        std::size_t threshold, ReallocationScratch& scratch,
                        CommuneCoverage& out) const {
  if (active.size() != posts_.size())
    throw Error("reallocation: " + std::to_string(active.size()) + " flags for " +
                std::to_string(posts_.size()) + " posts");
  if (threshold >= model_.options().thresholds_minutes.size())
    throw Error("reallocation: threshold index " + std::to_string(threshold) + " out of range");
  scratch.orphans = 0;
  scratch.absorbed.clear();
  scratch.hours_moved = 0;
  scratch.groups_replanned = 0;
  scratch.changed = false;
  if (policy != ReallocationPolicy::none) replan_teams(policy, active, scratch);
  model_.compute(evaluated(scratch), active, scratch.coverage, out);
  if (policy == ReallocationPolicy::absorb) absorb_outside_teams(active, threshold, scratch, out);
}

void Reallocator::absorb_outside_teams(std::span<const std::uint8_t> active, std::size_t threshold,
                                       ReallocationScratch& scratch, CommuneCoverage& out) const {
  const std::size_t n = territory_.size();
  std::vector<geo::CommuneId>& orphans = scratch.orphan_list;
  orphans.clear();
  // Communes a re-planned team took care of are its own; the others (outside every team, or in
  // a team that lost all its posts) are orphans when they lose reach or their permanence.
  auto replanned_team = [&](geo::CommuneId c) {
    const PostId p = base_.basin_post[c];
    return p != kNoPost && team_of_[p] != kNone && scratch.replanned[team_of_[p]];
  };
  for (geo::CommuneId c = 0; c < n; ++c)
    if (!replanned_team(c) && (((lost_reach(baseline_, out, c) >> threshold) & 1u) ||
                               sim::lost_permanence(baseline_, out, c)))
      orphans.push_back(c);
  scratch.orphans = static_cast<std::uint32_t>(orphans.size());
  if (orphans.empty()) return;
  // Lost permanences first, then communes that only lost reach; largest first in each.
  const std::vector<double>& population = territory_.population;
  auto lost_permanence = [&](geo::CommuneId c) { return sim::lost_permanence(baseline_, out, c); };
  std::sort(orphans.begin(), orphans.end(), [&](geo::CommuneId a, geo::CommuneId b) {
    if (lost_permanence(a) != lost_permanence(b)) return lost_permanence(a);
    return population[a] != population[b] ? population[a] > population[b] : a < b;
  });
  const float reach = model_.options().thresholds_minutes[threshold];

  const AbsorbOptions& o = options_.absorb;
  const std::size_t posts = posts_.size();
  scratch.budget.assign(posts, -1.0);  // -1: not computed yet in this draw
  scratch.moved.assign(posts, 0.0);
  const std::size_t first_new = scratch.absorbed.size();
  for (const geo::CommuneId c : orphans) {
    // A commune that only lost reach and that a stop taken for an earlier orphan already
    // reaches again needs no stop of its own.
    if (!lost_permanence(c) &&
        std::any_of(scratch.absorbed.begin() + static_cast<std::ptrdiff_t>(first_new),
                    scratch.absorbed.end(), [&](const Absorption& a) {
                      const auto m = table_.minutes(table_.row_of(a.commune), c);
                      return m && *m <= reach;
                    }))
      continue;
    std::size_t g = 0;
    if (absorb_grouping_ != nullptr) {
      g = c < absorb_grouping_->of.size() ? absorb_grouping_->of[c] : geo::kNoGroup;
      if (g == geo::kNoGroup) continue;
    }
    scratch.candidates.clear();
    for (std::uint32_t k = group_post_first_[g]; k < group_post_first_[g + 1]; ++k) {
      const PostId p = group_posts_[k];
      // Advisors of re-planned teams have already spent their movable hours.
      if (!active[p] || (team_of_[p] != kNone && scratch.replanned[team_of_[p]])) continue;
      float best = std::numeric_limits<float>::infinity();
      for (std::uint32_t r = post_row_first_[p]; r < post_row_first_[p + 1]; ++r)
        if (const std::optional<float> m = table_.minutes(post_rows_[r], c); m && *m < best)
          best = *m;
      if (std::isfinite(best)) scratch.candidates.push_back({best, p});
    }
    std::sort(scratch.candidates.begin(), scratch.candidates.end());
    const double presence = std::max(o.min_hours, o.hours_per_1000 * population[c] / 1000);
    for (const auto& [minutes, p] : scratch.candidates) {
      if (scratch.budget[p] < 0) scratch.budget[p] = movable_hours(p);
      const double travel = 2.0 * minutes / 60.0;
      if (presence + travel > scratch.budget[p]) continue;
      scratch.budget[p] -= presence + travel;
      scratch.moved[p] += presence + travel;
      scratch.absorbed.push_back({c, p, minutes, presence, travel});
      scratch.hours_moved += presence + travel;
      break;
    }
  }
  if (scratch.absorbed.size() == first_new) return;

  // The evaluated deployment, the absorbing advisors' sites short of the moved hours, plus one
  // weekly round per absorbing advisor through the communes it took.
  Deployment& w = scratch.work;
  if (!scratch.changed) {
    clear(w);
    w.basin_post = base_.basin_post;
    for (SiteId s = 0; s < base_.sites(); ++s)
      append_site(w, base_.site_commune[s], base_.site_post[s], base_.site_weekly_hours[s]);
    for (CircuitId c = 0; c < base_.circuits(); ++c)
      append_circuit(w, base_, c, base_.circuit_post[c]);
    scratch.changed = true;
  }
  for (SiteId s = 0; s < w.sites(); ++s) {
    const PostId p = w.site_post[s];
    if (scratch.moved[p] > 0)
      w.site_weekly_hours[s] *= (post_site_hours_[p] - scratch.moved[p]) / post_site_hours_[p];
  }
  const double weeks = model_.options().weeks_per_month;
  const double session = deploy_options_.roaming.round.session_hours;
  scratch.absorbers.clear();
  scratch.absorber_slot.assign(posts, kNone);
  for (std::size_t i = first_new; i < scratch.absorbed.size(); ++i) {
    const PostId p = scratch.absorbed[i].post;
    if (scratch.absorber_slot[p] == kNone) {
      scratch.absorber_slot[p] = static_cast<std::uint32_t>(scratch.absorbers.size());
      scratch.absorbers.push_back(p);
    }
  }
  for (const PostId p : scratch.absorbers) {
    float cycle = 0;
    for (std::size_t i = first_new; i < scratch.absorbed.size(); ++i) {
      const Absorption& a = scratch.absorbed[i];
      if (a.post != p) continue;
      w.stop_commune.push_back(a.commune);
      w.stop_sessions.push_back(a.presence_hours / session);
      w.stop_visits_per_month.push_back(weeks);
      w.stop_presence_hours_per_month.push_back(a.presence_hours * weeks);
      cycle += 2 * a.minutes;
    }
    w.circuit_post.push_back(p);
    w.circuit_round.push_back(RoundKind::weekly);
    w.circuit_period_weeks.push_back(1);
    w.circuit_cycle_minutes.push_back(cycle);
    w.circuit_rounds_per_month.push_back(weeks);
    w.circuit_year_communes_share.push_back(NAN);
    w.circuit_year_population_share.push_back(NAN);
    w.circuit_first.push_back(static_cast<std::uint32_t>(w.stop_commune.size()));
  }
  model_.compute(w, active, scratch.coverage, out);
}

}  // namespace covsim::sim
