// Plain geometry values in the territory's metric CRS (metres). Flat arrays, no GEOS/GDAL types,
// so sim/ and renderers can use them; conversions live in geo/detail/.
//
//   MultiPolygon m = ...;           // rings closed, first ring of each polygon is the shell
//   double a = m.area();            // m², holes subtracted
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace covsim::geo {

struct Point {
  double x = 0;
  double y = 0;
  friend bool operator==(const Point&, const Point&) = default;
};

struct Box {
  double min_x = std::numeric_limits<double>::infinity();
  double min_y = std::numeric_limits<double>::infinity();
  double max_x = -std::numeric_limits<double>::infinity();
  double max_y = -std::numeric_limits<double>::infinity();

  bool empty() const { return min_x > max_x; }
  void expand(Point p) {
    if (p.x < min_x) min_x = p.x;
    if (p.y < min_y) min_y = p.y;
    if (p.x > max_x) max_x = p.x;
    if (p.y > max_y) max_y = p.y;
  }
  void expand(const Box& b) {
    if (b.empty()) return;
    expand(Point{b.min_x, b.min_y});
    expand(Point{b.max_x, b.max_y});
  }
  double width() const { return empty() ? 0 : max_x - min_x; }
  double height() const { return empty() ? 0 : max_y - min_y; }
};

// Ring r spans points [ring_begin(r), ring_end[r]); polygon p spans rings
// [polygon_begin(p), polygon_end[p]) and its first ring is the exterior shell. Rings are closed
// (last point == first point).
struct MultiPolygon {
  std::vector<Point> points;
  std::vector<std::uint32_t> ring_end;
  std::vector<std::uint32_t> polygon_end;

  bool empty() const { return polygon_end.empty(); }
  std::size_t polygon_count() const { return polygon_end.size(); }
  std::size_t ring_count() const { return ring_end.size(); }
  std::uint32_t ring_begin(std::size_t r) const { return r == 0 ? 0 : ring_end[r - 1]; }
  std::uint32_t polygon_begin(std::size_t p) const { return p == 0 ? 0 : polygon_end[p - 1]; }
  std::span<const Point> ring(std::size_t r) const {
    return {points.data() + ring_begin(r), points.data() + ring_end[r]};
  }

  // Appends one ring to the polygon being built; call end_polygon() after its holes.
  void add_ring(std::span<const Point> ring);
  void end_polygon() { polygon_end.push_back(static_cast<std::uint32_t>(ring_end.size())); }

  Box bounds() const;
  // Area in m², shells positive and holes negative whatever their winding.
  double area() const;
};

// Signed shoelace area of a closed ring (positive when counter-clockwise).
double signed_area(std::span<const Point> ring);

struct LineString {
  std::vector<Point> points;
};

}  // namespace covsim::geo
