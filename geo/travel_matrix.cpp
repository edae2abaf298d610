#include "geo/travel_matrix.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <boost/range/iterator_range.hpp>
#include <limits>
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

struct TravelRows::State {
  const TravelGraph& graph;
  detail::CommuneVertices at;
  tbb::enumerable_thread_specific<detail::BoundedSearch> forward, reverse;
  // Vertex -> part of the graph (edges taken both ways). A target in another part has no route:
  // searching for it would settle the source's whole part (all of France) for nothing.
  std::vector<std::uint32_t> part;

  explicit State(const TravelGraph& g)
      : graph(g), at(g), forward(std::cref(g.forward)), reverse(std::cref(g.reverse)) {
    const std::uint32_t n = static_cast<std::uint32_t>(g.vertex_count());
    constexpr std::uint32_t kUnset = std::numeric_limits<std::uint32_t>::max();
    part.assign(n, kUnset);
    std::vector<std::uint32_t> stack;
    for (std::uint32_t start = 0, parts = 0; start < n; ++start) {
      if (part[start] != kUnset) continue;
      part[start] = parts;
      stack.push_back(start);
      while (!stack.empty()) {
        const std::uint32_t v = stack.back();
        stack.pop_back();
        for (const CsrGraph* csr : {&g.forward, &g.reverse})
          for (const auto e : boost::make_iterator_range(boost::out_edges(v, *csr))) {
            const std::uint32_t u = boost::target(e, *csr);
            if (part[u] == kUnset) part[u] = parts, stack.push_back(u);
          }
      }
      ++parts;
    }
  }
};

TravelRows::TravelRows(const TravelGraph& graph) : state_(std::make_unique<State>(graph)) {}
TravelRows::~TravelRows() = default;

std::vector<float> TravelRows::from(CommuneId source, std::span<const CommuneId> targets) const {
  return search(source, targets, false);
}
std::vector<float> TravelRows::towards(CommuneId source, std::span<const CommuneId> targets) const {
  return search(source, targets, true);
}

std::vector<float> TravelRows::search(CommuneId source, std::span<const CommuneId> targets,
                                      bool reverse) const {
  const detail::CommuneVertices& at = state_->at;
  auto check = [&](CommuneId c) {
    if (c >= at.commune_count())
      throw Error("travel minutes: commune " + std::to_string(c) + " is not a commune of the " +
                  state_->graph.model + " graph (" + std::to_string(at.commune_count()) +
                  " communes)");
  };
  check(source);
  const std::uint32_t part = state_->part[at.vertex(source)];
  std::vector<std::uint32_t> vertices;
  vertices.reserve(targets.size());
  for (CommuneId c : targets) {
    check(c);
    if (state_->part[at.vertex(c)] == part) vertices.push_back(at.vertex(c));
  }
  // On the reversed graph, a vertex's distance is its minutes to the source; access minutes
  // add at both ends either way.
  detail::BoundedSearch& s = (reverse ? state_->reverse : state_->forward).local();
  s.run(at.vertex(source), at.access(source), detail::kUnreached, vertices);
  std::vector<float> out(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) out[i] = at.minutes(s, source, targets[i]);
  return out;
}

}  // namespace covsim::geo
