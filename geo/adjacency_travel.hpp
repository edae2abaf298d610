// Travel on commune adjacency, for when no road network is at hand: neighbouring communes are
// linked by the straight distance between their demand points, lengthened by a detour factor
// and driven at a speed that may drop in dense communes; ferries, bridges or dams the polygons
// do not show are added as explicit links.
//
//   SpeedModel speeds{.density_classes = {{1000, 40}, {4000, 25}}, .extra_links = ferries};
//   TravelGraph g = adjacency_travel_graph(territory, build_adjacency(territory), speeds);
#pragma once

#include <string>
#include <vector>

#include "geo/adjacency.hpp"
#include "geo/territory.hpp"
#include "geo/travel_graph.hpp"

namespace covsim::geo {

// Communes with at least `min_inhabitants_per_km2` are crossed at `speed_kmh`.
struct DensityClass {
  double min_inhabitants_per_km2 = 0;
  double speed_kmh = 0;
};

// A link the polygons do not show (a ferry to an island, a bridge over an estuary), usable
// both ways in `minutes`.
struct ExtraLink {
  std::string from_code;
  std::string to_code;
  double minutes = 0;
};

struct SpeedModel {
  // Road distance / straight distance between neighbouring demand points.
  double detour_factor = 1.3;
  // Speed in communes below every density class (rural roads).
  double speed_kmh = 60;
  // Slower classes for denser communes; a commune takes the class with the highest threshold
  // it reaches. A commune of unknown area (no polygon) keeps `speed_kmh`.
  std::vector<DensityClass> density_classes = {};
  std::vector<ExtraLink> extra_links = {};

  // Speed when crossing commune `c`; throws covsim::Error when the model is invalid.
  double speed_in(const Territory& t, CommuneId c) const;
};

// One vertex per commune (same id), access minutes 0. An edge between neighbours a and b takes
//   distance(demand a, demand b) x detour_factor / v,  v = 2 / (1 / speed_a + 1 / speed_b)
// (the harmonic mean: half the way is driven in each commune). Both directions, same minutes.
// Throws InputError naming the link when an extra link names an unknown commune or has
// negative or non-finite minutes, and covsim::Error on a detour below 1 or a speed <= 0.
TravelGraph adjacency_travel_graph(const Territory& territory, const Adjacency& adjacency,
                                   const SpeedModel& speeds = {});

}  // namespace covsim::geo
