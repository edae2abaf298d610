#include "geo/detail/commune_vertices.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "geo/error.hpp"

namespace covsim::geo::detail {

CommuneVertices::CommuneVertices(const TravelGraph& graph)
    : vertex_(graph.commune_vertex), access_(graph.access_minutes), trip_(graph.trip) {
  const std::size_t n = graph.vertex_count();
  if (!access_.empty() && access_.size() != vertex_.size())
    throw Error(graph.model + " graph: " + std::to_string(access_.size()) + " access minutes for " +
                std::to_string(vertex_.size()) + " communes");
  first_.assign(n + 1, 0);
  for (CommuneId c = 0; c < vertex_.size(); ++c) {
    if (vertex_[c] >= n)
      throw Error(graph.model + " graph: commune " + std::to_string(c) + " is on vertex " +
                  std::to_string(vertex_[c]) + " of " + std::to_string(n));
    if (!(access(c) >= 0) || std::isinf(access(c)))
      throw Error(graph.model + " graph: commune " + std::to_string(c) + " has access minutes " +
                  std::to_string(access(c)));
    ++first_[vertex_[c] + 1];
  }
  for (std::size_t v = 0; v < n; ++v) first_[v + 1] += first_[v];
  communes_.resize(vertex_.size());
  std::vector<std::uint32_t> next(first_.begin(), first_.end() - 1);
  for (CommuneId c = 0; c < vertex_.size(); ++c) communes_[next[vertex_[c]]++] = c;
}

float CommuneVertices::minutes(const BoundedSearch& search, CommuneId source,
                               CommuneId other) const {
  if (source == other) return 0;
  return trip_.apply(search.minutes(vertex_[other]) + access(other));
}

std::vector<Reach> CommuneVertices::reaches(const BoundedSearch& search, CommuneId site,
                                            float cutoff) const {
  std::vector<Reach> row;
  row.push_back({site, 0.0f});
  for (std::uint32_t v : search.touched()) {
    for (std::uint32_t i = first_[v]; i < first_[v + 1]; ++i) {
      const CommuneId c = communes_[i];
      if (c == site) continue;
      const float m = trip_.apply(search.minutes(v) + access(c));
      if (m <= cutoff) row.push_back({c, m});
    }
  }
  std::sort(row.begin(), row.end(),
            [](const Reach& a, const Reach& b) { return a.commune < b.commune; });
  return row;
}

}  // namespace covsim::geo::detail
