#include "geo/road_network.hpp"

#include <gtest/gtest.h>
#include <ogr_srs_api.h>

#include <cmath>

#include "geo/detail/ogr.hpp"
#include "geo/error.hpp"
#include "geo/travel_matrix.hpp"
#include "geo/travel_table.hpp"
#include "tests/test_data.hpp"

namespace covsim::geo {
namespace {

std::filesystem::path roads(const char* name) { return test::test_data() / "geo/roads" / name; }

Territory communes_at(const std::vector<Point>& demand) {
  Territory t;
  t.source = "test";
  for (std::size_t i = 0; i < demand.size(); ++i) {
    const std::string code(1, static_cast<char>('A' + i));
    t.add(code, code, 100, {}, demand[i]);
  }
  t.index_codes();
  return t;
}

// tests/data/geo/roads/small.geojson, in Lambert-93 metres:
//
//   P3 (1000,1000) <----L7 one way----  (0,1000)      L7: P3 -> (0,1000) -> P0, 2 km, one way
//    |  ^                                 |           L3: P2 -> (2000,1000) -> P3, 2 km, drawn
//    |  +---L3 (oneway=-1) from P2 ---+   v               from P3 with oneway=-1
//   L2 residential                    |  P0 (0,0)     L1: P0 - P1 - P2 primary, 2 km
//    |                                |               L2: P1 - P3 residential, 1 km
//   P1 (1000,0) ---------L1----- P2 (2000,0)          L4 footway, L6 river: skipped
//                                                     L5 (5000,5000)-(6000,5000): detached
// With primary at 60 km/h (1 km = 1 min), residential at 30 (1 km = 2 min) and access at
// 6 km/h with no detour (100 m = 1 min):
//   A at (0,-100) -> P0 + 1 min, B at (1000,1100) -> P3 + 1 min, C at (2000,0) = P2.
// The InputError `road_travel_graph` throws; fails the test when it throws none.
InputError error_of(const Territory& t, const RoadOptions& o) {
  try {
    road_travel_graph(t, o);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << o.file << " accepted";
  return InputError("", "", "");
}

RoadOptions small_options() {
  RoadOptions o;
  o.file = roads("small.geojson");
  o.speed_kmh = {{"primary", 60}, {"residential", 30}};
  o.ignored_classes = {"footway"};
  o.access_detour = 1;
  o.access_speed_kmh = 6;
  return o;
}

TEST(RoadNetwork, HandComputedMinutesWithBothKindsOfOneWay) {
  const Territory t = communes_at({{0, -100}, {1000, 1100}, {2000, 0}, {5500, 5000}});
  const RoadGraph r = road_travel_graph(t, small_options());
  EXPECT_EQ(r.graph.model, "road");
  EXPECT_EQ(r.graph.vertex_count(), 4u);  // P0..P3: L5's ends are another component
  EXPECT_FLOAT_EQ(r.graph.access_minutes[0], 1.0f);
  EXPECT_FLOAT_EQ(r.graph.access_minutes[1], 1.0f);
  EXPECT_FLOAT_EQ(r.graph.access_minutes[2], 0.0f);

  const std::vector<CommuneId> abc{0, 1, 2};
  const TravelMatrix m = minutes_among(r.graph, abc);
  EXPECT_NEAR(m.at(0, 1), 1 + 3 + 1, 1e-4);  // P0 -> P1 -> P3: L7 runs the other way
  EXPECT_NEAR(m.at(1, 0), 1 + 2 + 1, 1e-4);  // P3 -> P0 on L7
  EXPECT_NEAR(m.at(2, 1), 0 + 2 + 1, 1e-4);  // P2 -> P3 on L3 (against its drawing)
  EXPECT_NEAR(m.at(1, 2), 1 + 3 + 0, 1e-4);  // P3 -> P1 -> P2: L3 is closed this way
  EXPECT_NEAR(m.at(0, 2), 1 + 2 + 0, 1e-4);
  EXPECT_NEAR(m.at(2, 0), 0 + 2 + 1, 1e-4);

  // The same minutes through a bounded table: rows are minutes *to* the site.
  const std::vector<CommuneId> site_b{1};
  const TravelTable table = build_travel_table(r.graph, site_b, 4.5f);
  EXPECT_NEAR(*table.minutes(0, 2), 3.0f, 1e-4);
  EXPECT_EQ(table.minutes(0, 0), std::nullopt);  // 5 minutes from A
}

TEST(RoadNetwork, ReportCountsWhatWasSkippedAndWhereCommunesSnapped) {
  const Territory t = communes_at({{0, -100}, {1000, 1100}, {2000, 0}, {5500, 5000}});
  const RoadGraph r = road_travel_graph(t, small_options());
  const RoadReport& rep = r.report;
  EXPECT_EQ(rep.features, 7u);
  EXPECT_EQ(rep.lines_driven, 5u);
  EXPECT_EQ(rep.one_way_lines, 2u);
  EXPECT_EQ(rep.ignored_by_class,
            (std::map<std::string, std::size_t>{{"(no class)", 1}, {"footway", 1}}));
  EXPECT_TRUE(rep.unknown_by_class.empty());
  EXPECT_EQ(rep.nodes_read, 6u);
  EXPECT_EQ(rep.nodes_kept, 4u);
  EXPECT_EQ(rep.edges_kept, 8u);  // L1: 2 x 2, L2: 2, L3: 1, L7: 1
  EXPECT_NEAR(rep.kilometres_kept, 7.0, 1e-9);
  // D at (5500,5000) is nearest to P3 among kept nodes (L5 was dropped): 6020.8 m away.
  EXPECT_EQ(r.graph.commune_vertex[3], r.graph.commune_vertex[1]);
  EXPECT_NEAR(rep.max_snap_m, std::hypot(4500.0, 4000.0), 1e-6);
  EXPECT_EQ(rep.far_snaps, std::vector<CommuneId>{3});
  EXPECT_NEAR(rep.mean_snap_m, (100 + 100 + 0 + std::hypot(4500.0, 4000.0)) / 4, 1e-6);
  const std::string text = rep.to_text(t);
  EXPECT_NE(text.find("footway 1"), std::string::npos) << text;
  EXPECT_NE(text.find("far from any road: D"), std::string::npos) << text;
}

TEST(RoadNetwork, OnewayFieldCanBeSwitchedOff) {
  const Territory t = communes_at({{0, -100}, {1000, 1100}});
  RoadOptions o = small_options();
  o.oneway_field.clear();
  const std::vector<CommuneId> ab{0, 1};
  const TravelMatrix m = minutes_among(road_travel_graph(t, o).graph, ab);
  EXPECT_NEAR(m.at(0, 1), 1 + 2 + 1, 1e-4);  // L7 now open both ways
}

TEST(RoadNetwork, UnknownClassesAreListedWithCountsOrDrivenAtTheGivenSpeed) {
  const Territory t = communes_at({{0, 0}, {4000, 0}});
  RoadOptions o;
  o.file = roads("unknown_class.geojson");
  const InputError e = error_of(t, o);
  EXPECT_NE(e.file().find("unknown_class.geojson"), std::string::npos);
  EXPECT_EQ(e.where(), "layer 'unknown_class', field 'highway'");
  EXPECT_NE(e.problem().find("hovercraft (2), zipline (1)"), std::string::npos) << e.what();
  o.unknown_class_speed_kmh = 15;
  const RoadGraph r = road_travel_graph(t, o);
  EXPECT_EQ(r.report.unknown_by_class,
            (std::map<std::string, std::size_t>{{"hovercraft", 2}, {"zipline", 1}}));
  const std::vector<CommuneId> ab{0, 1};
  // 1 km of primary at 70 km/h (the default), 3 km at 15 km/h.
  EXPECT_NEAR(minutes_among(r.graph, ab).at(0, 1), 60.0 / 70 + 3 * 4, 1e-4);
}

TEST(RoadNetwork, ErrorsNameTheFileAndWhatIsMissing) {
  const Territory t = communes_at({{0, 0}});
  RoadOptions o;
  o.file = roads("no_class_field.geojson");
  const InputError e = error_of(t, o);
  EXPECT_EQ(e.where(), "layer 'no_class_field'");
  EXPECT_EQ(e.problem(), "no road class field 'highway' (fields: nature, name)");
  o.class_field.clear();
  EXPECT_THROW(road_travel_graph(t, o), InputError);  // no classes and no speed for them
  o.unknown_class_speed_kmh = 50;
  EXPECT_EQ(road_travel_graph(t, o).graph.edge_count(), 2u);

  o = {};
  o.file = roads("points.geojson");
  EXPECT_NE(error_of(t, o).problem().find("no line layer"), std::string::npos);
  o.file = roads("absent.geojson");
  EXPECT_THROW(road_travel_graph(t, o), InputError);
  o.file = roads("small.geojson");
  o.speed_kmh["primary"] = 0;
  EXPECT_THROW(road_travel_graph(t, o), InputError);
}

// tests/data/geo/roads/tiny.osm: lon/lat read through GDAL's OSM driver, oneway in other_tags.
TEST(RoadNetwork, OsmFileThroughGdalsOsmDriver) {
  // Project the nodes as the loader does to compute the expected lengths independently.
  detail::SrsPtr wgs84 = detail::make_srs("EPSG:4326", "test");
  detail::SrsPtr l93 = detail::make_srs("EPSG:2154", "test");
  detail::TransformPtr tr(OCTNewCoordinateTransformation(wgs84.get(), l93.get()));
  auto at = [&](double lon, double lat) {
    double x = lon, y = lat;
    EXPECT_TRUE(OCTTransform(tr.get(), 1, &x, &y, nullptr));
    return Point{x, y};
  };
  const Point n1 = at(-1.70, 48.10), n2 = at(-1.69, 48.10), n3 = at(-1.67, 48.10),
              n4 = at(-1.68, 48.099), n7 = at(-1.68, 48.13);
  auto km = [](Point a, Point b) { return std::hypot(a.x - b.x, a.y - b.y) / 1000; };
  const double primary = default_road_speeds().at("primary"),
               residential = default_road_speeds().at("residential");

  const Territory t = communes_at({n1, n2, n3});
  RoadOptions o;
  o.file = roads("tiny.osm");
  const RoadGraph r = road_travel_graph(t, o);
  EXPECT_EQ(r.report.features, 4u);
  EXPECT_EQ(r.report.one_way_lines, 1u);
  EXPECT_EQ(r.report.ignored_by_class,
            (std::map<std::string, std::size_t>{{"(no class)", 1}, {"footway", 1}}));
  EXPECT_EQ(r.graph.vertex_count(), 3u);  // n1, n2, n3; n4 and n7 are inside ways
  EXPECT_LT(r.report.max_snap_m, 0.1);

  const std::vector<CommuneId> all{0, 1, 2};
  const TravelMatrix m = minutes_among(r.graph, all);
  const double by_north = (km(n2, n7) + km(n7, n3)) / primary * 60;
  const double by_street = (km(n3, n4) + km(n4, n2)) / residential * 60;
  ASSERT_LT(by_street, by_north);            // the test is only meaningful if the street is faster
  EXPECT_NEAR(m.at(1, 2), by_north, 2e-3);   // n2 -> n3 cannot use the one-way street
  EXPECT_NEAR(m.at(2, 1), by_street, 2e-3);  // n3 -> n2 can
  EXPECT_NEAR(m.at(0, 2), km(n1, n2) / primary * 60 + by_north, 2e-3);
}

}  // namespace
}  // namespace covsim::geo
