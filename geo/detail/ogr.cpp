#include "geo/detail/ogr.hpp"

#include <cpl_error.h>
#include <ogr_core.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "geo/error.hpp"

namespace covsim::geo::detail {

namespace {
void quiet_handler(CPLErr, CPLErrorNum, const char*) {}

void append_polygon(OGRGeometryH poly, MultiPolygon& out) {
  const int rings = OGR_G_GetGeometryCount(poly);
  if (rings == 0) return;
  std::vector<Point> pts;
  for (int r = 0; r < rings; ++r) {
    OGRGeometryH ring = OGR_G_GetGeometryRef(poly, r);
    const int n = OGR_G_GetPointCount(ring);
    pts.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      pts[static_cast<std::size_t>(i)] = {OGR_G_GetX(ring, i), OGR_G_GetY(ring, i)};
    }
    out.add_ring(pts);
  }
  out.end_polygon();
}

bool collect(OGRGeometryH g, MultiPolygon& out) {
  switch (wkbFlatten(OGR_G_GetGeometryType(g))) {
    case wkbPolygon:
      append_polygon(g, out);
      return true;
    case wkbCurvePolygon: {
      OgrGeometryPtr linear(OGR_G_ForceToPolygon(OGR_G_Clone(g)));
      append_polygon(linear.get(), out);
      return true;
    }
    case wkbMultiPolygon:
    case wkbMultiSurface:
    case wkbGeometryCollection: {
      bool any = false;
      const int n = OGR_G_GetGeometryCount(g);
      for (int i = 0; i < n; ++i) any = collect(OGR_G_GetGeometryRef(g, i), out) || any;
      return any || n == 0;
    }
    default:
      return false;
  }
}
}  // namespace

namespace {
void CPL_STDCALL collect_message(CPLErr level, CPLErrorNum, const char* message) {
  auto* log = static_cast<GdalMessages*>(CPLGetErrorHandlerUserData());
  const std::string text = message ? message : "";
  if (level == CE_Warning) log->warnings.push_back(text);
  if (level == CE_Failure || level == CE_Fatal) log->failures.push_back(text);
}
}  // namespace

GdalMessages::GdalMessages() {
  ensure_gdal();
  CPLPushErrorHandlerEx(collect_message, this);
}

GdalMessages::~GdalMessages() { CPLPopErrorHandler(); }

std::string GdalMessages::join(const std::vector<std::string>& messages) {
  std::string out;
  std::vector<std::string> seen;
  for (const std::string& m : messages) {
    if (std::find(seen.begin(), seen.end(), m) != seen.end()) continue;
    seen.push_back(m);
    out += (out.empty() ? "" : "; ") + m;
  }
  return out;
}

void ensure_gdal() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    CPLSetErrorHandler(quiet_handler);
    // Transformations use the grids installed with PROJ, never ones fetched from its CDN.
    OSRSetPROJEnableNetwork(FALSE);
  });
}

std::string gdal_error(const std::string& fallback) {
  const char* msg = CPLGetLastErrorMsg();
  std::string s = (msg && *msg) ? msg : fallback;
  CPLErrorReset();
  return s;
}

DatasetPtr open_vector(const std::string& path, const InputAccess& access) {
  check_input_path(path, access);
  ensure_gdal();
  CPLErrorReset();
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                               access.network ? nullptr : local_vector_drivers(), nullptr, nullptr);
  if (!ds)
    throw InputError(path, "",
                     "cannot open as a vector dataset: " +
                         gdal_error("not a format covsim reads (GeoPackage, GeoJSON, Shapefile, "
                                    "FlatGeobuf, CSV, ODS, XLSX, MapInfo, OSM, KML, FileGDB)"));
  return DatasetPtr(ds);
}

SrsPtr make_srs(const std::string& definition, const std::string& what) {
  ensure_gdal();
  SrsPtr srs(OSRNewSpatialReference(nullptr));
  CPLErrorReset();
  if (OSRSetFromUserInput(srs.get(), definition.c_str()) != OGRERR_NONE)
    throw InputError(what, "crs", "unknown coordinate reference system '" + definition + "'");
  OSRSetAxisMappingStrategy(srs.get(), OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

bool to_multipolygon(OGRGeometryH g, MultiPolygon& out) {
  if (!g) return false;
  return collect(g, out);
}

}  // namespace covsim::geo::detail
