#include "geo/travel_graph.hpp"

#include <algorithm>
#include <utility>

namespace covsim::geo {

namespace {
CsrGraph build_csr(std::size_t vertex_count, const std::vector<Edge>& edges, bool reversed) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ends;
  std::vector<EdgeMinutes> props;
  ends.reserve(edges.size());
  props.reserve(edges.size());
  for (const Edge& e : edges) {
    ends.emplace_back(reversed ? e.to : e.from, reversed ? e.from : e.to);
    props.push_back({e.minutes});
  }
  return CsrGraph(boost::edges_are_unsorted_multi_pass, ends.begin(), ends.end(), props.begin(),
                  static_cast<std::uint32_t>(vertex_count));
}
}  // namespace

TravelGraph make_travel_graph(std::string model, std::size_t vertex_count,
                              std::vector<Edge> edges) {
  // Self loops never shorten a path; of parallel edges only the fastest can be on one.
  std::erase_if(edges, [](const Edge& e) { return e.from == e.to; });
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    return std::tie(a.from, a.to, a.minutes) < std::tie(b.from, b.to, b.minutes);
  });
  edges.erase(
      std::unique(edges.begin(), edges.end(),
                  [](const Edge& a, const Edge& b) { return a.from == b.from && a.to == b.to; }),
      edges.end());

  TravelGraph g;
  g.model = std::move(model);
  g.forward = build_csr(vertex_count, edges, false);
  g.reverse = build_csr(vertex_count, edges, true);
  return g;
}

TravelGraph commune_travel_graph(std::string model, std::size_t commune_count,
                                 std::vector<Edge> edges) {
  TravelGraph g = make_travel_graph(std::move(model), commune_count, std::move(edges));
  g.commune_vertex.resize(commune_count);
  for (std::uint32_t c = 0; c < commune_count; ++c) g.commune_vertex[c] = c;
  g.access_minutes.assign(commune_count, 0.0f);
  return g;
}

}  // namespace covsim::geo
