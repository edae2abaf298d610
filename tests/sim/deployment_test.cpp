#include "sim/deployment.hpp"

#include <gtest/gtest.h>

#include <map>
#include <queue>
#include <set>
#include <sstream>

#include "geo/error.hpp"
#include "geo/travel_graph.hpp"
#include "sim/coverage.hpp"
#include "tests/sim/sim_fixtures.hpp"

namespace covsim::sim {
namespace {

// An agglomeration on a 7 × 5 grid, 6 minutes per step, one EPCI "E": the central city C17
// (x 3, y 2; 20,000 inhabitants) with two advisors of its own, a second town C14 (x 0, y 2;
// 5,000) and villages of 300 to 800.
struct Agglo {
  static constexpr std::size_t kW = 7, kH = 5, kN = kW * kH;
  static constexpr geo::CommuneId kCity = 17, kTown = 14;
  geo::Territory territory = [] {
    std::vector<double> pop(kN);
    for (geo::CommuneId c = 0; c < kN; ++c) pop[c] = 300 + (c * 137) % 500;
    pop[kCity] = 20000;
    pop[kTown] = 5000;
    geo::Territory t = test::tiny_territory(pop);
    test::add_grouping(t, "epci", std::vector<std::string>(kN, "E"));
    return t;
  }();
  std::vector<std::vector<float>> minutes = test::grid_minutes(kW, kH, 6);
  geo::TravelTable table = test::table_from_matrix(minutes, test::iota_ids(kN), 45);
  geo::Adjacency adjacency = test::grid_adjacency(kW, kH);
  // Minutes rows from the dense matrix, as geo::TravelRows gives them from a graph.
  MinutesRow rows = [this](geo::CommuneId source, std::span<const geo::CommuneId> targets,
                           bool towards) {
    std::vector<float> out;
    for (geo::CommuneId t : targets)
      out.push_back(towards ? minutes[t][source] : minutes[source][t]);
    return out;
  };
  DeploymentInputs inputs() const { return {territory, table, adjacency, rows}; }

  PostTable posts(const std::string& lines) const {
    std::istringstream in(
        "id,host_type,home_commune,weekly_hours,strategy,sites,group_key,site_count,round,"
        "max_stops,communes\n" +
        lines);
    return read_posts_csv(in, "posts.csv", territory);
  }
  // The city's own two advisors, then the agglomeration's team.
  static constexpr const char* kCityPosts =
      "V1,commune,C17,35,centrality,,,,,,\n"
      "V2,commune,C17,35,centrality,,,,,,\n";
};

std::vector<geo::CommuneId> basin(const Deployment& d, PostId p) {
  std::vector<geo::CommuneId> out;
  for (geo::CommuneId c = 0; c < d.basin_post.size(); ++c)
    if (d.basin_post[c] == p) out.push_back(c);
  return out;
}

// Connected by shared borders, passing through `through` (a commune left to others that the
// advisor drives across) if given.
bool contiguous(const geo::Adjacency& adj, const std::vector<geo::CommuneId>& communes,
                geo::CommuneId through = kNoCommune) {
  if (communes.empty()) return true;
  std::set<geo::CommuneId> in(communes.begin(), communes.end());
  if (through != kNoCommune) in.insert(through);
  std::set<geo::CommuneId> seen{communes.front()};
  std::queue<geo::CommuneId> q;
  q.push(communes.front());
  while (!q.empty()) {
    const geo::CommuneId c = q.front();
    q.pop();
    for (geo::CommuneId n : adj.neighbours(c))
      if (in.count(n) && seen.insert(n).second) q.push(n);
  }
  seen.insert(through);
  in.insert(through);
  return seen.size() == in.size();
}

std::map<PostId, double> hours_by_post(const Deployment& d) {
  std::map<PostId, double> out;
  for (SiteId s = 0; s < d.sites(); ++s) out[d.site_post[s]] += d.site_weekly_hours[s];
  return out;
}

TEST(Deployment, ATeamSplitsItsEpciIntoBalancedContiguousBasinsAroundTheCitysOwnAdvisors) {
  const Agglo a;
  // DOMAIN.md's agglomeration: one advisor fixed in the second town, one on two centres, one on
  // three, one roaming over the small communes from the agglomeration's seat (the city).
  const PostTable posts = a.posts(std::string(Agglo::kCityPosts) +
                                  "T1,epci,C14,35,centrality,,epci,,,,\n"
                                  "M2,epci,C6,35,multi_centre,,epci,2,,,\n"
                                  "M3,epci,C34,35,multi_centre,,epci,3,,,\n"
                                  "R,epci,C17,35,roaming,,epci,,weekly,5,\n");
  const Deployment d = deploy(a.inputs(), posts, {});

  EXPECT_EQ(d.basin_post[Agglo::kCity], kNoPost) << "the city's own advisors serve it";
  double pool = 0;
  for (geo::CommuneId c = 0; c < Agglo::kN; ++c)
    if (c != Agglo::kCity) {
      pool += a.territory.population[c];
      EXPECT_GE(d.basin_post[c], 2u) << "commune " << c << " is in a team basin";
    }
  for (PostId p = 2; p < 6; ++p) {
    const std::vector<geo::CommuneId> b = basin(d, p);
    EXPECT_TRUE(contiguous(a.adjacency, b, Agglo::kCity)) << posts.posts[p].id;
    double population = 0;
    for (geo::CommuneId c : b) population += a.territory.population[c];
    EXPECT_NEAR(population / (pool / 4), 1.0, 0.15) << posts.posts[p].id << "'s basin";
  }
  EXPECT_EQ(d.basin_post[Agglo::kTown], 2u) << "T1 works in its town";

  // Sites: the city's two advisors there, T1 at its town, M2 at two places and M3 at three, each
  // in its own basin; no commune holds two posts' sites.
  std::map<PostId, std::vector<geo::CommuneId>> sites;
  std::map<geo::CommuneId, std::set<PostId>> posts_at;
  for (SiteId s = 0; s < d.sites(); ++s) {
    sites[d.site_post[s]].push_back(d.site_commune[s]);
    posts_at[d.site_commune[s]].insert(d.site_post[s]);
  }
  EXPECT_EQ(sites[0], std::vector<geo::CommuneId>{Agglo::kCity});
  EXPECT_EQ(sites[2], std::vector<geo::CommuneId>{Agglo::kTown});
  EXPECT_EQ(sites[3].size(), 2u);
  EXPECT_EQ(sites[4].size(), 3u);
  for (PostId p : {3u, 4u})
    for (geo::CommuneId c : sites[p]) EXPECT_EQ(d.basin_post[c], p) << "a site outside its basin";
  for (const auto& [commune, at] : posts_at)
    if (commune != Agglo::kCity) {
      EXPECT_EQ(at.size(), 1u) << "commune " << commune;
    }
  for (const auto& [p, hours] : hours_by_post(d))
    EXPECT_NEAR(hours, 35, 1e-9) << posts.posts[p].id << " works all its hours";

  // The roaming post: at most five stops, in its basin, none where a site already is.
  ASSERT_EQ(d.circuits(), 1u);
  EXPECT_EQ(d.circuit_post[0], 5u);
  EXPECT_LE(d.stops(0).size(), 5u);
  EXPECT_GE(d.stops(0).size(), 3u);
  for (geo::CommuneId c : d.stops(0)) {
    EXPECT_EQ(d.basin_post[c], 5u);
    EXPECT_EQ(posts_at.count(c), 0u) << "a stop where a site already is";
  }
  const std::string notes = [&] {
    std::string all;
    for (const std::string& n : d.notes) all += n + "\n";
    return all;
  }();
  EXPECT_NE(notes.find("left to it: C17"), std::string::npos) << notes;
}

TEST(Deployment, CoverServedKeepsTheCityInTheTeamsBasins) {
  const Agglo a;
  DeploymentOptions o;
  o.team.cover_served = true;
  const PostTable posts = a.posts(std::string(Agglo::kCityPosts) +
                                  "M2,epci,C6,35,multi_centre,,epci,2,,,\n"
                                  "M3,epci,C34,35,multi_centre,,epci,2,,,\n");
  const Deployment d = deploy(a.inputs(), posts, o);
  EXPECT_NE(d.basin_post[Agglo::kCity], kNoPost);
  for (SiteId s = 0; s < d.sites(); ++s)
    if (d.site_post[s] >= 2) {
      EXPECT_NE(d.site_commune[s], Agglo::kCity) << "the city has its own";
    }
}

TEST(Deployment, APlannersSplitOfHoursIsKeptExactly) {
  const Agglo a;
  // "Three days in the town, one in a neighbour": 21 + 14, nothing else. Then a post pinning
  // only 21 hours at C6 gets one more site for the other 14.
  const PostTable posts = a.posts(
      "M1,epci,C14,35,multi_centre,C14:21;C15:14,epci,,,,\n"
      "M2,epci,C6,35,multi_centre,C6:21,epci,1,,,\n");
  const Deployment d = deploy(a.inputs(), posts, {});
  std::map<geo::CommuneId, double> m1, m2;
  for (SiteId s = 0; s < d.sites(); ++s)
    (d.site_post[s] == 0 ? m1 : m2)[d.site_commune[s]] += d.site_weekly_hours[s];
  EXPECT_EQ(m1, (std::map<geo::CommuneId, double>{{14, 21}, {15, 14}}));
  ASSERT_EQ(m2.size(), 2u);
  EXPECT_DOUBLE_EQ(m2[6], 21);
  for (const auto& [c, h] : m2)
    if (c != 6) {
      EXPECT_DOUBLE_EQ(h, 14);
    }
}

TEST(Deployment, HoursFollowTheRuleMinimumThenPopulationServed) {
  const Agglo a;
  DeploymentOptions o;
  o.multi_centre.min_site_hours = 3;
  const PostTable posts = a.posts("M,epci,C14,35,multi_centre,,epci,3,,,\n");
  const Deployment d = deploy(a.inputs(), posts, o);
  ASSERT_EQ(d.sites(), 3u);
  // Recompute the rule: every commune of the basin to its nearest site.
  std::map<geo::CommuneId, double> served;
  for (geo::CommuneId c = 0; c < Agglo::kN; ++c) {
    geo::CommuneId best = d.site_commune[0];
    for (geo::CommuneId s : d.site_commune)
      if (a.minutes[c][s] < a.minutes[c][best]) best = s;
    served[best] += a.territory.population[c];
  }
  double total = 0;
  for (const auto& [s, p] : served) total += p;
  for (SiteId s = 0; s < 3; ++s)
    EXPECT_NEAR(d.site_weekly_hours[s], 3 + (35 - 9) * served[d.site_commune[s]] / total, 1e-9);
}

TEST(Deployment, ANamedBasinIsThePosts) {
  const Agglo a;
  const PostTable posts = a.posts(
      "N,epci,C0,35,roaming,,epci,,,,C0;C1;C7;C8\n"
      "M,epci,C34,35,multi_centre,,epci,2,,,\n");
  const Deployment d = deploy(a.inputs(), posts, {});
  EXPECT_EQ(basin(d, 0), (std::vector<geo::CommuneId>{0, 1, 7, 8}));
  EXPECT_EQ(basin(d, 1).size(), Agglo::kN - 4) << "the rest goes to the other post";
  for (geo::CommuneId c : d.stops(0)) EXPECT_TRUE(c == 0 || c == 1 || c == 7 || c == 8);
}

TEST(Deployment, EveryRoundHoldsAtMostMaxStops) {
  const Agglo a;
  for (std::uint32_t max_stops : {1u, 3u, 8u}) {
    DeploymentOptions o;
    o.roaming.round.max_stops = max_stops;
    const PostTable posts = a.posts(
        "R1,epci,C0,35,roaming,,epci,,weekly,,\n"
        "R2,epci,C34,35,roaming,,epci,,fortnightly,,\n"
        "R3,epci,C6,17.5,roaming,C6:7,epci,,monthly,,\n");
    const Deployment d = deploy(a.inputs(), posts, o);
    ASSERT_EQ(d.circuits(), 3u);
    std::set<geo::CommuneId> all;
    for (CircuitId c = 0; c < 3; ++c) {
      EXPECT_LE(d.stops(c).size(), std::max(max_stops, 1u));
      EXPECT_GE(d.stops(c).size(), 1u);
      for (geo::CommuneId s : d.stops(c)) EXPECT_TRUE(all.insert(s).second) << "a shared stop";
      const double expected = c == 0 ? 1 : c == 1 ? 2 : 52.0 / 12.0;
      EXPECT_DOUBLE_EQ(d.circuit_period_weeks[c], expected);
      EXPECT_NEAR(d.circuit_rounds_per_month[c], 52.0 / 12.0 / expected, 1e-12);
    }
    // R3's pinned 7 hours a week at C6, at every round size.
    for (std::uint32_t k = d.circuit_first[2]; k < d.circuit_first[3]; ++k)
      if (d.stop_commune[k] == 6) {
        EXPECT_NEAR(d.stop_presence_hours_per_month[k], 7 * 52.0 / 12, 1e-9);
      }
  }
}

TEST(Deployment, CampaignsCoverTheBasinOverTheYear) {
  const Agglo a;
  DeploymentOptions o;
  o.roaming.round.round = RoundKind::campaigns;
  o.roaming.cover_minutes = 6;  // a campaign draws its commune and its neighbours
  const PostTable posts = a.posts("F,department,C17,35,roaming,,epci,,,,\n");
  const Deployment d = deploy(a.inputs(), posts, o);
  ASSERT_EQ(d.circuits(), 1u);
  EXPECT_EQ(d.circuit_round[0], RoundKind::campaigns);
  // Every commune within 6 minutes (one step) of a campaign commune.
  for (geo::CommuneId c = 0; c < Agglo::kN; ++c) {
    bool near = false;
    for (geo::CommuneId s : d.stops(0)) near |= a.minutes[c][s] <= 6;
    EXPECT_TRUE(near) << "commune " << c << " has no campaign nearby";
  }
  EXPECT_GT(d.stops(0).size(), 5u);
  EXPECT_GT(d.circuit_period_weeks[0], 10) << "about 30,000 inhabitants take months";
  EXPECT_GT(d.circuit_year_communes_share[0], 0);
  EXPECT_LE(d.circuit_year_communes_share[0], 1);
  EXPECT_LE(d.circuit_year_population_share[0], 1);
}

TEST(Deployment, CentralityServesFromHomeOrItsNamedSite) {
  const Agglo a;
  const PostTable posts = a.posts(
      "P1,commune,C0,35,centrality,,,,,,\n"
      "P2,association,C1,20,centrality,C2,,,,,\n");
  const Deployment d = deploy(a.inputs(), posts, {});
  EXPECT_EQ(d.site_commune, (std::vector<geo::CommuneId>{0, 2}));
  EXPECT_EQ(d.site_weekly_hours, (std::vector<double>{35, 20}));
  EXPECT_EQ(d.circuits(), 0u);
  EXPECT_TRUE(d.notes.empty());
  for (PostId p : d.basin_post) EXPECT_EQ(p, kNoPost) << "no team, no basin";
}

TEST(Deployment, IsTheSameOnARealTravelGraph) {
  // The grid as a graph of 6-minute edges: tables and team matrices come from geo's searches
  // and must give the same plan as the dense matrix.
  const Agglo a;
  std::vector<geo::Edge> edges;
  for (geo::CommuneId c = 0; c < Agglo::kN; ++c)
    for (geo::CommuneId n : a.adjacency.neighbours(c)) edges.push_back({c, n, 6});
  geo::TravelGraph graph = geo::make_travel_graph("test", Agglo::kN, edges);
  graph.commune_vertex = test::iota_ids(Agglo::kN);
  graph.access_minutes.assign(Agglo::kN, 0.0f);
  const geo::TravelTable table = geo::build_travel_table(graph, test::iota_ids(Agglo::kN), 45);
  const PostTable posts = a.posts(std::string(Agglo::kCityPosts) +
                                  "M2,epci,C6,35,multi_centre,,epci,2,,,\n"
                                  "R,epci,C17,35,roaming,,epci,,weekly,5,\n");
  const Deployment on_graph =
      deploy({a.territory, table, a.adjacency, minutes_row_on(graph)}, posts, {});
  const Deployment dense = deploy(a.inputs(), posts, {});
  EXPECT_EQ(on_graph.site_commune, dense.site_commune);
  EXPECT_EQ(on_graph.site_weekly_hours, dense.site_weekly_hours);
  EXPECT_EQ(on_graph.stop_commune, dense.stop_commune);
  EXPECT_EQ(on_graph.basin_post, dense.basin_post);
}

TEST(Deployment, RemovingARoamingPostLowersPresenceAndReachAwayFromFixedSites) {
  const Agglo a;
  const PostTable posts = a.posts(std::string(Agglo::kCityPosts) +
                                  "R1,epci,C0,35,roaming,,epci,,weekly,6,\n"
                                  "R2,epci,C34,35,roaming,,epci,,weekly,6,\n");
  const Deployment d = deploy(a.inputs(), posts, {});
  const CoverageModel model(a.territory, a.table, {.thresholds_minutes = {6, 12}});
  CoverageScratch scratch;
  CommuneCoverage all, without;
  model.compute(d, {}, scratch, all);
  const std::vector<std::uint8_t> active{1, 1, 0, 1};
  model.compute(d, active, scratch, without);
  double lost_presence = 0;
  std::size_t lost_reach = 0;
  for (geo::CommuneId c = 0; c < Agglo::kN; ++c) {
    EXPECT_LE(without.presence_hours_per_month[c], all.presence_hours_per_month[c]);
    lost_presence += all.presence_hours_per_month[c] - without.presence_hours_per_month[c];
    const bool fixed_near = a.minutes[c][Agglo::kCity] <= 6;
    if (sim::lost_reach(all, without, c) & 1u) {
      ++lost_reach;
      EXPECT_FALSE(fixed_near) << "commune " << c << " still has the city's advisors";
      EXPECT_EQ(d.basin_post[c], 2u) << "a loss outside R1's basin";
    }
    if (fixed_near) {
      EXPECT_TRUE(without.reached_within(c, 0));
    }
  }
  double r1_presence = 0;
  for (std::uint32_t k = d.circuit_first[0]; k < d.circuit_first[1]; ++k)
    r1_presence += d.stop_presence_hours_per_month[k];
  EXPECT_NEAR(lost_presence, r1_presence, 1e-9) << "exactly R1's presence goes";
  EXPECT_GT(lost_reach, 0u);
}

TEST(Deployment, SiteWithoutTableRowIsAnError) {
  const Agglo a;
  const geo::TravelTable partial = test::table_from_matrix(a.minutes, {0, 1}, 45);
  try {
    deploy({a.territory, partial, a.adjacency, a.rows}, a.posts("P9,commune,C4,35,,,,,,,\n"), {});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("post P9: site C4 has no row"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace covsim::sim
