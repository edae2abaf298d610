// A scenario file (YAML) read into plain option values: where the territory comes from, the
// travel model, coverage thresholds, posts, deployment, renewal, sweep and outputs. Every key is
// documented in scenarios/README.md; unknown keys and bad values are InputErrors naming the
// file, line and key. Relative paths resolve against the scenario file's directory.
//
//   Scenario s = read_scenario("scenarios/agglomeration.yaml");
//   Scenario d = default_scenario();  // the embedded one: a synthetic territory, no data needed
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "geo/synthetic_territory.hpp"
#include "geo/territory_loader.hpp"
#include "sim/coverage.hpp"
#include "sim/deployment.hpp"

namespace covsim::app {

struct TerritorySettings {
  std::optional<geo::SyntheticOptions> synthetic;  // set: generate instead of loading
  geo::LoadOptions load;
};

struct FerryLink {
  std::string from_code;
  std::string to_code;
  double minutes = 0;
  std::string where;  // file:line of the entry, for errors found once codes are resolved
};

struct DensitySpeed {
  double min_density = 0;  // inhabitants per km²
  double speed_kmh = 0;
};

struct TravelSettings {
  std::string model = "adjacency";  // adjacency | road | od
  float cutoff_minutes = 45;
  // adjacency
  double tolerance_m = 5;
  double detour_factor = 1.3;
  double speed_kmh = 60;
  std::vector<DensitySpeed> density_speeds;
  std::vector<FerryLink> links;
  // road
  std::filesystem::path road_file;
  std::string road_layer;
  std::string class_field = "highway";
  std::string oneway_field = "oneway";
  std::vector<std::pair<std::string, double>> class_speeds_kmh;
  double default_speed_kmh = 0;  // 0: roads of an unlisted class are an error
  double access_speed_kmh = 30;
  // od
  std::filesystem::path od_file;
  std::string origin_column = "origin";
  std::string destination_column = "destination";
  std::string minutes_column = "minutes";
};

// Posts written in the scenario itself, cell by cell with the CSV column names.
struct InlinePost {
  std::map<std::string, std::string> cells;
  std::string where;  // file:line:col of the entry
};

struct PostSettings {
  std::optional<std::filesystem::path> csv;
  std::vector<InlinePost> inline_posts;
  std::string where;  // file:line of the posts key
};

struct OutputSettings {
  std::filesystem::path dir = "out";
  bool overwrite = false;
  std::vector<std::string> vector_formats{"gpkg"};  // gpkg | geojson | shp
  std::vector<std::string> map_formats{"png"};      // png | svg | pdf
  bool tables = true;                               // CSV tables + summary.md + result.json
};

struct Scenario {
  std::string file;  // the scenario file, or "(embedded default)"
  std::string name;
  std::string description;
  TerritorySettings territory;
  TravelSettings travel;
  sim::CoverageOptions coverage;
  sim::DeploymentOptions deployment;
  PostSettings posts;
  OutputSettings output;
  std::string yaml_text;  // the text it was read from, for provenance in outputs
};

Scenario read_scenario(const std::filesystem::path& path);
Scenario parse_scenario(const std::string& text, const std::string& name,
                        const std::filesystem::path& base_dir);
// The embedded default (scenarios/default.yaml compiled into the program).
Scenario default_scenario();
const std::string& default_scenario_text();

}  // namespace covsim::app
