// The result of one run as tables of named, typed, documented columns (sim/table.hpp), so that
// any exporter (CSV, JSON, GeoPackage attributes, map legends, reports) writes them without
// knowing what they mean. The commune table's row r is CommuneId r.
//
//   RunResult r = make_run_result(territory, posts, deployment, model, communes, groups);
//   geo::write_csv(std::cout, r.communes.columns);
#pragma once

#include <string>
#include <vector>

#include "geo/territory.hpp"
#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/post_table.hpp"
#include "sim/table.hpp"

namespace covsim::sim {

struct RunResult {
  std::vector<float> thresholds_minutes;
  float catchment_minutes = 0;
  double min_visits_per_month = 0;
  Table communes;                  // row = CommuneId
  Table groups;                    // row 0: the whole territory; then each group of each grouping
  Table sites;                     // one row per (post, fixed site)
  Table stops;                     // one row per roaming stop, circuits in order
  Table circuits;                  // one row per roaming round (CircuitId)
  std::vector<std::string> notes;  // from the deployment
};

RunResult make_run_result(const geo::Territory& territory, const PostTable& posts,
                          const Deployment& deployment, const CoverageModel& model,
                          const CommuneCoverage& communes, const GroupCoverage& groups);

}  // namespace covsim::sim
