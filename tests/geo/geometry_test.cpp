#include "geo/geometry.hpp"

#include <gtest/gtest.h>

namespace covsim::geo {
namespace {

TEST(MultiPolygon, AreaSubtractsHolesWhateverTheWinding) {
  MultiPolygon m;
  const Point shell[] = {{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}};  // clockwise
  const Point hole[] = {{2, 2}, {4, 2}, {4, 4}, {2, 4}};               // open ring, ccw
  m.add_ring(shell);
  m.add_ring(hole);
  m.end_polygon();
  const Point second[] = {{20, 0}, {21, 0}, {21, 1}, {20, 1}, {20, 0}};
  m.add_ring(second);
  m.end_polygon();
  EXPECT_EQ(m.polygon_count(), 2u);
  EXPECT_EQ(m.ring_count(), 3u);
  EXPECT_EQ(m.ring(1).size(), 5u) << "an open ring is closed on insertion";
  EXPECT_DOUBLE_EQ(m.area(), 100.0 - 4.0 + 1.0);
  const Box b = m.bounds();
  EXPECT_DOUBLE_EQ(b.min_x, 0);
  EXPECT_DOUBLE_EQ(b.max_x, 21);
}

TEST(MultiPolygon, SignedAreaIsStableFarFromTheOrigin) {
  // Lambert-93 coordinates: a 1 m square near (700 km, 6.6 Mm) keeps its area exactly.
  const Point ring[] = {{700000, 6600000},
                        {700001, 6600000},
                        {700001, 6600001},
                        {700000, 6600001},
                        {700000, 6600000}};
  EXPECT_DOUBLE_EQ(signed_area(ring), 1.0);
}

}  // namespace
}  // namespace covsim::geo
