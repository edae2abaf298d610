// Writes a synthetic OpenStreetMap extract of national size (.osm.pbf, with libosmium): a road
// lattice over metropolitan France's outline (no Corsica) with a hierarchy of classes, speed
// limits on part of the main roads, one-way streets, and every road split in two ways at a
// mid node (degree-2 junctions, which the importer contracts) with shape points between.
// Seeded; the same arguments give the same file. Real extracts are denser in towns and
// sparser in mountains: this one is for import and search throughput, not for minutes.
//
//   covsim_osm_gen --out build-bench/france.osm.pbf --spacing-km 1 --seed 7
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <numbers>
#include <osmium/builder/attr.hpp>
#include <osmium/io/pbf_output.hpp>
#include <osmium/io/writer.hpp>
#include <osmium/memory/buffer.hpp>
#include <string>
#include <vector>

#include "sim/rng.hpp"

namespace {

struct LonLat {
  double lon, lat;
};

// Metropolitan France's outline, coarse (about 20 km): enough to shape the lattice.
const std::vector<LonLat> kOutline = {
    {-4.79, 48.42}, {-3.5, 48.86}, {-1.95, 48.72}, {-1.6, 49.72}, {0.2, 49.45},  {1.6, 50.2},
    {1.6, 50.95},   {2.55, 51.09}, {4.2, 50.1},    {5.8, 49.55},  {6.5, 49.45},  {8.2, 48.97},
    {7.55, 47.55},  {6.9, 47.4},   {5.97, 46.2},   {6.8, 46.4},   {7.0, 45.9},   {6.63, 45.1},
    {7.0, 44.85},   {6.9, 44.3},   {7.5, 43.79},   {6.0, 43.05},  {4.8, 43.35},  {3.2, 43.25},
    {3.1, 42.45},   {1.75, 42.5},  {-0.3, 42.8},   {-1.8, 43.37}, {-1.25, 44.6}, {-1.2, 46.15},
    {-2.3, 47.1},   {-2.6, 47.5},  {-4.4, 47.8}};

bool inside(LonLat p) {
  bool in = false;
  for (std::size_t i = 0, j = kOutline.size() - 1; i < kOutline.size(); j = i++) {
    const LonLat a = kOutline[i], b = kOutline[j];
    if ((a.lat > p.lat) != (b.lat > p.lat) &&
        p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon)
      in = !in;
  }
  return in;
}

struct Options {
  std::string out;
  double spacing_km = 1.0;
  std::uint64_t seed = 7;
};

void generate(const Options& o) {
  using namespace osmium::builder::attr;
  const double lat0 = 42.3, lat1 = 51.15, lon0 = -4.85, lon1 = 8.3;
  const double dlat = o.spacing_km / 111.2;
  const double dlon = o.spacing_km / (111.2 * std::cos(46.5 * std::numbers::pi / 180));
  const auto rows = static_cast<std::int64_t>((lat1 - lat0) / dlat) + 1;
  const auto cols = static_cast<std::int64_t>((lon1 - lon0) / dlon) + 1;
  auto at = [&](std::int64_t i, std::int64_t j) {
    return LonLat{lon0 + j * dlon, lat0 + i * dlat};
  };
  auto junction = [&](std::int64_t i, std::int64_t j) { return 1 + i * cols + j; };
  // Per-edge random draws, from a counter-based stream: the file does not depend on loop order.
  auto uniform = [&](std::uint64_t edge, std::uint64_t k) {
    return static_cast<double>(covsim::sim::random_bits(o.seed, edge, k) >> 11) * 0x1.0p-53;
  };
  std::vector<std::uint8_t> in(static_cast<std::size_t>(rows * cols));
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j) in[i * cols + j] = inside(at(i, j));

  osmium::io::Header header;
  header.set("generator", "covsim_osm_gen");
  osmium::io::Writer writer{o.out, header, osmium::io::overwrite::allow};
  osmium::memory::Buffer buffer{1 << 24, osmium::memory::Buffer::auto_grow::yes};
  auto flush = [&] {
    if (buffer.committed() > (1 << 23)) {
      writer(std::move(buffer));
      buffer = osmium::memory::Buffer{1 << 24, osmium::memory::Buffer::auto_grow::yes};
    }
  };
  std::size_t nodes = 0, ways = 0;
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j)
      if (in[i * cols + j]) {
        const LonLat p = at(i, j);
        osmium::builder::add_node(buffer, _id(junction(i, j)), _version(1),
                                  _location(p.lon, p.lat));
        ++nodes;
        flush();
      }
  // Each lattice edge: a -> s1 -> m (way 1), m -> s2 -> b (way 2); 8 % of edges are missing.
  struct EdgeOut {
    std::int64_t a, b, edge;
    int level;  // 0 local ... 4 motorway
  };
  std::vector<EdgeOut> edges;
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j) {
      if (!in[i * cols + j]) continue;
      for (int dir = 0; dir < 2; ++dir) {
        const std::int64_t ni = i + (dir == 1), nj = j + (dir == 0);
        if (ni >= rows || nj >= cols || !in[ni * cols + nj]) continue;
        const std::int64_t line = dir == 0 ? i : j;  // the row or column the edge runs along
        const int level = line % 96 == 0   ? 4
                          : line % 32 == 0 ? 3
                          : line % 8 == 0  ? 2
                          : line % 4 == 0  ? 1
                                           : 0;
        const std::int64_t id = 2 * (i * cols + j) + dir;
        if (level < 2 && uniform(static_cast<std::uint64_t>(id), 0) < 0.08) continue;
        edges.push_back({junction(i, j), junction(ni, nj), id, level});
      }
    }
  const std::int64_t shape_base = rows * cols + 1;
  for (const EdgeOut& e : edges) {
    const std::int64_t ia = (e.a - 1) / cols, ja = (e.a - 1) % cols, ib = (e.b - 1) / cols,
                       jb = (e.b - 1) % cols;
    const LonLat a = at(ia, ja), b = at(ib, jb);
    for (int k = 1; k <= 3; ++k) {  // s1, m, s2 with a little jitter across the edge
      const double f = k / 4.0,
                   jitter = (uniform(static_cast<std::uint64_t>(e.edge), k) - 0.5) * 0.1;
      const LonLat p{a.lon + f * (b.lon - a.lon) + jitter * dlon * (ia != ib),
                     a.lat + f * (b.lat - a.lat) + jitter * dlat * (ja != jb)};
      osmium::builder::add_node(buffer, _id(shape_base + 3 * e.edge + k), _version(1),
                                _location(p.lon, p.lat));
      ++nodes;
      flush();
    }
  }
  const char* kClass[] = {"unclassified", "tertiary", "secondary", "trunk", "motorway"};
  for (const EdgeOut& e : edges) {
    const std::int64_t s = shape_base + 3 * e.edge;
    const double u = uniform(static_cast<std::uint64_t>(e.edge), 9);
    std::vector<std::pair<const char*, const char*>> tags{{"highway", kClass[e.level]}};
    if (e.level == 0 && u < 0.3) tags[0].second = "residential";
    if (e.level == 0 && u < 0.04) tags.emplace_back("oneway", "yes");
    if (e.level == 4) tags.emplace_back("oneway", "no");  // one carriageway both ways
    if (e.level >= 2 && u < 0.5) tags.emplace_back("maxspeed", e.level == 4 ? "130" : "FR:rural");
    if (e.level == 1 && u < 0.2) tags.emplace_back("maxspeed", "50");
    osmium::builder::add_way(buffer, _id(2 * e.edge + 1), _version(1), _nodes({e.a, s + 1, s + 2}),
                             _tags(tags));
    osmium::builder::add_way(buffer, _id(2 * e.edge + 2), _version(1), _nodes({s + 2, s + 3, e.b}),
                             _tags(tags));
    ways += 2;
    flush();
  }
  writer(std::move(buffer));
  writer.close();
  std::cout << o.out << ": " << nodes << " nodes, " << ways << " ways (" << rows << " x " << cols
            << " lattice, " << o.spacing_km << " km)\n";
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Synthetic national-size OpenStreetMap extract for bench/ (libosmium writer)"};
  app.add_option("--out", o.out, "output .osm.pbf")->required();
  app.add_option("--spacing-km", o.spacing_km, "lattice spacing")->check(CLI::PositiveNumber);
  app.add_option("--seed", o.seed, "seed");
  CLI11_PARSE(app, argc, argv);
  try {
    generate(o);
  } catch (const std::exception& e) {
    std::cerr << "covsim_osm_gen: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
