// Dense, exact travel minutes among a small set of communes, with no cut-off: what roaming
// circuits need (an advisor driving between the communes of one catchment). One search per
// commune, stopped once every other commune of the set is settled; run in parallel.
//
//   TravelMatrix m = minutes_among(graph, catchment);
//   float drive = m.at(0, 1);  // from catchment[0] to catchment[1], +infinity without a route
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "geo/territory.hpp"
#include "geo/travel_graph.hpp"

namespace covsim::geo {

struct TravelMatrix {
  std::vector<CommuneId> communes;
  // Row-major: minutes[i * size() + j] from communes[i] to communes[j]; access minutes at both
  // ends on the road model, 0 on the diagonal, +infinity when there is no route.
  std::vector<float> minutes;

  std::size_t size() const { return communes.size(); }
  float at(std::size_t from, std::size_t to) const { return minutes[from * size() + to]; }
};

// Throws covsim::Error when a commune id is not one of the graph's communes.
TravelMatrix minutes_among(const TravelGraph& graph, std::span<const CommuneId> communes);

}  // namespace covsim::geo
