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

#include "app/key_locations.hpp"
#include "geo/adjacency.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/input_access.hpp"
#include "geo/od_matrix.hpp"
#include "geo/road_network.hpp"
#include "geo/synthetic_territory.hpp"
#include "geo/territory_loader.hpp"
#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/post_table.hpp"
#include "sim/reallocation.hpp"
#include "sim/renewal.hpp"
#include "sim/renewal_impact.hpp"
#include "sim/sweep.hpp"

namespace covsim::app {

// Bounds shared by the scenario and the command line (`--draws`, `--seed`). Seeds stop at 2^53,
// the largest integer a YAML number holds exactly; ten million draws take hours on France.
inline constexpr long long kMaxDraws = 10'000'000;
inline constexpr long long kMaxSeed = 1LL << 53;

struct TerritorySettings {
  std::optional<geo::SyntheticOptions> synthetic;  // set: generate instead of loading
  geo::LoadOptions load;
  // A loaded territory is cached (geo/territory_cache.hpp) in cache_dir, by default the
  // output folder, so the next run reloads it in a fraction of the time.
  bool cache = true;
  std::optional<std::filesystem::path> cache_dir;  // set: named by the scenario or --cache
  // `validate` and `inspect` write no output: they write the cache only into a folder named
  // for it, never into output.dir as a side effect (they still read it there).
  bool cache_write = true;
};

struct TravelSettings {
  std::string model = "adjacency";  // adjacency | road | od
  float cutoff_minutes = 45;
  geo::AdjacencyOptions adjacency;
  geo::SpeedModel speeds;  // adjacency model
  geo::RoadOptions road;   // road model
  geo::OdOptions od;       // od model
};

// Posts written in the scenario itself, cell by cell with the CSV column names.
struct InlinePost {
  std::map<std::string, std::string> cells;
  std::string where;  // file:line:col of the entry
};

struct PostSettings {
  std::optional<std::filesystem::path> csv;
  std::vector<InlinePost> inline_posts;
  sim::PostDefaults defaults;  // for cells left empty, in the file and the list alike
  std::string where;           // file:line of the posts key
};

struct RenewalSettings {
  sim::RenewalRules rules;
  sim::ReallocationOptions reallocation;
  sim::ImpactOptions impact;
};

struct OutputSettings {
  std::filesystem::path dir = "out";
  bool overwrite = false;
  std::vector<std::string> vector_formats{"gpkg"};  // gpkg | geojson | shp
  std::vector<std::string> map_formats{"png"};      // png | svg | pdf
  bool tables = true;                               // CSV tables + summary.md + result.json
  bool report = true;                               // report.html + report.pdf
  // What the maps show: codes of groups (any grouping: department, EPCI...); empty: the groups
  // holding posts (the study area), ["all"]: the whole territory.
  std::vector<std::string> extent;
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
  std::optional<RenewalSettings> renewal;  // absent: no renewal scenario
  std::optional<sim::SweepOptions> sweep;  // absent: `covsim sweep` refuses to run
  OutputSettings output;
  // What GDAL may open besides local files (the `inputs` section); also set in the territory's,
  // the road model's and the OD model's options.
  geo::InputAccess inputs;
  std::string yaml_text;  // the text it was read from, for provenance in outputs
  KeyLocations where;     // file:line:column of every value, for checks made after reading
};

// Reads at most geo::kScenarioMaxBytes of a regular file (a device or a runaway file is
// refused) and checks every value that needs no territory: ranges (minutes, speeds, hours),
// the renewal's and the sweep's thresholds against coverage.thresholds, GDAL virtual and
// network paths against `inputs`. InputError with the line and column otherwise.
Scenario read_scenario(const std::filesystem::path& path);
Scenario parse_scenario(const std::string& text, const std::string& name,
                        const std::filesystem::path& base_dir);
// The embedded default (scenarios/default.yaml compiled into the program).
Scenario default_scenario();
const std::string& default_scenario_text();

}  // namespace covsim::app
