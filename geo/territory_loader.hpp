// Loads communes from polygon layers into a Territory: any OGR source (GeoJSON, GeoPackage,
// Shapefile...), many files at once, reprojected to a metric CRS; invalid polygons repaired,
// codes joined to the COG (current communes, population, department, EPCI, region), demand
// points inside every polygon, communes numbered along a Hilbert curve. The report lists
// everything that was done to the input: nothing is dropped or merged silently.
//
//   LoadOptions o;  o.inputs = {"35.geojson"};  o.cog = CogOptions{};  o.cog->dir = "cog-2026";
//   LoadResult r = load_territory(o);  std::cout << r.report.to_text();
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "geo/attribute_join.hpp"
#include "geo/input_access.hpp"
#include "geo/load_report.hpp"
#include "geo/progress.hpp"
#include "geo/territory.hpp"

namespace covsim::geo {

// What to do with a polygon whose code the COG does not know at all.
enum class UnknownCodePolicy {
  merge_neighbour,  // dissolve into the current commune sharing the longest border
  keep,             // keep as its own commune, population 0, listed in the report
};

// How make-valid rebuilds an invalid polygon. `structure` unions shells and subtracts holes;
// `linework` polygonizes every ring's lines, which ignores a hole crossing its shell and makes
// land of the hole's outer part (measured in tests/geo/territory_loader_test.cpp, MakeValid*).
enum class RepairMethod { structure, linework };

struct CogOptions {
  std::filesystem::path dir;  // communes.json, epci.json, departements.json, regions.json
  UnknownCodePolicy unknown_codes = UnknownCodePolicy::merge_neighbour;
  // Resolve codes listed in a current commune's `anciensCodes` (communes merged without a
  // delegated status) before falling back on `unknown_codes`.
  bool use_former_codes = true;
  // Neighbours' borders, simplified independently, run up to a few metres apart.
  double border_tolerance_m = 5;
};

struct LoadOptions {
  std::vector<std::filesystem::path> inputs;  // all read into one territory
  std::string layer;                          // empty: each source's only layer
  std::string code_field = "code";
  std::string name_field = "nom";         // empty: communes are named by their code
  std::string population_field;           // empty: population from the COG, else 0
  std::string priority_population_field;  // empty: 0
  std::vector<GroupField> group_fields;   // e.g. {"department", "dep", ""}
  std::string target_crs = "EPSG:2154";   // projected, in metres, with an EPSG code
  std::string source_crs;                 // only for layers that declare none
  RepairMethod repair = RepairMethod::structure;
  std::optional<CogOptions> cog;
  // old_code,new_code table (CSV or any OGR table); applied first, so it overrides the COG.
  std::filesystem::path code_mapping;
  std::vector<AttributeTableOptions> tables;  // joined by code once communes are built
  InputAccess access = {};  // what the layer and mapping paths may be (geo/input_access.hpp)
};

struct LoadResult {
  Territory territory;
  LoadReport report;
};

// Throws InputError naming the file, the feature (id and code) and the problem: missing file,
// unknown layer, a layer of points or lines, a missing field (the fields that exist are
// listed), an empty code, one code used with two names, an unreadable or non-finite geometry,
// a ring of fewer than 3 points, a layer without CRS (and no source_crs), a transformation that
// fails, an empty layer, a mapping to a code that is not a current commune.
LoadResult load_territory(const LoadOptions& options, Progress& progress = null_progress());

// The EPSG code of a target CRS ("EPSG:2154", a WKT...): InputError("target CRS", ...) when it
// is unknown, not projected in metres, or has no EPSG code (Territory::epsg records one).
int target_crs_epsg(const std::string& definition);

}  // namespace covsim::geo
