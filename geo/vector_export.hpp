// Vector export of results as layers a planner opens in QGIS: polygons (communes with result
// columns), points (sites), lines (roaming circuits) and extra polygon layers (catchments,
// communes that lose reach), in one GeoPackage or as one GeoJSON/Shapefile per layer, with the
// CRS, a QGIS style on styled layers, and all-or-nothing writes.
//
//   VectorLayer communes = territory_layer(t);  communes.columns.push_back(minutes_column);
//   write_vector("coverage.gpkg", std::vector{communes}, {.epsg = t.epsg});
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "geo/field_column.hpp"
#include "geo/geometry.hpp"
#include "geo/layer_style.hpp"
#include "geo/output_transaction.hpp"
#include "geo/progress.hpp"
#include "geo/territory.hpp"

namespace covsim::geo {

// GeoPackage holds every layer (and their styles) in one file. GeoJSON and Shapefile hold one
// layer per file: <base>_<layer>.geojson / .shp beside the requested path, or exactly the
// requested path when there is one layer (`syn.shp` writes syn.shp, syn.dbf...).
enum class VectorFormat { geopackage, geojson, shapefile };

std::string_view to_string(VectorFormat format);

struct VectorLayer {
  // Table name in a GeoPackage, file suffix otherwise. Letters, digits, '_', '-' and non-ASCII
  // letters; unique without regard to case.
  std::string name;
  std::string description;  // GeoPackage and GeoJSON layer description
  // One geometry per feature, in the export CRS; not owned (must outlive write_vector). An empty
  // MultiPolygon is written as a feature without geometry, never dropped.
  std::variant<std::span<const MultiPolygon>, std::span<const Point>, std::span<const LineString>>
      geometry;
  std::vector<FieldColumn> columns;     // one value per feature each
  std::optional<GraduatedStyle> style;  // QGIS default style of the layer

  std::size_t size() const;
};

struct VectorExportOptions {
  // Unset: from the path's extension (.gpkg, .geojson or .json, .shp), which it must have.
  // Set: must agree with a recognised extension; a path without one is then written as named
  // (a GeoPackage) or with the format's extension (a file per layer).
  std::optional<VectorFormat> format = std::nullopt;
  int epsg = 2154;         // CRS of every coordinate: pass territory.epsg
  bool overwrite = false;  // replace existing outputs; otherwise OutputError before any work
};

struct RenamedField {
  std::string layer;
  std::string field;       // as given
  std::string short_name;  // as stored in the Shapefile
};

struct VectorExportReport {
  VectorFormat format = VectorFormat::geopackage;
  std::vector<std::filesystem::path> files;  // every file written, sidecars included, sorted
  std::vector<RenamedField> renamed;         // Shapefile fields longer than 10 characters
  std::size_t features = 0;
};

// Writes `layers` to `path` through temporaries in the same directory, renamed into place once
// everything succeeded: a failure (bad input, GDAL error, an exception from `progress`) leaves
// neither partial outputs nor temporaries. (A file-per-layer set is moved file by file, each in
// one rename: only a target created by someone else in that last instant can split it.) Styled
// layers get their QML in the GeoPackage's layer_styles table (with an SLD) or a <layer file>.qml
// sidecar; Shapefiles whose field names were shortened also get <layer file>_fields.csv mapping
// names (with descriptions and units) and aliases in the QML, so QGIS shows the full names. Throws
// InputError on inconsistent layers (column lengths, names, styles on missing or non-numeric
// fields, text too long for a Shapefile, lines of fewer than 2 points) and OutputError naming the
// path (and GDAL's reason) when it cannot be written.
VectorExportReport write_vector(const std::filesystem::path& path,
                                std::span<const VectorLayer> layers,
                                const VectorExportOptions& options = {},
                                Progress& progress = null_progress());

// The format write_vector would use; throws InputError on an unknown or missing extension (with
// no format given) or a mismatch.
VectorFormat vector_format(const std::filesystem::path& path, std::optional<VectorFormat> format);

// Every file write_vector(path, layers named `layer_names`) may write, as names in the path's
// directory: the main files (always), and the .qml styles and Shapefile _fields.csv name maps
// that a writer adds only for styled layers or long field names (always = false). An output
// transaction plans, and checks, exactly these.
std::vector<PlannedFile> vector_output_files(const std::filesystem::path& path,
                                             std::span<const std::string> layer_names,
                                             std::optional<VectorFormat> format = std::nullopt);

// Shapefile (DBF) field names for `names`, in order: at most 10 ASCII bytes, distinct without
// regard to case. Names that fit are kept; others keep their first characters (non-ASCII and
// punctuation become '_') and, on a clash, end in "_1", "_2"... Deterministic: it depends only
// on the list.
std::vector<std::string> shapefile_field_names(std::span<const std::string> names);

// Identity columns of the communes: code, name, population, priority_population, area_km2 and
// one code column per grouping (e.g. "department", "epci"; empty text when unassigned).
std::vector<FieldColumn> territory_columns(const Territory& t);

// A polygon layer of the territory's shapes with territory_columns.
VectorLayer territory_layer(const Territory& t, std::string name = "communes");

}  // namespace covsim::geo
