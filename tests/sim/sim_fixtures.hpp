// Hand-checkable inputs for sim/ tests: a territory of a few communes without geometry and a
// travel table cut from a dense matrix of minutes (inf = no route).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "geo/adjacency.hpp"
#include "geo/territory.hpp"
#include "geo/travel_table.hpp"

namespace covsim::sim::test {

inline constexpr float kNone = std::numeric_limits<float>::infinity();

// Communes "C0", "C1"... with the given populations, names "Commune 0"...
inline geo::Territory tiny_territory(const std::vector<double>& population) {
  geo::Territory t;
  t.source = "test";
  for (std::size_t i = 0; i < population.size(); ++i)
    t.add("C" + std::to_string(i), "Commune " + std::to_string(i), population[i], {}, {});
  t.index_codes();
  return t;
}

// Adds grouping `key` with group codes taken from `codes` (one per commune, "" = none).
inline void add_grouping(geo::Territory& t, const std::string& key,
                         const std::vector<std::string>& codes) {
  geo::Grouping& g = t.grouping_or_add(key);
  for (geo::CommuneId c = 0; c < codes.size(); ++c)
    if (!codes[c].empty()) g.of[c] = g.intern(codes[c], key + " " + codes[c]);
}

// Row per candidate site: the communes whose minutes[commune][site] <= cutoff.
inline geo::TravelTable table_from_matrix(const std::vector<std::vector<float>>& minutes,
                                          const std::vector<geo::CommuneId>& candidates,
                                          float cutoff) {
  geo::TravelTable t;
  t.cutoff_minutes = cutoff;
  t.row_of_site.assign(minutes.size(), geo::kNoRow);
  t.first.push_back(0);
  for (geo::CommuneId s : candidates) {
    t.row_of_site[s] = static_cast<geo::RowId>(t.site.size());
    t.site.push_back(s);
    for (geo::CommuneId c = 0; c < minutes.size(); ++c)
      if (minutes[c][s] <= cutoff) t.reach.push_back({c, minutes[c][s]});
    t.first.push_back(t.reach.size());
  }
  return t;
}

inline std::vector<geo::CommuneId> iota_ids(std::size_t n) {
  std::vector<geo::CommuneId> v(n);
  for (geo::CommuneId i = 0; i < n; ++i) v[i] = i;
  return v;
}

// Communes on a line, `step` minutes apart: minutes = step × |i − j|.
inline std::vector<std::vector<float>> line_minutes(std::size_t n, float step) {
  std::vector<std::vector<float>> m(n, std::vector<float>(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) m[i][j] = step * static_cast<float>(i > j ? i - j : j - i);
  return m;
}

// Polygon adjacency from neighbour pairs (either direction), components found by search.
inline geo::Adjacency adjacency_from_pairs(
    std::size_t n, const std::vector<std::pair<geo::CommuneId, geo::CommuneId>>& pairs) {
  std::vector<std::vector<geo::CommuneId>> lists(n);
  for (auto [a, b] : pairs) {
    lists[a].push_back(b);
    lists[b].push_back(a);
  }
  geo::Adjacency adj;
  adj.first.push_back(0);
  for (auto& l : lists) {
    std::sort(l.begin(), l.end());
    l.erase(std::unique(l.begin(), l.end()), l.end());
    adj.neighbour.insert(adj.neighbour.end(), l.begin(), l.end());
    adj.first.push_back(static_cast<std::uint32_t>(adj.neighbour.size()));
  }
  constexpr std::uint32_t kUnset = std::numeric_limits<std::uint32_t>::max();
  adj.component.assign(n, kUnset);
  for (geo::CommuneId start = 0; start < n; ++start) {
    if (adj.component[start] != kUnset) continue;
    const auto k = static_cast<std::uint32_t>(adj.component_size.size());
    adj.component_size.push_back(0);
    std::vector<geo::CommuneId> stack{start};
    adj.component[start] = k;
    while (!stack.empty()) {
      const geo::CommuneId c = stack.back();
      stack.pop_back();
      ++adj.component_size[k];
      for (geo::CommuneId v : lists[c])
        if (adj.component[v] == kUnset) adj.component[v] = k, stack.push_back(v);
    }
  }
  return adj;
}

// A w × h grid: commune y * w + x, `step` minutes per grid step (Manhattan), 4-neighbour borders.
inline std::vector<std::vector<float>> grid_minutes(std::size_t w, std::size_t h, float step) {
  const std::size_t n = w * h;
  std::vector<std::vector<float>> m(n, std::vector<float>(n));
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = 0; b < n; ++b)
      m[a][b] = step * static_cast<float>((a % w > b % w ? a % w - b % w : b % w - a % w) +
                                          (a / w > b / w ? a / w - b / w : b / w - a / w));
  return m;
}
inline geo::Adjacency grid_adjacency(std::size_t w, std::size_t h) {
  std::vector<std::pair<geo::CommuneId, geo::CommuneId>> pairs;
  for (geo::CommuneId a = 0; a < w * h; ++a) {
    if ((a + 1) % w != 0) pairs.emplace_back(a, a + 1);
    if (a + w < w * h) pairs.emplace_back(a, static_cast<geo::CommuneId>(a + w));
  }
  return adjacency_from_pairs(w * h, pairs);
}

}  // namespace covsim::sim::test
