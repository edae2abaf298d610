// Travel on commune adjacency, for when no road network is at hand: neighbouring communes are
// linked by the straight distance between their demand points, lengthened by a detour factor
// and driven at a speed that may drop in dense communes (for the part of the leg inside them);
// long trips run faster (they take main roads); ferries, bridges or dams the polygons do not
// show are added as explicit links.
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

// Defaults (2026-12), set on what can be checked without a held-out routing matrix: the
// Nièvre pairs of issue 13 (by road Nevers-Cosne-Cours-sur-Loire about 42 min, Nevers-La
// Charité-sur-Loire about 22; the model now says 42.3 and 24.0, where it said 66.6 and 34.5:
// tests/geo/adjacency_travel_data_test.cpp), trips between neighbouring rural communes
// unchanged (under 6 minutes: 60 km/h over 1.3 x the straight line, within about 15 % of the
// road there), and French road speeds: town centres crossed at 30 km/h, suburbs at 45, and
// beyond the first 6 minutes main roads at 1.75 x 46 = 81 km/h of straight-line progress.
struct SpeedModel {
  // Road distance / straight distance between neighbouring demand points.
  double detour_factor = 1.3;
  // Speed in communes below every density class (rural roads).
  double speed_kmh = 60;
  // Slower classes for denser communes; a commune takes the class with the highest threshold
  // it reaches. A commune of unknown area (no polygon) keeps `speed_kmh`.
  std::vector<DensityClass> density_classes = {{300, 45}, {1000, 30}};
  // Trip curve (TripCurve in geo/travel_graph.hpp): beyond `long_trip_from_minutes` of a trip
  // the rest runs `long_trip_speedup` times faster. Speedup 1: every trip at leg speeds.
  double long_trip_from_minutes = 6;
  double long_trip_speedup = 1.75;
  std::vector<ExtraLink> extra_links = {};

  // Speed when crossing commune `c`; throws covsim::Error when the model is invalid.
  double speed_in(const Territory& t, CommuneId c) const;
};

// One vertex per commune (same id), access minutes 0. An edge between neighbours a and b takes
//   distance(demand a, demand b) x detour_factor x (share_a / speed_a + share_b / speed_b)
// where share_a = r_a / (r_a + r_b) with r = sqrt(area / pi): the leg crosses each commune in
// proportion to its size, so a small dense town next to a vast rural commune slows only the
// short part inside the town (equal shares when an area is unknown). Both directions, same
// minutes. Trip totals then follow the long-trip curve (graph.trip).
// Throws InputError naming the link when an extra link names an unknown commune or has
// negative or non-finite minutes, and covsim::Error on a detour below 1 or a speed <= 0.
TravelGraph adjacency_travel_graph(const Territory& territory, const Adjacency& adjacency,
                                   const SpeedModel& speeds = {});

}  // namespace covsim::geo
