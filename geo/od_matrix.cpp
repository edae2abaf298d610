#include "geo/od_matrix.hpp"

#include <array>
#include <cmath>
#include <unordered_map>

#include "geo/detail/ogr_layer.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

TravelGraph od_travel_graph(const Territory& territory, const OdOptions& o) {
  const std::array<std::string, 3> columns{o.origin_column, o.destination_column, o.minutes_column};
  const std::array<std::string, 3> roles{"origin column", "destination column", "minutes column"};
  const detail::StringTable rows =
      detail::read_string_table(o.file, o.layer, columns, roles, o.access);

  struct Seen {
    float minutes;
    std::size_t row;
  };
  std::unordered_map<std::uint64_t, Seen> seen;  // (from, to) -> first row giving it
  std::vector<Edge> edges;
  edges.reserve(rows.rows() * (o.symmetric ? 2 : 1));
  for (std::size_t r = 0; r < rows.rows(); ++r) {
    CommuneId end[2];
    for (int c = 0; c < 2; ++c) {
      const std::string& code = rows.columns[c][r];
      const auto id = territory.find(code);
      if (!id)
        throw InputError(rows.source, rows.where[r],
                         "unknown commune code '" + code + "' in " + columns[c] + " (territory " +
                             territory.source + ")");
      end[c] = *id;
    }
    const std::string& text = rows.columns[2][r];
    const auto minutes = detail::parse_quantity(text);
    if (!minutes)
      throw InputError(rows.source, rows.where[r],
                       columns[2] + " must be a finite non-negative number, got '" + text + "'");
    if (end[0] == end[1]) continue;

    const auto m = static_cast<float>(*minutes);
    // With symmetric rows, A->B and B->A are the same entry.
    const CommuneId a = o.symmetric ? std::min(end[0], end[1]) : end[0];
    const CommuneId b = o.symmetric ? std::max(end[0], end[1]) : end[1];
    const auto [it, fresh] = seen.try_emplace((std::uint64_t{a} << 32) | b, Seen{m, r});
    if (!fresh && it->second.minutes != m)
      throw InputError(rows.source, rows.where[r],
                       "pair " + rows.columns[0][r] + " -> " + rows.columns[1][r] + " has " + text +
                           " minutes but " + rows.where[it->second.row] + " gives " +
                           rows.columns[2][it->second.row]);
    edges.push_back({end[0], end[1], m});
    if (o.symmetric) edges.push_back({end[1], end[0], m});
  }

  return commune_travel_graph("od-matrix", territory.size(), std::move(edges));
}

}  // namespace covsim::geo
