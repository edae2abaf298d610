#include "geo/detail/polygon_ops.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

namespace covsim::geo::detail {

namespace {

GeomPtr checked(const GeosContext& ctx, GEOSGeometry* g, const char* what) {
  if (!g) throw GeosFailure(std::string(what) + " failed: " + ctx.last_error());
  return own(ctx, g);
}

// Polygon p of m, alone.
MultiPolygon part(const MultiPolygon& m, std::size_t p) {
  MultiPolygon out;
  for (std::uint32_t r = m.polygon_begin(p); r < m.polygon_end[p]; ++r) out.add_ring(m.ring(r));
  out.end_polygon();
  return out;
}

double polygon_area(const MultiPolygon& m, std::size_t p) {
  double a = 0;
  for (std::uint32_t r = m.polygon_begin(p); r < m.polygon_end[p]; ++r) {
    const double ring = std::abs(signed_area(m.ring(r)));
    a += r == m.polygon_begin(p) ? ring : -ring;
  }
  return a;
}

Point xy(const GeosContext& ctx, const GEOSGeometry* point) {
  Point p;
  GEOSGeomGetX_r(ctx, point, &p.x);
  GEOSGeomGetY_r(ctx, point, &p.y);
  return p;
}

}  // namespace

RepairOutcome repair_if_invalid(const GeosContext& ctx, MultiPolygon& shape, RepairMethod method) {
  RepairOutcome out;
  if (shape.empty()) return out;
  GeomPtr g = to_geos(ctx, shape);
  char* reason = nullptr;
  GEOSGeometry* location = nullptr;
  const char valid = GEOSisValidDetail_r(ctx, g.get(), 0, &reason, &location);
  GeomPtr where = own(ctx, location);
  if (valid == 2) throw GeosFailure("validity check failed: " + ctx.last_error());
  if (valid == 1) return out;

  out.repaired = true;
  out.reason = reason ? reason : "invalid";
  if (reason) GEOSFree_r(ctx, reason);
  if (where) {
    const Point at = xy(ctx, where.get());
    char buf[96];
    std::snprintf(buf, sizeof buf, " at (%.1f %.1f)", at.x, at.y);
    out.reason += buf;
  }
  out.area_before_m2 = shape.area();

  GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(ctx);
  GEOSMakeValidParams_setMethod_r(
      ctx, params,
      method == RepairMethod::structure ? GEOS_MAKE_VALID_STRUCTURE : GEOS_MAKE_VALID_LINEWORK);
  GEOSMakeValidParams_setKeepCollapsed_r(ctx, params, 0);
  GEOSGeometry* fixed = GEOSMakeValidWithParams_r(ctx, g.get(), params);
  GEOSMakeValidParams_destroy_r(ctx, params);
  shape = to_multipolygon(ctx, checked(ctx, fixed, "make-valid").get());
  return out;
}

MultiPolygon dissolve(const GeosContext& ctx, std::span<const MultiPolygon* const> parts) {
  MultiPolygon all;
  for (const MultiPolygon* m : parts) {
    for (std::size_t p = 0; p < m->polygon_count(); ++p) {
      for (std::uint32_t r = m->polygon_begin(p); r < m->polygon_end[p]; ++r)
        all.add_ring(m->ring(r));
      all.end_polygon();
    }
  }
  if (parts.size() <= 1) return all;
  // A MultiPolygon whose parts overlap is invalid, but unary union only needs valid parts.
  GeomPtr g = to_geos(ctx, all);
  return to_multipolygon(ctx, checked(ctx, GEOSUnaryUnion_r(ctx, g.get()), "union").get());
}

Point demand_point(const GeosContext& ctx, const MultiPolygon& shape) {
  std::size_t largest = 0;
  double largest_area = -1;
  for (std::size_t p = 0; p < shape.polygon_count(); ++p) {
    const double a = polygon_area(shape, p);
    if (a > largest_area) {
      largest_area = a;
      largest = p;
    }
  }
  GeomPtr body = to_geos(ctx, part(shape, largest));
  GeomPtr centroid = checked(ctx, GEOSGetCentroid_r(ctx, body.get()), "centroid");
  // Contains, not intersects: a centroid on the boundary is not inside.
  if (GEOSContains_r(ctx, body.get(), centroid.get()) == 1) return xy(ctx, centroid.get());
  GeomPtr surface = checked(ctx, GEOSPointOnSurface_r(ctx, body.get()), "point on surface");
  return xy(ctx, surface.get());
}

namespace {
GeomPtr border_zone(const GeosContext& ctx, const MultiPolygon& shape, double tolerance_m) {
  GeomPtr g = to_geos(ctx, shape);
  GeomPtr boundary = checked(ctx, GEOSBoundary_r(ctx, g.get()), "boundary");
  return checked(ctx, GEOSBuffer_r(ctx, boundary.get(), tolerance_m, 4), "buffer");
}
}  // namespace

BorderProbe::BorderProbe(const GeosContext& ctx, const MultiPolygon& shape, double tolerance_m)
    : ctx_(ctx),
      zone_(border_zone(ctx, shape, tolerance_m)),
      prepared_(GEOSPrepare_r(ctx, zone_.get()), {ctx.get()}) {}

double BorderProbe::shared_length(const MultiPolygon& other) const {
  GeomPtr g = to_geos(ctx_, other);
  if (GEOSPreparedIntersects_r(ctx_, prepared_.get(), g.get()) != 1) return 0;
  GeomPtr boundary = checked(ctx_, GEOSBoundary_r(ctx_, g.get()), "boundary");
  GeomPtr along =
      checked(ctx_, GEOSIntersection_r(ctx_, zone_.get(), boundary.get()), "intersection");
  double length = 0;
  GEOSLength_r(ctx_, along.get(), &length);
  return length;
}

}  // namespace covsim::geo::detail
