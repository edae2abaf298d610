// Road networks from real-format .osm.pbf extracts written by the test with libosmium: speeds
// by class and maxspeed, one-way streets, the largest strongly connected component, degree-2
// chains contracted, snapping, and the errors a planner sees on a bad file.
#include "geo/detail/osm_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <osmium/geom/haversine.hpp>

#include "geo/detail/ogr.hpp"
#include "geo/error.hpp"
#include "geo/road_network.hpp"
#include "geo/travel_matrix.hpp"
#include "tests/geo/osm_fixture.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::geo {
namespace {

//   6 ---- 1 ==W10 primary== 2 ==W10== 3          = two-way, -> one-way
//          | \               ^         | W11 secondary, maxspeed 50
//     W19  |  W17 footway    | W15     4
//   unclass|   (ignored)     | resid.  | W12 tertiary
//          5 ------------------------- 7 -W13- 8 -W14- 5 (the chain 4-7-8-5, three ways)
//          | W16 unclassified one way
//          v
//          9  (dead end: not strongly connected, dropped)
// W18 primary 6-1-99: node 99 is not in the extract, the way is cut there.
test::OsmExtract sample() {
  test::OsmExtract x;
  const double lon0 = -1.70, lat0 = 48.10;
  x.node(1, lon0, lat0);
  x.node(2, lon0 + 0.01, lat0);
  x.node(3, lon0 + 0.02, lat0);
  x.node(4, lon0 + 0.02, lat0 + 0.01);
  x.node(5, lon0 + 0.01, lat0 + 0.01);
  x.node(6, lon0 - 0.01, lat0);
  x.node(7, lon0 + 0.02 - 0.01 / 3, lat0 + 0.01);
  x.node(8, lon0 + 0.02 - 0.02 / 3, lat0 + 0.01);
  x.node(9, lon0 + 0.01, lat0 + 0.03);
  x.way(10, {1, 2, 3}, {{"highway", "primary"}});
  x.way(11, {3, 4}, {{"highway", "secondary"}, {"maxspeed", "50"}});
  x.way(12, {4, 7}, {{"highway", "tertiary"}});
  x.way(13, {7, 8}, {{"highway", "tertiary"}});
  x.way(14, {8, 5}, {{"highway", "tertiary"}});
  x.way(15, {5, 2}, {{"highway", "residential"}, {"oneway", "yes"}});
  x.way(16, {5, 9}, {{"highway", "unclassified"}, {"oneway", "yes"}});
  x.way(17, {1, 5}, {{"highway", "footway"}});
  x.way(18, {6, 1, 99}, {{"highway", "primary"}});
  x.way(19, {1, 5}, {{"highway", "unclassified"}});
  x.way(20, {2, 9}, {{"waterway", "river"}});
  return x;
}

// Minutes of the road between two nodes at `kmh`, measured as the reader does.
double minutes(const test::OsmExtract& x, std::int64_t a, std::int64_t b, double kmh) {
  const auto [la, pa] = x.location(a);
  const auto [lb, pb] = x.location(b);
  return osmium::geom::haversine::distance(osmium::geom::Coordinates(la, pa),
                                           osmium::geom::Coordinates(lb, pb)) /
         1000 / kmh * 60;
}

// Communes exactly on nodes 1, 3 and 5 (projected as the reader projects them).
Territory communes_on(const test::OsmExtract& x, std::initializer_list<std::int64_t> nodes) {
  detail::SrsPtr wgs84 = detail::make_srs("EPSG:4326", "test");
  detail::SrsPtr l93 = detail::make_srs("EPSG:2154", "test");
  detail::TransformPtr tr(OCTNewCoordinateTransformation(wgs84.get(), l93.get()));
  Territory t;
  t.source = "test";
  for (std::int64_t n : nodes) {
    auto [px, py] = x.location(n);
    EXPECT_TRUE(OCTTransform(tr.get(), 1, &px, &py, nullptr));
    const std::string code = "N" + std::to_string(n);
    t.add(code, code, 100, {}, {px, py});
  }
  t.index_codes();
  return t;
}

RoadOptions options_for(const std::filesystem::path& file) {
  RoadOptions o;
  o.file = file;
  o.cache = false;
  return o;
}

TEST(OsmReader, SpeedLimitsReadAsOsmWritesThem) {
  using detail::parse_maxspeed;
  EXPECT_EQ(parse_maxspeed("50"), 50);
  EXPECT_EQ(parse_maxspeed(" 90 km/h"), 90);
  EXPECT_NEAR(*parse_maxspeed("30 mph"), 48.28, 0.01);
  EXPECT_EQ(parse_maxspeed("FR:urban"), 50);
  EXPECT_EQ(parse_maxspeed("FR:rural"), 80);
  EXPECT_EQ(parse_maxspeed("FR:motorway"), 130);
  EXPECT_EQ(parse_maxspeed("FR:zone30"), 30);
  EXPECT_EQ(parse_maxspeed("walk"), 6);
  EXPECT_EQ(parse_maxspeed("none"), std::nullopt);
  EXPECT_EQ(parse_maxspeed("50;30"), std::nullopt);
  EXPECT_EQ(parse_maxspeed("signals"), std::nullopt);
  EXPECT_EQ(parse_maxspeed("0"), std::nullopt);
}

TEST(OsmReader, OneWayStreetsSpeedsChainsAndComponent) {
  test::TempDir dir;
  const test::OsmExtract x = sample();
  x.write(dir / "sample.osm.pbf");
  const Territory t = communes_on(x, {1, 3, 5});
  const RoadGraph r = road_travel_graph(t, options_for(dir / "sample.osm.pbf"));
  const RoadReport& rep = r.report;
  EXPECT_EQ(rep.reader, "libosmium");
  EXPECT_EQ(rep.features, 10u);  // ways tagged highway; the river is not counted
  EXPECT_EQ(rep.ignored_by_class, (std::map<std::string, std::size_t>{{"footway", 1}}));
  EXPECT_EQ(rep.lines_driven, 9u);
  EXPECT_EQ(rep.one_way_lines, 2u);
  EXPECT_EQ(rep.lines_with_maxspeed, 1u);
  EXPECT_EQ(rep.lines_missing_nodes, 1u);
  EXPECT_EQ(rep.nodes_read, 9u);        // 1..9
  EXPECT_EQ(rep.nodes_kept, 8u);        // 9 cannot be left
  EXPECT_EQ(rep.nodes_contracted, 4u);  // 3, 4, 7, 8: the chain from 2 to 5
  // 1, 2, 5, 6, and 3 brought back for the commune on it.
  EXPECT_EQ(r.graph.vertex_count(), 5u);
  EXPECT_LT(rep.max_snap_m, 0.01);
  for (float a : r.graph.access_minutes) EXPECT_LT(a, 1e-3);

  const std::vector<CommuneId> all{0, 1, 2};  // on nodes 1, 3, 5
  const TravelMatrix m = minutes_among(r.graph, all);
  const double primary = default_road_speeds().at("primary");
  const double tertiary = default_road_speeds().at("tertiary");
  const double residential = default_road_speeds().at("residential");
  // 3 -> 5 along the contracted chain, the secondary at 0.6 x its 50 km/h limit; W15 is
  // closed this way.
  const double chain = minutes(x, 3, 4, 0.6 * 50) + minutes(x, 4, 7, tertiary) +
                       minutes(x, 7, 8, tertiary) + minutes(x, 8, 5, tertiary);
  const double one_way = minutes(x, 5, 2, residential) + minutes(x, 2, 3, primary);
  ASSERT_LT(one_way, chain);  // meaningful only if the one-way street is the shortcut
  EXPECT_NEAR(m.at(1, 2), chain, 1e-4);
  EXPECT_NEAR(m.at(2, 1), one_way, 1e-4);
  const double via_19 = minutes(x, 1, 5, default_road_speeds().at("unclassified"));
  EXPECT_NEAR(m.at(0, 2), std::min(via_19, minutes(x, 1, 3, primary) + chain), 1e-4);

  RoadOptions both_ways = options_for(dir / "sample.osm.pbf");
  both_ways.oneway_field.clear();
  const TravelMatrix b = minutes_among(road_travel_graph(t, both_ways).graph, all);
  EXPECT_NEAR(b.at(1, 2), minutes(x, 3, 2, primary) + minutes(x, 2, 5, residential), 1e-4);

  RoadOptions class_only = options_for(dir / "sample.osm.pbf");
  class_only.use_maxspeed = false;
  const TravelMatrix c = minutes_among(road_travel_graph(t, class_only).graph, all);
  EXPECT_NEAR(
      c.at(1, 2),
      chain - minutes(x, 3, 4, 0.6 * 50) + minutes(x, 3, 4, default_road_speeds().at("secondary")),
      1e-4);
}

TEST(OsmReader, MotorwaysAndRoundaboutsAreOneWayUnlessTaggedOtherwise) {
  test::TempDir dir;
  test::OsmExtract x;
  x.node(1, 2.0, 47.0);
  x.node(2, 2.02, 47.0);
  x.node(3, 2.01, 47.01);
  x.way(1, {1, 2}, {{"highway", "motorway"}});
  x.way(2, {2, 3}, {{"highway", "primary"}, {"junction", "roundabout"}});
  x.way(3, {3, 1}, {{"highway", "motorway"}, {"oneway", "no"}});
  x.write(dir / "ring.osm.pbf");
  const Territory t = communes_on(x, {1, 2});
  const RoadGraph r = road_travel_graph(t, options_for(dir / "ring.osm.pbf"));
  EXPECT_EQ(r.report.one_way_lines, 2u);
  const std::vector<CommuneId> ab{0, 1};
  const TravelMatrix m = minutes_among(r.graph, ab);
  const double motorway = default_road_speeds().at("motorway");
  EXPECT_NEAR(m.at(0, 1), minutes(x, 1, 2, motorway), 1e-4);
  EXPECT_NEAR(m.at(1, 0),
              minutes(x, 2, 3, default_road_speeds().at("primary")) + minutes(x, 3, 1, motorway),
              1e-4);
}

TEST(OsmReader, BadExtractsNameTheFile) {
  test::TempDir dir;
  const Territory t = communes_on(sample(), {1});
  std::ofstream(dir / "garbage.osm.pbf") << "this is not protobuf";
  try {
    road_travel_graph(t, options_for(dir / "garbage.osm.pbf"));
    FAIL() << "garbage accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.file().find("garbage.osm.pbf"), std::string::npos);
    EXPECT_FALSE(e.problem().empty());
  }
  EXPECT_THROW(road_travel_graph(t, options_for(dir / "absent.osm.pbf")), InputError);

  test::OsmExtract paths;
  paths.node(1, 2.0, 47.0);
  paths.node(2, 2.01, 47.0);
  paths.way(1, {1, 2}, {{"highway", "footway"}});
  paths.write(dir / "paths.osm.pbf");
  try {
    road_travel_graph(t, options_for(dir / "paths.osm.pbf"));
    FAIL() << "an extract without roads accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.problem().find("no drivable road"), std::string::npos) << e.what();
  }

  test::OsmExtract odd = sample();
  odd.way(30, {1, 3}, {{"highway", "hovercraft"}});
  odd.write(dir / "odd.osm.pbf");
  try {
    road_travel_graph(t, options_for(dir / "odd.osm.pbf"));
    FAIL() << "an unknown class accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "tag 'highway'");
    EXPECT_NE(e.problem().find("hovercraft (1)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace covsim::geo
