// Roaming advisors on real communes (../shared/data): Lorient Agglomération, whose 25 communes
// include the island of Groix. Commune adjacency knows no ferry, so Groix must be reported as
// unreachable, never silently dropped; with the ferry given as an extra link it joins a circuit.
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
  const geo::TravelGraph graph = geo::adjacency_travel_graph(t, geo::build_adjacency(t), speeds);
  const geo::TravelTable no_sites = geo::build_travel_table(graph, {}, 45);
  return deploy(t, roaming_posts(t), no_sites, minutes_among_on(graph), {});
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
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_NE(d.notes[0].find("no roaming advisor can reach 1 communes: 56069"), std::string::npos)
      << d.notes[0];
  EXPECT_EQ(d.stop_commune.size(), 24u) << "every mainland commune on one circuit";

  // Catchments are balanced by population: the local moves aim at ±15 % of the mean and stop
  // when no single commune can move closer to it (here: 79,554 / 66,747 / 60,327).
  double mainland = 0;
  for (geo::CommuneId c : members)
    if (c != groix) mainland += t.population[c];
  const double mean = mainland / 3;
  for (CircuitId c = 0; c < d.circuits(); ++c) {
    double pop = 0;
    for (geo::CommuneId s : d.stops(c)) pop += t.population[s];
    std::printf(
        "circuit %u: %zu communes, %.0f inhabitants (%.0f%% of the mean), %.0f min a "
        "round, %.2f visits/month\n",
        c, d.stops(c).size(), pop, 100 * pop / mean, d.circuit_cycle_minutes[c],
        d.circuit_rounds_per_month[c]);
    EXPECT_LT(pop, 1.2 * mean);
    EXPECT_GT(pop, 0.8 * mean);
  }
}

TEST(RoamingData, AFerryLinkPutsGroixOnACircuit) {
  COVSIM_REQUIRE_SHARED_DATA(kMorbihan);
  COVSIM_REQUIRE_SHARED_DATA("cog-2026/communes.json");
  const geo::Territory t = morbihan();
  // Lorient – Port-Tudy: about 45 minutes of crossing.
  const Deployment d = plan(t, {.extra_links = {{kLorient, kGroix, 45}}});
  const geo::CommuneId groix = t.find(kGroix).value();
  EXPECT_TRUE(d.notes.empty()) << d.notes.front();
  EXPECT_EQ(d.stop_commune.size(), 25u);
  const auto at = std::find(d.stop_commune.begin(), d.stop_commune.end(), groix);
  ASSERT_NE(at, d.stop_commune.end());
  const std::size_t k = static_cast<std::size_t>(at - d.stop_commune.begin());
  EXPECT_GT(d.stop_visits_per_month[k], 0);
  EXPECT_GT(d.stop_presence_hours_per_month[k], 0);
}

}  // namespace
}  // namespace covsim::sim
