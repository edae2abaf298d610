// Hand-checkable inputs for sim/ tests: a territory of a few communes without geometry and a
// travel table cut from a dense matrix of minutes (inf = no route).
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

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

}  // namespace covsim::sim::test
