// The stages every road reader shares once it has junctions and timed edges: keep the largest
// strongly connected component, contract degree-2 chains, number vertices along a Hilbert
// curve, and snap communes to the nearest kept node. Internal to geo/ (GDAL and libosmium
// readers, the road cache).
//
//   RoadNetwork net = contract_chains(largest_strong_component(std::move(read), report), report);
//   NodeSnapper snap(net.node);  auto [node, metres] = snap.nearest(territory.demand[c]);
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "geo/geometry.hpp"
#include "geo/road_network.hpp"
#include "geo/travel_graph.hpp"

namespace covsim::geo::detail {

// A node removed by chain contraction, kept so a commune can still snap to it: it lies on the
// chain from kept node `from` to kept node `to` (and back when two_way), `from_minutes` after
// `from` and `to_minutes` before `to`. Plain 32-bit fields: the cache stores them as bytes.
struct InnerNode {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  float from_minutes = 0;
  float to_minutes = 0;
  std::uint32_t two_way = 0;
};

// A directed road network as junction nodes and timed edges between them.
struct RoadNetwork {
  std::vector<Point> node;        // in the territory CRS
  std::vector<Edge> edges;        // minutes per directed edge
  std::vector<double> metres;     // per edge: road length, halved on each direction of a two-way
  std::vector<Point> inner_node;  // contracted nodes, where they are
  std::vector<InnerNode> inner;   // and on which chain
};

// Throws InputError naming `file` when a class speed, the unknown-class speed or a share of
// the speed limit is not a positive number.
void check_speed_options(const RoadOptions& options, const std::string& file);

// Speed of road class `cls`, or nullopt when it is not driven: ignored or empty classes are
// counted in report.ignored_by_class, classes with no speed in report.unknown_by_class (and
// driven at unknown_class_speed_kmh when it is set).
std::optional<double> class_speed(const RoadOptions& options, const std::string& cls,
                                  RoadReport& report);

// Throws InputError listing the unknown classes with their counts, when there are some and no
// speed for them.
void refuse_unknown_classes(const RoadOptions& options, const RoadReport& report,
                            const std::string& file, const std::string& where);

// Keeps the largest strongly connected component: a commune snapped anywhere in it can reach
// and be reached from every other, and no path between two of its nodes ever leaves it. Sets
// report.nodes_read and report.nodes_kept.
RoadNetwork largest_strong_component(RoadNetwork net, RoadReport& report);

// Removes the nodes a route can only pass through: exactly two neighbours, entered from one and
// left to the other (a one-way chain), or both ways with both (a two-way chain). Their edges are
// merged, minutes and metres summed in double, so every shortest path between the nodes kept
// has the minutes it had. Adds the count to report.nodes_contracted.
RoadNetwork contract_chains(RoadNetwork net, RoadReport& report);

// Renumbers nodes along a Hilbert curve: on a 1M-node grid, 2,000 searches of 10 minutes took
// 6.2 s in Hilbert order, 7.8 s in row order and 24.7 s shuffled.
RoadNetwork hilbert_numbered(RoadNetwork net);

// Nearest node to a point: a tree of boxes over the nodes in their order (halves, down to
// leaves of 16; the order is spatial, see road_build.cpp), searched nearest box first and
// skipping boxes farther than the best node found. A commune among roads visits a few leaves;
// one far from every road (overseas, offshore) more, but only boxes that could hold a nearer
// node. Exact whatever the order; the order only makes it fast.
class NodeSnapper {
 public:
  explicit NodeSnapper(std::span<const Point> node);
  // Node index (into the span given; ties: the smallest) and straight distance in metres.
  std::pair<std::uint32_t, double> nearest(Point p) const;

 private:
  struct Box {
    double x0, y0, x1, y1;
    std::uint32_t begin, end;   // nodes order_[begin .. end)
    std::uint32_t left, right;  // children, 0 for a leaf (the root is never a child)
  };
  std::uint32_t build(std::uint32_t begin, std::uint32_t end);

  std::span<const Point> node_;
  std::vector<std::uint32_t> order_;
  std::vector<Box> box_;
};

// The graph of a finished network with every commune snapped to the nearest node, kept or
// contracted (access minutes = snap distance x detour at the access speed), and the snap
// figures of the report filled in. A contracted node a commune snaps to comes back as a vertex
// linked to its chain's ends (the chain's own edge stays), so snapping is as exact as on the
// uncontracted network while searches run on the contracted one.
RoadGraph snap_communes(const Territory& territory, const RoadNetwork& net,
                        const RoadOptions& options, RoadReport report);

}  // namespace covsim::geo::detail
