// Thin RAII over the GEOS C API (re-entrant _r calls, one context per thread) and conversions
// between GEOS geometries and geo::MultiPolygon. Internal to geo/.
#pragma once

#include <geos_c.h>

#include <memory>
#include <string>

#include "geo/geometry.hpp"

namespace covsim::geo::detail {

class GeosContext {
 public:
  GeosContext();
  ~GeosContext();
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;

  GEOSContextHandle_t get() const { return handle_; }
  operator GEOSContextHandle_t() const { return handle_; }
  // Message of the last GEOS error on this context (empty if none).
  const std::string& last_error() const { return *last_error_; }

 private:
  GEOSContextHandle_t handle_;
  std::unique_ptr<std::string> last_error_;  // stable address for the C callback
};

struct GeomDeleter {
  GEOSContextHandle_t ctx;
  void operator()(GEOSGeometry* g) const {
    if (g) GEOSGeom_destroy_r(ctx, g);
  }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

inline GeomPtr own(const GeosContext& ctx, GEOSGeometry* g) { return GeomPtr(g, {ctx.get()}); }

struct PreparedDeleter {
  GEOSContextHandle_t ctx;
  void operator()(const GEOSPreparedGeometry* g) const {
    if (g) GEOSPreparedGeom_destroy_r(ctx, g);
  }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

// MultiPolygon -> GEOS MultiPolygon (empty input gives an empty MultiPolygon).
GeomPtr to_geos(const GeosContext& ctx, const MultiPolygon& m);
GeomPtr to_geos(const GeosContext& ctx, Point p);
// GEOS Polygon/MultiPolygon/GeometryCollection -> MultiPolygon, keeping only polygonal parts
// (make-valid may return collections with stray lines or points: they carry no area).
MultiPolygon to_multipolygon(const GeosContext& ctx, const GEOSGeometry* g);

}  // namespace covsim::geo::detail
