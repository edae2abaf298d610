// What a territory load did to its input: every repair, dissolve, unresolved code, empty geometry
// and population figure, so that nothing is dropped or changed silently. The CLI prints
// to_text(); to_json() keeps every entry for audit.
//
//   LoadResult r = load_territory(options, progress);
//   std::cout << r.report.to_text();  // counts, population kept vs in scope, first cases of each
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace covsim::geo {

// One input feature: the file, its OGR feature id (what `ogrinfo -fid` takes) and its code.
struct FeatureRef {
  std::string file;
  std::int64_t fid = 0;
  std::string code;
};

// An invalid polygon rebuilt with GEOS make-valid. Areas in m² in the target CRS; `area_before`
// is the ring arithmetic of the invalid input (shells minus holes), which is what a naive
// reader would have used.
struct Repair {
  FeatureRef feature;
  std::string reason;  // GEOS validity reason and location, e.g. "Self-intersection at (x y)"
  double area_before_m2 = 0;
  double area_after_m2 = 0;
};

// A feature without a usable polygon (null, empty, or collapsed to nothing by make-valid).
// It cannot be placed on a map; its population is listed here.
struct EmptyGeometry {
  FeatureRef feature;
  std::string why;
  double population = 0;  // the layer's value, or the COG population when the code is current
};

enum class MergeReason {
  duplicate_code,            // several features carry the same code and name
  delegated_commune,         // COG: commune déléguée -> its chef-lieu
  associated_commune,        // COG: commune associée -> its chef-lieu
  municipal_arrondissement,  // COG: arrondissement municipal -> its commune
  former_code,               // COG: code listed in a current commune's `anciensCodes`
  mapping_table,             // the user's old_code,new_code table
  longest_border,            // unknown code -> neighbour sharing the longest border
};
const char* to_string(MergeReason r);

// A feature whose polygon was dissolved (GEOS union) into another commune.
struct Merge {
  FeatureRef feature;
  std::string into;  // code of the commune it now belongs to
  MergeReason reason = MergeReason::duplicate_code;
  double shared_border_m = 0;  // longest_border only
};

// A code the COG does not know, kept as its own commune (policy `keep`, or no neighbour found).
struct KeptUnknown {
  FeatureRef feature;
  std::string why;
};

// A current commune of a department in scope that ended with no polygon at all.
struct UnplacedCommune {
  std::string code;
  std::string name;
  std::string department;
  double population = 0;
};

// Outcome of joining one attribute table by code.
struct TableJoinReport {
  std::string file;
  std::size_t rows = 0;
  std::size_t matched = 0;
  std::vector<std::string> communes_without_row;  // territory codes the table does not have
  std::vector<std::string> rows_without_commune;  // "line 12: code 35999"
};

struct LoadReport {
  std::vector<std::string> inputs;
  std::string source_crs;  // as found in the first layer (or the override)
  std::string target_crs;
  int target_epsg = 0;
  std::string cog;  // COG directory, empty when no join was asked

  std::size_t features_read = 0;
  std::size_t communes = 0;  // communes in the territory
  std::vector<Repair> repairs;
  std::vector<EmptyGeometry> empty;
  std::vector<Merge> merges;
  std::vector<KeptUnknown> kept_unknown;
  std::vector<UnplacedCommune> unplaced;
  std::vector<TableJoinReport> tables;
  std::vector<std::string> warnings;  // GDAL warnings, conflicting group values...

  // Population in the territory, and (with the COG) that of the current communes of every
  // department in scope. kept + unplaced == in_scope when population comes from the COG.
  double population_kept = 0;
  double population_in_scope = 0;
  double population_unplaced = 0;
  double area_km2 = 0;

  std::size_t merged(MergeReason r) const;
  // Counts and population figures, then up to `max_items` entries of each list.
  std::string to_text(std::size_t max_items = 10) const;
  // Every entry, as a JSON document.
  std::string to_json() const;
};

}  // namespace covsim::geo
