// Everything a run leaves for the planner in the output directory: a GeoPackage (or GeoJSON /
// Shapefile) with communes, sites, roaming stops and circuits, catchments, the communes that
// lose reach and the sites and circuits after renewal, every layer styled for QGIS; rendered
// maps (coverage, and before/after for a renewal scenario); CSV tables; a Markdown summary; the
// whole result as JSON. One list of outputs (file, what it shows, writer) drives both the
// checks made before any work and the writing; the tables are built once (run_tables) from
// sim's, so a column added there reaches the CSV, the JSON and the layer at once. The set is
// one transaction (geo/output_transaction.hpp): planned and checked before any work, written
// aside, moved in whole or not at all; nothing is overwritten unless the scenario or the
// command line asks.
//
//   auto out = begin_outputs(s, renewal, sweep);  // before any work: refuses at once
//   RunOutputs o{.scenario = s, .prepared = p, .baseline = b};
//   std::vector<std::filesystem::path> files = write_run_outputs(o, *out, progress);
//   RunTables t = run_tables(o);  // what a report reads
#pragma once

#include <filesystem>
#include <optional>
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

// Every table the run computed, built once: the files, layers, summary and reports show these.
struct RunTables {
  // Every post active. communes carries the renewal round's columns (after_nearest_minutes,
  // loses_reach, loses_permanence...) and the sweep's (loss_probability...); sites, stops and
  // circuits a "fate" column (kept or lost in the round) when a round was run.
  sim::RunResult run;
  std::optional<sim::RunResult> after;  // after the renewal round and its reallocation
  sim::Table renewal_posts, renewal_losses, renewal_groups, renewal_absorbed;  // with a round
  // With a sweep: every cell, every figure's distribution, and the groups and communes of
  // shown_cell, the cell the commune columns show.
  sim::Table sweep_cells, sweep_figures, sweep_groups, sweep_communes;
  std::size_t shown_cell = 0;
};

RunTables run_tables(const RunOutputs& outputs);

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
