// Which communes are neighbours: polygons that touch, or come within a tolerance of each other
// (borders simplified independently leave gaps and overlaps of a few metres). Stored as a
// symmetric CSR with the shared border length, plus connected components so that islands and
// other detached parts are reported instead of silently unreachable.
//
//   Adjacency a = build_adjacency(territory, AdjacencyOptions{}, progress);
//   for (CommuneId n : a.neighbours(c)) ...;  // a.outside_main: islands without a ferry link
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "geo/progress.hpp"
#include "geo/territory.hpp"

namespace covsim::geo {

struct AdjacencyOptions {
  // Polygons closer than this many metres are neighbours. Measured on the 101 department files
  // of IGN ADMIN EXPRESS 2018 (simplified to ~1 m): 0, 1 and 2 m find the same 97,692 pairs;
  // 5 m adds 4 and 20 m adds 35, all near-quadripoints (two communes 3-19 m apart across the
  // corner where two others meet), which are not shared borders. 1 m absorbs rounding and
  // reprojection gaps of sources that are not a clean coverage at no cost on this one.
  double tolerance_m = 1;
  // Length of the shared border per pair: one GEOS overlay per pair, which makes the build
  // about 8x slower (Ille-et-Vilaine: 0.17 s for 943 pairs against 0.02 s without).
  bool border_length = false;
};

struct Adjacency {
  double tolerance_m = 0;
  // Commune c's neighbours are neighbour[first[c] .. first[c + 1]), sorted by id; every pair
  // appears in both directions.
  std::vector<std::uint32_t> first;
  std::vector<CommuneId> neighbour;
  // Parallel to `neighbour`: metres of one commune's boundary lying within the tolerance of
  // the other (at least 1 cm), the same in both directions; empty unless asked for. Close to 0
  // (2 x the tolerance) for communes that only meet at a corner.
  std::vector<float> border_m;

  // Connected components, numbered by decreasing size (ties: smallest commune id first), so
  // component 0 is the mainland.
  std::vector<std::uint32_t> component;       // commune -> component
  std::vector<std::uint32_t> component_size;  // component -> number of communes
  std::vector<CommuneId> outside_main;        // communes not in component 0, by id

  std::size_t size() const { return component.size(); }
  std::size_t pair_count() const { return neighbour.size() / 2; }
  std::span<const CommuneId> neighbours(CommuneId c) const {
    return {neighbour.data() + first[c], neighbour.data() + first[c + 1]};
  }
  std::span<const float> borders(CommuneId c) const {
    return {border_m.data() + first[c], border_m.data() + first[c + 1]};
  }
};

// STRtree candidates from envelopes grown by the tolerance, then a prepared-geometry
// intersects (or distance-within when the tolerance is positive); one GEOS context per TBB
// thread. Communes without geometry have no neighbours. Throws InputError naming the commune
// when GEOS cannot handle its polygon, and covsim::Error on a negative tolerance.
Adjacency build_adjacency(const Territory& territory, const AdjacencyOptions& options = {},
                          Progress& progress = null_progress());

}  // namespace covsim::geo
