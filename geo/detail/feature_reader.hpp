// Reads the features of every input layer into flat columns, in the target CRS, checking what a
// later stage could not recover from (codes, numbers, geometry types, ring sizes, non-finite
// coordinates). Files are read in parallel; the result keeps file order, then feature order.
// Internal to the territory loader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "geo/geometry.hpp"
#include "geo/load_report.hpp"
#include "geo/progress.hpp"
#include "geo/territory_loader.hpp"

namespace covsim::geo::detail {

struct Features {
  std::vector<std::string> files;  // input paths, indexed by `file` below

  std::vector<std::uint32_t> file;
  std::vector<std::int64_t> fid;
  std::vector<std::string> code;
  std::vector<std::string> name;
  std::vector<double> population;  // 0 when there is no population field
  std::vector<double> priority_population;
  std::vector<std::vector<std::string>> group_code;  // [group field][feature]
  std::vector<std::vector<std::string>> group_name;  // [group field][feature]
  std::vector<MultiPolygon> shape;                   // target CRS; empty when there is none
  std::vector<std::string> why_empty;                // "" when the feature has a polygon

  std::size_t size() const { return code.size(); }
  FeatureRef ref(std::size_t i) const { return {files[file[i]], fid[i], code[i]}; }
  std::string where(std::size_t i) const;  // "feature 12 (code 35001)"
  void append(Features&& other);
};

struct ReadOutcome {
  Features features;
  std::string source_crs;  // distinct source CRS names, comma-separated
  std::vector<std::string> warnings;
};

ReadOutcome read_features(const LoadOptions& options, Progress& progress);

}  // namespace covsim::geo::detail
