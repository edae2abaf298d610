// The territory as a council names it: by its departments and EPCIs (from the territory's
// groupings, themselves from the COG or the layer), never by the files it was read from.
//
//   territory_label(t) == "Nièvre (58) — 11 EPCIs, 309 communes"
//   group_list(t, "epci", {3, 7}) == "CA de Nevers, CC du Nivernais Bourbonnais"
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/territory.hpp"

namespace covsim::app {

// Departments by name and code (up to four, else their count), then how many EPCIs and
// communes; the file list only when the territory has no department grouping.
std::string territory_label(const geo::Territory& territory);

// "A, B and C" of the groups' names (their codes when unnamed), in the order given.
std::string group_list(const geo::Territory& territory, std::string_view key,
                       std::span<const geo::GroupId> groups);

// Groups of `key` the communes fall in, each once, in order of first appearance.
std::vector<geo::GroupId> groups_of(const geo::Territory& territory, std::string_view key,
                                    std::span<const geo::CommuneId> communes);

}  // namespace covsim::app
