// Geometry checks written apart from GEOS, so that tests check GEOS's answers with other code.
#pragma once

#include <cstddef>

#include "geo/geometry.hpp"

namespace covsim::test {

// Even-odd point in polygon over every ring: true when `p` is inside `m` (holes excluded).
inline bool inside(const geo::MultiPolygon& m, geo::Point p) {
  bool in = false;
  for (std::size_t r = 0; r < m.ring_count(); ++r) {
    const auto ring = m.ring(r);
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
      if ((ring[i].y > p.y) != (ring[j].y > p.y) &&
          p.x < (ring[j].x - ring[i].x) * (p.y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x)
        in = !in;
    }
  }
  return in;
}

}  // namespace covsim::test
