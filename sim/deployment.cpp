#include "sim/deployment.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "geo/error.hpp"
#include "geo/travel_matrix.hpp"

namespace covsim::sim {

namespace {

constexpr std::uint32_t kNoTeam = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t kOutside = kNoTeam - 1;  // a permanence of no team (or of several)
constexpr std::uint32_t kNoLocal = std::numeric_limits<std::uint32_t>::max();

struct SiteHours {
  geo::CommuneId commune;
  double hours;
};

struct Team {
  const geo::Grouping* grouping = nullptr;
  geo::GroupId group = geo::kNoGroup;
  std::vector<PostId> posts;
  std::string label() const { return grouping->key + " " + grouping->codes[group]; }
};

std::vector<Team> teams_of(const geo::Territory& territory, const PostTable& posts) {
  std::vector<Team> teams;
  std::map<std::pair<std::string, geo::GroupId>, std::size_t> index;
  for (PostId p = 0; p < posts.size(); ++p) {
    const Post& post = posts.posts[p];
    if (!in_team(post)) continue;
    auto [it, inserted] = index.emplace(std::pair{post.group_key, post.group}, teams.size());
    if (inserted) teams.push_back({territory.grouping(post.group_key), post.group, {}});
    teams[it->second].posts.push_back(p);
  }
  return teams;
}

std::string fixed1(double v) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << v;
  return s.str();
}

// The communes of one team, numbered locally: the pool the basins split first, then the other
// communes its posts need minutes for (homes, named basins, pinned sites outside the pool).
// Minutes come a commune's rows at a time (to and from every local commune), computed the
// first time that commune is asked about: the centres, seeds and homes a plan looks around.
class Local {
 public:
  explicit Local(const MinutesRow& minutes) : minutes_(minutes) {}

  std::vector<geo::CommuneId> communes;
  std::size_t pool = 0;

  std::uint32_t add(geo::CommuneId c) {
    auto [it, inserted] = index_.emplace(c, static_cast<std::uint32_t>(communes.size()));
    if (inserted) communes.push_back(c);
    return it->second;
  }
  std::uint32_t of(geo::CommuneId c) const {
    const auto it = index_.find(c);
    return it == index_.end() ? kNoLocal : it->second;
  }
  // Minutes there and back between local communes a and b, from a's rows.
  double round_trip(std::uint32_t a, std::uint32_t b) {
    rows(a);
    return static_cast<double>(from_[a][b]) + to_[a][b];
  }
  // Dense minutes among `some` communes (row-major), as a round's planning takes them.
  std::vector<float> among(std::span<const geo::CommuneId> some) const {
    std::vector<float> out;
    out.reserve(some.size() * some.size());
    for (geo::CommuneId c : some) {
      const std::vector<float> row = minutes_(c, some, false);
      out.insert(out.end(), row.begin(), row.end());
    }
    return out;
  }

 private:
  void rows(std::uint32_t a) {
    if (from_.size() < communes.size()) {
      from_.resize(communes.size());
      to_.resize(communes.size());
    }
    if (!from_[a].empty()) return;
    from_[a] = minutes_(communes[a], communes, false);
    to_[a] = minutes_(communes[a], communes, true);
    if (from_[a].size() != communes.size() || to_[a].size() != communes.size())
      throw Error("travel minutes: a row of " + std::to_string(from_[a].size()) + " for " +
                  std::to_string(communes.size()) + " communes");
  }

  const MinutesRow& minutes_;
  std::unordered_map<geo::CommuneId, std::uint32_t> index_;
  std::vector<std::vector<float>> from_, to_;
};

class Planner {
 public:
  Planner(const DeploymentInputs& in, const PostTable& posts, const DeploymentOptions& options,
          std::span<const std::uint8_t> may_open)
      : in_(in), t_(in.territory), posts_(posts), o_(options), may_open_(may_open) {}

  Deployment run(std::span<const geo::CommuneId> existing, Progress& progress) {
    const std::vector<Team> teams = teams_of(t_, posts_);
    team_of_.assign(posts_.size(), kNoTeam);
    for (std::uint32_t k = 0; k < teams.size(); ++k)
      for (PostId p : teams[k].posts) team_of_[p] = k;
    std::size_t fixed_posts = 0;
    for (const Post& p : posts_.posts) fixed_posts += p.strategy == Strategy::centrality;
    progress.start("deployment", fixed_posts + teams.size());

    const std::size_t n = t_.size();
    owner_.assign(n, kNoTeam);
    reached_by_.assign(n, {});
    mark_.assign(n, 0);
    sites_of_.assign(posts_.size(), {});
    basin_.assign(posts_.size(), {});
    d_.basin_post.assign(n, kNoPost);
    for (geo::CommuneId c : existing) add_permanence(c, kOutside);
    for (PostId p = 0; p < posts_.size(); ++p) {
      const Post& post = posts_.posts[p];
      if (post.strategy != Strategy::centrality) continue;
      const geo::CommuneId site = post.sites.empty() ? post.home : post.sites.front().commune;
      require_row(post, site);
      sites_of_[p].push_back({site, post.weekly_hours});
      add_permanence(site, team_of_[p]);
      progress.advance();
    }
    for (PostId p = 0; p < posts_.size(); ++p)
      if (posts_.posts[p].strategy != Strategy::centrality)
        for (const PinnedSite& s : posts_.posts[p].sites) {
          require_row(posts_.posts[p], s.commune);
          add_permanence(s.commune, team_of_[p]);
        }
    for (std::uint32_t k = 0; k < teams.size(); ++k) {
      plan_team(teams[k], k);
      progress.advance();
    }
    for (PostId p = 0; p < posts_.size(); ++p)
      for (const SiteHours& s : sites_of_[p]) {
        d_.site_commune.push_back(s.commune);
        d_.site_post.push_back(p);
        d_.site_weekly_hours.push_back(s.hours);
      }
    progress.finish();
    return std::move(d_);
  }

 private:
  void require_row(const Post& post, geo::CommuneId site) const {
    if (in_.table.row_of(site) == geo::kNoRow)
      throw Error("post " + post.id + ": site " + t_.code[site] +
                  " has no row in the travel table; build the table with every commune that "
                  "may hold a site or stop as a candidate");
  }

  bool has_row(geo::CommuneId c) const { return in_.table.row_of(c) != geo::kNoRow; }

  std::string codes(std::span<const geo::CommuneId> communes, std::size_t most = 12) const {
    std::string s;
    for (std::size_t i = 0; i < communes.size() && i < most; ++i)
      (s += s.empty() ? "" : ", ") += t_.code[communes[i]];
    if (communes.size() > most) s += " and " + std::to_string(communes.size() - most) + " more";
    return s;
  }

  // A permanence at c: later placements treat it as an open facility, and teams other than
  // `team` as a commune already served.
  void add_permanence(geo::CommuneId c, std::uint32_t team) {
    if (team == kNoTeam) team = kOutside;
    if (owner_[c] == kNoTeam) {
      owner_[c] = team;
      if (const geo::RowId r = in_.table.row_of(c); r != geo::kNoRow)
        for (const geo::Reach& reach : in_.table.row(r)) reached_by_[reach.commune].push_back(c);
    } else if (owner_[c] != team) {
      owner_[c] = kOutside;
    }
  }
  bool served_for(geo::CommuneId c, std::uint32_t team) const {
    return owner_[c] != kNoTeam && owner_[c] != team;
  }

  // Permanences whose table row reaches a commune of `basin`, less `exclude`, by id.
  std::vector<geo::CommuneId> facilities_reaching(std::span<const geo::CommuneId> basin,
                                                  std::span<const geo::CommuneId> exclude) {
    std::vector<geo::CommuneId> out;
    for (geo::CommuneId e : exclude) mark_[e] = 1;
    for (geo::CommuneId c : basin)
      for (geo::CommuneId f : reached_by_[c])
        if (!mark_[f]) {
          mark_[f] = 1;
          out.push_back(f);
        }
    for (geo::CommuneId f : out) mark_[f] = 0;
    for (geo::CommuneId e : exclude) mark_[e] = 0;
    std::sort(out.begin(), out.end());
    return out;
  }

  // The communes of every group of `g`, listed once per grouping.
  const std::vector<geo::CommuneId>& members(const geo::Grouping& g, geo::GroupId group) {
    std::vector<std::vector<geo::CommuneId>>& lists = members_[&g];
    if (lists.empty()) {
      lists.resize(g.size());
      for (geo::CommuneId c = 0; c < g.of.size(); ++c)
        if (g.of[c] != geo::kNoGroup) lists[g.of[c]].push_back(c);
    }
    return lists[group];
  }

  void plan_team(const Team& team, std::uint32_t k) {
    const geo::Grouping& g = *team.grouping;
    std::vector<PostId> split;  // posts whose basins the partition draws
    std::vector<geo::CommuneId> named;
    for (PostId p : team.posts) {
      const Post& post = posts_.posts[p];
      if (post.communes.empty()) {
        split.push_back(p);
        continue;
      }
      for (geo::CommuneId c : post.communes) {
        if (mark_[c]) {
          d_.notes.push_back(team.label() + ": commune " + t_.code[c] +
                             " is named in two posts' basins; the first keeps it");
          continue;
        }
        mark_[c] = 1;
        named.push_back(c);
        d_.basin_post[c] = p;
        basin_[p].push_back(c);
      }
    }
    for (PostId p : team.posts) std::sort(basin_[p].begin(), basin_[p].end());
    // mark_ flags the named communes until the pool is drawn.
    Local local(in_.minutes);
    std::vector<geo::CommuneId> served;
    for (geo::CommuneId c : members(g, team.group)) {
      if (mark_[c]) continue;
      if (served_for(c, k) && !o_.team.cover_served) {
        served.push_back(c);
        continue;
      }
      local.add(c);
    }
    // A post's pinned sites (a centrality post's one place) are its own even when another
    // structure serves them; a home only when it is not served (a roaming advisor based at
    // the agglomeration's seat does not take the seat into its basin).
    for (PostId p : split) {
      const Post& post = posts_.posts[p];
      if (post.strategy == Strategy::centrality && post.sites.empty() && !mark_[post.home])
        local.add(post.home);
      for (const PinnedSite& s : post.sites)
        if (!mark_[s.commune]) local.add(s.commune);
    }
    for (geo::CommuneId c : named) mark_[c] = 0;
    local.pool = local.communes.size();
    for (PostId p : team.posts) {
      local.add(posts_.posts[p].home);
      for (const PinnedSite& s : posts_.posts[p].sites) local.add(s.commune);
      for (geo::CommuneId c : posts_.posts[p].communes) local.add(c);
    }
    if (!served.empty())
      d_.notes.push_back(
          team.label() + ": " + std::to_string(served.size()) +
          (served.size() == 1
               ? " commune already has a permanence of another structure and is"
               : " communes already have a permanence of another structure and are") +
          " left to it: " + codes(served));

    if (!split.empty() && local.pool > 0) split_basins(team, local, split, served);

    // Sites for multi-centre posts first, then roaming rounds, each in its basin.
    std::vector<std::uint32_t> multi_index;
    for (PostId p : team.posts)
      if (posts_.posts[p].strategy == Strategy::multi_centre) multi_index.push_back(p);
    const std::uint32_t group_sites = sites_by_group(team);
    for (std::size_t i = 0; i < multi_index.size(); ++i) {
      const PostId p = multi_index[i];
      std::uint32_t wanted = posts_.posts[p].site_count;
      if (group_sites > 0)
        wanted = group_sites / multi_index.size() + (i < group_sites % multi_index.size());
      else if (wanted == 0)
        wanted = o_.multi_centre.sites_per_post;
      place_sites(p, basin_of(p), k, wanted);
    }
    for (PostId p : team.posts)
      if (posts_.posts[p].strategy == Strategy::roaming) plan_stops(p, basin_of(p), k, local);
  }

  std::uint32_t sites_by_group(const Team& team) const {
    for (const MultiCentreOptions::GroupSites& s : o_.multi_centre.sites_by_group)
      if (s.group_key == team.grouping->key && s.group_code == team.grouping->codes[team.group])
        return s.sites;
    return 0;
  }

  std::span<const geo::CommuneId> basin_of(PostId p) const { return basin_[p]; }

  void split_basins(const Team& team, Local& local, std::span<const PostId> split,
                    std::span<const geo::CommuneId> served) {
    const std::size_t n = local.pool;
    std::vector<double> population(n);
    for (std::size_t i = 0; i < n; ++i) population[i] = t_.population[local.communes[i]];
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
    if (in_.adjacency.size() == t_.size()) {
      for (std::uint32_t i = 0; i < n; ++i)
        for (geo::CommuneId nb : in_.adjacency.neighbours(local.communes[i]))
          if (const std::uint32_t j = local.of(nb); j < n && j > i) pairs.emplace_back(i, j);
      // A commune left to another structure (the central city) does not cut the ring of
      // communes around it: an advisor drives through it, so its neighbours neighbour each
      // other and basins can be sectors around it.
      std::vector<std::uint32_t> around;
      for (geo::CommuneId x : served) {
        around.clear();
        for (geo::CommuneId nb : in_.adjacency.neighbours(x))
          if (const std::uint32_t j = local.of(nb); j < n) around.push_back(j);
        for (std::size_t a = 0; a < around.size(); ++a)
          for (std::size_t b = a + 1; b < around.size(); ++b)
            pairs.emplace_back(around[a], around[b]);
      }
    }
    std::vector<double> weight;
    std::vector<std::uint32_t> locked(n, kNoBasin);
    for (std::uint32_t b = 0; b < split.size(); ++b) {
      const Post& post = posts_.posts[split[b]];
      weight.push_back(post.weekly_hours);
      std::vector<geo::CommuneId> own{post.home};
      for (const PinnedSite& s : post.sites) own.push_back(s.commune);
      if (post.strategy == Strategy::centrality && !post.sites.empty())
        std::swap(own.front(), own.back());  // its one site is its centre
      for (geo::CommuneId c : own)
        if (const std::uint32_t i = local.of(c); i < n && locked[i] == kNoBasin) locked[i] = b;
    }
    const Basins basins = partition_basins(
        {population, [&local](std::uint32_t a, std::uint32_t b) { return local.round_trip(a, b); },
         pairs, weight, locked},
        {o_.team.balance_tolerance});
    for (std::uint32_t i = 0; i < n; ++i)
      if (basins.of[i] != kNoBasin) {
        d_.basin_post[local.communes[i]] = split[basins.of[i]];
        basin_[split[basins.of[i]]].push_back(local.communes[i]);
      }
    for (PostId p : split) std::sort(basin_[p].begin(), basin_[p].end());
    if (split.size() > 1 && basins.worst_deviation > o_.team.balance_tolerance + 1e-9) {
      std::string detail;
      for (std::uint32_t b = 0; b < split.size(); ++b)
        (detail += detail.empty() ? "" : ", ") += posts_.posts[split[b]].id + " " +
                                                  fixed1(basins.population[b]) + "/" +
                                                  fixed1(basins.target[b]);
      d_.notes.push_back(team.label() + ": basins balanced within " +
                         fixed1(100 * basins.worst_deviation) + " % only (tolerance " +
                         fixed1(100 * o_.team.balance_tolerance) +
                         " %): no better split was found, communes being indivisible and "
                         "basins contiguous around their homes (population/target: " +
                         detail + ")");
    }
    for (std::uint32_t b = 0; b < split.size(); ++b)
      if (!basins.contiguous[b])
        d_.notes.push_back(team.label() + ": the basin of post " + posts_.posts[split[b]].id +
                           " is in several parts (its home and pinned sites lie apart)");
    if (!basins.unreachable.empty()) {
      std::vector<geo::CommuneId> lost;
      for (std::uint32_t i : basins.unreachable) lost.push_back(local.communes[i]);
      d_.notes.push_back(team.label() + ": no advisor can reach " + std::to_string(lost.size()) +
                         " commune(s): " + codes(lost));
    }
  }

  // Every commune of `basin` to its nearest of `sites` (table minutes), and the population each
  // site so serves.
  std::vector<double> served_by(std::span<const geo::CommuneId> basin,
                                std::span<const geo::CommuneId> sites,
                                std::vector<std::uint32_t>* nearest = nullptr) const {
    std::vector<double> served(sites.size(), 0.0);
    if (nearest) nearest->assign(basin.size(), kNoLocal);
    for (std::size_t u = 0; u < basin.size(); ++u) {
      float best = std::numeric_limits<float>::infinity();
      std::uint32_t at = kNoLocal;
      for (std::uint32_t s = 0; s < sites.size(); ++s)
        if (const auto m = in_.table.minutes(in_.table.row_of(sites[s]), basin[u]);
            m && *m < best) {
          best = *m;
          at = s;
        }
      if (at == kNoLocal) continue;
      served[at] += t_.population[basin[u]];
      if (nearest) (*nearest)[u] = at;
    }
    return served;
  }

  // The location problem of one post in its basin: every permanence reaching the basin is open
  // (fixed), the post's own pinned communes too; candidates are the basin's communes without a
  // permanence that pass `eligible`. Returns the post's chosen communes, pinned ones first.
  template <typename Eligible>
  std::vector<geo::CommuneId> choose(const Post& post, std::span<const geo::CommuneId> basin,
                                     std::uint32_t wanted, const LocationOptions& lo,
                                     bool until_covered, Eligible eligible) {
    std::vector<geo::CommuneId> pinned;
    for (const PinnedSite& s : post.sites) pinned.push_back(s.commune);
    std::vector<geo::CommuneId> fixed = facilities_reaching(basin, pinned);
    const std::size_t open = fixed.size();
    fixed.insert(fixed.end(), pinned.begin(), pinned.end());
    std::vector<geo::CommuneId> candidates = fixed;
    for (geo::CommuneId c : basin)
      if (owner_[c] == kNoTeam && has_row(c) && (may_open_.empty() || may_open_[c]) && eligible(c))
        candidates.push_back(c);
    if (candidates.size() == fixed.size() || basin.empty()) return pinned;
    const LocationProblem pb = location_problem(in_.table, basin, candidates, t_.population, fixed);
    if (until_covered) wanted = static_cast<std::uint32_t>(pinned.size()) + to_cover(pb, lo);
    const LocationSolution sol =
        solve_location(pb, open + std::max<std::size_t>(wanted, pinned.size()), lo);
    std::vector<geo::CommuneId> out = pinned;
    for (std::uint32_t c : sol.chosen)
      if (!pb.fixed[c]) out.push_back(candidates[c]);
    return out;
  }

  // Greedy count of new candidates it takes until no demand is left to cover within the
  // cover minutes (campaigns: cover the basin over a season).
  static std::uint32_t to_cover(const LocationProblem& pb, const LocationOptions& lo) {
    std::vector<std::uint8_t> covered(pb.demand_count(), 0), used(pb.candidate_count(), 0);
    for (std::uint32_t c = 0; c < pb.candidate_count(); ++c)
      if (pb.fixed[c])
        for (std::uint32_t e = pb.first[c]; e < pb.first[c + 1]; ++e)
          if (pb.minutes[e] <= lo.cover_minutes) covered[pb.demand[e]] = 1;
    std::uint32_t count = 0;
    while (true) {
      std::uint32_t best = kNoCandidate;
      double best_gain = 0;
      for (std::uint32_t c = 0; c < pb.candidate_count(); ++c) {
        if (pb.fixed[c] || used[c]) continue;
        double gain = 0;
        for (std::uint32_t e = pb.first[c]; e < pb.first[c + 1]; ++e)
          if (!covered[pb.demand[e]] && pb.minutes[e] <= lo.cover_minutes)
            gain += std::max(pb.weight[pb.demand[e]], 1e-9);  // an empty commune still counts
        if (gain > best_gain) {
          best_gain = gain;
          best = c;
        }
      }
      if (best == kNoCandidate) return count;
      used[best] = 1;
      ++count;
      for (std::uint32_t e = pb.first[best]; e < pb.first[best + 1]; ++e)
        if (pb.minutes[e] <= lo.cover_minutes) covered[pb.demand[e]] = 1;
    }
  }

  void place_sites(PostId p, std::span<const geo::CommuneId> basin, std::uint32_t team,
                   std::uint32_t wanted) {
    const Post& post = posts_.posts[p];
    const double free_hours = post.weekly_hours - pinned_hours(post);
    bool all_pinned_have_hours = !post.sites.empty();
    for (const PinnedSite& s : post.sites) all_pinned_have_hours &= s.weekly_hours.has_value();
    wanted = std::max<std::uint32_t>(wanted, static_cast<std::uint32_t>(post.sites.size()));
    if (all_pinned_have_hours && free_hours > 1e-9)
      wanted = std::max<std::uint32_t>(wanted, static_cast<std::uint32_t>(post.sites.size()) + 1);
    std::vector<geo::CommuneId> sites = choose(post, basin, wanted, o_.multi_centre.location, false,
                                               [](geo::CommuneId) { return true; });
    if (sites.size() < wanted)
      d_.notes.push_back("post " + post.id + ": " + std::to_string(wanted) + " sites wanted, " +
                         std::to_string(sites.size()) + " placed (its basin has " +
                         std::to_string(basin.size()) +
                         " communes, some already holding a permanence)");
    if (sites.empty()) {
      d_.notes.push_back("post " + post.id + ": no site can be placed; its " +
                         fixed1(post.weekly_hours) + " weekly hours reach nobody");
      return;
    }
    split_hours(post, p, basin, std::move(sites));
    for (const SiteHours& s : sites_of_[p]) add_permanence(s.commune, team);
  }

  // Pinned hours exactly; the rest min_site_hours per other site, then by population served.
  void split_hours(const Post& post, PostId p, std::span<const geo::CommuneId> basin,
                   std::vector<geo::CommuneId> sites) {
    const double min_hours = o_.multi_centre.min_site_hours;
    double rest = post.weekly_hours - pinned_hours(post);
    std::vector<double> served = served_by(basin, sites);
    std::vector<std::uint32_t> free;
    for (std::uint32_t s = 0; s < sites.size(); ++s)
      if (s >= post.sites.size() || !post.sites[s].weekly_hours) free.push_back(s);
    // Too many sites for the hours: those serving the fewest go.
    while (free.size() > 1 && rest < min_hours * static_cast<double>(free.size()) - 1e-9) {
      auto weakest =
          std::min_element(free.begin(), free.end(), [&](std::uint32_t a, std::uint32_t b) {
            return served[a] < served[b] || (served[a] == served[b] && a > b);
          });
      if (*weakest < post.sites.size()) break;  // pinned: the planner's word stands
      d_.notes.push_back("post " + post.id + ": site " + t_.code[sites[*weakest]] +
                         " dropped, the hours cannot give every site " + fixed1(min_hours) +
                         " h a week");
      free.erase(weakest);
    }
    std::vector<double> hours(sites.size(), 0.0);
    for (std::uint32_t s = 0; s < post.sites.size(); ++s)
      hours[s] = post.sites[s].weekly_hours.value_or(0);
    if (free.empty()) {
      if (rest > 1e-9) {  // no other site: the planner's sites take the rest in proportion
        const double pinned = pinned_hours(post);
        for (std::uint32_t s = 0; s < post.sites.size(); ++s) hours[s] += rest * hours[s] / pinned;
        d_.notes.push_back("post " + post.id + ": " + fixed1(rest) +
                           " h a week beyond its sites' given hours, and no other site for them: "
                           "added to those sites");
      }
    } else {
      const double floor = std::min(min_hours, rest / static_cast<double>(free.size()));
      double served_free = 0;
      for (std::uint32_t s : free) served_free += served[s];
      const double spread = rest - floor * static_cast<double>(free.size());
      for (std::uint32_t s : free)
        hours[s] = floor + (served_free > 0 ? spread * served[s] / served_free
                                            : spread / static_cast<double>(free.size()));
    }
    for (std::uint32_t s = 0; s < sites.size(); ++s)
      if (hours[s] > 0) sites_of_[p].push_back({sites[s], hours[s]});
  }

  void plan_stops(PostId p, std::span<const geo::CommuneId> basin, std::uint32_t team,
                  Local& local) {
    const Post& post = posts_.posts[p];
    RoundOptions ro = o_.roaming.round;
    if (post.round) ro.round = *post.round;
    if (post.max_stops > 0) ro.max_stops = post.max_stops;
    LocationOptions lo = o_.multi_centre.location;
    lo.objective = Objective::max_cover;
    if (o_.roaming.cover_minutes > 0) lo.cover_minutes = o_.roaming.cover_minutes;
    const std::uint32_t home = local.of(post.home);
    auto fits_a_day = [&](geo::CommuneId c) {
      const std::uint32_t i = local.of(c);
      return i != kNoLocal && local.round_trip(home, i) <= ro.max_day_driving_minutes;
    };
    const bool campaigns = ro.round == RoundKind::campaigns;
    const std::vector<geo::CommuneId> stops =
        choose(post, basin, ro.max_stops, lo, campaigns, fits_a_day);

    std::vector<std::uint32_t> nearest;
    const std::vector<double> demand = served_by(basin, stops, &nearest);
    // The round is planned on the minutes among the home and the stops: index 0 is the home.
    std::vector<geo::CommuneId> round{post.home};
    std::vector<std::uint32_t> stops_local;
    std::vector<double> pinned;
    for (std::size_t s = 0; s < stops.size(); ++s) {
      const auto at = std::find(round.begin(), round.end(), stops[s]);
      stops_local.push_back(static_cast<std::uint32_t>(at - round.begin()));
      if (at == round.end()) round.push_back(stops[s]);
      pinned.push_back(s < post.sites.size() ? post.sites[s].weekly_hours.value_or(0) : 0);
    }
    const std::vector<float> minutes = local.among(round);
    const RoundPlan plan = plan_round(TravelMinutes{round, minutes}, 0, stops_local, demand, pinned,
                                      post.weekly_hours, ro);
    if (!plan.dropped.empty()) {
      std::vector<geo::CommuneId> dropped;
      for (std::uint32_t i : plan.dropped) dropped.push_back(round[i]);
      d_.notes.push_back("post " + post.id + ": " + std::to_string(dropped.size()) +
                         " stop(s) not held, beyond a day's drive or the hours: " + codes(dropped));
    }
    if (plan.stops.empty())
      d_.notes.push_back("post " + post.id + ": no stop can be held in its basin (" +
                         std::to_string(basin.size()) + " communes)");

    const double weeks = ro.weeks_per_month;
    const double rounds = plan.period_weeks > 0 ? weeks / plan.period_weeks : 0;
    d_.circuit_post.push_back(p);
    d_.circuit_round.push_back(ro.round);
    d_.circuit_period_weeks.push_back(plan.period_weeks);
    d_.circuit_cycle_minutes.push_back(static_cast<float>(plan.driving_minutes));
    d_.circuit_rounds_per_month.push_back(rounds);
    double year_communes = NAN, year_population = NAN;
    if (campaigns) {
      // A basin commune is served within a year when its nearest stop's campaign starts in it.
      double n = 0, pop = 0, total_pop = 0;
      for (std::size_t u = 0; u < basin.size(); ++u) {
        total_pop += t_.population[basin[u]];
        if (nearest[u] == kNoLocal) continue;
        const auto at = std::find(plan.stops.begin(), plan.stops.end(), stops_local[nearest[u]]);
        if (at == plan.stops.end() || !plan.within_year[at - plan.stops.begin()]) continue;
        n += 1;
        pop += t_.population[basin[u]];
      }
      year_communes = basin.empty() ? 0 : n / static_cast<double>(basin.size());
      year_population = total_pop > 0 ? pop / total_pop : 0;
    }
    d_.circuit_year_communes_share.push_back(year_communes);
    d_.circuit_year_population_share.push_back(year_population);
    for (std::size_t k = 0; k < plan.stops.size(); ++k) {
      const geo::CommuneId c = round[plan.stops[k]];
      d_.stop_commune.push_back(c);
      d_.stop_sessions.push_back(plan.sessions[k]);
      d_.stop_visits_per_month.push_back(plan.days[k] * rounds);
      d_.stop_presence_hours_per_month.push_back(plan.presence_hours[k] * rounds);
      add_permanence(c, team);
    }
    d_.circuit_first.push_back(static_cast<std::uint32_t>(d_.stop_commune.size()));
  }

  const DeploymentInputs& in_;
  const geo::Territory& t_;
  const PostTable& posts_;
  const DeploymentOptions& o_;
  std::span<const std::uint8_t> may_open_;
  Deployment d_;
  std::vector<std::uint32_t> team_of_;  // post -> team, kNoTeam
  std::vector<std::uint32_t> owner_;    // commune -> team of its permanences, kNoTeam: none
  std::vector<std::vector<geo::CommuneId>> reached_by_;  // commune -> permanences reaching it
  std::vector<std::uint8_t> mark_;
  std::vector<std::vector<SiteHours>> sites_of_;
  std::vector<std::vector<geo::CommuneId>> basin_;  // post -> its basin, by id
  std::map<const geo::Grouping*, std::vector<std::vector<geo::CommuneId>>> members_;
};

}  // namespace

void append_site(Deployment& to, geo::CommuneId commune, PostId post, double weekly_hours) {
  to.site_commune.push_back(commune);
  to.site_post.push_back(post);
  to.site_weekly_hours.push_back(weekly_hours);
}

void append_circuit(Deployment& to, const Deployment& from, CircuitId c, PostId post,
                    double scale) {
  to.circuit_post.push_back(post);
  to.circuit_round.push_back(from.circuit_round[c]);
  to.circuit_period_weeks.push_back(from.circuit_period_weeks[c]);
  to.circuit_cycle_minutes.push_back(from.circuit_cycle_minutes[c]);
  to.circuit_rounds_per_month.push_back(from.circuit_rounds_per_month[c]);
  to.circuit_year_communes_share.push_back(from.circuit_year_communes_share[c]);
  to.circuit_year_population_share.push_back(from.circuit_year_population_share[c]);
  for (std::uint32_t k = from.circuit_first[c]; k < from.circuit_first[c + 1]; ++k) {
    to.stop_commune.push_back(from.stop_commune[k]);
    to.stop_sessions.push_back(from.stop_sessions[k] * scale);
    to.stop_visits_per_month.push_back(from.stop_visits_per_month[k]);
    to.stop_presence_hours_per_month.push_back(from.stop_presence_hours_per_month[k] * scale);
  }
  to.circuit_first.push_back(static_cast<std::uint32_t>(to.stop_commune.size()));
}

Deployment active_only(const Deployment& d, std::span<const std::uint8_t> active) {
  Deployment out;
  for (SiteId s = 0; s < d.sites(); ++s)
    if (active[d.site_post[s]])
      append_site(out, d.site_commune[s], d.site_post[s], d.site_weekly_hours[s]);
  for (CircuitId c = 0; c < d.circuits(); ++c)
    if (active[d.circuit_post[c]]) append_circuit(out, d, c, d.circuit_post[c]);
  out.basin_post = d.basin_post;
  out.notes = d.notes;
  return out;
}

void clear(Deployment& d) {
  d.site_commune.clear();
  d.site_post.clear();
  d.site_weekly_hours.clear();
  d.circuit_post.clear();
  d.circuit_round.clear();
  d.circuit_period_weeks.clear();
  d.circuit_cycle_minutes.clear();
  d.circuit_rounds_per_month.clear();
  d.circuit_year_communes_share.clear();
  d.circuit_year_population_share.clear();
  d.circuit_first.assign(1, 0);
  d.stop_commune.clear();
  d.stop_sessions.clear();
  d.stop_visits_per_month.clear();
  d.stop_presence_hours_per_month.clear();
  d.basin_post.clear();
  d.notes.clear();
}

MinutesRow minutes_row_on(const geo::TravelGraph& graph) {
  auto rows = std::make_shared<const geo::TravelRows>(graph);
  return [rows](geo::CommuneId source, std::span<const geo::CommuneId> targets, bool towards) {
    return towards ? rows->towards(source, targets) : rows->from(source, targets);
  };
}

Deployment deploy(const DeploymentInputs& inputs, const PostTable& posts,
                  const DeploymentOptions& options, const PlanContext& context,
                  Progress& progress) {
  validate(posts.posts, inputs.territory, "posts");
  if (!context.may_open.empty() && context.may_open.size() != inputs.territory.size())
    throw Error("deploy: may_open has " + std::to_string(context.may_open.size()) + " flags for " +
                std::to_string(inputs.territory.size()) + " communes");
  return Planner(inputs, posts, options, context.may_open).run(context.existing, progress);
}

std::size_t Deployment::bytes() const {
  const auto held = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  std::size_t b = sizeof *this + held(site_commune) + held(site_post) + held(site_weekly_hours) +
                  held(circuit_post) + held(circuit_round) + held(circuit_period_weeks) +
                  held(circuit_cycle_minutes) + held(circuit_rounds_per_month) +
                  held(circuit_year_communes_share) + held(circuit_year_population_share) +
                  held(circuit_first) + held(stop_commune) + held(stop_sessions) +
                  held(stop_visits_per_month) + held(stop_presence_hours_per_month) +
                  held(basin_post) + held(notes);
  for (const std::string& n : notes) b += n.capacity();
  return b;
}

}  // namespace covsim::sim
