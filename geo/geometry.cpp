#include "geo/geometry.hpp"

#include <cmath>

namespace covsim::geo {

void MultiPolygon::add_ring(std::span<const Point> ring) {
  points.insert(points.end(), ring.begin(), ring.end());
  if (!ring.empty() && !(ring.front() == ring.back())) points.push_back(ring.front());
  ring_end.push_back(static_cast<std::uint32_t>(points.size()));
}

Box MultiPolygon::bounds() const {
  Box b;
  for (const Point& p : points) b.expand(p);
  return b;
}

double signed_area(std::span<const Point> ring) {
  if (ring.size() < 3) return 0;
  // Shifting by the first point keeps the products small: Lambert-93 coordinates are ~1e6 m.
  const Point o = ring.front();
  double twice = 0;
  for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
    const double x0 = ring[i].x - o.x, y0 = ring[i].y - o.y;
    const double x1 = ring[i + 1].x - o.x, y1 = ring[i + 1].y - o.y;
    twice += x0 * y1 - x1 * y0;
  }
  return twice / 2;
}

double MultiPolygon::area() const {
  double total = 0;
  for (std::size_t p = 0; p < polygon_count(); ++p) {
    for (std::uint32_t r = polygon_begin(p); r < polygon_end[p]; ++r) {
      const double a = std::abs(signed_area(ring(r)));
      total += (r == polygon_begin(p)) ? a : -a;
    }
  }
  return total;
}

}  // namespace covsim::geo
