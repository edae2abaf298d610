#include "geo/adjacency.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "geo/detail/geos.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

namespace {

// Below this a buffer is only there to absorb rounding: exactly shared borders of a clean
// coverage are found with it, and no gap of this size exists on the ground.
constexpr double kMinBorderBuffer = 0.01;  // metres

struct NeighbourHit {
  CommuneId commune;
  float border_m;
};

// GEOS geometries converted on demand by the thread that needs them: prepared geometries
// build lazy indexes and are not safe to share, so each thread owns everything it touches.
class ThreadGeos {
 public:
  ThreadGeos(const Territory& t, double buffer_m)
      : territory_(&t), buffer_m_(buffer_m), shape_(t.size()), grown_(t.size()) {}

  const detail::GeosContext& ctx() const { return ctx_; }

  const GEOSGeometry* shape(CommuneId c) {
    if (!shape_[c]) shape_[c] = detail::to_geos(ctx_, territory_->shape[c]);
    return shape_[c].get();
  }
  const GEOSGeometry* grown(CommuneId c) {
    if (!grown_[c]) {
      grown_[c] = detail::own(ctx_, GEOSBuffer_r(ctx_, shape(c), buffer_m_, 4));
      if (!grown_[c]) fail(c, "cannot buffer the polygon");
    }
    return grown_[c].get();
  }

  [[noreturn]] void fail(CommuneId c, const std::string& what) const {
    throw InputError(territory_->source, "commune " + territory_->code[c],
                     what + ": GEOS: " + ctx_.last_error());
  }

 private:
  const Territory* territory_;
  double buffer_m_;
  detail::GeosContext ctx_;
  std::vector<detail::GeomPtr> shape_;
  std::vector<detail::GeomPtr> grown_;
};

// Pairs (i, j > i) whose envelopes, grown by the tolerance, overlap: a superset of the pairs
// within the tolerance. The GEOS tree is built and queried on this thread only.
std::vector<std::vector<CommuneId>> candidate_pairs(const Territory& t, double tolerance_m) {
  const detail::GeosContext ctx;
  struct TreeDeleter {
    GEOSContextHandle_t ctx;
    void operator()(GEOSSTRtree* tree) const { GEOSSTRtree_destroy_r(ctx, tree); }
  };
  const std::unique_ptr<GEOSSTRtree, TreeDeleter> tree(GEOSSTRtree_create_r(ctx, 10), {ctx});
  std::vector<Box> box(t.size());
  std::vector<CommuneId> ids(t.size());
  std::iota(ids.begin(), ids.end(), CommuneId{0});
  auto rectangle = [&](const Box& b, double grow) {
    return detail::own(ctx, GEOSGeom_createRectangle_r(ctx, b.min_x - grow, b.min_y - grow,
                                                       b.max_x + grow, b.max_y + grow));
  };
  for (CommuneId c = 0; c < t.size(); ++c) {
    box[c] = t.shape[c].bounds();
    // Since GEOS 3.9 the tree copies the envelope, so the rectangle can go right away.
    if (!box[c].empty()) GEOSSTRtree_insert_r(ctx, tree.get(), rectangle(box[c], 0).get(), &ids[c]);
  }
  struct Query {
    CommuneId self;
    std::vector<CommuneId>* out;
  };
  std::vector<std::vector<CommuneId>> candidates(t.size());
  for (CommuneId c = 0; c < t.size(); ++c) {
    if (box[c].empty()) continue;
    Query q{c, &candidates[c]};
    GEOSSTRtree_query_r(
        ctx, tree.get(), rectangle(box[c], tolerance_m).get(),
        [](void* item, void* user) {
          auto* query = static_cast<Query*>(user);
          const CommuneId other = *static_cast<const CommuneId*>(item);
          if (other > query->self) query->out->push_back(other);
        },
        &q);
    std::sort(candidates[c].begin(), candidates[c].end());
  }
  return candidates;
}

// Metres of `a`'s boundary lying within the buffer around `b`.
float border_length(ThreadGeos& g, CommuneId a, CommuneId b) {
  const detail::GeosContext& ctx = g.ctx();
  detail::GeomPtr boundary = detail::own(ctx, GEOSBoundary_r(ctx, g.shape(a)));
  if (!boundary) g.fail(a, "cannot take the boundary");
  // Clipping to the other commune's box first keeps the overlay small: most of a boundary is
  // nowhere near any one neighbour.
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  const GEOSGeometry* grown = g.grown(b);
  GEOSGeom_getXMin_r(ctx, grown, &x0);
  GEOSGeom_getYMin_r(ctx, grown, &y0);
  GEOSGeom_getXMax_r(ctx, grown, &x1);
  GEOSGeom_getYMax_r(ctx, grown, &y1);
  detail::GeomPtr near = detail::own(ctx, GEOSClipByRect_r(ctx, boundary.get(), x0, y0, x1, y1));
  if (!near) g.fail(a, "cannot clip its border near commune " + std::to_string(b));
  detail::GeomPtr shared = detail::own(ctx, GEOSIntersection_r(ctx, near.get(), grown));
  double length = 0;
  if (!shared || !GEOSLength_r(ctx, shared.get(), &length))
    g.fail(a, "cannot intersect its border with commune " + std::to_string(b));
  return static_cast<float>(length);
}

std::vector<NeighbourHit> neighbours_after(ThreadGeos& g, CommuneId c,
                                           const std::vector<CommuneId>& candidates,
                                           const AdjacencyOptions& options) {
  std::vector<NeighbourHit> hits;
  if (candidates.empty()) return hits;
  const detail::GeosContext& ctx = g.ctx();
  detail::PreparedPtr prepared(GEOSPrepare_r(ctx, g.shape(c)), {ctx.get()});
  if (!prepared) g.fail(c, "cannot prepare the polygon");
  for (CommuneId other : candidates) {
    // intersects is the fast filter (DESIGN.md: touches is ~10x slower); distance-within only
    // runs for the pairs it rejects.
    char near = GEOSPreparedIntersects_r(ctx, prepared.get(), g.shape(other));
    if (near == 0 && options.tolerance_m > 0)
      near = GEOSPreparedDistanceWithin_r(ctx, prepared.get(), g.shape(other), options.tolerance_m);
    if (near == 2) g.fail(c, "cannot compare with commune " + std::to_string(other));
    if (near == 0) continue;
    hits.push_back({other, options.border_length ? border_length(g, c, other) : 0.0f});
  }
  return hits;
}

void number_components(Adjacency& a) {
  const std::size_t n = a.first.size() - 1;
  constexpr std::uint32_t kUnset = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> raw(n, kUnset);
  std::vector<std::uint32_t> raw_size;
  std::vector<CommuneId> stack;
  for (CommuneId s = 0; s < n; ++s) {
    if (raw[s] != kUnset) continue;
    const auto id = static_cast<std::uint32_t>(raw_size.size());
    raw_size.push_back(0);
    raw[s] = id;
    stack.push_back(s);
    while (!stack.empty()) {
      const CommuneId c = stack.back();
      stack.pop_back();
      ++raw_size[id];
      for (CommuneId m : a.neighbours(c)) {
        if (raw[m] == kUnset) {
          raw[m] = id;
          stack.push_back(m);
        }
      }
    }
  }
  // Raw ids follow the smallest member, so a stable sort by size gives the documented order.
  std::vector<std::uint32_t> order(raw_size.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t x, std::uint32_t y) { return raw_size[x] > raw_size[y]; });
  std::vector<std::uint32_t> rank(order.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
  a.component_size.resize(order.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) a.component_size[r] = raw_size[order[r]];
  a.component.resize(n);
  a.outside_main.clear();
  for (CommuneId c = 0; c < n; ++c) {
    a.component[c] = rank[raw[c]];
    if (a.component[c] != 0) a.outside_main.push_back(c);
  }
}

}  // namespace

Adjacency build_adjacency(const Territory& territory, const AdjacencyOptions& options,
                          Progress& progress) {
  if (!(options.tolerance_m >= 0) || std::isinf(options.tolerance_m))
    throw Error("adjacency: tolerance must be a non-negative number of metres, got " +
                std::to_string(options.tolerance_m));
  const std::size_t n = territory.size();
  progress.start("adjacency", n);
  const std::vector<std::vector<CommuneId>> candidates =
      candidate_pairs(territory, options.tolerance_m);

  std::vector<std::vector<NeighbourHit>> after(n);
  const double buffer_m = std::max(options.tolerance_m, kMinBorderBuffer);
  tbb::enumerable_thread_specific<ThreadGeos> geos(std::cref(territory), buffer_m);
  tbb::parallel_for(tbb::blocked_range<CommuneId>(0, static_cast<CommuneId>(n), 16),
                    [&](const tbb::blocked_range<CommuneId>& range) {
                      ThreadGeos& g = geos.local();
                      for (CommuneId c = range.begin(); c != range.end(); ++c)
                        after[c] = neighbours_after(g, c, candidates[c], options);
                      progress.advance(range.size());
                    });

  // Symmetric CSR: each pair found once (i < j) is written in both directions.
  Adjacency a;
  a.tolerance_m = options.tolerance_m;
  a.first.assign(n + 1, 0);
  for (CommuneId c = 0; c < n; ++c) {
    a.first[c + 1] += static_cast<std::uint32_t>(after[c].size());
    for (const NeighbourHit& h : after[c]) ++a.first[h.commune + 1];
  }
  for (std::size_t c = 0; c < n; ++c) a.first[c + 1] += a.first[c];
  a.neighbour.resize(a.first[n]);
  if (options.border_length) a.border_m.resize(a.first[n]);
  std::vector<std::uint32_t> next(a.first.begin(), a.first.end() - 1);
  auto put = [&](CommuneId from, CommuneId to, float border) {
    const std::uint32_t slot = next[from]++;
    a.neighbour[slot] = to;
    if (options.border_length) a.border_m[slot] = border;
  };
  // Visiting c in increasing order writes its lower neighbours (from earlier c) before its
  // higher ones (its own hits, sorted), so every row comes out sorted.
  for (CommuneId c = 0; c < n; ++c)
    for (const NeighbourHit& h : after[c]) {
      put(c, h.commune, h.border_m);
      put(h.commune, c, h.border_m);
    }
  number_components(a);
  progress.finish();
  return a;
}

}  // namespace covsim::geo
