// The adjacency model's defaults on the Nièvre pairs of issue 13: by road, Nevers to
// Cosne-Cours-sur-Loire takes about 42 minutes and Nevers to La Charité-sur-Loire about 22;
// before the 2026-12 defaults the model said 67 and 36.
#include <gtest/gtest.h>

#include <iostream>

#include "geo/adjacency.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/territory_loader.hpp"
#include "geo/travel_matrix.hpp"
#include "tests/geo/real_data_fixture.hpp"
#include "tests/test_data.hpp"

namespace covsim::geo {
namespace {

constexpr const char* kNievre = "communes-2018/58-nievre.geojson";

TEST(AdjacencyTravelData, NievrePairsWithinFifteenPercentOfTheRoad) {
  COVSIM_REQUIRE_SHARED_DATA(kNievre);
  COVSIM_REQUIRE_SHARED_DATA("cog-2026/communes.json");
  const Territory t = load_territory(test::real_options({test::shared(kNievre)})).territory;
  const Adjacency a = build_adjacency(t);
  const std::vector<CommuneId> pair{*t.find("58194"), *t.find("58086"), *t.find("58059")};
  ASSERT_EQ(t.name[pair[1]], "Cosne-Cours-sur-Loire");

  SpeedModel before;  // what the issue measured: 60 km/h, 1.3 x the straight line, nothing else
  before.density_classes.clear();
  before.long_trip_speedup = 1;
  const TravelMatrix old = minutes_among(adjacency_travel_graph(t, a, before), pair);
  const TravelMatrix now = minutes_among(adjacency_travel_graph(t, a, SpeedModel{}), pair);
  std::cout << "Nevers-Cosne " << old.at(0, 1) << " -> " << now.at(0, 1) << " min (road ~42); "
            << "Nevers-La Charité " << old.at(0, 2) << " -> " << now.at(0, 2)
            << " min (road ~22)\n";
  EXPECT_NEAR(old.at(0, 1), 67, 67 * 0.05);  // the figures: the same model
  EXPECT_NEAR(old.at(0, 2), 36, 36 * 0.05);
  EXPECT_NEAR(now.at(0, 1), 42, 42 * 0.15);
  EXPECT_NEAR(now.at(0, 2), 22, 22 * 0.15);
  EXPECT_NEAR(now.at(1, 0), now.at(0, 1), 1e-3);
}

}  // namespace
}  // namespace covsim::geo
