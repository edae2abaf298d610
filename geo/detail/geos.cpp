#include "geo/detail/geos.hpp"

#include <vector>

namespace covsim::geo::detail {

namespace {
void on_geos_notice(const char*, void*) {}  // notices are not errors: ignore them

void on_geos_error(const char* message, void* user) {
  *static_cast<std::string*>(user) = message ? message : "";
}

GEOSGeometry* make_ring(GEOSContextHandle_t ctx, std::span<const Point> ring) {
  GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx, static_cast<unsigned>(ring.size()), 2);
  for (unsigned i = 0; i < ring.size(); ++i)
    GEOSCoordSeq_setXY_r(ctx, seq, i, ring[i].x, ring[i].y);
  return GEOSGeom_createLinearRing_r(ctx, seq);
}

void append_polygon(GEOSContextHandle_t ctx, const GEOSGeometry* poly, MultiPolygon& out) {
  if (GEOSisEmpty_r(ctx, poly)) return;
  auto add = [&](const GEOSGeometry* ring) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx, seq, &n);
    std::vector<Point> pts(n);
    for (unsigned i = 0; i < n; ++i) GEOSCoordSeq_getXY_r(ctx, seq, i, &pts[i].x, &pts[i].y);
    out.add_ring(pts);
  };
  add(GEOSGetExteriorRing_r(ctx, poly));
  const int holes = GEOSGetNumInteriorRings_r(ctx, poly);
  for (int h = 0; h < holes; ++h) add(GEOSGetInteriorRingN_r(ctx, poly, h));
  out.end_polygon();
}

void collect(GEOSContextHandle_t ctx, const GEOSGeometry* g, MultiPolygon& out) {
  switch (GEOSGeomTypeId_r(ctx, g)) {
    case GEOS_POLYGON:
      append_polygon(ctx, g, out);
      break;
    case GEOS_MULTIPOLYGON:
    case GEOS_GEOMETRYCOLLECTION: {
      const int n = GEOSGetNumGeometries_r(ctx, g);
      for (int i = 0; i < n; ++i) collect(ctx, GEOSGetGeometryN_r(ctx, g, i), out);
      break;
    }
    default:
      break;  // points and lines have no area
  }
}
}  // namespace

GeosContext::GeosContext() : handle_(GEOS_init_r()), last_error_(std::make_unique<std::string>()) {
  GEOSContext_setNoticeMessageHandler_r(handle_, on_geos_notice, nullptr);
  GEOSContext_setErrorMessageHandler_r(handle_, on_geos_error, last_error_.get());
}

GeosContext::~GeosContext() { GEOS_finish_r(handle_); }

GeomPtr to_geos(const GeosContext& ctx, const MultiPolygon& m) {
  std::vector<GEOSGeometry*> polys;
  polys.reserve(m.polygon_count());
  for (std::size_t p = 0; p < m.polygon_count(); ++p) {
    const std::uint32_t r0 = m.polygon_begin(p);
    GEOSGeometry* shell = make_ring(ctx, m.ring(r0));
    std::vector<GEOSGeometry*> holes;
    for (std::uint32_t r = r0 + 1; r < m.polygon_end[p]; ++r)
      holes.push_back(make_ring(ctx, m.ring(r)));
    polys.push_back(
        GEOSGeom_createPolygon_r(ctx, shell, holes.data(), static_cast<unsigned>(holes.size())));
  }
  return own(ctx, GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys.data(),
                                              static_cast<unsigned>(polys.size())));
}

GeomPtr to_geos(const GeosContext& ctx, Point p) {
  return own(ctx, GEOSGeom_createPointFromXY_r(ctx, p.x, p.y));
}

MultiPolygon to_multipolygon(const GeosContext& ctx, const GEOSGeometry* g) {
  MultiPolygon out;
  if (g) collect(ctx, g, out);
  return out;
}

}  // namespace covsim::geo::detail
