#include "geo/travel_matrix.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <string>

#include "geo/detail/bounded_search.hpp"
#include "geo/detail/commune_vertices.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

TravelMatrix minutes_among(const TravelGraph& graph, std::span<const CommuneId> communes) {
  const detail::CommuneVertices at(graph);
  std::vector<std::uint32_t> targets;
  targets.reserve(communes.size());
  for (CommuneId c : communes) {
    if (c >= at.commune_count())
      throw Error("travel minutes: commune " + std::to_string(c) + " is not a commune of the " +
                  graph.model + " graph (" + std::to_string(at.commune_count()) + " communes)");
    targets.push_back(at.vertex(c));
  }

  const std::size_t n = communes.size();
  TravelMatrix m;
  m.communes.assign(communes.begin(), communes.end());
  m.minutes.assign(n * n, detail::kUnreached);
  tbb::enumerable_thread_specific<detail::BoundedSearch> searches(std::cref(graph.forward));
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    detail::BoundedSearch& search = searches.local();
    search.run(at.vertex(communes[i]), at.access(communes[i]), detail::kUnreached, targets);
    for (std::size_t j = 0; j < n; ++j)
      m.minutes[i * n + j] = at.minutes(search, communes[i], communes[j]);
  });
  return m;
}

}  // namespace covsim::geo
