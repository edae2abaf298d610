// GEOS operations the territory loader applies to commune polygons: validity check and repair,
// dissolve, a demand point guaranteed inside, and the length of a shared border. Internal to
// geo/; each call takes the calling thread's GEOS context.
#pragma once

#include <span>
#include <stdexcept>
#include <string>

#include "geo/detail/geos.hpp"
#include "geo/geometry.hpp"
#include "geo/territory_loader.hpp"

namespace covsim::geo::detail {

// GEOS refused a geometry; the caller names the feature.
class GeosFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RepairOutcome {
  bool repaired = false;
  std::string reason;  // GEOS validity reason and location
  double area_before_m2 = 0;
};

// Leaves a valid shape untouched; rebuilds an invalid one in place (which may leave it empty
// when nothing had area).
RepairOutcome repair_if_invalid(const GeosContext& ctx, MultiPolygon& shape, RepairMethod method);

// Union of the parts (dissolves shared borders; overlaps count once).
MultiPolygon dissolve(const GeosContext& ctx, std::span<const MultiPolygon* const> parts);

// Centroid of the largest polygon when it lies inside that polygon, else a point on its
// surface: always strictly inside `shape`, and on the main body rather than an islet.
// `shape` must not be empty.
Point demand_point(const GeosContext& ctx, const MultiPolygon& shape);

// Measures how much of other polygons' boundaries runs along `shape`'s boundary, within
// `tolerance_m` (independent simplification leaves neighbours' borders a little apart).
class BorderProbe {
 public:
  BorderProbe(const GeosContext& ctx, const MultiPolygon& shape, double tolerance_m);
  // Metres of `other`'s boundary within the tolerance of `shape`'s boundary.
  double shared_length(const MultiPolygon& other) const;

 private:
  const GeosContext& ctx_;
  GeomPtr zone_;
  PreparedPtr prepared_;
};

}  // namespace covsim::geo::detail
