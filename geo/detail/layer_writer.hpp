// Writing one VectorLayer into an open GDAL dataset (fields typed and sized for the format,
// features, geometry) and a QGIS style row into a GeoPackage's layer_styles table. Internal to
// geo/: write_vector decides names and files and makes the whole output atomic.
#pragma once

#include <gdal.h>
#include <ogr_srs_api.h>

#include <span>
#include <string>

#include "geo/progress.hpp"
#include "geo/vector_export.hpp"

namespace covsim::geo::detail {

// Geometry column of every GeoPackage layer covsim writes (QGIS's f_geometry_column).
inline constexpr const char* kGeometryColumn = "geom";
inline constexpr const char* kFidColumn = "fid";
inline constexpr const char* kStyleTable = "layer_styles";

struct LayerTarget {
  GDALDatasetH dataset = nullptr;
  std::string table;  // layer name in the dataset (the file stem for Shapefile)
  std::string file;   // for messages: the output the user asked for
  VectorFormat format = VectorFormat::geopackage;
  OGRSpatialReferenceH srs = nullptr;
};

// Checks that the columns fit the format before anything is created: Shapefile text of at most
// 254 bytes, finite reals in Shapefile and GeoJSON (neither can store an infinity). Throws
// InputError naming the file, layer, column and row.
void check_storable(const VectorLayer& layer, VectorFormat format, const std::string& file);

// Creates the layer with columns stored under `stored_names` (same order) and writes every
// feature. Throws OutputError with GDAL's message and the feature when the driver fails.
void write_layer(const LayerTarget& target, const VectorLayer& layer,
                 std::span<const std::string> stored_names, Progress& progress);

// Appends a default style for `table` to the layer_styles table QGIS reads, creating the table
// with QGIS's own schema when it is missing.
void write_gpkg_style(GDALDatasetH dataset, const std::string& file, const std::string& table,
                      const std::string& style_name, const std::string& qml, const std::string& sld,
                      const std::string& description);

}  // namespace covsim::geo::detail
