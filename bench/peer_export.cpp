#include "bench/peer_export.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <string>

#include "geo/detail/atomic_file.hpp"
#include "geo/error.hpp"
#include "sim/rng.hpp"

namespace covsim::bench {

std::vector<geo::CommuneId> sample_communes(std::size_t communes, std::size_t count,
                                            std::uint64_t seed) {
  std::vector<geo::CommuneId> ids(communes);
  std::iota(ids.begin(), ids.end(), 0);
  count = std::min(count, communes);
  auto key = [seed](geo::CommuneId c) { return sim::random_bits(seed, 0, c); };
  std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(count), ids.end(),
                    [&](geo::CommuneId a, geo::CommuneId b) { return key(a) < key(b); });
  ids.resize(count);
  std::sort(ids.begin(), ids.end());
  return ids;
}

namespace {

// Buffered CSV lines "a,b,minutes" written all-or-nothing.
template <class Fill>
void write_triples(const std::filesystem::path& path, Fill&& fill) {
  geo::detail::write_atomically(path, true, [&](const std::filesystem::path& temp) {
    std::ofstream out(temp);
    out << "source,target,minutes\n";
    char line[64];
    fill([&](std::uint32_t a, std::uint32_t b, float minutes) {
      const int n =
          std::snprintf(line, sizeof line, "%u,%u,%.9g\n", a, b, static_cast<double>(minutes));
      out.write(line, n);
    });
    out.flush();
    if (!out) throw OutputError(path.string() + ": write failed");
  });
}

}  // namespace

void write_edges(const geo::CsrGraph& graph, const std::filesystem::path& path) {
  write_triples(path, [&](auto&& emit) {
    const std::uint32_t n = static_cast<std::uint32_t>(num_vertices(graph));
    for (std::uint32_t u = 0; u < n; ++u) {
      auto [e, end] = out_edges(u, graph);
      for (; e != end; ++e)
        emit(u, static_cast<std::uint32_t>(target(*e, graph)), graph[*e].minutes);
    }
  });
}

void write_rows(const geo::TravelTable& table, const geo::TravelGraph& graph,
                std::span<const geo::CommuneId> sites, const std::filesystem::path& path) {
  for (float a : graph.access_minutes)
    if (a != 0)
      throw Error("peer export: the " + graph.model +
                  " graph has access minutes, so vertex distances are not commune minutes");
  write_triples(path, [&](auto&& emit) {
    for (geo::CommuneId s : sites) {
      const geo::RowId r = table.row_of(s);
      if (r == geo::kNoRow)
        throw Error("peer export: commune " + std::to_string(s) + " has no table row");
      for (const geo::Reach& reach : table.row(r))
        emit(graph.commune_vertex[s], graph.commune_vertex[reach.commune], reach.minutes);
    }
  });
}

}  // namespace covsim::bench
