// The one checker of `validate` and `run`: what a scenario can only be checked against once its
// territory and posts are loaded (codes, groupings, post ids, hours, renewal probabilities).
// `validate` calls it, and `run`/`sweep` call it before any computing, so everything a run
// could refuse is found by validate, as an InputError naming the scenario's line and column.
//
//   Prepared p = prepare_territory(s, progress, log);
//   const sim::PostTable posts = scenario_posts(s, p.territory);
//   for (const std::string& note : check_scenario(s, p.territory, posts)) log << note;
#pragma once

#include <string>
#include <vector>

#include "app/scenario.hpp"
#include "geo/territory.hpp"
#include "sim/post_table.hpp"

namespace covsim::app {

// Throws InputError (file:line:column of the value) for: a travel link to a commune not in the
// territory; sites_by_group naming an unknown grouping or group code; a renewal rule naming an
// unknown grouping, group code or post; protected hours naming an unknown post, given twice or
// above the post's weekly hours; absorb's group_key not a grouping of the territory when absorb
// can run; a sweep over the posts' own probabilities when one is unknown. Returns the renewal
// plan's notes ("2 posts left random...").
std::vector<std::string> check_scenario(const Scenario& scenario, const geo::Territory& territory,
                                        const sim::PostTable& posts);

// Whether the absorb policy can run: the renewal's reallocation, or a policy of the sweep grid.
// When it cannot, absorb's grouping is never used, so a territory without it (layers without
// the COG have no EPCI) is no error.
bool absorb_can_run(const Scenario& scenario);

}  // namespace covsim::app
