#include "geo/travel_table.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "geo/detail/bounded_search.hpp"
#include "geo/detail/commune_vertices.hpp"
#include "geo/error.hpp"
#include "geo/travel_graph.hpp"

namespace covsim::geo {

std::optional<float> TravelTable::minutes(RowId r, CommuneId commune) const {
  const std::span<const Reach> reaches = row(r);
  auto it = std::lower_bound(reaches.begin(), reaches.end(), commune,
                             [](const Reach& a, CommuneId c) { return a.commune < c; });
  if (it == reaches.end() || it->commune != commune) return std::nullopt;
  return it->minutes;
}

std::vector<CommuneId> all_communes(const Territory& t) {
  std::vector<CommuneId> ids(t.size());
  for (CommuneId c = 0; c < ids.size(); ++c) ids[c] = c;
  return ids;
}

TravelTable build_travel_table(const TravelGraph& graph, std::span<const CommuneId> candidates,
                               float cutoff_minutes, Progress& progress) {
  if (!(cutoff_minutes >= 0))
    throw Error("travel table: cut-off must be a non-negative number of minutes, got " +
                std::to_string(cutoff_minutes));
  const detail::CommuneVertices at(graph);

  TravelTable table;
  table.cutoff_minutes = cutoff_minutes;
  table.site.assign(candidates.begin(), candidates.end());
  table.row_of_site.assign(at.commune_count(), kNoRow);
  for (RowId r = 0; r < candidates.size(); ++r) {
    const CommuneId s = candidates[r];
    if (s >= at.commune_count())
      throw Error("travel table: candidate site " + std::to_string(s) +
                  " is not a commune of the " + graph.model + " graph (" +
                  std::to_string(at.commune_count()) + " communes)");
    if (table.row_of_site[s] != kNoRow)
      throw Error("travel table: commune " + std::to_string(s) + " is listed twice as a candidate");
    table.row_of_site[s] = r;
  }

  // Rows are computed independently and concatenated in candidate order, so the table does not
  // depend on how TBB splits the work.
  std::vector<std::vector<Reach>> rows(candidates.size());
  tbb::enumerable_thread_specific<detail::BoundedSearch> searches(std::cref(graph.reverse));
  progress.start("travel table", candidates.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, candidates.size()),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      detail::BoundedSearch& search = searches.local();
                      for (std::size_t r = range.begin(); r != range.end(); ++r) {
                        const CommuneId s = candidates[r];
                        // Reverse graph: distances are from each vertex to the site.
                        search.run(at.vertex(s), at.access(s), at.search_cutoff(cutoff_minutes));
                        rows[r] = at.reaches(search, s, cutoff_minutes);
                      }
                      progress.advance(range.size());
                    });
  progress.finish();

  table.first.reserve(rows.size() + 1);
  table.first.push_back(0);
  std::size_t total = 0;
  for (const auto& row : rows) total += row.size();
  table.reach.reserve(total);
  for (auto& row : rows) {
    table.reach.insert(table.reach.end(), row.begin(), row.end());
    table.first.push_back(table.reach.size());
    std::vector<Reach>().swap(row);
  }
  return table;
}

}  // namespace covsim::geo
