#include "geo/detail/bounded_search.hpp"

#include <boost/graph/dijkstra_shortest_paths_no_color_map.hpp>
#include <boost/property_map/property_map.hpp>

namespace covsim::geo::detail {

namespace {
// Thrown by the visitor once every target is settled: the Boost way to end a search early.
struct AllTargetsSettled {};

class Recorder : public boost::default_dijkstra_visitor {
 public:
  Recorder(std::vector<std::uint32_t>& touched, const std::vector<std::uint8_t>& is_target,
           std::size_t targets_left)
      : touched_(&touched), is_target_(&is_target), targets_left_(targets_left) {}

  void discover_vertex(std::uint32_t v, const CsrGraph&) { touched_->push_back(v); }
  void examine_vertex(std::uint32_t v, const CsrGraph&) {
    if (targets_left_ > 0 && (*is_target_)[v] && --targets_left_ == 0) throw AllTargetsSettled{};
  }

 private:
  std::vector<std::uint32_t>* touched_;
  const std::vector<std::uint8_t>* is_target_;
  std::size_t targets_left_;
};
}  // namespace

BoundedSearch::BoundedSearch(const CsrGraph& graph)
    : graph_(&graph),
      distance_(num_vertices(graph), kUnreached),
      is_target_(num_vertices(graph), 0) {}

void BoundedSearch::run(std::uint32_t source, float start_minutes, float cutoff_minutes,
                        std::span<const std::uint32_t> targets) {
  // Scratch is cleaned at the start, so a search that threw leaves nothing behind either.
  for (std::uint32_t v : touched_) distance_[v] = kUnreached;
  touched_.clear();
  for (std::uint32_t t : marked_) is_target_[t] = 0;
  marked_.clear();
  if (!(start_minutes <= cutoff_minutes)) return;

  for (std::uint32_t t : targets) {
    if (!is_target_[t]) marked_.push_back(t);
    is_target_[t] = 1;
  }

  // Beyond the cut-off a path is as good as absent: returning +infinity means relax() never
  // accepts it, so the queue empties by itself once the frontier passes the cut-off.
  const auto combine = [cutoff_minutes](float d, float w) {
    const float sum = d + w;
    return sum <= cutoff_minutes ? sum : kUnreached;
  };
  const auto index = get(boost::vertex_index, *graph_);
  auto distance = boost::make_iterator_property_map(distance_.data(), index);
  distance_[source] = start_minutes;
  try {
    boost::dijkstra_shortest_paths_no_color_map_no_init(
        *graph_, source, boost::dummy_property_map(), distance, get(&EdgeMinutes::minutes, *graph_),
        index, std::less<float>(), combine, kUnreached, 0.0f,
        Recorder(touched_, is_target_, marked_.size()));
  } catch (const AllTargetsSettled&) {
    // every target has its final distance; the rest of the graph is not needed
  }
}

}  // namespace covsim::geo::detail
