#include "sim/reallocation.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <tuple>
#include <unordered_map>

#include "geo/error.hpp"

namespace covsim::sim {

namespace {

constexpr std::array<std::string_view, 3> kPolicies = {"none", "absorb", "replan"};
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

void clear(Deployment& d) {
  d.site_commune.clear();
  d.site_post.clear();
  d.site_weekly_hours.clear();
  d.circuit_post.clear();
  d.circuit_cycle_minutes.clear();
  d.circuit_rounds_per_month.clear();
  d.circuit_first.assign(1, 0);
  d.stop_commune.clear();
  d.stop_visits_per_month.clear();
  d.stop_presence_hours_per_month.clear();
  d.notes.clear();
}

void add_site(Deployment& d, geo::CommuneId commune, PostId post, double hours) {
  d.site_commune.push_back(commune);
  d.site_post.push_back(post);
  d.site_weekly_hours.push_back(hours);
}

// Appends circuit `c` of `from` as a circuit of `post`, its rounds (so visits and presence)
// scaled by `scale`: in the roaming model both grow linearly with the advisor's hours.
void add_circuit(Deployment& to, const Deployment& from, CircuitId c, PostId post, double scale) {
  to.circuit_post.push_back(post);
  to.circuit_cycle_minutes.push_back(from.circuit_cycle_minutes[c]);
  to.circuit_rounds_per_month.push_back(from.circuit_rounds_per_month[c] * scale);
  for (std::uint32_t k = from.circuit_first[c]; k < from.circuit_first[c + 1]; ++k) {
    to.stop_commune.push_back(from.stop_commune[k]);
    to.stop_visits_per_month.push_back(from.stop_visits_per_month[k] * scale);
    to.stop_presence_hours_per_month.push_back(from.stop_presence_hours_per_month[k] * scale);
  }
  to.circuit_first.push_back(static_cast<std::uint32_t>(to.stop_commune.size()));
}

}  // namespace

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

// Multi-centre or roaming posts sharing one territory: what deploy() plans together.
struct Reallocator::ReplanGroup {
  Strategy strategy = Strategy::multi_centre;
  std::vector<PostId> posts;
};

// Re-plans are pure functions of (group, remaining posts): computed once, shared by threads.
struct Reallocator::ReplanCache {
  std::map<std::vector<geo::CommuneId>, std::vector<float>> minutes;  // read-only after setup
  std::shared_mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const Deployment>> plans;
};

Reallocator::Reallocator(const geo::Territory& territory, const PostTable& posts,
                         const geo::TravelTable& table, const Deployment& base,
                         const CoverageModel& model, const DeploymentOptions& deploy_options,
                         const MinutesAmong& minutes_among, ReallocationOptions options,
                         Progress& progress)
    : territory_(territory),
      posts_(posts),
      table_(table),
      base_(base),
      model_(model),
      deploy_options_(deploy_options),
      options_(std::move(options)),
      cache_(std::make_unique<ReplanCache>()) {
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

  // Absorb: each post's distinct site rows and total site hours.
  std::vector<std::vector<geo::RowId>> rows(n);
  post_site_hours_.assign(n, 0.0);
  for (SiteId s = 0; s < base.sites(); ++s) {
    const PostId p = base.site_post[s];
    const geo::RowId r = table.row_of(base.site_commune[s]);
    if (r == geo::kNoRow)
      throw Error("reallocation: site " + territory.code[base.site_commune[s]] + " of post " +
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
    absorb_grouping_ = territory.grouping(a.group_key);
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

  // Replan: groups as deploy() forms them, and each roaming group's travel matrix, once.
  replan_group_of_.assign(n, kNone);
  std::map<std::tuple<Strategy, std::string, geo::GroupId>, std::uint32_t> index;
  for (PostId p = 0; p < n; ++p) {
    const Post& post = posts.posts[p];
    if (post.strategy == Strategy::centrality) continue;
    auto [it, inserted] = index.emplace(std::tuple{post.strategy, post.group_key, post.group},
                                        static_cast<std::uint32_t>(replan_groups_.size()));
    if (inserted) replan_groups_.push_back({post.strategy, {}});
    replan_groups_[it->second].posts.push_back(p);
    replan_group_of_[p] = it->second;
  }
  if (minutes_among) {
    std::size_t roaming = 0;
    for (const ReplanGroup& g : replan_groups_) roaming += g.strategy == Strategy::roaming;
    progress.start("roaming travel matrices", roaming);
    for (const ReplanGroup& g : replan_groups_) {
      if (g.strategy != Strategy::roaming) continue;
      const Post& first = posts.posts[g.posts.front()];
      const geo::Grouping* grouping = territory.grouping(first.group_key);
      std::vector<geo::CommuneId> communes;
      for (geo::CommuneId c = 0; grouping != nullptr && c < grouping->of.size(); ++c)
        if (grouping->of[c] == first.group) communes.push_back(c);
      std::vector<float> m = minutes_among(communes);
      cache_->minutes.emplace(std::move(communes), std::move(m));
      progress.advance();
    }
    progress.finish();
  }
}

Reallocator::~Reallocator() = default;

const Deployment& Reallocator::evaluated(const ReallocationScratch& scratch) const {
  return scratch.absorbed.empty() && scratch.groups_replanned == 0 ? base_ : scratch.work;
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
  switch (policy) {
    case ReallocationPolicy::none:
      model_.compute(base_, active, scratch.coverage, out);
      return;
    case ReallocationPolicy::absorb:
      apply_absorb(active, threshold, scratch, out);
      return;
    case ReallocationPolicy::replan:
      apply_replan(active, scratch, out);
      return;
  }
}

void Reallocator::apply_absorb(std::span<const std::uint8_t> active, std::size_t threshold,
                               ReallocationScratch& scratch, CommuneCoverage& out) const {
  model_.compute(base_, active, scratch.coverage, out);
  const std::size_t n = territory_.size();
  std::vector<geo::CommuneId>& orphans = scratch.orphan_list;
  orphans.clear();
  for (geo::CommuneId c = 0; c < n; ++c)
    if (baseline_.reached_within(c, threshold) && !out.reached_within(c, threshold))
      orphans.push_back(c);
  scratch.orphans = static_cast<std::uint32_t>(orphans.size());
  if (orphans.empty()) return;
  const std::vector<double>& population = territory_.population;
  std::sort(orphans.begin(), orphans.end(), [&](geo::CommuneId a, geo::CommuneId b) {
    return population[a] != population[b] ? population[a] > population[b] : a < b;
  });

  const AbsorbOptions& o = options_.absorb;
  const std::size_t posts = posts_.size();
  scratch.budget.assign(posts, -1.0);  // -1: not computed yet in this draw
  scratch.moved.assign(posts, 0.0);
  for (const geo::CommuneId c : orphans) {
    std::size_t g = 0;
    if (absorb_grouping_ != nullptr) {
      g = c < absorb_grouping_->of.size() ? absorb_grouping_->of[c] : geo::kNoGroup;
      if (g == geo::kNoGroup) continue;
    }
    scratch.candidates.clear();
    for (std::uint32_t k = group_post_first_[g]; k < group_post_first_[g + 1]; ++k) {
      const PostId p = group_posts_[k];
      if (!active[p]) continue;
      float best = std::numeric_limits<float>::infinity();
      for (std::uint32_t r = post_row_first_[p]; r < post_row_first_[p + 1]; ++r)
        if (const std::optional<float> m = table_.minutes(post_rows_[r], c); m && *m < best)
          best = *m;
      if (std::isfinite(best)) scratch.candidates.push_back({best, p});
    }
    std::sort(scratch.candidates.begin(), scratch.candidates.end());
    const double presence = std::max(o.min_hours, o.hours_per_1000 * population[c] / 1000);
    for (const auto& [minutes, p] : scratch.candidates) {
      if (scratch.budget[p] < 0)
        scratch.budget[p] = std::min(
            post_site_hours_[p], o.movable_share * (posts_.posts[p].weekly_hours - protected_[p]));
      const double travel = 2.0 * minutes / 60.0;
      if (presence + travel > scratch.budget[p]) continue;
      scratch.budget[p] -= presence + travel;
      scratch.moved[p] += presence + travel;
      scratch.absorbed.push_back({c, p, minutes, presence, travel});
      scratch.hours_moved += presence + travel;
      break;
    }
  }
  if (scratch.absorbed.empty()) return;

  // The base deployment, the absorbing advisors' sites short of the moved hours, plus one
  // weekly circuit per absorbing advisor through the communes it took.
  Deployment& w = scratch.work;
  clear(w);
  for (SiteId s = 0; s < base_.sites(); ++s) {
    const PostId p = base_.site_post[s];
    const double scale =
        scratch.moved[p] > 0 ? (post_site_hours_[p] - scratch.moved[p]) / post_site_hours_[p] : 1;
    add_site(w, base_.site_commune[s], p, base_.site_weekly_hours[s] * scale);
  }
  for (CircuitId c = 0; c < base_.circuits(); ++c)
    add_circuit(w, base_, c, base_.circuit_post[c], 1);
  const double weeks = model_.options().weeks_per_month;
  scratch.absorbers.clear();
  scratch.absorber_slot.assign(posts, kNone);
  for (const Absorption& a : scratch.absorbed)
    if (scratch.absorber_slot[a.post] == kNone) {
      scratch.absorber_slot[a.post] = static_cast<std::uint32_t>(scratch.absorbers.size());
      scratch.absorbers.push_back(a.post);
    }
  for (const PostId p : scratch.absorbers) {
    float cycle = 0;
    for (const Absorption& a : scratch.absorbed) {
      if (a.post != p) continue;
      w.stop_commune.push_back(a.commune);
      w.stop_visits_per_month.push_back(weeks);
      w.stop_presence_hours_per_month.push_back(a.presence_hours * weeks);
      cycle += 2 * a.minutes;
    }
    w.circuit_post.push_back(p);
    w.circuit_cycle_minutes.push_back(cycle);
    w.circuit_rounds_per_month.push_back(weeks);
    w.circuit_first.push_back(static_cast<std::uint32_t>(w.stop_commune.size()));
  }
  model_.compute(w, active, scratch.coverage, out);
}

std::shared_ptr<const Deployment> Reallocator::replan_group(
    std::size_t g, std::span<const std::uint8_t> active) const {
  const ReplanGroup& rg = replan_groups_[g];
  std::string key(sizeof g, '\0');
  std::copy_n(reinterpret_cast<const char*>(&g), sizeof g, key.begin());
  for (const PostId p : rg.posts) key.push_back(static_cast<char>(active[p] != 0));
  {
    std::shared_lock lock(cache_->mutex);
    if (auto it = cache_->plans.find(key); it != cache_->plans.end()) return it->second;
  }
  PostTable sub;
  std::vector<PostId> original;
  for (const PostId p : rg.posts) {
    if (!active[p]) continue;
    Post post = posts_.posts[p];
    post.weekly_hours -= protected_[p];
    if (!(post.weekly_hours > 0)) continue;  // every hour protected: nothing to re-plan
    sub.posts.push_back(std::move(post));
    original.push_back(p);
  }
  auto plan = std::make_shared<Deployment>();
  if (!sub.posts.empty()) {
    const MinutesAmong cached = [this, &rg](std::span<const geo::CommuneId> communes) {
      const std::vector<geo::CommuneId> k(communes.begin(), communes.end());
      const auto it = cache_->minutes.find(k);
      if (it == cache_->minutes.end())
        throw Error("reallocation: re-planning roaming post " + posts_.posts[rg.posts[0]].id +
                    "'s group needs travel matrices; give the Reallocator a MinutesAmong");
      return it->second;
    };
    *plan = deploy(territory_, sub, table_, cached, deploy_options_);
    for (PostId& p : plan->site_post) p = original[p];
    for (PostId& p : plan->circuit_post) p = original[p];
  }
  std::unique_lock lock(cache_->mutex);
  // Another thread may have planned the same case meanwhile: deploy() is deterministic, so
  // either copy is the same plan.
  return cache_->plans.emplace(std::move(key), std::move(plan)).first->second;
}

void Reallocator::apply_replan(std::span<const std::uint8_t> active, ReallocationScratch& scratch,
                               CommuneCoverage& out) const {
  scratch.replanned.assign(replan_groups_.size(), 0);
  for (std::size_t g = 0; g < replan_groups_.size(); ++g)
    for (const PostId p : replan_groups_[g].posts)
      if (!active[p]) scratch.replanned[g] = 1;
  for (const std::uint8_t r : scratch.replanned) scratch.groups_replanned += r;
  if (scratch.groups_replanned == 0) {
    model_.compute(base_, active, scratch.coverage, out);
    return;
  }
  // Posts of re-planned groups keep only their protected share where they are.
  auto kept_share = [&](PostId p) {
    const std::uint32_t g = replan_group_of_[p];
    if (g == kNone || !scratch.replanned[g]) return 1.0;
    return protected_[p] / posts_.posts[p].weekly_hours;
  };
  Deployment& w = scratch.work;
  clear(w);
  for (SiteId s = 0; s < base_.sites(); ++s) {
    const PostId p = base_.site_post[s];
    const double share = kept_share(p);
    if (active[p] && share > 0)
      add_site(w, base_.site_commune[s], p, base_.site_weekly_hours[s] * share);
  }
  for (CircuitId c = 0; c < base_.circuits(); ++c) {
    const PostId p = base_.circuit_post[c];
    const double share = kept_share(p);
    if (active[p] && share > 0) add_circuit(w, base_, c, p, share);
  }
  for (std::size_t g = 0; g < replan_groups_.size(); ++g) {
    if (!scratch.replanned[g]) continue;
    const std::shared_ptr<const Deployment> plan = replan_group(g, active);
    for (SiteId s = 0; s < plan->sites(); ++s)
      add_site(w, plan->site_commune[s], plan->site_post[s], plan->site_weekly_hours[s]);
    for (CircuitId c = 0; c < plan->circuits(); ++c)
      add_circuit(w, *plan, c, plan->circuit_post[c], 1);
    w.notes.insert(w.notes.end(), plan->notes.begin(), plan->notes.end());
  }
  model_.compute(w, active, scratch.coverage, out);
}

}  // namespace covsim::sim
