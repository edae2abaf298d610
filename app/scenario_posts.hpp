// The posts of a scenario, from its CSV file and/or its inline list, resolved against the
// territory. Inline posts use the CSV column names (sim/post_table.hpp) and are read by the same
// parser, so both spellings accept exactly the same values; errors name the YAML entry.
//
//   sim::PostTable posts = scenario_posts(scenario, territory);
#pragma once

#include "app/scenario.hpp"
#include "sim/post_table.hpp"

namespace covsim::app {

sim::PostTable scenario_posts(const Scenario& scenario, const geo::Territory& territory);

}  // namespace covsim::app
