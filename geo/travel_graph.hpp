// The travel network as an immutable Boost.Graph CSR with minutes on edges, plus where each
// commune's demand point attaches to it. Three builders: commune adjacency with a speed model,
// a road network from any OGR line layer (OSM included), and a supplied origin–destination CSV.
//
//   TravelGraph g = adjacency_travel_graph(territory, adjacency, SpeedModel{});
//   TravelTable t = build_travel_table(g, all_communes(territory), 30.0f);
#pragma once

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
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

// Minutes of a whole trip from the sum of its edges' minutes t: long trips take main roads,
// so beyond `from_minutes` the trip runs `speedup` times faster:
//   f(t) = t                                  for t <= from_minutes
//   f(t) = from + (t - from) / speedup        beyond.
// f is increasing, so the shortest path stays the shortest, and concave with f(0) = 0, so
// f(a) + f(b) >= f(a + b): chaining two trips is never faster than the direct one (an OD table
// written from these minutes reads back to the same minutes). speedup 1 is the identity.
struct TripCurve {
  float from_minutes = 0;
  float speedup = 1;

  bool identity() const { return speedup == 1.0f; }
  float apply(float t) const {
    return t <= from_minutes ? t : from_minutes + (t - from_minutes) / speedup;
  }
  // The largest edge sum whose trip takes at most `m` minutes (searches stop there).
  float inverse(float m) const {
    if (identity() || m <= from_minutes) return m;
    const double t = from_minutes + (static_cast<double>(m) - from_minutes) * speedup;
    return std::nextafter(static_cast<float>(t), std::numeric_limits<float>::infinity());
  }
};

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
  // Applied to each commune-to-commune total (access included); the identity but on the
  // adjacency model.
  TripCurve trip;

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
