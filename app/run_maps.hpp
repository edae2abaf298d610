// The maps of a run, as specs that geo/map_render draws: coverage (minutes to the nearest site)
// and, for a renewal scenario, before/after. Both write_run_outputs (coverage.png,
// renewal.png...) and the report (inline SVG, PDF pages) draw these same specs.
//
// What a council needs to read them: the extent on the study area (the EPCIs holding posts, or
// output.extent), EPCI outlines, names of the communes that lose something and of the largest
// ones, sites by host type (colour) and strategy (shape), sites of the posts that go in grey,
// and the territory named by its departments.
//
//   RunMaps maps = run_maps(outputs);
//   geo::render_map(maps.coverage, "coverage.png");
#pragma once

#include <optional>

#include "app/run_output.hpp"
#include "geo/map_render.hpp"

namespace covsim::app {

struct RunMaps {
  geo::MapSpec coverage;
  // Renewal scenario: the pair's spec (its map is "before") and the "after" panel.
  std::optional<geo::MapSpec> renewal;
  std::optional<geo::MapPanel> after;
};

// The specs refer to the prepared territory's polygons (they must outlive the maps).
RunMaps run_maps(const RunOutputs& outputs);

// Minutes to the nearest site as maps class them: beyond the travel table's cut-off counts as
// the cut-off, which falls in the last class, so no commune looks like missing data.
std::vector<double> map_minutes(const sim::CommuneCoverage& coverage, float cutoff);
// Classes at the scenario's coverage thresholds, light to dark.
geo::ClassScheme minutes_scheme(const Scenario& scenario);

// Communes largest first (then in id order): the order a council reads a list of places in.
void by_population(const geo::Territory& territory, std::vector<geo::CommuneId>& communes);

}  // namespace covsim::app
