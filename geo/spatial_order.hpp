// Spatial ordering of communes along a Hilbert curve: communes close on the ground get close
// ids, so travel searches touch memory in order (DESIGN.md measured 3-4x more settled nodes per
// second than with shuffled ids). Loaders call order_spatially() before handing a territory out.
//
//   std::vector<std::uint32_t> order = hilbert_order(territory.demand);
//   permute(territory, order);  // or simply order_spatially(territory)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "geo/geometry.hpp"
#include "geo/territory.hpp"

namespace covsim::geo {

// Position of cell (x, y) along the Hilbert curve filling a 2^16 x 2^16 grid.
std::uint64_t hilbert_index(std::uint32_t x, std::uint32_t y);

// Indices of `points` sorted along a Hilbert curve over their bounding box (ties keep input
// order, so the result is deterministic).
std::vector<std::uint32_t> hilbert_order(std::span<const Point> points);

// Reorders every column and grouping so that new commune i is old commune order[i], then
// re-indexes codes. `order` must be a permutation of 0..size-1.
void permute(Territory& territory, std::span<const std::uint32_t> order);

// permute(territory, hilbert_order(territory.demand)).
void order_spatially(Territory& territory);

}  // namespace covsim::geo
