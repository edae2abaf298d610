#include "sim/deployment.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <utility>

#include "geo/error.hpp"
#include "geo/travel_matrix.hpp"

namespace covsim::sim {

namespace {

struct SiteHours {
  geo::CommuneId commune;
  double hours;
};

// Posts sharing a (grouping, group) territory, in order of their first post.
struct PostGroup {
  const geo::Grouping* grouping = nullptr;
  geo::GroupId group = geo::kNoGroup;
  std::vector<PostId> posts;

  std::string label() const { return grouping->key + " " + grouping->codes[group]; }
  std::vector<geo::CommuneId> communes() const {
    std::vector<geo::CommuneId> out;
    for (geo::CommuneId c = 0; c < grouping->of.size(); ++c)
      if (grouping->of[c] == group) out.push_back(c);
    return out;
  }
};

std::vector<PostGroup> groups_of(const geo::Territory& territory, const PostTable& posts,
                                 Strategy strategy) {
  std::vector<PostGroup> groups;
  std::map<std::pair<std::string, geo::GroupId>, std::size_t> index;
  for (PostId p = 0; p < posts.size(); ++p) {
    const Post& post = posts.posts[p];
    if (post.strategy != strategy) continue;
    auto [it, inserted] = index.emplace(std::pair{post.group_key, post.group}, groups.size());
    if (inserted) groups.push_back({territory.grouping(post.group_key), post.group, {}});
    groups[it->second].posts.push_back(p);
  }
  return groups;
}

void require_row(const geo::TravelTable& table, const geo::Territory& territory, const Post& post,
                 geo::CommuneId site) {
  if (table.row_of(site) == geo::kNoRow)
    throw Error("post " + post.id + ": site " + territory.code[site] +
                " has no row in the travel table; build the table with every post's site "
                "(and every multi-centre group's communes) as candidates");
}

std::uint32_t group_k(const PostGroup& g, const PostTable& posts, const MultiCentreOptions& o) {
  for (const MultiCentreOptions::GroupSites& s : o.sites_by_group)
    if (s.group_key == g.grouping->key && s.group_code == g.grouping->codes[g.group])
      return s.sites;
  std::uint32_t k = 0;
  for (PostId p : g.posts) {
    const std::uint32_t own = posts.posts[p].site_count;
    k += own > 0 ? own : o.sites_per_post;
  }
  return k;
}

void plan_multi_centre(const geo::Territory& territory, const PostTable& posts,
                       const geo::TravelTable& table, const PostGroup& g,
                       const MultiCentreOptions& options,
                       std::vector<std::vector<SiteHours>>& sites_of_post,
                       std::vector<std::string>& notes) {
  const std::vector<geo::CommuneId> demand = g.communes();
  std::vector<geo::CommuneId> fixed;
  for (PostId p : g.posts)
    for (geo::CommuneId s : posts.posts[p].sites) {
      require_row(table, territory, posts.posts[p], s);
      if (std::find(fixed.begin(), fixed.end(), s) == fixed.end()) fixed.push_back(s);
    }
  std::vector<geo::CommuneId> candidates = fixed;
  for (geo::CommuneId c : demand)
    if (table.row_of(c) != geo::kNoRow && std::find(fixed.begin(), fixed.end(), c) == fixed.end())
      candidates.push_back(c);
  if (candidates.empty())
    throw Error(g.label() +
                ": no commune of this multi-centre group has a row in the travel "
                "table, so no site can be chosen; build the table with its communes as "
                "candidates");

  const std::uint32_t wanted = group_k(g, posts, options);
  const LocationProblem pb =
      location_problem(table, demand, candidates, territory.population, fixed);
  const LocationSolution sol = solve_location(pb, wanted, options.location);
  if (sol.chosen.size() != wanted)
    notes.push_back(g.label() + ": " + std::to_string(wanted) + " sites wanted, " +
                    std::to_string(sol.chosen.size()) + " chosen (" +
                    std::to_string(candidates.size()) + " candidate communes, " +
                    std::to_string(fixed.size()) + " fixed sites)");

  // Demand served by each chosen site: the population it is nearest to.
  std::vector<double> served(pb.candidate_count(), 0.0);
  for (std::uint32_t u = 0; u < pb.demand_count(); ++u)
    if (sol.assigned[u] != kNoCandidate) served[sol.assigned[u]] += pb.weight[u];
  double total = 0;
  for (std::uint32_t c : sol.chosen) total += served[c];
  if (sol.unreachable > 0) {
    std::ostringstream s;
    s << g.label() << ": population " << sol.unreachable
      << " has no chosen site within the travel table's cut-off";
    notes.push_back(s.str());
  }
  for (std::uint32_t c : sol.chosen) {
    const double share =
        total > 0 ? served[c] / total : 1.0 / static_cast<double>(sol.chosen.size());
    if (share <= 0) {
      notes.push_back(g.label() + ": site " + territory.code[candidates[c]] +
                      " is nearest to no inhabitant, so it gets no hours");
      continue;
    }
    for (PostId p : g.posts)
      sites_of_post[p].push_back({candidates[c], posts.posts[p].weekly_hours * share});
  }
}

void plan_roaming_group(const geo::Territory& territory, const PostTable& posts, const PostGroup& g,
                        const MinutesAmong& minutes_among, const RoamingOptions& options,
                        Deployment& d) {
  const std::vector<geo::CommuneId> communes = g.communes();
  const std::vector<float> minutes = minutes_among(communes);
  if (minutes.size() != communes.size() * communes.size())
    throw Error(g.label() + ": the travel matrix has " + std::to_string(minutes.size()) +
                " entries for " + std::to_string(communes.size()) + " communes");
  std::vector<double> population;
  for (geo::CommuneId c : communes) population.push_back(territory.population[c]);
  std::vector<RoamingAdvisor> advisors;
  for (PostId p : g.posts)
    advisors.push_back({p, posts.posts[p].home, posts.posts[p].weekly_hours});

  const TravelMinutes travel{communes, minutes};
  const RoamingPlan plan = plan_roaming(population, travel, advisors, options);
  for (std::uint32_t a = 0; a < advisors.size(); ++a) {
    d.circuit_post.push_back(advisors[a].post);
    d.circuit_cycle_minutes.push_back(plan.cycle_minutes[a]);
    d.circuit_rounds_per_month.push_back(plan.rounds_per_month[a]);
    for (std::uint32_t k = plan.circuit_first[a]; k < plan.circuit_first[a + 1]; ++k) {
      const std::uint32_t i = plan.circuit[k];
      d.stop_commune.push_back(communes[i]);
      d.stop_visits_per_month.push_back(plan.visits_per_month[i]);
      d.stop_presence_hours_per_month.push_back(plan.presence_hours_per_month[i]);
    }
    d.circuit_first.push_back(static_cast<std::uint32_t>(d.stop_commune.size()));
    if (plan.circuit_first[a] == plan.circuit_first[a + 1])
      d.notes.push_back(g.label() + ": roaming post " + posts.posts[advisors[a].post].id +
                        " has no commune to visit (more advisors than reachable communes)");
  }
  if (!plan.unreachable.empty()) {
    std::string codes;
    for (std::uint32_t i : plan.unreachable)
      (codes += codes.empty() ? "" : ", ") += territory.code[communes[i]];
    d.notes.push_back(g.label() + ": no roaming advisor can reach " +
                      std::to_string(plan.unreachable.size()) + " communes: " + codes);
  }
}

}  // namespace

MinutesAmong minutes_among_on(const geo::TravelGraph& graph) {
  return [&graph](std::span<const geo::CommuneId> communes) {
    return geo::minutes_among(graph, communes).minutes;
  };
}

Deployment deploy(const geo::Territory& territory, const PostTable& posts,
                  const geo::TravelTable& table, const MinutesAmong& minutes_among,
                  const DeploymentOptions& options, Progress& progress) {
  validate(posts.posts, territory, "posts");
  const std::vector<PostGroup> multi = groups_of(territory, posts, Strategy::multi_centre);
  const std::vector<PostGroup> roaming = groups_of(territory, posts, Strategy::roaming);
  std::size_t centrality = 0;
  for (const Post& p : posts.posts) centrality += p.strategy == Strategy::centrality;
  progress.start("deployment", centrality + multi.size() + roaming.size());

  Deployment d;
  std::vector<std::vector<SiteHours>> sites_of_post(posts.size());
  for (PostId p = 0; p < posts.size(); ++p) {
    const Post& post = posts.posts[p];
    if (post.strategy != Strategy::centrality) continue;
    const geo::CommuneId site = post.sites.empty() ? post.home : post.sites.front();
    require_row(table, territory, post, site);
    sites_of_post[p].push_back({site, post.weekly_hours});
    progress.advance();
  }
  for (const PostGroup& g : multi) {
    plan_multi_centre(territory, posts, table, g, options.multi_centre, sites_of_post, d.notes);
    progress.advance();
  }
  for (PostId p = 0; p < posts.size(); ++p)
    for (const SiteHours& s : sites_of_post[p]) {
      d.site_commune.push_back(s.commune);
      d.site_post.push_back(p);
      d.site_weekly_hours.push_back(s.hours);
    }
  for (const PostGroup& g : roaming) {
    plan_roaming_group(territory, posts, g, minutes_among, options.roaming, d);
    progress.advance();
  }
  progress.finish();
  return d;
}

}  // namespace covsim::sim
