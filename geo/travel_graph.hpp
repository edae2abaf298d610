// The travel network as an immutable Boost.Graph CSR with minutes on edges, plus where each
// commune's demand point attaches to it. Three builders: commune adjacency with a speed model,
// a road network from any OGR line layer (OSM included), and a supplied origin–destination CSV.
//
//   TravelGraph g = adjacency_travel_graph(territory, adjacency, SpeedModel{});
//   TravelTable t = build_travel_table(g, all_communes(territory), 30.0f);
#pragma once

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "geo/territory.hpp"

namespace covsim::geo {

struct EdgeMinutes {
  float minutes = 0;
};

using CsrGraph =
    boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, EdgeMinutes,
                                       boost::no_property, std::uint32_t, std::uint32_t>;

struct TravelGraph {
  std::string model;  // "adjacency", "road", "od-matrix": shown in reports
  // Directed edges. For symmetric models both directions are present.
  CsrGraph forward;
  // Same graph with every edge reversed: searching it from a site gives minutes from each
  // commune *to* the site, which is what a user travelling to an advisor experiences.
  CsrGraph reverse;
  std::vector<std::uint32_t> commune_vertex;  // commune id -> vertex
  // Minutes from the commune's demand point to its vertex (road snapping); 0 on the
  // adjacency and OD models.
  std::vector<float> access_minutes;

  std::size_t vertex_count() const { return num_vertices(forward); }
  std::size_t edge_count() const { return num_edges(forward); }
};

// Builds both directions of a CSR graph from an edge list (vertices 0..n-1). Drops self loops
// and keeps the fastest of parallel edges.
struct Edge {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  float minutes = 0;
};
TravelGraph make_travel_graph(std::string model, std::size_t vertex_count, std::vector<Edge> edges);

// make_travel_graph for models whose vertices are the communes themselves (adjacency, OD
// matrix): commune c is vertex c, with no access minutes.
TravelGraph commune_travel_graph(std::string model, std::size_t commune_count,
                                 std::vector<Edge> edges);

}  // namespace covsim::geo
