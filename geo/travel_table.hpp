// Sparse, bounded travel times: for each candidate site, the communes that reach it within the
// cut-off and their minutes. Built once from a TravelGraph (one bounded Dijkstra per site, in
// parallel), then only read: a renewal draw touches the rows of its active sites, never the graph.
//
//   TravelTable t = build_travel_table(graph, candidates, 45.0f);
//   for (auto [commune, minutes] : t.row(t.row_of(site)))  ...
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "geo/progress.hpp"
#include "geo/territory.hpp"

namespace covsim::geo {

struct TravelGraph;

using RowId = std::uint32_t;
inline constexpr RowId kNoRow = std::numeric_limits<RowId>::max();

struct Reach {
  CommuneId commune;
  float minutes;  // from the commune to the site
};

struct TravelTable {
  float cutoff_minutes = 0;
  std::vector<CommuneId> site;       // row -> commune hosting the candidate site
  std::vector<RowId> row_of_site;    // commune -> its row, kNoRow when not a candidate
  std::vector<std::uint64_t> first;  // row r spans [first[r], first[r + 1])
  std::vector<Reach> reach;          // within a row, sorted by commune id

  std::size_t rows() const { return site.size(); }
  std::size_t entries() const { return reach.size(); }
  RowId row_of(CommuneId c) const { return c < row_of_site.size() ? row_of_site[c] : kNoRow; }
  std::span<const Reach> row(RowId r) const {
    return {reach.data() + first[r], reach.data() + first[r + 1]};
  }
  // Minutes from `commune` to the site of row `r`; nullopt when beyond the cut-off.
  std::optional<float> minutes(RowId r, CommuneId commune) const;
};

std::vector<CommuneId> all_communes(const Territory& t);

// One bounded search per candidate, run in parallel; exact up to float rounding. Communes
// beyond `cutoff_minutes` are absent from a row.
TravelTable build_travel_table(const TravelGraph& graph, std::span<const CommuneId> candidates,
                               float cutoff_minutes, Progress& progress = null_progress());

}  // namespace covsim::geo
