#include "geo/adjacency_travel.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "geo/error.hpp"
#include "geo/travel_matrix.hpp"
#include "geo/travel_table.hpp"

namespace covsim::geo {
namespace {

// A 1 km square with its lower-left corner at (x, y) km.
MultiPolygon square_km(double x, double y) {
  MultiPolygon m;
  const std::vector<Point> ring{{x * 1000, y * 1000},
                                {x * 1000 + 1000, y * 1000},
                                {x * 1000 + 1000, y * 1000 + 1000},
                                {x * 1000, y * 1000 + 1000}};
  m.add_ring(ring);
  m.end_polygon();
  return m;
}

//  [A][B][C]      demand points at the centres, 1 km apart; 1 km² each.
//        [D]      D below C, touching B at a corner: corner contacts are neighbours too.
//                 E: an island 10 km away, reachable only by an explicit link.
Territory row_of_squares(double population_b = 100) {
  Territory t;
  t.source = "row";
  const double pop[] = {100, population_b, 100, 100, 100};
  const double at[][2] = {{0, 0}, {1, 0}, {2, 0}, {2, -1}, {12, 0}};
  for (int i = 0; i < 5; ++i) {
    const std::string code(1, static_cast<char>('A' + i));
    t.add(code, code, pop[i], square_km(at[i][0], at[i][1]),
          {at[i][0] * 1000 + 500, at[i][1] * 1000 + 500});
  }
  t.index_codes();
  return t;
}

TEST(AdjacencyTravel, MinutesFromDistanceDetourAndSpeed) {
  const Territory t = row_of_squares();
  const TravelGraph g = adjacency_travel_graph(t, build_adjacency(t), SpeedModel{});
  EXPECT_EQ(g.model, "adjacency");
  EXPECT_EQ(g.vertex_count(), 5u);
  EXPECT_EQ(g.edge_count(), 8u);  // A-B, B-C, C-D, B-D both ways; E alone
  // 1 km x 1.3 at 60 km/h = 1.3 minutes between side neighbours, sqrt(2) x 1.3 across B-D.
  const std::vector<CommuneId> all{0, 1, 2, 3, 4};
  const TravelMatrix m = minutes_among(g, all);
  EXPECT_NEAR(m.at(0, 1), 1.3f, 1e-5);
  EXPECT_NEAR(m.at(0, 3), 1.3 + 1.3 * std::sqrt(2.0), 1e-5);
  EXPECT_NEAR(m.at(3, 0), 1.3 + 1.3 * std::sqrt(2.0), 1e-5);
  EXPECT_NEAR(m.at(2, 3), 1.3f, 1e-5);
  EXPECT_TRUE(std::isinf(m.at(0, 4)));
}

TEST(AdjacencyTravel, DenseCommuneSlowsItsEdgesByTheHarmonicMean) {
  // B at 5,000 inhabitants/km² falls in the 30 km/h class; A and C stay at 60 km/h.
  const Territory t = row_of_squares(5000);
  SpeedModel s;
  s.density_classes = {{4000, 30}, {1000, 45}};  // any order
  EXPECT_EQ(s.speed_in(t, 1), 30);
  EXPECT_EQ(s.speed_in(t, 0), 60);
  const TravelGraph g = adjacency_travel_graph(t, build_adjacency(t), s);
  const std::vector<CommuneId> abc{0, 1, 2};
  const TravelMatrix m = minutes_among(g, abc);
  // Harmonic mean of 60 and 30 is 40 km/h: 1.3 km at 40 km/h = 1.95 minutes.
  EXPECT_NEAR(m.at(0, 1), 1.95f, 1e-5);
  EXPECT_NEAR(m.at(0, 2), 3.9f, 1e-5);
}

TEST(AdjacencyTravel, ExtraLinkConnectsAnIslandBothWays) {
  const Territory t = row_of_squares();
  SpeedModel s;
  s.extra_links = {{"C", "E", 25}};
  const TravelGraph g = adjacency_travel_graph(t, build_adjacency(t), s);
  const std::vector<CommuneId> ae{0, 4};
  const TravelMatrix m = minutes_among(g, ae);
  EXPECT_NEAR(m.at(0, 1), 2.6f + 25, 1e-5);
  EXPECT_NEAR(m.at(1, 0), 2.6f + 25, 1e-5);
}

TEST(AdjacencyTravel, TableIsSymmetric) {
  const Territory t = row_of_squares(3000);
  SpeedModel s;
  s.density_classes = {{1000, 35}};
  s.extra_links = {{"E", "A", 12.5}};
  const TravelGraph g = adjacency_travel_graph(t, build_adjacency(t), s);
  const TravelTable table = build_travel_table(g, all_communes(t), 30.0f);
  EXPECT_EQ(table.entries(), 25u);  // everything within 30 minutes here
  // Float sums along a path and its reverse run in opposite orders: equal up to rounding.
  for (CommuneId a = 0; a < t.size(); ++a)
    for (CommuneId b = 0; b < t.size(); ++b)
      EXPECT_NEAR(*table.minutes(table.row_of(a), b), *table.minutes(table.row_of(b), a), 1e-5);
}

TEST(AdjacencyTravel, BadModelsAndLinksAreRejectedWithTheirName) {
  const Territory t = row_of_squares();
  const Adjacency a = build_adjacency(t);
  EXPECT_THROW(adjacency_travel_graph(t, a, {.detour_factor = 0.9}), Error);
  EXPECT_THROW(adjacency_travel_graph(t, a, {.speed_kmh = 0}), Error);
  EXPECT_THROW(adjacency_travel_graph(t, a, {.density_classes = {{100, -5}}}), Error);
  try {
    adjacency_travel_graph(t, a, {.extra_links = {{"A", "B", 1}, {"C", "Z", 5}}});
    FAIL() << "unknown code accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "extra link 2 (C - Z)");
    EXPECT_NE(e.problem().find("unknown commune code 'Z'"), std::string::npos);
  }
  EXPECT_THROW(adjacency_travel_graph(t, a, {.extra_links = {{"A", "E", -1}}}), InputError);
  EXPECT_THROW(adjacency_travel_graph(t, a, {.extra_links = {{"A", "E", NAN}}}), InputError);
}

}  // namespace
}  // namespace covsim::geo
