// Everything a run leaves for the planner in the output directory: a GeoPackage (or GeoJSON /
// Shapefile) with communes, sites, roaming circuits, catchments and the communes that lose
// reach; rendered maps (coverage, and before/after for a renewal scenario); CSV tables; a
// Markdown summary; the whole result as JSON. The set is one transaction
// (geo/output_transaction.hpp): planned and checked before any work, written aside, moved in
// whole or not at all; nothing is overwritten unless the scenario or the command line asks.
//
//   auto out = begin_outputs(s, renewal, sweep);  // before any work: refuses at once
//   RunOutputs o{.scenario = s, .prepared = p, .baseline = b};
//   std::vector<std::filesystem::path> files = write_run_outputs(o, *out, progress);
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/pipeline.hpp"
#include "geo/field_column.hpp"
#include "geo/output_transaction.hpp"
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

// One file of a run's output set and the writer that makes it: the list drives both the checks
// made before any work and what the commit accepts.
struct PlannedOutput {
  std::string name;    // file name in output.dir
  std::string writer;  // "vector:gpkg", "map:png", "table", "json", "summary"
  bool always = true;  // false: a sidecar the writer adds only when needed (.qml, _fields.csv)
};

// Every file write_run_outputs may write for these settings. Throws InputError at output.vector
// (or output.maps) when two formats would write one file (GeoJSON and Shapefile share their
// .qml styles) or a format is listed twice.
std::vector<PlannedOutput> planned_outputs(const Scenario& scenario, bool renewal, bool sweep);

// The transaction that will hold the outputs, opened before any work: OutputError (exit 4) when
// an output exists without overwrite, or output.dir is a file or cannot be written.
std::unique_ptr<geo::OutputTransaction> begin_outputs(const Scenario& scenario, bool renewal,
                                                      bool sweep);

// Writes every planned file into the transaction's staging directory and commits it; returns
// the files written.
std::vector<std::filesystem::path> write_run_outputs(const RunOutputs& outputs,
                                                     geo::OutputTransaction& out,
                                                     Progress& progress);

// The Markdown summary: figures of the whole territory, per EPCI, renewal losses, sweep.
std::string summary_markdown(const RunOutputs& outputs);

}  // namespace covsim::app
