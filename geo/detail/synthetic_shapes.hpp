// The geometric stages of the synthetic territory: a coastline-like outline, offshore islands,
// towns, commune seeds whose density follows the towns, and their Voronoi cells clipped to the
// outline. Each stage draws from its own seed stream. Internal to geo/synthetic_territory.
//
//   Outline land = make_outline(options);
//   Towns towns = make_towns(options, land);
#pragma once

#include <span>
#include <string>
#include <vector>

#include "geo/detail/geos.hpp"
#include "geo/synthetic_territory.hpp"

namespace covsim::geo::detail {

// Throws covsim::Error naming the GEOS operation when it returned null.
GeomPtr checked(const GeosContext& ctx, GEOSGeometry* g, const char* operation);

double distance(Point a, Point b);

// The mainland: star-shaped about `centre` (so the polygon is simple whatever the noise),
// rough on the sea side and smoother along the land border with the rest of the country.
struct Outline {
  std::vector<Point> ring;  // closed, counter-clockwise
  Point centre;
  double sx = 1, sy = 1;  // parameter space (unit circle) -> metres
  double coast_angle = 0, coast_half_width = 0;

  double angle_of(Point p) const;
  // 1 on the sea side, 0 along the land border, smooth in between.
  double coast_weight(double angle) const;
};

Outline make_outline(const SyntheticOptions& o);

// Small star-shaped islands off the sea side, clear of the mainland and of each other.
std::vector<std::vector<Point>> make_islands(const SyntheticOptions& o, const Outline& outline);

struct Towns {
  std::vector<Point> centre;
  std::vector<double> population;
  std::vector<double> core_m;   // other commune seeds stay beyond twice this radius
  std::vector<double> reach_m;  // how far the town raises commune density
  std::vector<double> weight;   // peak density relative to the countryside

  std::size_t size() const { return centre.size(); }
  // Relative density of communes at p: 1 in the countryside, more near towns.
  double intensity(Point p) const;
};

// Town 0 is the prefecture; the others are small towns. Well apart and away from the edges.
Towns make_towns(const SyntheticOptions& o, const Outline& outline);

// `count` commune seeds: the town centres first, then a hard-core process whose density
// follows Towns::intensity, so cells are small near towns, large in the countryside, and
// never slivers.
std::vector<Point> place_seeds(const SyntheticOptions& o, const Outline& outline,
                               const Towns& towns, std::size_t count);

struct Envelope {
  double min_x, min_y, max_x, max_y;
  bool overlaps(const Envelope& e, double slack) const {
    return min_x <= e.max_x + slack && e.min_x <= max_x + slack && min_y <= e.max_y + slack &&
           e.min_y <= max_y + slack;
  }
};
Envelope envelope(const GeosContext& ctx, const GEOSGeometry* g);

// One cell per seed, tiling `outline` exactly (see the .cpp for how).
std::vector<GeomPtr> voronoi_cells(const GeosContext& ctx, std::span<const Point> seeds,
                                   const GEOSGeometry* outline);

}  // namespace covsim::geo::detail
