#include "sim/deployment.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "geo/error.hpp"
#include "geo/travel_graph.hpp"
#include "tests/sim/sim_fixtures.hpp"

namespace covsim::sim {
namespace {

// Six communes on a line, 10 min apart: EPCI E1 = {C0, C1, C2}, E2 = {C3, C4, C5}.
struct Six {
  geo::Territory territory = [] {
    geo::Territory t = test::tiny_territory({100, 100, 100, 50, 200, 50});
    test::add_grouping(t, "epci", {"E1", "E1", "E1", "E2", "E2", "E2"});
    return t;
  }();
  std::vector<std::vector<float>> minutes = test::line_minutes(6, 10);
  geo::TravelTable table = test::table_from_matrix(minutes, test::iota_ids(6), 45);
  // What geo::minutes_among returns for the same line.
  MinutesAmong among = [this](std::span<const geo::CommuneId> communes) {
    std::vector<float> out;
    for (geo::CommuneId a : communes)
      for (geo::CommuneId b : communes) out.push_back(minutes[a][b]);
    return out;
  };

  PostTable posts(const std::string& rows) const {
    std::istringstream in(
        "id,host_type,home_commune,weekly_hours,strategy,sites,group_key,"
        "site_count\n" +
        rows);
    return read_posts_csv(in, "posts.csv", territory);
  }
};

TEST(Deployment, CentralityServesFromHomeOrItsNamedSite) {
  const Six s;
  const Deployment d = deploy(
      s.territory, s.posts("P1,commune,C0,35,,,,\nP2,commune,C1,20,,C2,,\n"), s.table, s.among, {});
  EXPECT_EQ(d.site_commune, (std::vector<geo::CommuneId>{0, 2}));
  EXPECT_EQ(d.site_post, (std::vector<PostId>{0, 1}));
  EXPECT_EQ(d.site_weekly_hours, (std::vector<double>{35, 20}));
  EXPECT_EQ(d.circuits(), 0u);
  EXPECT_TRUE(d.notes.empty());
}

TEST(Deployment, MultiCentreSplitsHoursByPopulationServed) {
  const Six s;
  // Two posts of E2 with one site each: k = 2 among C3, C4, C5. Everything is within the 30
  // min cover, so the tie-break on travel picks C4 (nearest to all) then C3 (C3 and C5 would
  // save the same 10 × 50; the lower index wins). C3 serves itself (50), C4 serves C4 and C5
  // (250): hours split 1/6 and 5/6.
  const PostTable posts =
      s.posts("P3,epci,C4,30,multi_centre,,epci,1\nP4,epci,C4,24,multi_centre,,epci,1\n");
  const Deployment d = deploy(s.territory, posts, s.table, s.among, {});
  EXPECT_EQ(d.site_commune, (std::vector<geo::CommuneId>{3, 4, 3, 4}));
  EXPECT_EQ(d.site_post, (std::vector<PostId>{0, 0, 1, 1}));
  ASSERT_EQ(d.site_weekly_hours.size(), 4u);
  EXPECT_DOUBLE_EQ(d.site_weekly_hours[0], 5);
  EXPECT_DOUBLE_EQ(d.site_weekly_hours[1], 25);
  EXPECT_DOUBLE_EQ(d.site_weekly_hours[2], 4);
  EXPECT_DOUBLE_EQ(d.site_weekly_hours[3], 20);

  // A per-group k replaces the sum over posts; one site takes all the hours.
  DeploymentOptions one;
  one.multi_centre.sites_by_group = {{"epci", "E2", 1}};
  const Deployment d1 = deploy(s.territory, posts, s.table, s.among, one);
  EXPECT_EQ(d1.site_commune, (std::vector<geo::CommuneId>{4, 4}));
  EXPECT_EQ(d1.site_weekly_hours, (std::vector<double>{30, 24}));

  // More sites wanted than communes: capped and said.
  DeploymentOptions many;
  many.multi_centre.sites_per_post = 5;
  const Deployment d2 =
      deploy(s.territory, s.posts("P3,epci,C4,30,multi_centre,,epci,\n"), s.table, s.among, many);
  EXPECT_EQ(d2.sites(), 3u);
  ASSERT_EQ(d2.notes.size(), 1u);
  EXPECT_EQ(d2.notes[0], "epci E2: 5 sites wanted, 3 chosen (3 candidate communes, 0 fixed sites)");
}

TEST(Deployment, MultiCentreKeepsFixedSites) {
  const Six s;
  // C5 is imposed; the one site left goes where it serves best: C4 (C3 goes to C4, 10 × 50).
  const Deployment d =
      deploy(s.territory, s.posts("P3,epci,C4,30,multi_centre,C5,epci,2\n"), s.table, s.among, {});
  EXPECT_EQ(d.site_commune, (std::vector<geo::CommuneId>{5, 4}));
  // C5 serves its own 50, C4 serves 200 + 50 (C3 is 10 min from C4, 20 from C5): 30 h split
  // 5 and 25.
  EXPECT_DOUBLE_EQ(d.site_weekly_hours[0], 5);
  EXPECT_DOUBLE_EQ(d.site_weekly_hours[1], 25);
}

TEST(Deployment, RoamingPostsShareTheirGroupsCommunes) {
  const Six s;
  const PostTable posts = s.posts(
      "P1,commune,C0,35,,,,\n"
      "R1,epci,C0,35,roaming,,epci,\n"
      "R2,epci,C2,35,roaming,,epci,\n");
  const Deployment d = deploy(s.territory, posts, s.table, s.among, {});
  EXPECT_EQ(d.sites(), 1u);
  ASSERT_EQ(d.circuits(), 2u);
  EXPECT_EQ(d.circuit_post, (std::vector<PostId>{1, 2}));
  // 300 inhabitants for two advisors: the cap is 1.15 × 150 = 172.5. C1 fits under it with
  // neither (100 + 100), so it joins the nearer centre, C0 (equal minutes: the first advisor);
  // moving it to R2 would not reduce the spread (100 is not < 200 − 100).
  EXPECT_EQ(std::vector<geo::CommuneId>(d.stops(0).begin(), d.stops(0).end()),
            (std::vector<geo::CommuneId>{0, 1}));
  EXPECT_EQ(std::vector<geo::CommuneId>(d.stops(1).begin(), d.stops(1).end()),
            std::vector<geo::CommuneId>{2});
  // R1 drives C0 → C1 → C0 (20 min) and visits both communes each round.
  EXPECT_FLOAT_EQ(d.circuit_cycle_minutes[0], 20);
  const double month = 35 * 52.0 / 12;
  const double rounds = month / (20.0 / 60 + 2 * 3.5);
  EXPECT_NEAR(d.circuit_rounds_per_month[0], rounds, 1e-9);
  EXPECT_NEAR(d.stop_visits_per_month[1], rounds, 1e-9);
  EXPECT_NEAR(d.stop_presence_hours_per_month[1], (month - rounds / 3) / 2, 1e-9);
  // R2 stays at C2: no driving, all its month there in 3.5 h visits.
  EXPECT_FLOAT_EQ(d.circuit_cycle_minutes[1], 0);
  EXPECT_NEAR(d.stop_presence_hours_per_month[2], month, 1e-9);
  EXPECT_NEAR(d.stop_visits_per_month[2], month / 3.5, 1e-9);
}

TEST(Deployment, PlansOnARealTravelGraph) {
  // The same line as a road graph (10 min each way between neighbours): the table and the
  // roaming matrix now come from geo's searches and must give the plan above.
  const Six s;
  std::vector<geo::Edge> edges;
  for (std::uint32_t i = 0; i + 1 < 6; ++i) {
    edges.push_back({i, i + 1, 10});
    edges.push_back({i + 1, i, 10});
  }
  geo::TravelGraph graph = geo::make_travel_graph("test", 6, edges);
  graph.commune_vertex = test::iota_ids(6);
  graph.access_minutes.assign(6, 0.0f);
  const auto all = test::iota_ids(6);
  const geo::TravelTable table = geo::build_travel_table(graph, all, 45);
  const PostTable posts = s.posts(
      "R1,epci,C0,35,roaming,,epci,\n"
      "R2,epci,C2,35,roaming,,epci,\n"
      "P3,epci,C4,30,multi_centre,,epci,1\n"
      "P4,epci,C4,24,multi_centre,,epci,1\n");
  const Deployment d = deploy(s.territory, posts, table, minutes_among_on(graph), {});
  EXPECT_EQ(d.site_commune, (std::vector<geo::CommuneId>{3, 4, 3, 4}));
  const std::vector<double> hours{5, 25, 4, 20};
  ASSERT_EQ(d.site_weekly_hours.size(), hours.size());
  for (std::size_t i = 0; i < hours.size(); ++i) EXPECT_DOUBLE_EQ(d.site_weekly_hours[i], hours[i]);
  EXPECT_EQ(d.stop_commune, (std::vector<geo::CommuneId>{0, 1, 2}));
  EXPECT_EQ(d.circuit_cycle_minutes, (std::vector<float>{20, 0}));
}

TEST(Deployment, SiteWithoutTableRowIsAnError) {
  const Six s;
  const geo::TravelTable partial = test::table_from_matrix(s.minutes, {0, 1}, 45);
  try {
    deploy(s.territory, s.posts("P9,commune,C4,35,,,,\n"), partial, s.among, {});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("post P9: site C4 has no row"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace covsim::sim
