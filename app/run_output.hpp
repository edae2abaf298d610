// Everything a run leaves for the planner in the output directory: a GeoPackage (or GeoJSON /
// Shapefile) with communes, sites, roaming circuits, catchments and the communes that lose
// reach; rendered maps (coverage, and before/after for a renewal scenario); CSV tables; a
// Markdown summary; the whole result as JSON. Every file is written atomically and none is
// overwritten unless the scenario asks.
//
//   RunOutputs o{.scenario = s, .prepared = p, .baseline = b};
//   std::vector<std::filesystem::path> files = write_run_outputs(o, progress);
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/pipeline.hpp"
#include "geo/field_column.hpp"
#include "sim/renewal_impact.hpp"
#include "sim/sweep.hpp"

namespace covsim::app {

struct RenewalOutcome {
  sim::RenewalPlan plan;
  std::unique_ptr<sim::Reallocator> reallocator;
  sim::RenewalImpact impact;
};

struct RunOutputs {
  const Scenario& scenario;
  const Prepared& prepared;
  const Baseline& baseline;
  const RenewalOutcome* renewal = nullptr;  // a renewal scenario was run
  const sim::SweepResult* sweep = nullptr;  // a sweep was run
};

// The files write_run_outputs would write, so a run can refuse at once, before any work, when
// one exists and overwrite is not set.
std::vector<std::filesystem::path> planned_outputs(const Scenario& scenario, bool renewal,
                                                   bool sweep);
// Throws OutputError naming the first existing output when overwrite is not set.
void check_outputs_free(const Scenario& scenario, bool renewal, bool sweep);

std::vector<std::filesystem::path> write_run_outputs(const RunOutputs& outputs, Progress& progress);

// The Markdown summary: figures of the whole territory, per EPCI, renewal losses, sweep.
std::string summary_markdown(const RunOutputs& outputs);

}  // namespace covsim::app
