// The stages every subcommand shares: territory (generated or loaded, with its report),
// adjacency and components, the travel graph of the scenario's model, the bounded travel table
// from every commune, the posts, then deployment and coverage. Each stage is a function of the
// previous ones' values, so `inspect` stops early and `run` goes to the end.
//
//   Prepared p = prepare_territory(scenario, progress, log);
//   prepare_travel(scenario, p, progress, log);
//   Baseline b = run_baseline(scenario, p, progress);
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "app/scenario.hpp"
#include "geo/adjacency.hpp"
#include "geo/load_report.hpp"
#include "geo/road_network.hpp"
#include "geo/travel_graph.hpp"
#include "geo/travel_table.hpp"
#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/post_table.hpp"
#include "sim/run_result.hpp"

namespace covsim::app {

struct Prepared {
  geo::Territory territory;
  std::optional<geo::LoadReport> load_report;  // loaded territories only
  geo::Adjacency adjacency;
  geo::TravelGraph graph;
  std::optional<geo::RoadReport> road_report;
  geo::TravelTable table;
  // A territory cache to write into the output folder once it exists: made earlier, it would
  // appear under the outputs' transaction (which refuses a folder created meanwhile).
  std::optional<std::pair<std::filesystem::path, std::string>> pending_cache;  // path, why
  std::string pending_key;
};

// Territory and adjacency (components and islands are reported for every model).
Prepared prepare_territory(const Scenario& scenario, Progress& progress, std::ostream& log);
// Writes the pending territory cache, if any (after the outputs were committed).
void write_pending_cache(Prepared& p, std::ostream& log);
// Travel graph and table: every commune is a candidate site.
void prepare_travel(const Scenario& scenario, Prepared& p, Progress& progress, std::ostream& log);
// The travel graph alone (`validate` reads the road or OD file as `run` does).
void prepare_travel_graph(const Scenario& scenario, Prepared& p, Progress& progress,
                          std::ostream& log);

struct Baseline {
  sim::PostTable posts;
  sim::Deployment deployment;
  std::unique_ptr<sim::CoverageModel> model;  // refers to the Prepared territory and table
  sim::CommuneCoverage communes;
  sim::GroupCoverage groups;
  sim::RunResult result;
};

// Posts, deployment and coverage with every post active.
Baseline run_baseline(const Scenario& scenario, const Prepared& p, Progress& progress);

// What sim::deploy and sim::Reallocator read of the prepared territory (refers to it).
sim::DeploymentInputs deployment_inputs(const Prepared& p);

}  // namespace covsim::app
