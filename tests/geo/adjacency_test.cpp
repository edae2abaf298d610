#include "geo/adjacency.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "geo/error.hpp"

namespace covsim::geo {
namespace {

// POLYGON((x0 y0, x1 y0, x1 y1, x0 y1, x0 y0)) in metres.
MultiPolygon box(double x0, double y0, double x1, double y1) {
  MultiPolygon m;
  const std::vector<Point> ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
  m.add_ring(ring);
  m.end_polygon();
  return m;
}

Point centre(const MultiPolygon& m) {
  const Box b = m.bounds();
  return {(b.min_x + b.max_x) / 2, (b.min_y + b.max_y) / 2};
}

void add(Territory& t, const std::string& code, MultiPolygon shape) {
  const Point d = shape.empty() ? Point{} : centre(shape);
  t.add(code, code, 100, std::move(shape), d);
}

//   +----+----+  +----+           A, B: 1 km squares sharing x = 1000
//   | A  | B  |  | C  |           C: 0.5 m east of B (a simplification gap)
//   +----+----+  +----+           D: meets A only at its corner (0, 0)
//  D|                             E: far away (an island); F: no geometry at all
Territory squares() {
  Territory t;
  t.source = "squares";
  add(t, "A", box(0, 0, 1000, 1000));
  add(t, "B", box(1000, 0, 2000, 1000));
  add(t, "C", box(2000.5, 0, 3000, 1000));
  add(t, "D", box(-1000, -1000, 0, 0));
  add(t, "E", box(10000, 10000, 11000, 11000));
  add(t, "F", MultiPolygon{});
  t.index_codes();
  return t;
}

std::vector<CommuneId> ids(std::span<const CommuneId> s) { return {s.begin(), s.end()}; }

TEST(Adjacency, ZeroToleranceKeepsOnlyTouchingPolygons) {
  const Adjacency a = build_adjacency(squares(), {.tolerance_m = 0, .border_length = true});
  EXPECT_EQ(ids(a.neighbours(0)), (std::vector<CommuneId>{1, 3}));  // A: B and D
  EXPECT_EQ(ids(a.neighbours(1)), (std::vector<CommuneId>{0}));     // the gap isolates C
  EXPECT_TRUE(a.neighbours(2).empty());
  EXPECT_EQ(a.pair_count(), 2u);
  // The shared side of A and B is 1000 m; the 1 cm buffer adds 1 cm at each end.
  EXPECT_NEAR(a.borders(0)[0], 1000.02, 1e-3);
  EXPECT_NEAR(a.borders(0)[1], 0.02, 1e-3);  // the corner with D
  // {A, B, D} is the largest part; then C, E and F alone, in id order.
  EXPECT_EQ(a.component_size, (std::vector<std::uint32_t>{3, 1, 1, 1}));
  EXPECT_EQ(a.component, (std::vector<std::uint32_t>{0, 0, 1, 0, 2, 3}));
  EXPECT_EQ(a.outside_main, (std::vector<CommuneId>{2, 4, 5}));
}

TEST(Adjacency, ToleranceBridgesASmallGapAndIsSymmetric) {
  const Adjacency a = build_adjacency(squares(), {.tolerance_m = 1, .border_length = true});
  EXPECT_EQ(ids(a.neighbours(1)), (std::vector<CommuneId>{0, 2}));
  EXPECT_EQ(ids(a.neighbours(2)), (std::vector<CommuneId>{1}));
  EXPECT_EQ(a.pair_count(), 3u);
  // B's east side lies 0.5 m from C along its full 1000 m, and B's top and bottom edges come
  // within 1 m of C over their last 0.5 m.
  EXPECT_NEAR(a.borders(1)[1], 1001, 0.01);
  EXPECT_EQ(a.borders(2)[0], a.borders(1)[1]);
  EXPECT_EQ(a.outside_main, (std::vector<CommuneId>{4, 5}));
  EXPECT_EQ(a.tolerance_m, 1.0);
}

TEST(Adjacency, WithoutBorderLengthsTheColumnIsEmpty) {
  const Adjacency a = build_adjacency(squares(), {.tolerance_m = 1, .border_length = false});
  EXPECT_TRUE(a.border_m.empty());
  EXPECT_EQ(a.pair_count(), 3u);
}

TEST(Adjacency, RejectsANegativeTolerance) {
  EXPECT_THROW(build_adjacency(squares(), {.tolerance_m = -1}), Error);
}

}  // namespace
}  // namespace covsim::geo
