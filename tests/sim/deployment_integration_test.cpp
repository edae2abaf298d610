// deploy() and coverage end to end on the generated territory (220 communes, 7 EPCIs, islands)
// with geo's adjacency travel model: no hand figures here, but every invariant that must hold
// whatever the territory, each checked against a computation independent of the code under test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "geo/adjacency.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/synthetic_territory.hpp"
#include "geo/travel_table.hpp"
#include "sim/coverage.hpp"
#include "sim/deployment.hpp"

namespace covsim::sim {
namespace {

constexpr float kCutoff = 45;

struct World {
  geo::Territory territory = geo::generate_territory({.seed = 3});
  geo::Adjacency adjacency = geo::build_adjacency(territory);
  geo::TravelGraph graph = geo::adjacency_travel_graph(territory, adjacency, {});
  geo::TravelTable table = geo::build_travel_table(graph, geo::all_communes(territory), kCutoff);
  const geo::Grouping& epci = *territory.grouping("epci");
  DeploymentInputs inputs() const { return {territory, table, adjacency, minutes_row_on(graph)}; }

  std::vector<geo::CommuneId> members(geo::GroupId g) const {
    std::vector<geo::CommuneId> out;
    for (geo::CommuneId c = 0; c < territory.size(); ++c)
      if (epci.of[c] == g) out.push_back(c);
    return out;
  }
  geo::CommuneId seat(geo::GroupId g) const {
    const std::vector<geo::CommuneId> m = members(g);
    return *std::max_element(m.begin(), m.end(), [&](geo::CommuneId a, geo::CommuneId b) {
      return territory.population[a] < territory.population[b];
    });
  }

  // EPCIs in turn: one centrality post at the seat, two multi-centre posts, two roaming posts.
  PostTable posts() const {
    PostTable t;
    for (geo::GroupId g = 0; g < epci.size(); ++g) {
      const Strategy s = g % 3 == 0   ? Strategy::centrality
                         : g % 3 == 1 ? Strategy::multi_centre
                                      : Strategy::roaming;
      for (int k = 0; k < (s == Strategy::centrality ? 1 : 2); ++k) {
        Post p{.id = epci.codes[g] + "-" + std::to_string(k),
               .host_type = HostType::epci,
               .home = seat(g),
               .weekly_hours = k == 0 ? 35.0 : 24.0,
               .strategy = s};
        if (s != Strategy::centrality) {
          p.group_key = "epci";
          p.group = g;
        }
        t.posts.push_back(p);
      }
    }
    return t;
  }
};

const World& world() {
  static const World w;  // built once for the suite: read-only afterwards
  return w;
}

TEST(DeploymentIntegration, StrategiesKeepHoursBasinsAndRounds) {
  const World& w = world();
  const PostTable posts = w.posts();
  const Deployment d = deploy(w.inputs(), posts, {});
  for (const std::string& n : d.notes) std::printf("note: %s\n", n.c_str());

  std::vector<double> hours(posts.size(), 0.0);
  for (SiteId s = 0; s < d.sites(); ++s) {
    hours[d.site_post[s]] += d.site_weekly_hours[s];
    const Post& p = posts.posts[d.site_post[s]];
    if (p.strategy == Strategy::multi_centre) {
      EXPECT_EQ(d.basin_post[d.site_commune[s]], d.site_post[s]) << "a site outside its basin";
    }
  }
  const double month = 52.0 / 12;
  for (PostId p = 0; p < posts.size(); ++p) {
    if (posts.posts[p].strategy != Strategy::roaming) {
      EXPECT_NEAR(hours[p], posts.posts[p].weekly_hours, 1e-9) << posts.posts[p].id;
    }
  }
  // Each commune of a team's EPCI is in one basin of that team, or reported unreachable; the
  // mainland part of each basin is contiguous.
  for (geo::GroupId g = 0; g < w.epci.size(); ++g) {
    if (g % 3 == 0) continue;  // centrality EPCIs have no team
    for (geo::CommuneId c : w.members(g)) {
      if (d.basin_post[c] != kNoPost) {
        EXPECT_EQ(posts.posts[d.basin_post[c]].group, g);
        continue;
      }
      const bool reported = std::any_of(d.notes.begin(), d.notes.end(), [&](const std::string& n) {
        return n.find("no advisor can reach") != std::string::npos &&
               n.find(w.territory.code[c]) != std::string::npos;
      });
      EXPECT_TRUE(reported) << w.territory.code[c] << " in no basin and not reported";
    }
  }
  for (PostId p = 0; p < posts.size(); ++p) {
    std::set<geo::CommuneId> mainland;
    for (geo::CommuneId c = 0; c < w.territory.size(); ++c)
      if (d.basin_post[c] == p && w.adjacency.component[c] == 0) mainland.insert(c);
    if (mainland.empty()) continue;
    std::set<geo::CommuneId> seen{*mainland.begin()};
    std::vector<geo::CommuneId> stack{*mainland.begin()};
    while (!stack.empty()) {
      const geo::CommuneId c = stack.back();
      stack.pop_back();
      for (geo::CommuneId n : w.adjacency.neighbours(c))
        if (mainland.count(n) && seen.insert(n).second) stack.push_back(n);
    }
    EXPECT_EQ(seen.size(), mainland.size()) << posts.posts[p].id << "'s basin is in pieces";
  }
  // Rounds: at most eight stops, each in the post's basin and on one round only; a month of
  // presence and driving fits the post's hours.
  std::set<geo::CommuneId> visited;
  for (CircuitId c = 0; c < d.circuits(); ++c) {
    const Post& p = posts.posts[d.circuit_post[c]];
    EXPECT_LE(d.stops(c).size(), 8u);
    double presence = 0;
    for (std::uint32_t k = d.circuit_first[c]; k < d.circuit_first[c + 1]; ++k) {
      EXPECT_TRUE(visited.insert(d.stop_commune[k]).second) << "commune on two rounds";
      EXPECT_EQ(d.basin_post[d.stop_commune[k]], d.circuit_post[c]);
      presence += d.stop_presence_hours_per_month[k];
    }
    EXPECT_GT(presence, 0) << p.id;
    EXPECT_LE(presence + d.circuit_rounds_per_month[c] * d.circuit_cycle_minutes[c] / 60,
              p.weekly_hours * month + 1e-6)
        << p.id;
  }
}

TEST(DeploymentIntegration, CoverageAgreesWithTheTableAndConservesHours) {
  const World& w = world();
  const PostTable posts = w.posts();
  const Deployment d = deploy(w.inputs(), posts, {});
  const CoverageModel model(w.territory, w.table, {.thresholds_minutes = {15, 20, 30}});
  CoverageScratch scratch;
  CommuneCoverage c;
  GroupCoverage g;
  model.compute(d, {}, scratch, c);
  model.summarise(c, scratch, g);

  // Nearest minutes: the least over the rows of sites and of stops held often enough, looked
  // up one by one.
  std::vector<geo::CommuneId> places = d.site_commune;
  for (std::size_t k = 0; k < d.stop_commune.size(); ++k)
    if (d.stop_visits_per_month[k] >= model.options().min_visits_per_month)
      places.push_back(d.stop_commune[k]);
  for (geo::CommuneId i = 0; i < w.territory.size(); ++i) {
    float best = std::numeric_limits<float>::infinity();
    for (geo::CommuneId at : places)
      if (auto m = w.table.minutes(w.table.row_of(at), i)) best = std::min(best, *m);
    EXPECT_EQ(c.nearest_minutes[i], best) << w.territory.code[i];
    EXPECT_EQ(c.gap[i], !c.reached_within(i, 2));
    EXPECT_LE(c.reached_within(i, 0), c.reached_within(i, 1));
    EXPECT_LE(c.reached_within(i, 1), c.reached_within(i, 2));
  }
  // Floating catchments hand out exactly the hours deployed: Σ P A = 10,000 × (site hours +
  // roaming presence per week), but for places nobody lives around.
  auto demand = [&](geo::CommuneId at) {
    double sum = 0;
    for (const geo::Reach& r : w.table.row(w.table.row_of(at)))
      sum += w.territory.population[r.commune] * model.decay(r.minutes);
    return sum;
  };
  double supply = 0, accessed = 0;
  for (SiteId s = 0; s < d.sites(); ++s)
    if (demand(d.site_commune[s]) > 0) supply += d.site_weekly_hours[s];
  for (std::size_t k = 0; k < d.stop_commune.size(); ++k)
    if (demand(d.stop_commune[k]) > 0) supply += d.stop_presence_hours_per_month[k] / (52.0 / 12);
  for (geo::CommuneId i = 0; i < w.territory.size(); ++i)
    accessed += w.territory.population[i] * c.access[i];
  EXPECT_NEAR(accessed, 1e4 * supply, 1e-6 * accessed);

  // Every commune has a department, so the department rows add up to the whole.
  double pop = 0, reached = 0;
  for (std::size_t r = 1; r < g.rows(); ++r)
    if (model.group_rows().grouping[r] == "department") {
      pop += g.population[r];
      reached += g.reached_at(r, 1);
    }
  EXPECT_DOUBLE_EQ(pop, g.population[0]);
  EXPECT_DOUBLE_EQ(reached, g.reached_at(0, 1));
  std::printf(
      "%zu posts, %zu sites, %zu rounds: population %.0f, reached within 15/20/30 min "
      "%.1f%% / %.1f%% / %.1f%%, in gaps %.1f%%, mean access %.2f h/week per 10,000, "
      "Gini %.3f\n",
      posts.size(), d.sites(), d.circuits(), g.population[0],
      100 * g.reached_at(0, 0) / g.population[0], 100 * g.reached_at(0, 1) / g.population[0],
      100 * g.reached_at(0, 2) / g.population[0], 100 * g.gap_population[0] / g.population[0],
      g.mean_access[0], g.gini_access[0]);

  // Losing every second post never reaches more people.
  std::vector<std::uint8_t> half(posts.size());
  for (PostId p = 0; p < posts.size(); ++p) half[p] = p % 2;
  CommuneCoverage fewer;
  GroupCoverage fewer_groups;
  model.compute(d, half, scratch, fewer);
  model.summarise(fewer, scratch, fewer_groups);
  for (std::size_t t = 0; t < 3; ++t) EXPECT_LE(fewer_groups.reached_at(0, t), g.reached_at(0, t));
  EXPECT_LT(fewer_groups.mean_access[0], g.mean_access[0]);
}

}  // namespace
}  // namespace covsim::sim
