// Hand-checkable shapes for geometry tests, in metres: a rectangle and a polygon from rings
// given open (the closing point is added).
//
//   MultiPolygon a = test::box(0, 0, 2, 1);                              // area 2
//   MultiPolygon b = test::polygon({{{0, 0}, {2, 2}, {2, 0}, {0, 2}}});  // a bow-tie
#pragma once

#include <vector>

#include "geo/geometry.hpp"

namespace covsim::test {

// One polygon: the first ring is the shell, the others its holes.
inline geo::MultiPolygon polygon(std::vector<std::vector<geo::Point>> rings) {
  geo::MultiPolygon m;
  for (auto& r : rings) {
    r.push_back(r.front());
    m.add_ring(r);
  }
  m.end_polygon();
  return m;
}

// POLYGON((x0 y0, x1 y0, x1 y1, x0 y1, x0 y0)).
inline geo::MultiPolygon box(double x0, double y0, double x1, double y1) {
  return polygon({{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}});
}

}  // namespace covsim::test
