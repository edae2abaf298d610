// Thin RAII over the GDAL/OGR C API, internal to geo/. Every failure becomes an InputError or
// OutputError naming the dataset (and layer/feature where known).
#pragma once

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <memory>
#include <string>
#include <vector>

#include "geo/geometry.hpp"
#include "geo/input_access.hpp"

namespace covsim::geo::detail {

struct DatasetCloser {
  void operator()(GDALDatasetH ds) const {
    if (ds) GDALClose(ds);
  }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;

struct FeatureDeleter {
  void operator()(OGRFeatureH f) const {
    if (f) OGR_F_Destroy(f);
  }
};
using FeaturePtr = std::unique_ptr<void, FeatureDeleter>;

struct GeometryDeleter {
  void operator()(OGRGeometryH g) const {
    if (g) OGR_G_DestroyGeometry(g);
  }
};
using OgrGeometryPtr = std::unique_ptr<void, GeometryDeleter>;

struct SrsDeleter {
  void operator()(OGRSpatialReferenceH s) const {
    if (s) OSRRelease(s);
  }
};
using SrsPtr = std::unique_ptr<void, SrsDeleter>;

struct TransformDeleter {
  void operator()(OGRCoordinateTransformationH t) const {
    if (t) OCTDestroyCoordinateTransformation(t);
  }
};
using TransformPtr = std::unique_ptr<void, TransformDeleter>;

// Registers drivers once and keeps GDAL from printing to stderr (errors are turned into
// exceptions with context instead). Safe to call many times.
void ensure_gdal();

// The last GDAL error message, or `fallback` when GDAL recorded none.
std::string gdal_error(const std::string& fallback);

// Opens a vector dataset read-only, as `access` allows (geo/input_access.hpp: the path is
// checked first; without network, only drivers that read local files are tried); throws
// InputError naming `path` when it cannot.
DatasetPtr open_vector(const std::string& path, const InputAccess& access = {});

// Spatial reference for "EPSG:2154", a WKT or anything OSRSetFromUserInput accepts, with
// traditional GIS axis order (x = easting/longitude). Throws InputError naming `what`.
SrsPtr make_srs(const std::string& definition, const std::string& what);

// Collects the GDAL messages emitted on this thread while it lives (GDAL's handler stack is
// per thread), so an error can quote what GDAL said about the file instead of losing it:
// GeoJSON reports a bad coordinate when the file is opened, not when the feature is read.
class GdalMessages {
 public:
  GdalMessages();
  ~GdalMessages();
  GdalMessages(const GdalMessages&) = delete;
  GdalMessages& operator=(const GdalMessages&) = delete;

  bool has_failures() const { return !failures.empty(); }
  // Distinct messages joined with "; " (GDAL often repeats itself).
  static std::string join(const std::vector<std::string>& messages);

  std::vector<std::string> failures;  // CE_Failure and CE_Fatal
  std::vector<std::string> warnings;  // CE_Warning
};

// Polygon/MultiPolygon/CurvePolygon/GeometryCollection -> MultiPolygon of its polygonal parts.
// Returns false when the geometry holds no polygon at all (a line or a point layer).
bool to_multipolygon(OGRGeometryH g, MultiPolygon& out);

}  // namespace covsim::geo::detail
