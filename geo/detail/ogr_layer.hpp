// Layer-level helpers over OGR shared by the territory loader and the table importers: picking
// a layer, finding fields with an error that lists what exists, reading a table as strings.
// Internal to geo/.
#pragma once

#include <ogr_api.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/detail/ogr.hpp"

namespace covsim::geo::detail {

// The layer named `name`, or the only layer when `name` is empty. With `with_geometry`, tables
// without geometry (a GeoPackage's QGIS layer_styles) do not count, and among several layers
// with geometry one named "communes" (covsim's own outputs) is taken. Throws InputError naming
// `path` and listing the layers that exist when there is no such layer or the choice is
// ambiguous.
OGRLayerH pick_layer(GDALDatasetH ds, const std::string& path, const std::string& name,
                     bool with_geometry = false);

std::string layer_description(OGRLayerH layer);  // "layer 'communes'"

// Index of field `name`; throws InputError naming the file, the layer, the role of the field
// (`what`, e.g. "code field") and the fields the layer has.
int require_field(OGRLayerH layer, const std::string& path, const std::string& name,
                  const std::string& what);

// Where a row is, in the words a planner uses: "line N" for CSV (FID + 1, the header being line
// 1), "feature N" otherwise.
std::string row_location(bool csv, std::int64_t fid);

// A count or a population written as text ("1234", " 12.5 "): finite and non-negative, or
// nullopt. Decimal commas are refused rather than guessed.
std::optional<double> parse_quantity(std::string_view text);

// The most inhabitants one commune may have: fifty times Paris, and small enough that the
// population of every commune of France sums exactly in a double.
inline constexpr double kMaxCommunePopulation = 1e8;

// A population read from `text` for the message "<what> '<text>' ...": a non-negative number at
// most kMaxCommunePopulation, else InputError(file, where, ...).
double parse_population(std::string_view text, const std::string& file, const std::string& where,
                        const std::string& what);

// A table read as strings: columns[c][row] for each requested column, in request order.
struct StringTable {
  std::string source;
  std::vector<std::vector<std::string>> columns;
  std::vector<std::string> where;  // row -> "line N"
  std::vector<bool> null;          // row-major: null[row * columns.size() + c]
  std::size_t rows() const { return where.size(); }
  bool is_null(std::size_t row, std::size_t column) const {
    return null[row * columns.size() + column];
  }
};

// Reads every row of a CSV (or any OGR table: DBF, ODS, XLSX, GeoPackage attribute table).
// Every requested column must exist. Leading zeros survive: CSV values are read as text.
// Text must be UTF-8 (InputError naming the row and column otherwise).
StringTable read_string_table(const std::filesystem::path& path, const std::string& layer,
                              std::span<const std::string> columns,
                              std::span<const std::string> roles, const InputAccess& access);

}  // namespace covsim::geo::detail
