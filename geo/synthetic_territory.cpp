#include "geo/synthetic_territory.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <queue>
#include <tuple>

#include "geo/detail/geos.hpp"
#include "geo/detail/number_format.hpp"
#include "geo/detail/place_names.hpp"
#include "geo/detail/random.hpp"
#include "geo/detail/synthetic_shapes.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

namespace {

using detail::checked;
using detail::distance;
using detail::Envelope;
using detail::GeomPtr;
using detail::GeosContext;
using detail::make_islands;
using detail::make_outline;
using detail::make_towns;
using detail::Outline;
using detail::place_seeds;
using detail::Rng;
using detail::stream_seed;
using detail::Towns;
using detail::voronoi_cells;

constexpr double kKm = 1000;

void require(bool ok, const char* option, int value, const char* range) {
  if (!ok)
    throw InputError("synthetic territory options", option,
                     "is " + std::to_string(value) + ", must be within " + range);
}

void check_options(const SyntheticOptions& o) {
  require(o.communes >= 20 && o.communes <= 900, "communes", o.communes, "20..900");
  require(o.towns >= 3 && o.towns <= 5, "towns", o.towns, "3..5");
  require(o.islands >= 0 && o.islands <= 2, "islands", o.islands, "0..2");
  require(o.departments >= 1 && o.departments <= 2, "departments", o.departments, "1..2");
  require(o.epcis >= 3 && o.epcis <= 12 && o.epcis >= o.towns, "epcis", o.epcis,
          "3..12 and at least the number of towns");
  if (!(o.width_km >= 10 && o.width_km <= 500 && o.height_km >= 10 && o.height_km <= 500))
    throw InputError("synthetic territory options", "width_km/height_km",
                     "must both be within 10..500 km");
}

// Per-commune scratch while generating, indexed by draft id: the town centres first (town t is
// draft t), then the other mainland seeds, then the islands.
struct Drafts {
  std::vector<Point> seed;
  std::vector<GeomPtr> geom;
  std::vector<MultiPolygon> shape;
  std::vector<double> area_km2;
  std::vector<int> town;  // town index of a town centre, -1 otherwise
  std::vector<char> island;
  std::vector<char> coastal;
  std::vector<double> population;
  std::vector<double> priority;
  std::vector<std::uint32_t> epci;
  std::vector<std::string> name;

  std::size_t size() const { return seed.size(); }
  void add(const GeosContext& ctx, Point at, GeomPtr g, int town_index, bool on_island) {
    seed.push_back(at);
    shape.push_back(detail::to_multipolygon(ctx, g.get()));
    area_km2.push_back(shape.back().area() / 1e6);
    geom.push_back(std::move(g));
    town.push_back(town_index);
    island.push_back(on_island);
  }
};

using Neighbours = std::vector<std::vector<std::uint32_t>>;

Neighbours adjacency(const GeosContext& ctx, const Drafts& d) {
  std::vector<Envelope> env;
  for (const GeomPtr& g : d.geom) env.push_back(envelope(ctx, g.get()));
  Neighbours next(d.size());
  for (std::uint32_t i = 0; i < d.size(); ++i) {
    for (std::uint32_t j = i + 1; j < d.size(); ++j) {
      if (!env[i].overlaps(env[j], 1.0)) continue;
      if (GEOSIntersects_r(ctx, d.geom[i].get(), d.geom[j].get()) != 1) continue;
      next[i].push_back(j);
      next[j].push_back(i);
    }
  }
  return next;
}

// Heavy-tailed populations: town centres of 10-100k, suburbs of a few thousand falling off with
// distance to the towns, villages of 100-2,000 scaled a little by their area. Priority areas:
// QPV-like shares in town centres and some large suburbs, ZRR-like whole sparse communes.
void populate(const SyntheticOptions& o, const Towns& towns, Drafts& d) {
  Rng rng(stream_seed(o.seed, "population"));
  double mean_area = 0;
  for (std::size_t c = 0; c < d.size(); ++c) mean_area += d.area_km2[c];
  mean_area /= static_cast<double>(d.size());
  d.population.assign(d.size(), 0);
  d.priority.assign(d.size(), 0);
  for (std::size_t c = 0; c < d.size(); ++c) {
    double& pop = d.population[c];
    double& priority = d.priority[c];
    double urban = 0;
    if (d.town[c] >= 0) {
      const auto t = static_cast<std::size_t>(d.town[c]);
      pop = towns.population[t];
      priority = std::round(pop * (t == 0 ? rng.uniform(0.08, 0.18) : rng.uniform(0.04, 0.12)));
      continue;
    }
    if (d.island[c]) {
      pop = std::round(std::clamp(rng.lognormal(std::log(700.0), 0.5), 150.0, 3000.0));
    } else {
      for (std::size_t t = 0; t < towns.size(); ++t) {
        const double beyond =
            std::max(0.0, distance(d.seed[c], towns.centre[t]) - 2 * towns.core_m[t]);
        urban += (t == 0 ? 0.05 : 0.04) * towns.population[t] *
                 std::exp(-beyond / ((t == 0 ? 3.5 : 2.0) * kKm));
      }
      const double village = 250 * std::clamp(std::sqrt(d.area_km2[c] / mean_area), 0.5, 2.0);
      pop = (village + urban) * std::exp(0.5 * rng.normal());
      pop = std::round(urban < 300 ? std::clamp(pop, 100.0, 2000.0)
                                   : std::clamp(pop, 150.0, 15000.0));
      const bool near_prefecture = distance(d.seed[c], towns.centre[0]) < 12 * kKm;
      if (near_prefecture && pop > 6000 && rng.bernoulli(0.4))
        priority = std::round(pop * rng.uniform(0.04, 0.12));
    }
    if (urban < 250 && pop / d.area_km2[c] < 40) priority = pop;
  }
}

// Contiguous intercommunalities: a multi-source Dijkstra on commune adjacency from the town
// centres (then the rural communes farthest from any centre). A commune is only reached through
// a neighbour already in the same EPCI, so every EPCI is connected. Islands join the EPCI of the
// nearest mainland commune, as Groix belongs to Lorient's agglomeration.
std::vector<std::uint32_t> grow_epcis(const SyntheticOptions& o, const Drafts& d,
                                      const Neighbours& next, std::size_t town_count) {
  Rng rng(stream_seed(o.seed, "epci"));
  std::vector<std::uint32_t> centres;
  for (std::uint32_t t = 0; t < town_count; ++t) centres.push_back(t);
  while (centres.size() < static_cast<std::size_t>(o.epcis)) {
    std::uint32_t best = 0;
    double best_score = -1;
    for (std::uint32_t c = 0; c < d.size(); ++c) {
      if (d.island[c]) continue;
      double nearest = std::numeric_limits<double>::infinity();
      for (std::uint32_t s : centres) nearest = std::min(nearest, distance(d.seed[c], d.seed[s]));
      const double score = nearest * rng.uniform(0.85, 1.0);
      if (score > best_score) best = c, best_score = score;
    }
    centres.push_back(best);
  }
  constexpr auto kNone = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> epci(d.size(), kNone);
  using Entry = std::tuple<double, std::uint32_t, std::uint32_t>;  // cost, commune, epci
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
  for (std::uint32_t e = 0; e < centres.size(); ++e) queue.emplace(0.0, centres[e], e);
  // Dense suburbs would otherwise all fall to the prefecture: an EPCI stops growing at a cap.
  const std::size_t cap = (d.size() * 8) / (static_cast<std::size_t>(o.epcis) * 5) + 1;
  std::vector<std::size_t> members(centres.size(), 0);
  while (!queue.empty()) {
    const auto [cost, c, e] = queue.top();
    queue.pop();
    if (epci[c] != kNone || members[e] >= cap) continue;
    epci[c] = e;
    ++members[e];
    const double pace = e == 0 ? 0.8 : 1.0;  // the prefecture's agglomeration reaches farther
    for (std::uint32_t n : next[c])
      if (epci[n] == kNone) queue.emplace(cost + pace * distance(d.seed[c], d.seed[n]), n, e);
  }
  // Communes walled in by full EPCIs join the smallest one they touch: still contiguous.
  for (bool grew = true; grew;) {
    grew = false;
    for (std::uint32_t c = 0; c < d.size(); ++c) {
      if (epci[c] != kNone) continue;
      std::uint32_t best = kNone;
      for (std::uint32_t n : next[c])
        if (epci[n] != kNone && (best == kNone || members[epci[n]] < members[best])) best = epci[n];
      if (best == kNone) continue;
      epci[c] = best;
      ++members[best];
      grew = true;
    }
  }
  for (std::uint32_t c = 0; c < d.size(); ++c) {
    if (epci[c] != kNone && !d.island[c]) continue;
    double best = std::numeric_limits<double>::infinity();
    for (std::uint32_t m = 0; m < d.size(); ++m) {
      if (d.island[m] || epci[m] == kNone || distance(d.seed[c], d.seed[m]) >= best) continue;
      best = distance(d.seed[c], d.seed[m]);
      epci[c] = epci[m];
    }
  }
  return epci;
}

// SIREN-like EPCI code: 8 digits and a Luhn check digit, as real SIREN numbers have.
std::string with_luhn(std::string digits) {
  int sum = 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    int digit = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 0 && (digit *= 2) > 9) digit -= 9;
    sum += digit;
  }
  digits += static_cast<char>('0' + (10 - sum % 10) % 10);
  return digits;
}

std::string padded(std::size_t number, int width) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%0*zu", width, number);
  return buffer;
}

std::string epci_name(Rng& rng, detail::PlaceNames& names, const Drafts& d, std::uint32_t centre) {
  const std::string& place = d.name[centre];
  if (d.town[centre] == 0) return "CA du Pays " + detail::of_name(place);
  if (d.town[centre] > 0)
    return rng.bernoulli(0.5) ? "CC du Pays " + detail::of_name(place)
                              : "CC " + place + " Communauté";
  if (d.coastal[centre]) return "CC de la Côte " + detail::of_name(place);
  return rng.bernoulli(0.5) ? "CC du Val " + detail::of_name(names.river())
                            : "CC des Monts " + detail::of_name(place);
}

}  // namespace

MultiPolygon synthetic_outline(const SyntheticOptions& options) {
  check_options(options);
  MultiPolygon m;
  m.add_ring(make_outline(options).ring);
  m.end_polygon();
  return m;
}

Territory generate_territory(const SyntheticOptions& o) {
  check_options(o);
  const Outline outline = make_outline(o);
  const auto islands = make_islands(o, outline);
  const Towns towns = make_towns(o, outline);
  const auto mainland = static_cast<std::size_t>(o.communes - o.islands);
  const std::vector<Point> seeds = place_seeds(o, outline, towns, mainland);

  GeosContext ctx;
  MultiPolygon outline_shape;
  outline_shape.add_ring(outline.ring);
  outline_shape.end_polygon();
  GeomPtr land = detail::to_geos(ctx, outline_shape);
  std::vector<GeomPtr> cells = voronoi_cells(ctx, seeds, land.get());
  Drafts d;
  for (std::size_t s = 0; s < seeds.size(); ++s)
    d.add(ctx, seeds[s], std::move(cells[s]), s < towns.size() ? static_cast<int>(s) : -1, false);
  for (const auto& ring : islands) {
    MultiPolygon m;
    m.add_ring(ring);
    m.end_polygon();
    // Islands are star-shaped about their first-drawn centre: the mean of the vertices is
    // close to it but not guaranteed inside, so take GEOS's point on surface.
    GeomPtr g = detail::to_geos(ctx, m);
    GeomPtr on = checked(ctx, GEOSPointOnSurface_r(ctx, g.get()), "point on surface");
    Point p;
    GEOSGeomGetX_r(ctx, on.get(), &p.x);
    GEOSGeomGetY_r(ctx, on.get(), &p.y);
    d.add(ctx, p, std::move(g), -1, true);
  }

  GeomPtr shore = checked(ctx, GEOSBoundary_r(ctx, land.get()), "boundary");
  for (std::size_t c = 0; c < d.size(); ++c) {
    const bool on_shore = GEOSIntersects_r(ctx, d.geom[c].get(), shore.get()) == 1;
    d.coastal.push_back(d.island[c] ||
                        (on_shore && outline.coast_weight(outline.angle_of(d.seed[c])) >= 0.5));
  }
  populate(o, towns, d);
  d.epci = grow_epcis(o, d, adjacency(ctx, d), towns.size());

  detail::PlaceNames names(stream_seed(o.seed, "names"));
  for (std::size_t c = 0; c < d.size(); ++c)
    d.name.push_back(d.town[c] >= 0 ? names.town()
                     : d.island[c]  ? names.island()
                                    : names.commune(d.coastal[c]));

  // EPCIs west of the median go to the second department; the prefecture's keeps "99".
  const std::size_t epci_count = static_cast<std::size_t>(o.epcis);
  std::vector<double> epci_x(epci_count, 0), epci_n(epci_count, 0);
  for (std::size_t c = 0; c < d.size(); ++c) epci_x[d.epci[c]] += d.seed[c].x, ++epci_n[d.epci[c]];
  std::vector<std::size_t> by_x(epci_count);
  std::iota(by_x.begin(), by_x.end(), 0);
  std::sort(by_x.begin(), by_x.end(), [&](std::size_t a, std::size_t b) {
    return epci_x[a] / epci_n[a] < epci_x[b] / epci_n[b];
  });
  std::vector<int> department(epci_count, 0);  // 0 = "99", 1 = "98"
  if (o.departments == 2) {
    const bool prefecture_west =
        std::find(by_x.begin(), by_x.begin() + epci_count / 2, 0) != by_x.begin() + epci_count / 2;
    for (std::size_t i = 0; i < epci_count; ++i)
      department[by_x[i]] = (i < epci_count / 2) == prefecture_west ? 0 : 1;
  }
  const std::string department_code[2] = {"99", "98"};
  std::string department_name[2];
  for (int k = 0; k < o.departments; ++k)
    department_name[k] = names.river() + "-et-" + names.river();

  Rng epci_rng(stream_seed(o.seed, "epci names"));
  std::vector<std::string> epci_code(epci_count), epci_label(epci_count);
  for (std::uint32_t e = 0; e < epci_count; ++e) {
    // Named after its most populous mainland member, as most EPCIs are after their main
    // town ("CC de la Côte de Groix-sur-Mer" would read oddly).
    std::uint32_t biggest = 0;
    double most = -1;
    for (std::uint32_t c = 0; c < d.size(); ++c) {
      const bool plain = !d.island[c] && d.name[c].find("-sur-") == std::string::npos;
      const double weight = d.population[c] * (plain ? 1 : 1e-6);
      if (d.epci[c] == e && weight > most) biggest = c, most = weight;
    }
    epci_label[e] = epci_name(epci_rng, names, d, biggest);
    epci_code[e] = with_luhn("24" + department_code[department[e]] + "00" + padded(e + 1, 2));
  }

  // INSEE numbers communes alphabetically within their department.
  std::vector<std::string> code(d.size());
  for (int k = 0; k < o.departments; ++k) {
    std::vector<std::uint32_t> members;
    for (std::uint32_t c = 0; c < d.size(); ++c)
      if (department[d.epci[c]] == k) members.push_back(c);
    std::sort(members.begin(), members.end(),
              [&](std::uint32_t a, std::uint32_t b) { return d.name[a] < d.name[b]; });
    for (std::size_t i = 0; i < members.size(); ++i)
      code[members[i]] = department_code[k] + padded(i + 1, 3);
  }
  std::vector<std::uint32_t> order(d.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return code[a] < code[b]; });

  Territory t;
  t.epsg = 2154;
  t.source = "synthetic(seed=" + std::to_string(o.seed) + ")";
  for (std::uint32_t c : order) {
    const CommuneId id =
        t.add(code[c], d.name[c], d.population[c], std::move(d.shape[c]), d.seed[c]);
    t.priority_population[id] = d.priority[c];
  }
  Grouping& departments = t.grouping_or_add("department");
  for (CommuneId id = 0; id < t.size(); ++id) {
    const int k = department[d.epci[order[id]]];
    departments.of[id] = departments.intern(department_code[k], department_name[k]);
  }
  Grouping& epcis = t.grouping_or_add("epci");
  for (CommuneId id = 0; id < t.size(); ++id) {
    const std::uint32_t e = d.epci[order[id]];
    epcis.of[id] = epcis.intern(epci_code[e], epci_label[e]);
  }
  t.index_codes();
  return t;
}

namespace {
// Communes whose shape meets no other: islands, or data holes worth knowing about. A sweep on
// bounding boxes sorted by min x keeps the GEOS tests to real candidates.
std::size_t count_isolated(const Territory& t) {
  GeosContext ctx;
  std::vector<GeomPtr> geom;
  std::vector<Box> box;
  for (const MultiPolygon& m : t.shape) {
    geom.push_back(detail::to_geos(ctx, m));
    box.push_back(m.bounds());
  }
  std::vector<std::uint32_t> order(t.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](auto a, auto b) { return box[a].min_x < box[b].min_x; });
  std::vector<char> touched(t.size(), 0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::uint32_t a = order[i];
    if (t.shape[a].empty()) continue;
    for (std::size_t j = i + 1; j < order.size() && box[order[j]].min_x <= box[a].max_x + 1; ++j) {
      const std::uint32_t b = order[j];
      if (t.shape[b].empty() || box[b].min_y > box[a].max_y + 1 || box[a].min_y > box[b].max_y + 1)
        continue;
      if (GEOSIntersects_r(ctx, geom[a].get(), geom[b].get()) == 1) touched[a] = touched[b] = 1;
    }
  }
  return static_cast<std::size_t>(
      std::count_if(t.shape.begin(), t.shape.end(), [&](const MultiPolygon& m) {
        return !m.empty() && !touched[static_cast<std::size_t>(&m - t.shape.data())];
      }));
}
}  // namespace

std::string synthetic_summary(const Territory& t) {
  using detail::grouped;
  const double population = std::accumulate(t.population.begin(), t.population.end(), 0.0);
  const double priority =
      std::accumulate(t.priority_population.begin(), t.priority_population.end(), 0.0);
  const double area = std::accumulate(t.area_km2.begin(), t.area_km2.end(), 0.0);
  const Box b = t.bounds();
  std::string out = "Territory " + t.source + " (EPSG:" + std::to_string(t.epsg) +
                    "): " + grouped(static_cast<double>(t.size()), 0) + " communes, " +
                    grouped(area, 0) + " km², extent " + grouped(b.width() / kKm, 0) + " × " +
                    grouped(b.height() / kKm, 0) + " km\n";
  out += "  population " + grouped(population, 0) + ", of which " + grouped(priority, 0) + " (" +
         grouped(population > 0 ? 100 * priority / population : 0, 1) +
         " %) in priority areas (QPV / ZRR)\n";
  out += "  communes touching no other (islands): " + std::to_string(count_isolated(t)) + "\n";
  std::vector<CommuneId> largest(t.size());
  std::iota(largest.begin(), largest.end(), 0);
  const std::size_t shown = std::min<std::size_t>(5, t.size());
  std::partial_sort(largest.begin(), largest.begin() + static_cast<std::ptrdiff_t>(shown),
                    largest.end(),
                    [&](CommuneId a, CommuneId c) { return t.population[a] > t.population[c]; });
  out += "  largest communes:";
  for (std::size_t i = 0; i < shown; ++i)
    out += (i ? ", " : " ") + t.name[largest[i]] + " " + grouped(t.population[largest[i]], 0);
  out += "\n";
  for (const Grouping& g : t.groupings) {
    out += "  " + g.key + ": " + std::to_string(g.size()) + " groups\n";
    std::vector<std::size_t> members(g.size(), 0);
    std::vector<double> people(g.size(), 0);
    for (CommuneId c = 0; c < g.of.size(); ++c)
      if (g.of[c] != kNoGroup) ++members[g.of[c]], people[g.of[c]] += t.population[c];
    for (GroupId k = 0; k < g.size() && k < 12; ++k)
      out += "    " + g.codes[k] + "  " + g.names[k] + ": " + std::to_string(members[k]) +
             " communes, " + grouped(people[k], 0) + " inhabitants\n";
    if (g.size() > 12) out += "    ... and " + std::to_string(g.size() - 12) + " more\n";
  }
  return out;
}

}  // namespace covsim::geo
