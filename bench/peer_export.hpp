// What the peers read, so networkx and pgRouting search exactly covsim's graph and are checked
// against covsim's own minutes: the graph as an edge list, a seeded sample of sources, and the
// travel-table rows of those sources. Ids are graph vertices; minutes are printed with 9
// significant digits (a float round-trips).
//
//   write_edges(graph.reverse, out / "edges.csv");
//   write_rows(table, graph, sample_communes(t.size(), 500, 7), out / "covsim_rows_30.csv");
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "geo/travel_graph.hpp"
#include "geo/travel_table.hpp"

namespace covsim::bench {

// `count` distinct communes of 0..communes-1, those with the smallest sim::uniform(seed, 0, id),
// returned in id order: the same sample for a seed on every platform.
std::vector<geo::CommuneId> sample_communes(std::size_t communes, std::size_t count,
                                            std::uint64_t seed);

// CSV "source,target,minutes": every edge of `graph`.
void write_edges(const geo::CsrGraph& graph, const std::filesystem::path& path);

// CSV "source,target,minutes" in vertex ids: for each of `sites` (communes with a row), every
// commune of its row. Searching the exported reverse graph from the site's vertex must give
// these minutes. Throws covsim::Error when a site has no row, or a commune has access minutes
// (vertex distances would then differ from commune minutes).
void write_rows(const geo::TravelTable& table, const geo::TravelGraph& graph,
                std::span<const geo::CommuneId> sites, const std::filesystem::path& path);

}  // namespace covsim::bench
