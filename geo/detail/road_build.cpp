#include "geo/detail/road_build.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <boost/graph/strong_components.hpp>
#include <cmath>
#include <limits>
#include <tuple>

#include "geo/error.hpp"
#include "geo/spatial_order.hpp"

namespace covsim::geo::detail {

namespace {
constexpr std::uint32_t kDropped = std::numeric_limits<std::uint32_t>::max();

// Keeps the nodes with keep[v] (renumbered in order) and the edges between two of them.
RoadNetwork keep_nodes(const RoadNetwork& net, const std::vector<std::uint8_t>& keep,
                       std::vector<std::uint32_t>& renumber) {
  renumber.assign(net.node.size(), kDropped);
  RoadNetwork kept;
  for (std::uint32_t v = 0; v < net.node.size(); ++v) {
    if (!keep[v]) continue;
    renumber[v] = static_cast<std::uint32_t>(kept.node.size());
    kept.node.push_back(net.node[v]);
  }
  return kept;
}

// Out- and in-edges of every node as CSR over edge indices.
struct Incidence {
  std::vector<std::uint32_t> out_first, out_edge, in_first, in_edge;

  explicit Incidence(const RoadNetwork& net) {
    const std::size_t n = net.node.size();
    out_first.assign(n + 1, 0);
    in_first.assign(n + 1, 0);
    for (const Edge& e : net.edges) {
      ++out_first[e.from + 1];
      ++in_first[e.to + 1];
    }
    for (std::size_t v = 0; v < n; ++v) {
      out_first[v + 1] += out_first[v];
      in_first[v + 1] += in_first[v];
    }
    out_edge.resize(net.edges.size());
    in_edge.resize(net.edges.size());
    std::vector<std::uint32_t> o(out_first.begin(), out_first.end() - 1);
    std::vector<std::uint32_t> i(in_first.begin(), in_first.end() - 1);
    for (std::uint32_t e = 0; e < net.edges.size(); ++e) {
      out_edge[o[net.edges[e].from]++] = e;
      in_edge[i[net.edges[e].to]++] = e;
    }
  }
  std::uint32_t outs(std::uint32_t v) const { return out_first[v + 1] - out_first[v]; }
  std::uint32_t ins(std::uint32_t v) const { return in_first[v + 1] - in_first[v]; }
};

// A node a route only passes through (see contract_chains).
bool pass_through(const RoadNetwork& net, const Incidence& inc, std::uint32_t v) {
  const std::uint32_t outs = inc.outs(v), ins = inc.ins(v);
  auto out_to = [&](std::uint32_t k) { return net.edges[inc.out_edge[inc.out_first[v] + k]].to; };
  auto in_from = [&](std::uint32_t k) { return net.edges[inc.in_edge[inc.in_first[v] + k]].from; };
  if (outs == 1 && ins == 1) return out_to(0) != in_from(0);
  if (outs == 2 && ins == 2) {
    const std::uint32_t a = out_to(0), b = out_to(1);
    if (a == b) return false;
    const std::uint32_t c = in_from(0), d = in_from(1);
    return (c == a && d == b) || (c == b && d == a);
  }
  return false;
}
}  // namespace

void check_speed_options(const RoadOptions& o, const std::string& file) {
  for (const auto& [cls, kmh] : o.speed_kmh)
    if (!(kmh > 0) || !std::isfinite(kmh))
      throw InputError(file, "speed of road class '" + cls + "'",
                       "must be a positive number of km/h, got " + std::to_string(kmh));
  if (o.unknown_class_speed_kmh &&
      (!(*o.unknown_class_speed_kmh > 0) || !std::isfinite(*o.unknown_class_speed_kmh)))
    throw InputError(file, "speed of unknown road classes", "must be a positive number of km/h");
  if (!(o.urban_limit_share > 0) || !(o.rural_limit_share > 0) || o.urban_limit_share > 2 ||
      o.rural_limit_share > 2)
    throw InputError(file, "share of the speed limit", "must be between 0 (excluded) and 2");
}

std::optional<double> class_speed(const RoadOptions& o, const std::string& cls,
                                  RoadReport& report) {
  if (cls.empty() || o.ignored_classes.count(cls)) {
    ++report.ignored_by_class[cls.empty() ? "(no class)" : cls];
    return std::nullopt;
  }
  if (auto it = o.speed_kmh.find(cls); it != o.speed_kmh.end()) return it->second;
  ++report.unknown_by_class[cls];
  return o.unknown_class_speed_kmh;
}

void refuse_unknown_classes(const RoadOptions& o, const RoadReport& report, const std::string& file,
                            const std::string& where) {
  if (report.unknown_by_class.empty() || o.unknown_class_speed_kmh) return;
  std::string listed;
  for (const auto& [cls, n] : report.unknown_by_class)
    listed += (listed.empty() ? "" : ", ") + cls + " (" + std::to_string(n) + ")";
  throw InputError(file, where,
                   "road classes with no speed: " + listed +
                       "; give them a speed, ignore them, or set a speed for unknown classes");
}

RoadNetwork largest_strong_component(RoadNetwork net, RoadReport& report) {
  const std::size_t n = net.node.size();
  const TravelGraph all = make_travel_graph("road", n, net.edges);
  std::vector<std::uint32_t> component(n);
  const auto count = boost::strong_components(
      all.forward,
      boost::make_iterator_property_map(component.data(), get(boost::vertex_index, all.forward)));
  std::vector<std::size_t> size(static_cast<std::size_t>(count), 0);
  for (std::uint32_t c : component) ++size[c];
  const auto main =
      static_cast<std::uint32_t>(std::max_element(size.begin(), size.end()) - size.begin());
  std::vector<std::uint8_t> keep(n);
  for (std::uint32_t v = 0; v < n; ++v) keep[v] = component[v] == main;
  std::vector<std::uint32_t> renumber;
  RoadNetwork kept = keep_nodes(net, keep, renumber);
  for (std::size_t e = 0; e < net.edges.size(); ++e) {
    const Edge& x = net.edges[e];
    if (renumber[x.from] == kDropped || renumber[x.to] == kDropped) continue;
    kept.edges.push_back({renumber[x.from], renumber[x.to], x.minutes});
    kept.metres.push_back(net.metres[e]);
  }
  report.nodes_read = n;
  report.nodes_kept = kept.node.size();
  return kept;
}

RoadNetwork contract_chains(RoadNetwork net, RoadReport& report) {
  const std::size_t n = net.node.size();
  const Incidence inc(net);
  std::vector<std::uint8_t> keep(n);
  bool any_kept = false;
  for (std::uint32_t v = 0; v < n; ++v) {
    keep[v] = !pass_through(net, inc, v);
    any_kept = any_kept || keep[v];
  }
  if (!any_kept && n > 0) keep[0] = 1;  // a network that is one ring: keep a node of it
  std::vector<std::uint32_t> renumber;
  RoadNetwork out = keep_nodes(net, keep, renumber);
  // Contracted nodes keep their place on their chain, recorded by the first walk along it.
  std::vector<std::uint32_t> inner_of(n, kDropped);
  std::vector<std::pair<std::uint32_t, double>> walked;  // (node, minutes from the chain start)
  for (std::uint32_t u = 0; u < n; ++u) {
    if (!keep[u]) continue;
    for (std::uint32_t k = inc.out_first[u]; k < inc.out_first[u + 1]; ++k) {
      std::uint32_t e = inc.out_edge[k];
      double minutes = net.edges[e].minutes, metres = net.metres[e];
      std::uint32_t previous = u, at = net.edges[e].to;
      walked.clear();
      // Each step leaves a pass-through node by its edge not leading back; a chain ends at a
      // kept node, so at most n steps.
      for (std::size_t steps = 0; !keep[at] && steps <= n; ++steps) {
        walked.emplace_back(at, minutes);
        std::uint32_t next_edge = inc.out_edge[inc.out_first[at]];
        if (inc.outs(at) == 2 && net.edges[next_edge].to == previous)
          next_edge = inc.out_edge[inc.out_first[at] + 1];
        minutes += net.edges[next_edge].minutes;
        metres += net.metres[next_edge];
        previous = at;
        at = net.edges[next_edge].to;
      }
      if (!keep[at]) continue;
      for (const auto& [v, from_start] : walked) {
        if (inner_of[v] != kDropped) continue;
        inner_of[v] = static_cast<std::uint32_t>(out.inner.size());
        out.inner_node.push_back(net.node[v]);
        out.inner.push_back({renumber[u], renumber[at], static_cast<float>(from_start),
                             static_cast<float>(minutes - from_start), inc.outs(v) == 2});
      }
      if (at == u) continue;  // a loop back to where it started shortens nothing
      out.edges.push_back({renumber[u], renumber[at], static_cast<float>(minutes)});
      out.metres.push_back(metres);
    }
  }
  report.nodes_contracted += n - out.node.size();
  return out;
}

RoadNetwork hilbert_numbered(RoadNetwork net) {
  const std::vector<std::uint32_t> order = hilbert_order(net.node);
  std::vector<std::uint32_t> vertex_of(order.size());
  std::vector<Point> node(order.size());
  for (std::uint32_t v = 0; v < order.size(); ++v) {
    vertex_of[order[v]] = v;
    node[v] = net.node[order[v]];
  }
  net.node = std::move(node);
  for (Edge& e : net.edges) e = {vertex_of[e.from], vertex_of[e.to], e.minutes};
  // Edges sorted as make_travel_graph wants them: a reload then sorts sorted data, fast.
  std::vector<std::uint32_t> by(net.edges.size());
  for (std::uint32_t k = 0; k < by.size(); ++k) by[k] = k;
  std::sort(by.begin(), by.end(), [&](std::uint32_t a, std::uint32_t b) {
    const Edge &x = net.edges[a], &y = net.edges[b];
    return std::tie(x.from, x.to, x.minutes, a) < std::tie(y.from, y.to, y.minutes, b);
  });
  std::vector<Edge> edges(by.size());
  std::vector<double> metres(by.size());
  for (std::size_t k = 0; k < by.size(); ++k) {
    edges[k] = net.edges[by[k]];
    metres[k] = net.metres[by[k]];
  }
  net.edges = std::move(edges);
  net.metres = std::move(metres);
  for (InnerNode& i : net.inner) {
    i.from = vertex_of[i.from];
    i.to = vertex_of[i.to];
  }
  return net;
}

NodeSnapper::NodeSnapper(std::span<const Point> node) : node_(node), order_(node.size()) {
  for (std::uint32_t i = 0; i < node.size(); ++i) order_[i] = i;
  box_.reserve(node.size() / 8 + 1);
  if (!node.empty()) build(0, static_cast<std::uint32_t>(node.size()));
}

std::uint32_t NodeSnapper::build(std::uint32_t begin, std::uint32_t end) {
  constexpr std::uint32_t kLeaf = 16;
  const auto at = static_cast<std::uint32_t>(box_.size());
  Box b{node_[order_[begin]].x,
        node_[order_[begin]].y,
        node_[order_[begin]].x,
        node_[order_[begin]].y,
        begin,
        end,
        0,
        0};
  for (std::uint32_t k = begin; k < end; ++k) {
    const Point& p = node_[order_[k]];
    b.x0 = std::min(b.x0, p.x);
    b.y0 = std::min(b.y0, p.y);
    b.x1 = std::max(b.x1, p.x);
    b.y1 = std::max(b.y1, p.y);
  }
  box_.push_back(b);
  if (end - begin <= kLeaf) return at;
  // Halves in the nodes' own order: kept nodes run along a Hilbert curve and contracted ones
  // along their chains, so consecutive nodes are close and each half has a compact box. No
  // sorting: building costs one pass per level.
  const std::uint32_t mid = begin + (end - begin) / 2;
  const std::uint32_t left = build(begin, mid);
  const std::uint32_t right = build(mid, end);
  box_[at].left = left;
  box_[at].right = right;
  return at;
}

std::pair<std::uint32_t, double> NodeSnapper::nearest(Point p) const {
  if (node_.empty()) return {0, std::numeric_limits<double>::infinity()};
  auto box_d2 = [&](const Box& b) {
    const double dx = std::max({b.x0 - p.x, 0.0, p.x - b.x1});
    const double dy = std::max({b.y0 - p.y, 0.0, p.y - b.y1});
    return dx * dx + dy * dy;
  };
  std::uint32_t best = 0;
  double best_d2 = std::numeric_limits<double>::infinity();
  std::vector<std::uint32_t> stack{0};
  while (!stack.empty()) {
    const Box& b = box_[stack.back()];
    stack.pop_back();
    if (box_d2(b) > best_d2) continue;  // '>': a box at the best distance may hold a tie
    if (b.left == 0) {
      for (std::uint32_t k = b.begin; k < b.end; ++k) {
        const std::uint32_t i = order_[k];
        const double dx = node_[i].x - p.x, dy = node_[i].y - p.y;
        const double d2 = dx * dx + dy * dy;
        if (d2 < best_d2 || (d2 == best_d2 && i < best)) {
          best_d2 = d2;
          best = i;
        }
      }
      continue;
    }
    const bool left_first = box_d2(box_[b.left]) <= box_d2(box_[b.right]);
    stack.push_back(left_first ? b.right : b.left);  // the nearer child is popped first
    stack.push_back(left_first ? b.left : b.right);
  }
  return {best, std::sqrt(best_d2)};
}

RoadGraph snap_communes(const Territory& territory, const RoadNetwork& net,
                        const RoadOptions& options, RoadReport report) {
  RoadGraph out;
  const std::size_t n = net.node.size();
  std::vector<Point> all(net.node);
  all.insert(all.end(), net.inner_node.begin(), net.inner_node.end());
  const NodeSnapper snapper(all);
  std::vector<Edge> edges = net.edges;
  std::vector<std::uint32_t> vertex_of_inner(net.inner.size(), kDropped);
  std::size_t vertices = n;
  auto vertex_of = [&](std::uint32_t node) {
    if (node < n) return node;
    std::uint32_t& v = vertex_of_inner[node - n];
    if (v == kDropped) {  // brought back: linked to its chain's ends
      v = static_cast<std::uint32_t>(vertices++);
      const InnerNode& i = net.inner[node - n];
      edges.push_back({i.from, v, i.from_minutes});
      edges.push_back({v, i.to, i.to_minutes});
      if (i.two_way) {
        edges.push_back({i.to, v, i.to_minutes});
        edges.push_back({v, i.from, i.from_minutes});
      }
    }
    return v;
  };
  out.graph.commune_vertex.resize(territory.size());
  out.graph.access_minutes.resize(territory.size());
  double total_snap = 0;
  report.max_snap_m = 0;
  report.far_snaps.clear();
  // Nearest nodes in parallel, one slot per commune; vertices are then handed out in commune
  // order, so the graph does not depend on the thread count.
  std::vector<std::pair<std::uint32_t, double>> nearest(territory.size());
  tbb::parallel_for(std::size_t{0}, territory.size(),
                    [&](std::size_t c) { nearest[c] = snapper.nearest(territory.demand[c]); });
  for (CommuneId c = 0; c < territory.size(); ++c) {
    const auto [node, metres] = nearest[c];
    out.graph.commune_vertex[c] = vertex_of(node);
    out.graph.access_minutes[c] =
        static_cast<float>(metres / 1000 * options.access_detour / options.access_speed_kmh * 60);
    total_snap += metres;
    report.max_snap_m = std::max(report.max_snap_m, metres);
    if (metres > options.far_snap_m) report.far_snaps.push_back(c);
  }
  report.mean_snap_m = total_snap / static_cast<double>(territory.size());
  const std::vector<std::uint32_t> commune_vertex = std::move(out.graph.commune_vertex);
  std::vector<float> access = std::move(out.graph.access_minutes);
  out.graph = make_travel_graph("road", vertices, std::move(edges));
  out.graph.commune_vertex = commune_vertex;
  out.graph.access_minutes = std::move(access);
  report.edges_kept = net.edges.size();
  report.kilometres_kept = 0;
  for (double m : net.metres) report.kilometres_kept += m / 1000;
  out.report = std::move(report);
  return out;
}

}  // namespace covsim::geo::detail
