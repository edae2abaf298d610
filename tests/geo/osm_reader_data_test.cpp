// The libosmium reader on a real OpenStreetMap extract (../shared/data/osm/andorra.osm.pbf,
// mountain roads on the border of Ariège): it imports, keeps most of the network strongly
// connected, honours the one-way streets and speed limits the file has, and caches.
#include <gtest/gtest.h>

#include "geo/detail/road_cache.hpp"
#include "geo/road_network.hpp"
#include "geo/travel_matrix.hpp"
#include "tests/temp_dir.hpp"
#include "tests/test_data.hpp"

namespace covsim::geo {
namespace {

TEST(OsmReaderData, AndorraImportsAndReloadsFromItsCache) {
  COVSIM_REQUIRE_SHARED_DATA("osm/andorra.osm.pbf");
  test::TempDir dir;  // the shared folder is read-only: the cache goes here
  // Two points in Lambert-93 near Andorra la Vella and Pas de la Casa.
  Territory t;
  t.source = "test";
  t.add("AND", "Andorra la Vella", 1, {}, {578338, 6157415});
  t.add("PAS", "Pas de la Casa", 1, {}, {595809, 6161194});
  t.index_codes();
  RoadOptions o;
  o.file = test::shared_data() / "osm/andorra.osm.pbf";
  o.cache_dir = dir.path();
  const RoadGraph first = road_travel_graph(t, o);
  const RoadReport& r = first.report;
  EXPECT_EQ(r.reader, "libosmium");
  EXPECT_GT(r.lines_driven, 1000u);
  EXPECT_GT(r.one_way_lines, 50u);
  EXPECT_GT(r.lines_with_maxspeed, 50u);
  EXPECT_GT(r.nodes_kept, r.nodes_read * 8 / 10);  // the main network, not a fragment
  EXPECT_GT(r.nodes_contracted, 0u);
  EXPECT_LT(r.max_snap_m, 500);
  EXPECT_TRUE(r.cache.rfind("written to", 0) == 0) << r.cache;

  // About 25 km of mountain road over the Envalira pass: between 20 and 60 minutes.
  const std::vector<CommuneId> both{0, 1};
  const TravelMatrix m = minutes_among(first.graph, both);
  EXPECT_GT(m.at(0, 1), 20);
  EXPECT_LT(m.at(0, 1), 60);
  EXPECT_GT(m.at(1, 0), 20);
  EXPECT_LT(m.at(1, 0), 60);

  const RoadGraph again = road_travel_graph(t, o);
  EXPECT_TRUE(again.report.cache.rfind("loaded from", 0) == 0) << again.report.cache;
  EXPECT_EQ(minutes_among(again.graph, both).minutes, m.minutes);
}

}  // namespace
}  // namespace covsim::geo
