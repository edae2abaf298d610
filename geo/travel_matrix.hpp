// Dense, exact travel minutes among a small set of communes, with no cut-off: what roaming
// circuits need (an advisor driving between the communes of one catchment). One search per
// commune, stopped once every other commune of the set is settled; run in parallel.
//
//   TravelMatrix m = minutes_among(graph, catchment);
//   float drive = m.at(0, 1);  // from catchment[0] to catchment[1], +infinity without a route
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "geo/territory.hpp"
#include "geo/travel_graph.hpp"

namespace covsim::geo {

struct TravelMatrix {
  std::vector<CommuneId> communes;
  // Row-major: minutes[i * size() + j] from communes[i] to communes[j]; access minutes at both
  // ends on the road model, 0 on the diagonal, +infinity when there is no route.
  std::vector<float> minutes;

  std::size_t size() const { return communes.size(); }
  float at(std::size_t from, std::size_t to) const { return minutes[from * size() + to]; }
};

// Throws covsim::Error when a commune id is not one of the graph's communes.
TravelMatrix minutes_among(const TravelGraph& graph, std::span<const CommuneId> communes);

// Minutes between one commune and many, one search each: what a team plan asks around a
// basin's centre or an advisor's home (sim/deployment.hpp), where a dense matrix of the whole
// team would cost a search per commune. Thread-safe: each thread keeps its own searches.
//
//   TravelRows rows(graph);
//   std::vector<float> out = rows.from(home, basin);     // home -> each commune
//   std::vector<float> back = rows.towards(home, basin);  // each commune -> home
class TravelRows {
 public:
  // Keeps a reference to `graph`: it must outlive the rows. Throws covsim::Error when the
  // graph's commune columns are inconsistent.
  explicit TravelRows(const TravelGraph& graph);
  ~TravelRows();
  TravelRows(const TravelRows&) = delete;
  TravelRows& operator=(const TravelRows&) = delete;

  // Minutes from `source` to each of `targets` (access at both ends, 0 for the source itself,
  // +infinity without a route); `towards`: from each target to `source`. Throws covsim::Error
  // when a commune is not one of the graph's.
  std::vector<float> from(CommuneId source, std::span<const CommuneId> targets) const;
  std::vector<float> towards(CommuneId source, std::span<const CommuneId> targets) const;

 private:
  struct State;
  std::vector<float> search(CommuneId source, std::span<const CommuneId> targets,
                            bool reverse) const;
  std::unique_ptr<State> state_;
};

}  // namespace covsim::geo
