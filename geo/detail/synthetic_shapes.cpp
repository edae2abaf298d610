#include "geo/detail/synthetic_shapes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "geo/detail/random.hpp"
#include "geo/error.hpp"

namespace covsim::geo::detail {

namespace {
constexpr double kPi = std::numbers::pi;
constexpr double kKm = 1000;
constexpr int kOutlineVertices = 720;

// Crossing-number test; the ring is closed.
bool inside(std::span<const Point> ring, Point p) {
  bool in = false;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    if ((ring[i].y > p.y) != (ring[j].y > p.y) &&
        p.x < (ring[j].x - ring[i].x) * (p.y - ring[i].y) / (ring[j].y - ring[i].y) + ring[i].x)
      in = !in;
  }
  return in;
}

double distance_to_ring(std::span<const Point> ring, Point p) {
  double best2 = std::numeric_limits<double>::infinity();  // squared: hypot is slow
  for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
    const Point a = ring[i], b = ring[i + 1];
    const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
    const double t =
        len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
    const double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
    best2 = std::min(best2, ex * ex + ey * ey);
  }
  return std::sqrt(best2);
}

double angular_distance(double a, double b) {
  const double d = std::fmod(std::abs(a - b), 2 * kPi);
  return d > kPi ? 2 * kPi - d : d;
}

Point uniform_in(Rng& rng, const Box& b) {
  return {rng.uniform(b.min_x, b.max_x), rng.uniform(b.min_y, b.max_y)};
}

double shared_border(const GeosContext& ctx, const GEOSGeometry* a, const GEOSGeometry* b) {
  GeomPtr ba = checked(ctx, GEOSBoundary_r(ctx, a), "boundary");
  GeomPtr bb = checked(ctx, GEOSBoundary_r(ctx, b), "boundary");
  GeomPtr common = checked(ctx, GEOSIntersection_r(ctx, ba.get(), bb.get()), "intersection");
  double length = 0;
  GEOSLength_r(ctx, common.get(), &length);
  return length;
}

}  // namespace

GeomPtr checked(const GeosContext& ctx, GEOSGeometry* g, const char* operation) {
  if (!g)
    throw Error("synthetic territory: GEOS " + std::string(operation) +
                " failed: " + ctx.last_error());
  return own(ctx, g);
}

double distance(Point a, Point b) { return std::hypot(a.x - b.x, a.y - b.y); }

double Outline::angle_of(Point p) const {
  return std::atan2((p.y - centre.y) / sy, (p.x - centre.x) / sx);
}

double Outline::coast_weight(double angle) const {
  const double t = (angular_distance(angle, coast_angle) - coast_half_width) / 0.5;
  if (t <= 0) return 1;
  if (t >= 1) return 0;
  return 1 - t * t * (3 - 2 * t);
}

Outline make_outline(const SyntheticOptions& o) {
  Rng rng(stream_seed(o.seed, "outline"));
  Outline out;
  out.coast_angle = rng.uniform(0.45 * kPi, 0.95 * kPi);  // the sea lies north-west
  out.coast_half_width = rng.uniform(0.9, 1.4);
  // Amplitudes falling as 1/k give a coastline-like roughness (bays, capes, small coves).
  constexpr int kLow = 5, kHigh = 64;
  std::vector<double> amplitude(kHigh + 1, 0), phase(kHigh + 1, 0);
  for (int k = 2; k <= kHigh; ++k) {
    amplitude[k] = (k <= kLow ? 0.25 : 0.45) / k * rng.normal();
    phase[k] = rng.uniform(0, 2 * kPi);
  }
  std::vector<Point> unit(kOutlineVertices);
  Box box;
  for (int i = 0; i < kOutlineVertices; ++i) {
    const double a = 2 * kPi * i / kOutlineVertices;
    double low = 0, high = 0;
    for (int k = 2; k <= kHigh; ++k)
      (k <= kLow ? low : high) += amplitude[k] * std::cos(k * a + phase[k]);
    const double r = std::max(0.3, 1 + low + (0.15 + 0.85 * out.coast_weight(a)) * high);
    unit[i] = {r * std::cos(a), r * std::sin(a)};
    box.expand(unit[i]);
  }
  // Stretching the unit shape to the requested extent keeps it star-shaped about the centre.
  out.sx = o.width_km * kKm / box.width();
  out.sy = o.height_km * kKm / box.height();
  for (const Point& p : unit)
    out.ring.push_back(
        {o.origin.x + (p.x - box.min_x) * out.sx, o.origin.y + (p.y - box.min_y) * out.sy});
  out.ring.push_back(out.ring.front());
  out.centre = {o.origin.x - box.min_x * out.sx, o.origin.y - box.min_y * out.sy};
  return out;
}

std::vector<std::vector<Point>> make_islands(const SyntheticOptions& o, const Outline& outline) {
  Rng rng(stream_seed(o.seed, "islands"));
  std::vector<std::vector<Point>> islands;
  auto clear = [&](const std::vector<Point>& ring) {
    for (const Point& p : ring) {
      if (inside(outline.ring, p) || distance_to_ring(outline.ring, p) < 1.5 * kKm) return false;
      for (const auto& other : islands)
        if (inside(other, p) || distance_to_ring(other, p) < 2 * kKm) return false;
    }
    return true;
  };
  for (int i = 0; i < o.islands; ++i) {
    for (int attempt = 0;; ++attempt) {
      const double a = outline.coast_angle + rng.uniform(-0.8, 0.8) * outline.coast_half_width;
      const auto vertex = static_cast<std::size_t>(
          std::lround(std::fmod(a + 4 * kPi, 2 * kPi) / (2 * kPi) * kOutlineVertices) %
          kOutlineVertices);
      const Point shore = outline.ring[vertex];
      const double along = distance(shore, outline.centre);
      const double radius = rng.uniform(1.0, 2.2) * kKm;
      // Farther out after each failure, so the loop always ends.
      const double gap = rng.uniform(3, 7) * kKm + attempt * 200.0;
      const double f = (along + gap + radius) / along;
      const Point c{outline.centre.x + (shore.x - outline.centre.x) * f,
                    outline.centre.y + (shore.y - outline.centre.y) * f};
      std::vector<Point> ring;
      double amp[9], phase[9];
      for (int k = 2; k <= 8; ++k) {
        amp[k] = 0.25 / k * rng.normal();
        phase[k] = rng.uniform(0, 2 * kPi);
      }
      for (int v = 0; v < 72; ++v) {
        const double t = 2 * kPi * v / 72;
        double r = 1;
        for (int k = 2; k <= 8; ++k) r += amp[k] * std::cos(k * t + phase[k]);
        r = std::max(0.4, r) * radius;
        ring.push_back({c.x + r * std::cos(t), c.y + r * std::sin(t)});
      }
      ring.push_back(ring.front());
      if (clear(ring)) {
        islands.push_back(std::move(ring));
        break;
      }
    }
  }
  return islands;
}

double Towns::intensity(Point p) const {
  double lambda = 1;
  for (std::size_t t = 0; t < size(); ++t) {
    const double d = distance(p, centre[t]) / reach_m[t];
    lambda += weight[t] * std::exp(-0.5 * d * d);
  }
  return lambda;
}

Towns make_towns(const SyntheticOptions& o, const Outline& outline) {
  Rng rng(stream_seed(o.seed, "towns"));
  Towns towns;
  Box box;
  for (const Point& p : outline.ring) box.expand(p);
  double separation = 0.3 * std::min(o.width_km, o.height_km) * kKm;
  for (int t = 0, failures = 0; t < o.towns;) {
    const Point p = uniform_in(rng, box);
    bool ok = inside(outline.ring, p) && distance_to_ring(outline.ring, p) > 3 * kKm;
    for (const Point& c : towns.centre) ok = ok && distance(p, c) >= separation;
    if (!ok) {
      if (++failures % 500 == 0) separation *= 0.9;
      continue;
    }
    const bool prefecture = t == 0;
    const double pop = prefecture
                           ? std::clamp(rng.lognormal(std::log(55000.0), 0.3), 30000.0, 100000.0)
                           : std::clamp(rng.pareto(10000, 2.0), 10000.0, 30000.0);
    towns.centre.push_back(p);
    towns.population.push_back(std::round(pop));
    towns.core_m.push_back((prefecture ? 3.0 : 1.4 + 0.15 * pop / 1e4) * kKm);
    towns.reach_m.push_back((prefecture ? 8.0 : 4.0) * kKm);
    towns.weight.push_back(prefecture ? 10.0 : 3.5);
    ++t;
  }
  return towns;
}

std::vector<Point> place_seeds(const SyntheticOptions& o, const Outline& outline,
                               const Towns& towns, std::size_t count) {
  Rng rng(stream_seed(o.seed, "seeds"));
  Box box;
  for (const Point& p : outline.ring) box.expand(p);
  const double area = std::abs(signed_area(outline.ring));
  double max_lambda = 1;
  for (double w : towns.weight) max_lambda += w;
  double mean_lambda = 0;
  for (int n = 0; n < 4000;) {
    const Point p = uniform_in(rng, box);
    if (!inside(outline.ring, p)) continue;
    mean_lambda += towns.intensity(p);
    ++n;
  }
  mean_lambda /= 4000;

  std::vector<Point> seeds = towns.centre;
  double spacing_factor = 0.75;
  for (int failures = 0; seeds.size() < count;) {
    const Point p = uniform_in(rng, box);
    if (!inside(outline.ring, p)) continue;
    const double lambda = towns.intensity(p);
    if (rng.uniform() * max_lambda >= lambda) continue;
    const double spacing =
        spacing_factor * std::sqrt(area / static_cast<double>(count) * mean_lambda / lambda);
    bool ok = true;
    for (std::size_t t = 0; ok && t < towns.size(); ++t)
      ok = distance(p, towns.centre[t]) >= std::max(spacing, 2 * towns.core_m[t]);
    for (std::size_t s = towns.size(); ok && s < seeds.size(); ++s)
      ok = distance(p, seeds[s]) >= spacing;
    // Not on the shore itself: the seed becomes the demand point, clearly inside its commune.
    ok = ok && distance_to_ring(outline.ring, p) >= 300;
    if (!ok) {
      // Near saturation the hard core cannot be honoured: shrink it a little and go on.
      if (++failures > 3000) spacing_factor *= 0.92, failures = 0;
      continue;
    }
    seeds.push_back(p);
    failures = 0;
  }
  return seeds;
}

Envelope envelope(const GeosContext& ctx, const GEOSGeometry* g) {
  Envelope e{};
  GEOSGeom_getXMin_r(ctx, g, &e.min_x);
  GEOSGeom_getYMin_r(ctx, g, &e.min_y);
  GEOSGeom_getXMax_r(ctx, g, &e.max_x);
  GEOSGeom_getYMax_r(ctx, g, &e.max_y);
  return e;
}

// One cell per seed. The Voronoi cell shells are noded together with the outline boundary in
// one union and polygonised, and the faces outside the outline dropped, so neighbouring cells
// share exactly the same vertices (touches() holds, areas add up). Clipping the edges first and
// noding after leaves their ends a rounding error off the coast: dangles, and merged cells.
// (GEOS's edges-only Voronoi output has dangles of its own, hence the cell shells.) Where the
// coastline cuts a cell in two, the part without the seed joins the neighbour it shares the longest
// border with, as real communes rarely have exclaves.
std::vector<GeomPtr> voronoi_cells(const GeosContext& ctx, std::span<const Point> seeds,
                                   const GEOSGeometry* outline) {
  std::vector<GEOSGeometry*> points;
  for (const Point& p : seeds) points.push_back(to_geos(ctx, p).release());
  GeomPtr multipoint = checked(ctx,
                               GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOINT, points.data(),
                                                           static_cast<unsigned>(points.size())),
                               "multipoint");
  GeomPtr polygons =
      checked(ctx, GEOSVoronoiDiagram_r(ctx, multipoint.get(), outline, 0.0, 0), "voronoi");
  std::vector<GEOSGeometry*> shells;
  for (int i = 0; i < GEOSGetNumGeometries_r(ctx, polygons.get()); ++i) {
    const GEOSGeometry* ring =
        GEOSGetExteriorRing_r(ctx, GEOSGetGeometryN_r(ctx, polygons.get(), i));
    shells.push_back(GEOSGeom_createLineString_r(
        ctx, GEOSCoordSeq_clone_r(ctx, GEOSGeom_getCoordSeq_r(ctx, ring))));
  }
  GeomPtr rings = checked(ctx,
                          GEOSGeom_createCollection_r(ctx, GEOS_MULTILINESTRING, shells.data(),
                                                      static_cast<unsigned>(shells.size())),
                          "collection");
  GeomPtr edges = checked(ctx, GEOSUnaryUnion_r(ctx, rings.get()), "union");
  GeomPtr shore = checked(ctx, GEOSBoundary_r(ctx, outline), "boundary");
  GeomPtr noded = checked(ctx, GEOSUnion_r(ctx, edges.get(), shore.get()), "union");
  const GEOSGeometry* lines[] = {noded.get()};
  GeomPtr faces = checked(ctx, GEOSPolygonize_r(ctx, lines, 1), "polygonize");

  std::vector<GeomPtr> cells(seeds.size());
  std::vector<GeomPtr> fragments;
  const PreparedPtr land(GEOSPrepare_r(ctx, outline), {ctx.get()});
  const int face_count = GEOSGetNumGeometries_r(ctx, faces.get());
  for (int f = 0; f < face_count; ++f) {
    GeomPtr face =
        checked(ctx, GEOSGeom_clone_r(ctx, GEOSGetGeometryN_r(ctx, faces.get(), f)), "clone");
    GeomPtr inner = checked(ctx, GEOSPointOnSurface_r(ctx, face.get()), "point on surface");
    if (GEOSPreparedContains_r(ctx, land.get(), inner.get()) != 1) continue;  // the sea
    const Envelope e = envelope(ctx, face.get());
    PreparedPtr prepared(GEOSPrepare_r(ctx, face.get()), {ctx.get()});
    std::size_t owner = seeds.size();
    for (std::size_t s = 0; s < seeds.size() && owner == seeds.size(); ++s) {
      if (seeds[s].x < e.min_x || seeds[s].x > e.max_x || seeds[s].y < e.min_y ||
          seeds[s].y > e.max_y)
        continue;
      const GEOSGeometry* point = GEOSGetGeometryN_r(ctx, multipoint.get(), static_cast<int>(s));
      if (GEOSPreparedContains_r(ctx, prepared.get(), point) == 1) owner = s;
    }
    prepared.reset();
    if (owner < seeds.size())
      cells[owner] = std::move(face);
    else
      fragments.push_back(std::move(face));
  }
  for (std::size_t s = 0; s < seeds.size(); ++s)
    if (!cells[s])
      throw Error("synthetic territory: Voronoi seed " + std::to_string(s) + " lies in no cell");

  while (!fragments.empty()) {
    std::size_t before = fragments.size();
    for (auto it = fragments.begin(); it != fragments.end();) {
      const Envelope e = envelope(ctx, it->get());
      std::size_t best = seeds.size();
      double best_length = 0;
      for (std::size_t s = 0; s < seeds.size(); ++s) {
        if (!e.overlaps(envelope(ctx, cells[s].get()), 1.0)) continue;
        const double length = shared_border(ctx, it->get(), cells[s].get());
        if (length > best_length) best = s, best_length = length;
      }
      if (best == seeds.size()) {
        ++it;  // touches only other fragments so far: retry once they have joined a cell
        continue;
      }
      cells[best] = checked(ctx, GEOSUnion_r(ctx, cells[best].get(), it->get()), "union");
      it = fragments.erase(it);
    }
    if (fragments.size() == before) {
      // Cannot happen on a connected outline; keep the area anyway rather than lose it.
      std::size_t nearest = 0;
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t s = 0; s < seeds.size(); ++s) {
        double d = 0;
        GEOSDistance_r(ctx, fragments.front().get(), cells[s].get(), &d);
        if (d < best) best = d, nearest = s;
      }
      cells[nearest] =
          checked(ctx, GEOSUnion_r(ctx, cells[nearest].get(), fragments.front().get()), "union");
      fragments.erase(fragments.begin());
    }
  }
  return cells;
}

}  // namespace covsim::geo::detail
