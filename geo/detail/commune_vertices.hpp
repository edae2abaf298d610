// Where communes sit on a travel graph, inverted for searches: the communes attached to each
// vertex (several communes may snap to one road node) and their access minutes. Turns the
// vertex distances of a BoundedSearch into commune minutes. Internal to geo/.
//
//   CommuneVertices at(graph);  search.run(at.vertex(site), at.access(site), cutoff);
//   std::vector<Reach> row = at.reaches(search, site, cutoff);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "geo/detail/bounded_search.hpp"
#include "geo/travel_graph.hpp"
#include "geo/travel_table.hpp"

namespace covsim::geo::detail {

class CommuneVertices {
 public:
  // Throws covsim::Error when the graph's commune columns are inconsistent with its vertices.
  explicit CommuneVertices(const TravelGraph& graph);

  std::size_t commune_count() const { return vertex_.size(); }
  std::uint32_t vertex(CommuneId c) const { return vertex_[c]; }
  float access(CommuneId c) const { return access_.empty() ? 0.0f : access_[c]; }
  // Cut-off of a search whose rows must reach `cutoff` minutes (the graph's trip curve undone).
  float search_cutoff(float cutoff) const { return trip_.inverse(cutoff); }

  // After a search started at `source` (with its access minutes): minutes between `source` and
  // `other`, access at both ends included and the trip curve applied; 0 for a commune and itself;
  // +infinity when the search did not reach `other`.
  float minutes(const BoundedSearch& search, CommuneId source, CommuneId other) const;

  // Every commune within `cutoff` of `site` after a search from it, sorted by commune id; the
  // site itself is always there with 0 minutes.
  std::vector<Reach> reaches(const BoundedSearch& search, CommuneId site, float cutoff) const;

 private:
  std::span<const std::uint32_t> vertex_;
  std::span<const float> access_;
  TripCurve trip_;
  std::vector<std::uint32_t> first_;  // vertex v holds communes [first_[v], first_[v + 1])
  std::vector<CommuneId> communes_;
};

}  // namespace covsim::geo::detail
