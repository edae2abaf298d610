// The covsim subcommands as functions of parsed options, so tests drive them in-process. The
// CLI (main.cpp) only parses arguments, calls one of these and maps exceptions to exit codes.
//
//   CommonOptions o{.scenario = "scenarios/default.yaml"};
//   int rc = command_run(o, std::cout, progress);
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "geo/progress.hpp"

namespace covsim::app {

// Exit codes, documented in README.md.
enum ExitCode : int {
  kOk = 0,
  kUsage = 2,        // bad command line
  kBadInput = 3,     // a scenario, layer or table is wrong (the message says where)
  kOutputError = 4,  // an output cannot be written or exists without --overwrite
  kFailure = 5,      // anything else: a bug or an exhausted resource
};

struct CommonOptions {
  std::optional<std::filesystem::path> scenario;   // empty: the embedded default
  std::optional<std::filesystem::path> out_dir;    // replaces output.dir
  bool overwrite = false;                          // or output.overwrite in the scenario
  std::optional<std::filesystem::path> cache_dir;  // replaces territory.cache_dir
};

int command_run(const CommonOptions& o, std::ostream& log, Progress& progress);

struct SweepCommandOptions {
  std::optional<std::uint32_t> draws;
  std::optional<std::uint64_t> seed;
  // `--shard I/N`: only the draws of shard I, written as one partial file (app/sweep_shards.hpp)
  // instead of the outputs; 0/0: the whole sweep.
  std::uint32_t shard = 0, shards = 0;
};
int command_sweep(const CommonOptions& o, const SweepCommandOptions& s, std::ostream& log,
                  Progress& progress);

// covsim merge: the shards of one sweep (folders holding *.covsim-shard files, or the files)
// into exactly the outputs of the whole sweep.
struct MergeCommandOptions {
  std::vector<std::filesystem::path> places;
  std::optional<std::filesystem::path> out_dir;  // default: the scenario's output.dir
  bool overwrite = false;
  std::optional<std::filesystem::path> cache_dir;
};
int command_merge(const MergeCommandOptions& m, std::ostream& log, Progress& progress);

int command_validate(const CommonOptions& o, std::ostream& log, Progress& progress);
int command_inspect(const CommonOptions& o, std::ostream& log, Progress& progress);

struct GenerateOptions {
  std::uint64_t seed = 1;
  int communes = 220;
  std::filesystem::path out = "synthetic.gpkg";
  bool overwrite = false;
};
int command_generate(const GenerateOptions& g, std::ostream& log);

struct ExportOptions {
  std::filesystem::path result;  // result.json of an earlier run
  std::string field = "nearest_minutes";
  std::filesystem::path out;  // .png, .svg, .pdf, .gpkg, .geojson or .shp
};
int command_export(const CommonOptions& o, const ExportOptions& e, std::ostream& log,
                   Progress& progress);

// covsim travel: the commune-to-commune minutes the scenario uses (within its cut-off),
// written as an origin,destination,minutes CSV that the od model reads back.
struct TravelCommandOptions {
  std::filesystem::path to;  // the CSV
  bool overwrite = false;
};
int command_travel(const CommonOptions& o, const TravelCommandOptions& t, std::ostream& log,
                   Progress& progress);  // app/travel_commands.cpp

// covsim calibrate: fits the adjacency model to a reference table, prints the agreement
// before and after, and the fitted `travel:` section (also written to `to` when given).
struct CalibrateOptions {
  std::filesystem::path reference;  // CSV (or any OGR table) of car minutes between communes
  std::string origin_column = "origin";
  std::string destination_column = "destination";
  std::string minutes_column = "minutes";
  std::optional<std::filesystem::path> to;  // the fitted travel section, as YAML
  bool overwrite = false;
};
int command_calibrate(const CommonOptions& o, const CalibrateOptions& c, std::ostream& log,
                      Progress& progress);  // app/travel_commands.cpp

// covsim recommend: where K new posts gain most, given the posts the renewal round leaves
// (app/recommend_command.cpp; the model in sim/recommend.hpp).
struct RecommendCommandOptions {
  std::uint32_t add = 1;
  std::string strategy = "centrality";
  std::optional<std::string> host_type;  // default: commune, epci (multi_centre), department
  std::string objective = "reach";       // reach | permanence | access
  double weekly_hours = 35;
  std::optional<float> threshold;        // reach: default the renewal round's
  std::optional<std::string> group_key;  // team strategies: default the posts' defaults, else epci
  double worst_share = 0.1;              // access: population share of the worst-served
};
int command_recommend(const CommonOptions& o, const RecommendCommandOptions& r, std::ostream& log,
                      Progress& progress);

// covsim prioritise: which posts to renew when only N (or a budget of weekly hours) can be
// (app/prioritise_command.cpp; the model in sim/prioritise.hpp).
struct PrioritiseCommandOptions {
  std::optional<std::uint32_t> keep;  // default: as many as the renewal round keeps
  std::optional<double> budget_hours;
  std::optional<std::string> policy;  // default: the renewal round's reallocation
  std::optional<float> threshold;     // default: the renewal round's
};
int command_prioritise(const CommonOptions& o, const PrioritiseCommandOptions& p, std::ostream& log,
                       Progress& progress);

// covsim compare: two plans side by side, each a scenario (YAML) or the result.json of a run
// (app/compare_command.cpp; the figures in sim/compare.hpp).
struct CompareCommandOptions {
  std::filesystem::path a, b;
  // The territory drawn when neither side is a scenario; empty: the embedded default.
  std::optional<std::filesystem::path> scenario{};
  std::optional<std::filesystem::path> out_dir{};  // default: A's output.dir, else out/
  bool overwrite = false;
  double tolerance_minutes = 0.5;
};
int command_compare(const CompareCommandOptions& c, std::ostream& log, Progress& progress);

}  // namespace covsim::app
