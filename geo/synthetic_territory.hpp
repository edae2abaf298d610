// The embedded default territory: a coastal department-like area generated from a seed, so that
// covsim runs end to end with no external data. Same seed, same territory, on every platform.
//
//   Territory t = generate_territory(SyntheticOptions{.seed = 7});
//   std::cout << synthetic_summary(t);
#pragma once

#include <cstdint>
#include <string>

#include "geo/geometry.hpp"
#include "geo/territory.hpp"

namespace covsim::geo {

struct SyntheticOptions {
  std::uint64_t seed = 1;
  // Communes in all, the island communes included; 20..900.
  int communes = 220;
  // One prefecture-size town plus 2 to 4 small towns: 3..5.
  int towns = 4;
  int islands = 2;      // offshore single-commune islands: 0..2
  int departments = 2;  // 1 or 2
  int epcis = 7;        // intercommunalities grown from town (then rural) centres: 3..12
  // Extent of the mainland outline (islands lie a few km beyond it).
  double width_km = 60;
  double height_km = 45;
  // South-west corner of the mainland in Lambert-93 metres: central Brittany by default.
  Point origin{215000, 6770000};
};

// The mainland outline alone (no islands): the polygon the mainland communes tile exactly.
// generate_territory draws it from the same seed stream, so the two always agree.
MultiPolygon synthetic_outline(const SyntheticOptions& options);

// Communes are Voronoi cells of seeds (denser around towns) clipped to the outline, plus the
// island communes. Columns are ordered by INSEE-like code (department code + 3 digits, numbered
// by name as INSEE does); groupings "department" and "epci" are filled; codes are indexed.
// Throws InputError naming the option when one is out of range.
Territory generate_territory(const SyntheticOptions& options);

// A few lines for a newcomer: extent, communes, islands, population, largest communes, EPCIs.
// Computed from the territory itself, so it also describes a loaded one.
std::string synthetic_summary(const Territory& territory);

}  // namespace covsim::geo
