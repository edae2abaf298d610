// Repeated single-source searches on one travel graph with per-thread scratch: distances are
// initialised to +infinity once and only the vertices a search touched are reset before the
// next one, so a search that settles a few hundred vertices costs that, not the graph size.
// Internal to geo/ (travel tables and dense minutes among a few communes).
//
//   BoundedSearch s(graph.reverse);
//   s.run(site_vertex, access, 45.0f);  for (auto v : s.touched()) use(v, s.minutes(v));
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "geo/travel_graph.hpp"

namespace covsim::geo::detail {

inline constexpr float kUnreached = std::numeric_limits<float>::infinity();

class BoundedSearch {
 public:
  explicit BoundedSearch(const CsrGraph& graph);

  // Dijkstra from `source` whose own distance is `start_minutes` (access at the source end).
  // Vertices farther than `cutoff_minutes` keep +infinity; a vertex exactly at the cut-off is
  // reached. When `targets` is not empty the search stops once all of them are settled.
  void run(std::uint32_t source, float start_minutes, float cutoff_minutes,
           std::span<const std::uint32_t> targets = {});

  // Vertices whose distance the last run set (settled or not, all within the cut-off).
  std::span<const std::uint32_t> touched() const { return touched_; }
  float minutes(std::uint32_t v) const { return distance_[v]; }

 private:
  const CsrGraph* graph_;
  std::vector<float> distance_;
  std::vector<std::uint32_t> touched_;
  std::vector<std::uint8_t> is_target_;
  std::vector<std::uint32_t> marked_;  // distinct targets of the last run
};

}  // namespace covsim::geo::detail
