#include "geo/adjacency_travel.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

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
  // 27.6 minutes of legs; beyond the first 6 the default trip curve runs 1.75 x faster.
  EXPECT_NEAR(m.at(0, 1), 6 + (2.6 + 25 - 6) / 1.75, 1e-5);
  EXPECT_NEAR(m.at(1, 0), 6 + (2.6 + 25 - 6) / 1.75, 1e-5);
}

TEST(AdjacencyTravel, DenseSpeedOnlyForThePartOfTheLegInsideTheDenseCommune) {
  // A small dense town T (1 km², radius 0.564 km) beside a vast rural commune R (16 km²,
  // radius 2.257 km), demand points 2.5 km apart: T's share of the leg is 0.564 / 2.821 = 0.2.
  Territory t;
  t.source = "two";
  auto square = [](double x0, double y0, double side) {
    MultiPolygon m;
    const std::vector<Point> ring{
        {x0, y0}, {x0 + side, y0}, {x0 + side, y0 + side}, {x0, y0 + side}};
    m.add_ring(ring);
    m.end_polygon();
    return m;
  };
  t.add("T", "T", 5000, square(-1000, 0, 1000), {-500, 2000});
  t.add("R", "R", 100, square(0, 0, 4000), {2000, 2000});
  t.area_km2 = {1, 16};
  t.index_codes();
  SpeedModel s;
  s.density_classes = {{1000, 30}};
  s.long_trip_speedup = 1;
  const TravelGraph g = adjacency_travel_graph(t, build_adjacency(t), s);
  const std::vector<CommuneId> both{0, 1};
  const double rt = std::sqrt(1 / std::numbers::pi), rr = std::sqrt(16 / std::numbers::pi);
  const double t_share = rt / (rt + rr);
  EXPECT_NEAR(t_share, 0.2, 1e-12);
  const double expected = 2.5 * 1.3 * (t_share / 30 + (1 - t_share) / 60) * 60;
  EXPECT_NEAR(minutes_among(g, both).at(0, 1), expected, 1e-5);
  EXPECT_LT(expected, 2.5 * 1.3 / 40 * 60);  // less than the harmonic mean of half each
}

TEST(AdjacencyTravel, LongTripsRunFasterBeyondTheCurveStart) {
  const Territory t = row_of_squares();
  SpeedModel s;
  s.extra_links = {{"C", "E", 25}};
  s.long_trip_from_minutes = 10;
  s.long_trip_speedup = 2;
  const TravelGraph g = adjacency_travel_graph(t, build_adjacency(t), s);
  const std::vector<CommuneId> all{0, 1, 4};
  const TravelMatrix m = minutes_among(g, all);
  EXPECT_NEAR(m.at(0, 1), 1.3, 1e-5);                   // short: unchanged
  EXPECT_NEAR(m.at(0, 2), 10 + (27.6 - 10) / 2, 1e-5);  // long: the part beyond 10 halved
  // Tables stop where the curve says: 18.8 minutes is within 19, not within 18.7.
  EXPECT_TRUE(build_travel_table(g, all, 19.0f).minutes(0, 4).has_value());
  EXPECT_FALSE(build_travel_table(g, all, 18.7f).minutes(0, 4).has_value());
  EXPECT_THROW(adjacency_travel_graph(t, build_adjacency(t), {.long_trip_speedup = 0.5}), Error);
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
