// Roads of an OpenStreetMap extract (.osm.pbf) read with libosmium in one pass: node
// locations kept in libosmium's FlexMem index (dense or sparse as the ids require), highways
// timed by class or by `maxspeed`, one-way streets, junctions found by counting node uses,
// lengths measured on the sphere (haversine) and junctions projected to the territory's CRS.
// Internal to geo/ (road_travel_graph picks it for OSM extracts).
//
//   RoadNetwork net = read_osm_roads(options, 2154, report, progress);
//   // then largest_strong_component, contract_chains... (geo/detail/road_build.hpp)
#pragma once

#include <optional>
#include <string_view>

#include "geo/detail/road_build.hpp"
#include "geo/progress.hpp"

namespace covsim::geo::detail {

// A speed limit as OSM writes it: "50", "50 mph", "FR:urban" (50), "FR:rural" (80),
// "FR:motorway" (130), "FR:zone30", "walk" (6). nullopt for "none", "signals", lists and
// anything unreadable: the class speed applies.
std::optional<double> parse_maxspeed(std::string_view text);

// Throws InputError naming the file when it cannot be read or holds no drivable road.
RoadNetwork read_osm_roads(const RoadOptions& options, int epsg, RoadReport& report,
                           Progress& progress);

}  // namespace covsim::geo::detail
