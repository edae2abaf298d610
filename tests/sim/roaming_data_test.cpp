// Roaming advisors on real communes (../shared/data): Lorient Agglomération, whose 25 communes
// include the island of Groix. Commune adjacency knows no ferry, so Groix must be reported as
// unreachable, never silently dropped; with the ferry given as an extra link it joins a basin
// and its advisor holds a permanence there, nothing else being within reach of the island.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "geo/adjacency.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/territory_loader.hpp"
#include "sim/deployment.hpp"
#include "tests/test_data.hpp"

namespace covsim::sim {
namespace {

constexpr const char* kMorbihan = "communes-2018/56-morbihan.geojson";
constexpr const char* kGroix = "56069";
constexpr const char* kLorient = "56121";

geo::Territory morbihan() {
  geo::LoadOptions o;
  o.inputs = {test::shared_data() / kMorbihan};
  o.cog = geo::CogOptions{};
  o.cog->dir = test::shared_data() / "cog-2026";
  return geo::load_territory(o).territory;
}

// Three roaming advisors based in Lorient, sharing Lorient Agglomération.
PostTable roaming_posts(const geo::Territory& t) {
  const geo::CommuneId lorient = t.find(kLorient).value();
  PostTable posts;
  for (int k = 0; k < 3; ++k)
    posts.posts.push_back(Post{.id = "LA-" + std::to_string(k),
                               .host_type = HostType::epci,
                               .home = lorient,
                               .strategy = Strategy::roaming,
                               .group_key = "epci",
                               .group = t.grouping("epci")->of[lorient]});
  return posts;
}

std::vector<geo::CommuneId> epci_of(const geo::Territory& t, geo::CommuneId member) {
  const geo::Grouping& epci = *t.grouping("epci");
  std::vector<geo::CommuneId> out;
  for (geo::CommuneId c = 0; c < t.size(); ++c)
    if (epci.of[c] == epci.of[member]) out.push_back(c);
  return out;
}

Deployment plan(const geo::Territory& t, const geo::SpeedModel& speeds) {
  const geo::Adjacency adjacency = geo::build_adjacency(t);
  const geo::TravelGraph graph = geo::adjacency_travel_graph(t, adjacency, speeds);
  const geo::TravelTable table = geo::build_travel_table(graph, geo::all_communes(t), 45);
  return deploy({t, table, adjacency, minutes_row_on(graph)}, roaming_posts(t), {});
}

TEST(RoamingData, LorientAgglomerationReportsGroixWithoutAFerry) {
  COVSIM_REQUIRE_SHARED_DATA(kMorbihan);
  COVSIM_REQUIRE_SHARED_DATA("cog-2026/communes.json");
  const geo::Territory t = morbihan();
  const geo::CommuneId groix = t.find(kGroix).value();
  const std::vector<geo::CommuneId> members = epci_of(t, t.find(kLorient).value());
  ASSERT_EQ(members.size(), 25u) << "Lorient Agglomération in the COG 2026";
  ASSERT_TRUE(std::find(members.begin(), members.end(), groix) != members.end());

  const Deployment d = plan(t, {});
  ASSERT_EQ(d.circuits(), 3u);
  EXPECT_TRUE(std::find(d.stop_commune.begin(), d.stop_commune.end(), groix) ==
              d.stop_commune.end());
  EXPECT_EQ(d.basin_post[groix], kNoPost);
  const bool reported = std::any_of(d.notes.begin(), d.notes.end(), [](const std::string& n) {
    return n.find("no advisor can reach 1 commune(s): 56069") != std::string::npos;
  });
  EXPECT_TRUE(reported);

  // Basins are balanced by population (±15 % of a third of the mainland, Lorient itself, 57,000
  // inhabitants, in the first) and each advisor holds a handful of permanences in its own.
  double mainland = 0;
  for (geo::CommuneId c : members)
    if (c != groix) mainland += t.population[c];
  const double mean = mainland / 3;
  for (CircuitId c = 0; c < d.circuits(); ++c) {
    double pop = 0;
    std::size_t communes = 0;
    for (geo::CommuneId m : members)
      if (d.basin_post[m] == d.circuit_post[c]) pop += t.population[m], ++communes;
    std::printf(
        "round %u: basin of %zu communes, %.0f inhabitants (%.0f%% of the mean), %zu "
        "stops, %.0f min of driving a week\n",
        c, communes, pop, 100 * pop / mean, d.stops(c).size(), d.circuit_cycle_minutes[c]);
    EXPECT_LT(pop, 1.15 * mean);
    EXPECT_GT(pop, 0.85 * mean);
    EXPECT_GE(d.stops(c).size(), 3u);
    EXPECT_LE(d.stops(c).size(), 8u);
    for (geo::CommuneId s : d.stops(c)) EXPECT_EQ(d.basin_post[s], d.circuit_post[c]);
  }
}

TEST(RoamingData, AFerryLinkPutsAPermanenceOnGroix) {
  COVSIM_REQUIRE_SHARED_DATA(kMorbihan);
  COVSIM_REQUIRE_SHARED_DATA("cog-2026/communes.json");
  const geo::Territory t = morbihan();
  // Lorient – Port-Tudy: about 45 minutes of crossing.
  const Deployment d = plan(t, {.extra_links = {{kLorient, kGroix, 45}}});
  const geo::CommuneId groix = t.find(kGroix).value();
  for (const std::string& n : d.notes)
    EXPECT_EQ(n.find("no advisor can reach"), std::string::npos) << n;
  EXPECT_NE(d.basin_post[groix], kNoPost);
  const auto at = std::find(d.stop_commune.begin(), d.stop_commune.end(), groix);
  ASSERT_NE(at, d.stop_commune.end()) << "nothing else reaches the island within 30 minutes";
  const std::size_t k = static_cast<std::size_t>(at - d.stop_commune.begin());
  EXPECT_GE(d.stop_visits_per_month[k], 52.0 / 12) << "a weekly permanence";
  EXPECT_GT(d.stop_presence_hours_per_month[k], 0);
}

}  // namespace
}  // namespace covsim::sim
