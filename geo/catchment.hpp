// Catchments: polygons dissolved per group (the communes a site serves, an EPCI, the communes
// that lose reach), one MultiPolygon per group, with GEOS. Commune polygons usually tile the
// ground exactly, so the fast coverage union is tried first and checked; groups whose members
// overlap or do not share edges exactly fall back to the general union.
//
//   Catchments c = dissolve(territory.shape, site_of_commune, site_count);
//   MultiPolygon served_by_site_3 = c.shape[3];
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "geo/geometry.hpp"
#include "geo/progress.hpp"
#include "geo/territory.hpp"

namespace covsim::geo {

struct Catchments {
  std::vector<MultiPolygon> shape;     // group id -> dissolved area; empty when no member
  std::vector<std::uint32_t> members;  // group id -> polygons dissolved into it
  std::size_t coverage_unions = 0;     // groups dissolved by the coverage union
  std::size_t general_unions = 0;      // groups that needed the general (overlay) union
  std::size_t repaired_groups = 0;     // groups whose members had to be made valid first
};

// Dissolves polygons[i] into group group_of[i] (kNoGroup: left out), groups in parallel.
// Members without geometry are counted but add no area. Throws InputError naming the group
// and the first member when GEOS cannot union them even after make-valid, and when
// group_of.size() != polygons.size() or an id is >= group_count.
Catchments dissolve(std::span<const MultiPolygon> polygons, std::span<const GroupId> group_of,
                    std::size_t group_count, Progress& progress = null_progress());

}  // namespace covsim::geo
