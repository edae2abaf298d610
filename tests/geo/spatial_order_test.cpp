// Hilbert ordering: the curve's shape on small grids, and permute() keeping columns aligned.
#include "geo/spatial_order.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace covsim::geo {
namespace {

TEST(HilbertIndex, VisitsTheFourQuadrantsInCurveOrder) {
  constexpr std::uint32_t h = 1u << 15;  // half the grid
  EXPECT_EQ(hilbert_index(0, 0), 0u);
  EXPECT_EQ(hilbert_index(0, h) / (std::uint64_t{h} * h), 1u) << "upper left";
  EXPECT_EQ(hilbert_index(h, h) / (std::uint64_t{h} * h), 2u) << "upper right";
  EXPECT_EQ(hilbert_index(h, 0) / (std::uint64_t{h} * h), 3u) << "lower right";
  EXPECT_EQ(hilbert_index(2 * h - 1, 0), std::uint64_t{2 * h} * (2 * h) - 1) << "ends lower right";
}

TEST(HilbertOrder, ConsecutivePointsOfAGridAreNeighbours) {
  // A 16 x 16 grid scaled onto the 2^16 curve: each point falls in its own coarse cell, so the
  // order is the curve's, and consecutive cells of a Hilbert curve share an edge.
  std::vector<Point> points;
  for (int x = 15; x >= 0; --x)
    for (int y = 0; y < 16; ++y) points.push_back({1000.0 * x, 1000.0 * y});
  const std::vector<std::uint32_t> order = hilbert_order(points);
  ASSERT_EQ(order.size(), 256u);
  EXPECT_EQ(points[order.front()], (Point{0, 0}));
  EXPECT_EQ(points[order.back()], (Point{15000, 0}));
  for (std::size_t i = 1; i < order.size(); ++i) {
    const Point a = points[order[i - 1]], b = points[order[i]];
    EXPECT_DOUBLE_EQ(std::abs(a.x - b.x) + std::abs(a.y - b.y), 1000) << "step " << i;
  }
}

TEST(HilbertOrder, IdenticalPointsKeepTheirOrder) {
  const std::vector<Point> points(5, Point{3, 4});
  EXPECT_EQ(hilbert_order(points), (std::vector<std::uint32_t>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(hilbert_order({}).empty());
}

TEST(Permute, MovesEveryColumnTogether) {
  Territory t;
  Grouping& g = t.grouping_or_add("department");
  g.codes = {"D1", "D2"};
  g.names = {"One", "Two"};
  const char* codes[] = {"a", "b", "c"};
  for (int i = 0; i < 3; ++i) {
    MultiPolygon m;
    const Point ring[] = {{0, 0}, {double(i + 1), 0}, {double(i + 1), 1}, {0, 1}};
    m.add_ring(ring);
    m.end_polygon();
    t.add(codes[i], std::string("name ") + codes[i], 10.0 * i, m, {double(i), 0});
    t.priority_population.back() = i;
  }
  t.groupings[0].of = {0, kNoGroup, 1};
  const std::uint32_t order[] = {2, 0, 1};
  permute(t, order);
  EXPECT_EQ(t.code, (std::vector<std::string>{"c", "a", "b"}));
  EXPECT_EQ(t.name[0], "name c");
  EXPECT_EQ(t.population, (std::vector<double>{20, 0, 10}));
  EXPECT_EQ(t.priority_population, (std::vector<double>{2, 0, 1}));
  EXPECT_EQ(t.area_km2[0], 3e-6);
  EXPECT_EQ(t.shape[0].area(), 3);
  EXPECT_EQ(t.demand[0], (Point{2, 0}));
  EXPECT_EQ(t.groupings[0].of, (std::vector<GroupId>{1, 0, kNoGroup}));
  EXPECT_EQ(t.find("b"), 2u);
}

}  // namespace
}  // namespace covsim::geo
