#include "sim/basins.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace covsim::sim {

namespace {

constexpr double kInfiniteCost = std::numeric_limits<double>::infinity();

class Partition {
 public:
  Partition(const BasinProblem& pb, const BasinOptions& o)
      : pb_(pb), o_(o), n_(pb.population.size()), k_(pb.weight.size()) {}

  Basins run() {
    build_graph();
    out_.of.assign(n_, kNoBasin);
    out_.centre.assign(k_, kNoBasin);
    out_.population.assign(k_, 0.0);
    locked_.assign(n_, 0);
    const double total = std::accumulate(pb_.population.begin(), pb_.population.end(), 0.0);
    const double hours = std::accumulate(pb_.weight.begin(), pb_.weight.end(), 0.0);
    out_.target.resize(k_);
    for (std::size_t b = 0; b < k_; ++b) out_.target[b] = total * pb_.weight[b] / hours;
    for (std::uint32_t i = 0; i < n_; ++i)
      if (const std::uint32_t b = pb_.locked[i]; b != kNoBasin) {
        take(i, b);
        locked_[i] = 1;
        if (out_.centre[b] == kNoBasin) out_.centre[b] = i;
      }
    seed();
    grow();
    balance();
    finish();
    return std::move(out_);
  }

 private:
  double rt(std::uint32_t a, std::uint32_t b) const { return pb_.round_trip(a, b); }
  bool reachable(std::uint32_t a, std::uint32_t b) const { return std::isfinite(rt(a, b)); }

  void take(std::uint32_t i, std::uint32_t b) {
    out_.of[i] = b;
    out_.population[b] += pb_.population[i];
  }

  // Border pairs, then links between the parts they leave apart: the smallest part (fewest
  // communes, then lowest first commune) to its nearest commune elsewhere, until one part is
  // left or no part reaches another. Only the communes of detached parts are asked for round
  // trips, so a pool connected by its borders costs no search here.
  void build_graph() {
    adj_.assign(n_, {});
    for (const auto& [a, b] : pb_.neighbours) {
      if (a >= n_ || b >= n_ || a == b) continue;
      adj_[a].push_back(b);
      adj_[b].push_back(a);
    }
    for (auto& list : adj_) {
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
    }
    std::vector<std::uint32_t> part(n_, kNoBasin);
    std::uint32_t parts = 0;
    for (std::uint32_t start = 0; start < n_; ++start) {
      if (part[start] != kNoBasin) continue;
      std::vector<std::uint32_t> stack{start};
      part[start] = parts;
      while (!stack.empty()) {
        const std::uint32_t v = stack.back();
        stack.pop_back();
        for (std::uint32_t u : adj_[v])
          if (part[u] == kNoBasin) part[u] = parts, stack.push_back(u);
      }
      ++parts;
    }
    std::vector<std::uint8_t> stuck(parts, 0);  // parts that reach no other
    while (true) {
      std::vector<std::uint32_t> size(parts, 0);
      for (std::uint32_t p : part) ++size[p];
      std::uint32_t alive = 0, smallest = kNoBasin;
      for (std::uint32_t p = 0; p < parts; ++p) {
        if (size[p] == 0) continue;
        ++alive;
        if (!stuck[p] && (smallest == kNoBasin || size[p] < size[smallest])) smallest = p;
      }
      if (alive <= 1 || smallest == kNoBasin) return;
      double best = kInfiniteCost;
      std::uint32_t from = kNoBasin, to = kNoBasin;
      for (std::uint32_t v = 0; v < n_; ++v) {
        if (part[v] != smallest) continue;
        for (std::uint32_t u = 0; u < n_; ++u)
          if (part[u] != smallest && rt(v, u) < best) best = rt(v, u), from = v, to = u;
      }
      if (from == kNoBasin) {
        stuck[smallest] = 1;
        continue;
      }
      adj_[from].push_back(to);
      adj_[to].push_back(from);
      const std::uint32_t merged = part[to];
      for (std::uint32_t& p : part)
        if (p == smallest) p = merged;
    }
  }

  // Basins without a locked commune start at the commune farthest from every seed so far
  // (the first, when no basin has a seed, at the one reaching the most population).
  void seed() {
    for (std::uint32_t b = 0; b < k_; ++b) {
      if (out_.centre[b] != kNoBasin) continue;
      std::uint32_t best = kNoBasin;
      double best_score = -1;
      const bool any = std::any_of(out_.centre.begin(), out_.centre.end(),
                                   [](std::uint32_t c) { return c != kNoBasin; });
      for (std::uint32_t c = 0; c < n_; ++c) {
        if (out_.of[c] != kNoBasin) continue;
        double score = 0;
        if (any) {
          double nearest = kInfiniteCost;
          for (std::uint32_t m : out_.centre)
            if (m != kNoBasin && reachable(m, c)) nearest = std::min(nearest, rt(m, c));
          score = std::isfinite(nearest) ? nearest : -1;
        } else {
          score = pb_.population[c];
        }
        if (score > best_score) {
          best_score = score;
          best = c;
        }
      }
      if (best == kNoBasin) continue;  // fewer communes than basins: this one stays empty
      take(best, b);
      locked_[best] = 1;
      out_.centre[b] = best;
    }
  }

  double deficit(std::uint32_t b) const {
    return (out_.population[b] - out_.target[b]) / std::max(out_.target[b], 1.0);
  }

  // Lightest basin first, each taking its nearest unassigned neighbour that keeps it within
  // its upper bound (1 + tolerance) × target; when no basin can grow within its bound, the
  // step that overshoots least. A large commune thus goes to a basin with room for it
  // instead of to whichever basin reached it first.
  void grow() {
    std::vector<std::uint32_t> fit(k_), any(k_);
    std::vector<double> fit_cost(k_), any_ratio(k_), any_cost(k_);
    while (true) {
      std::fill(fit.begin(), fit.end(), kNoBasin);
      std::fill(any.begin(), any.end(), kNoBasin);
      std::fill(fit_cost.begin(), fit_cost.end(), kInfiniteCost);
      std::fill(any_ratio.begin(), any_ratio.end(), kInfiniteCost);
      std::fill(any_cost.begin(), any_cost.end(), kInfiniteCost);
      for (std::uint32_t u = 0; u < n_; ++u) {
        if (out_.of[u] != kNoBasin) continue;
        for (std::uint32_t v : adj_[u]) {
          const std::uint32_t b = out_.of[v];
          if (b == kNoBasin) continue;
          const double cost = rt(out_.centre[b], u);
          const double load = out_.population[b] + pb_.population[u];
          const double ratio = load / std::max(out_.target[b], 1.0);
          if (load <= out_.target[b] * (1 + o_.balance_tolerance) &&
              (cost < fit_cost[b] || (cost == fit_cost[b] && u < fit[b]))) {
            fit_cost[b] = cost;
            fit[b] = u;
          }
          if (ratio < any_ratio[b] || (ratio == any_ratio[b] && cost < any_cost[b])) {
            any_ratio[b] = ratio;
            any_cost[b] = cost;
            any[b] = u;
          }
        }
      }
      std::uint32_t pick = kNoBasin;
      for (std::uint32_t b = 0; b < k_; ++b)
        if (fit[b] != kNoBasin && (pick == kNoBasin || deficit(b) < deficit(pick))) pick = b;
      if (pick != kNoBasin) {
        take(fit[pick], pick);
        continue;
      }
      for (std::uint32_t b = 0; b < k_; ++b)
        if (any[b] != kNoBasin && (pick == kNoBasin || any_ratio[b] < any_ratio[pick])) pick = b;
      if (pick == kNoBasin) break;
      take(any[pick], pick);
    }
    // What the graph does not join to any basin (no finite crossing) goes to the nearest
    // centre that can reach it, or is unreachable.
    for (std::uint32_t u = 0; u < n_; ++u) {
      if (out_.of[u] != kNoBasin) continue;
      std::uint32_t pick = kNoBasin;
      for (std::uint32_t b = 0; b < k_; ++b)
        if (out_.centre[b] != kNoBasin && reachable(out_.centre[b], u) &&
            (pick == kNoBasin || rt(out_.centre[b], u) < rt(out_.centre[pick], u)))
          pick = b;
      if (pick != kNoBasin) take(u, pick);
    }
  }

  // Whether basin b stays connected without commune `gone` (breadth-first from its centre).
  bool connected_without(std::uint32_t b, std::uint32_t gone) {
    mark_.assign(n_, 0);
    queue_.clear();
    queue_.push_back(out_.centre[b]);
    mark_[out_.centre[b]] = 1;
    std::size_t seen = 0;
    for (std::size_t q = 0; q < queue_.size(); ++q) {
      ++seen;
      for (std::uint32_t v : adj_[queue_[q]])
        if (!mark_[v] && v != gone && out_.of[v] == b) {
          mark_[v] = 1;
          queue_.push_back(v);
        }
    }
    std::size_t members = 0;
    for (std::uint32_t u = 0; u < n_; ++u) members += out_.of[u] == b && u != gone;
    return seen == members;
  }

  double imbalance(std::uint32_t b, double population) const {
    const double t = std::max(out_.target[b], 1.0);
    return (population - out_.target[b]) * (population - out_.target[b]) / t;
  }

  bool outside(std::uint32_t b) const {
    return out_.target[b] > 0 &&
           std::abs(out_.population[b] / out_.target[b] - 1) > o_.balance_tolerance;
  }

  // The change of Σ (P_b − T_b)² / T_b when commune u moves from its basin to `to`.
  double move_delta(std::uint32_t u, std::uint32_t to) const {
    const std::uint32_t from = out_.of[u];
    const double p = pb_.population[u];
    return imbalance(from, out_.population[from] - p) - imbalance(from, out_.population[from]) +
           imbalance(to, out_.population[to] + p) - imbalance(to, out_.population[to]);
  }
  void move(std::uint32_t u, std::uint32_t to) {
    out_.population[out_.of[u]] -= pb_.population[u];
    take(u, to);
  }

  struct Move {
    double cost;
    std::uint32_t commune, to;
  };
  // Border moves of unlocked communes to a neighbouring basin, by the trips they lengthen.
  void border_moves(std::vector<Move>& moves) const {
    moves.clear();
    for (std::uint32_t u = 0; u < n_; ++u) {
      const std::uint32_t a = out_.of[u];
      if (a == kNoBasin || locked_[u]) continue;
      for (std::uint32_t v : adj_[u]) {
        const std::uint32_t b = out_.of[v];
        if (b == kNoBasin || b == a) continue;
        if (std::any_of(moves.end() - std::min<std::ptrdiff_t>(moves.size(), 8), moves.end(),
                        [&](const Move& m) { return m.commune == u && m.to == b; }))
          continue;
        moves.push_back({rt(out_.centre[b], u) - rt(out_.centre[a], u), u, b});
      }
    }
    std::sort(moves.begin(), moves.end(), [](const Move& x, const Move& y) {
      return x.cost < y.cost || (x.cost == y.cost && (x.commune < y.commune ||
                                                      (x.commune == y.commune && x.to < y.to)));
    });
  }

  // Single moves first; when none improves, chains of two (u: a -> b, then v: b -> c, c may be
  // a: a swap), which pass a town's weight on through a basin that cannot take it alone.
  void balance() {
    std::vector<Move> moves, second;
    const auto improves = [](double delta) { return delta < -1e-9; };
    for (std::size_t step = 0; step < 4 * n_; ++step) {
      bool any_outside = false;
      for (std::uint32_t b = 0; b < k_; ++b) any_outside |= outside(b);
      if (!any_outside) return;
      border_moves(moves);
      bool moved = false;
      for (const Move& m : moves) {
        const std::uint32_t from = out_.of[m.commune];
        if (!(outside(from) || outside(m.to)) || !improves(move_delta(m.commune, m.to)) ||
            !connected_without(from, m.commune))
          continue;
        move(m.commune, m.to);
        moved = true;
        break;
      }
      for (std::size_t i = 0; i < moves.size() && !moved; ++i) {
        const Move m = moves[i];
        const std::uint32_t a = out_.of[m.commune];
        const double first = move_delta(m.commune, m.to);
        if (!connected_without(a, m.commune)) continue;
        move(m.commune, m.to);
        border_moves(second);
        for (const Move& n : second) {
          if (n.commune == m.commune || out_.of[n.commune] != m.to) continue;
          const std::uint32_t c = n.to;
          if (!(outside(a) || outside(c)) || !improves(first + move_delta(n.commune, c)) ||
              !connected_without(m.to, n.commune))
            continue;
          move(n.commune, c);
          moved = true;
          break;
        }
        if (!moved) move(m.commune, a);  // undo
      }
      if (!moved) return;
      ++out_.moves;
    }
  }

  void finish() {
    out_.contiguous.assign(k_, 1);
    for (std::uint32_t b = 0; b < k_; ++b)
      if (out_.centre[b] != kNoBasin) out_.contiguous[b] = connected_without(b, kNoBasin);
    out_.worst_deviation = 0;
    for (std::uint32_t b = 0; b < k_; ++b)
      if (out_.target[b] > 0)
        out_.worst_deviation =
            std::max(out_.worst_deviation, std::abs(out_.population[b] / out_.target[b] - 1));
    for (std::uint32_t u = 0; u < n_; ++u)
      if (out_.of[u] == kNoBasin) out_.unreachable.push_back(u);
  }

  const BasinProblem& pb_;
  const BasinOptions& o_;
  std::size_t n_, k_;
  std::vector<std::vector<std::uint32_t>> adj_;
  std::vector<std::uint8_t> locked_;
  std::vector<std::uint8_t> mark_;
  std::vector<std::uint32_t> queue_;
  Basins out_;
};

}  // namespace

RoundTrip round_trip_of(const TravelMinutes& travel) {
  return [travel](std::uint32_t a, std::uint32_t b) {
    return static_cast<double>(travel.at(a, b)) + travel.at(b, a);
  };
}

Basins partition_basins(const BasinProblem& pb, const BasinOptions& o) {
  const std::size_t n = pb.population.size();
  if (pb.locked.size() != n || !pb.round_trip)
    throw std::invalid_argument(
        "partition_basins: population and locked differ in size, or no "
        "round trips");
  for (double w : pb.weight)
    if (!(w > 0)) throw std::invalid_argument("partition_basins: a basin's weight is not > 0");
  for (std::uint32_t b : pb.locked)
    if (b != kNoBasin && b >= pb.weight.size())
      throw std::invalid_argument("partition_basins: a commune is locked to an unknown basin");
  if (!(o.balance_tolerance >= 0))
    throw std::invalid_argument("partition_basins: balance_tolerance must be >= 0");
  return Partition(pb, o).run();
}

}  // namespace covsim::sim
