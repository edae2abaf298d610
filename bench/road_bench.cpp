// Road networks at department and national scale: import of an .osm.pbf with libosmium (no
// cache), reload from the cache, settled nodes per second per core of the bounded searches,
// the commune-to-commune table of France within 45 minutes on the road graph, and the files
// bench/peers/pgrouting_peer.py reads to check minutes on the very same graph.
//
//   covsim_road_bench --data ../shared/data --national france.osm.pbf
//       --department nievre.osm.pbf --department-layer communes-2018/58-nievre.geojson --out out
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "bench/peer_export.hpp"
#include "bench/stage_log.hpp"
#include "geo/detail/atomic_file.hpp"
#include "geo/detail/bounded_search.hpp"
#include "geo/detail/road_cache.hpp"
#include "geo/error.hpp"
#include "geo/road_network.hpp"
#include "geo/territory_loader.hpp"
#include "geo/travel_table.hpp"

namespace covsim::bench {
namespace {

struct Options {
  std::filesystem::path data, national, department, department_layer, out;
  std::uint64_t seed = 7;
  std::size_t sample_sources = 200;   // pgRouting's sample
  std::size_t search_sources = 2000;  // single-thread searches timed for settled nodes/s
  float cutoff = 45;
};

geo::LoadOptions load_options(const Options& o, std::vector<std::filesystem::path> inputs) {
  geo::LoadOptions l;
  l.inputs = std::move(inputs);
  l.cog = geo::CogOptions{};
  l.cog->dir = o.data / "cog-2026";
  return l;
}

// Import without cache, then from the cache; the graphs must be the same.
geo::RoadGraph import_twice(StageLog& log, const std::string& key, const std::string& label,
                            const geo::Territory& t, const std::filesystem::path& extract) {
  geo::RoadOptions ro;
  ro.file = extract;
  std::filesystem::remove(geo::detail::road_cache_path(ro));
  Stopwatch w_import;
  geo::RoadGraph first = geo::road_travel_graph(t, ro);
  const Timing import_t = w_import.elapsed();
  Stopwatch w_reload;
  geo::RoadGraph again = geo::road_travel_graph(t, ro);
  const Timing reload_t = w_reload.elapsed();
  if (again.report.cache.rfind("loaded from", 0) != 0 ||
      again.graph.edge_count() != first.graph.edge_count())
    throw Error(extract.string() + ": the cache was not reloaded: " + again.report.cache);
  const geo::RoadReport& r = first.report;
  log.measure(key + "_import_s", import_t);
  log.measure(key + "_reload_s", reload_t);
  log.add(label + ": import (libosmium, no cache) + snapping", import_t,
          {{"extract size", static_cast<double>(std::filesystem::file_size(extract)) / (1 << 20),
            "MiB"},
           {"ways tagged highway", static_cast<double>(r.features), ""},
           {"junctions read", static_cast<double>(r.nodes_read), ""},
           {"in the largest strongly connected component", static_cast<double>(r.nodes_kept), ""},
           {"contracted (degree 2)", static_cast<double>(r.nodes_contracted), ""},
           {"graph vertices", static_cast<double>(first.graph.vertex_count()), ""},
           {"directed edges", static_cast<double>(first.graph.edge_count()), ""},
           {"km of road", r.kilometres_kept, ""},
           {"communes", static_cast<double>(t.size()), ""},
           {"mean snap distance", r.mean_snap_m, "m"},
           {"max snap distance", r.max_snap_m, "m"}});
  log.add(label + ": reload from the cache + snapping", reload_t,
          {{"cache size",
            static_cast<double>(std::filesystem::file_size(geo::detail::road_cache_path(ro))) /
                (1 << 20),
            "MiB"}});
  return first;
}

void run(const Options& o) {
  std::filesystem::create_directories(o.out);
  StageLog log;
  const std::size_t threads = tbb::info::default_concurrency();
  log.measure("threads", static_cast<double>(threads));
  std::cout << "covsim road benchmark: " << threads << " threads, load average " << load_average()
            << " before the run\n\n";

  // Department.
  Stopwatch w_dep;
  const geo::Territory dep =
      geo::load_territory(load_options(o, {o.data / o.department_layer})).territory;
  log.add("department communes loaded", w_dep.elapsed(),
          {{"communes", static_cast<double>(dep.size()), ""}});
  import_twice(log, "department", "department extract", dep, o.department);

  // France.
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(o.data / "communes-2018"))
    if (e.path().extension() == ".geojson") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  Stopwatch w_fr;
  const geo::Territory fr = geo::load_territory(load_options(o, files)).territory;
  log.add("France communes loaded", w_fr.elapsed(),
          {{"communes", static_cast<double>(fr.size()), ""}});
  geo::RoadGraph road = import_twice(log, "national", "national extract", fr, o.national);
  log.measure("communes", static_cast<double>(fr.size()));

  // Settled nodes per second, one thread: every vertex a bounded search discovers is settled
  // (beyond the cut-off a path is never recorded), so touched() counts them.
  const std::vector<geo::CommuneId> sources = sample_communes(fr.size(), o.search_sources, o.seed);
  {
    tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
    geo::detail::BoundedSearch search(road.graph.reverse);
    std::size_t settled = 0;
    Stopwatch w;
    for (geo::CommuneId c : sources) {
      search.run(road.graph.commune_vertex[c], road.graph.access_minutes[c], o.cutoff);
      settled += search.touched().size();
    }
    const Timing t = w.elapsed();
    // Per core: CPU time of the one thread, so other work on a shared machine does not count.
    const double rate = static_cast<double>(settled) / t.cpu;
    log.measure("settled_per_s_per_core", rate);
    log.add("bounded searches, 1 thread, 45 min", t,
            {{"searches", static_cast<double>(sources.size()), ""},
             {"settled nodes per search", static_cast<double>(settled) / sources.size(), ""},
             {"settled nodes per wall second", static_cast<double>(settled) / t.wall / 1e6, "M"},
             {"settled nodes per second per core", rate / 1e6, "M"}});
  }

  // The national table, every commune a candidate.
  Stopwatch w_table;
  const geo::TravelTable table =
      geo::build_travel_table(road.graph, geo::all_communes(fr), o.cutoff);
  const Timing table_t = w_table.elapsed();
  log.measure("national_table_45_s", table_t);
  log.add("commune-to-commune table of France, 45 min, road graph", table_t,
          {{"rows", static_cast<double>(table.rows()), ""},
           {"entries", static_cast<double>(table.entries()), ""},
           {"mean communes per row",
            static_cast<double>(table.entries()) / static_cast<double>(table.rows()), ""}});

  // pgRouting compares vertex-to-vertex minutes: the same graph with access set to zero.
  geo::TravelGraph bare = road.graph;
  std::fill(bare.access_minutes.begin(), bare.access_minutes.end(), 0.0f);
  const std::vector<geo::CommuneId> sample = sample_communes(fr.size(), o.sample_sources, o.seed);
  const geo::TravelTable rows = geo::build_travel_table(bare, sample, o.cutoff);
  write_rows(rows, bare, sample, o.out / "covsim_rows_45.csv");
  write_edges(bare.reverse, o.out / "edges.csv");
  // pgRouting reports every junction; covsim's rows hold the vertices communes sit on.
  geo::detail::write_atomically(o.out / "target_vertices.csv", true, [&](const auto& p) {
    std::vector<std::uint32_t> v(bare.commune_vertex);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    std::ofstream f(p);
    f << "vertex\n";
    for (std::uint32_t x : v) f << x << '\n';
  });
  log.measure("sample_sources", static_cast<double>(sample.size()));
  log.measure("peak_rss_mib", peak_rss_mib());
  log.save(o.out);
}

}  // namespace
}  // namespace covsim::bench

int main(int argc, char** argv) {
  covsim::bench::Options o;
  CLI::App app{"covsim road-network benchmark (bench/road_run.sh runs it with pgRouting)"};
  app.add_option("--data", o.data, "shared data: communes-2018/ and cog-2026/")->required();
  app.add_option("--national", o.national, "national .osm.pbf")->required();
  app.add_option("--department", o.department, "department .osm.pbf")->required();
  app.add_option("--department-layer", o.department_layer,
                 "the department's communes, relative to --data")
      ->required();
  app.add_option("--out", o.out, "directory for covsim.json and pgRouting's inputs")->required();
  app.add_option("--seed", o.seed, "seed of the source samples");
  app.add_option("--sample-sources", o.sample_sources, "sources pgRouting searches");
  app.add_option("--search-sources", o.search_sources, "searches timed on one thread");
  CLI11_PARSE(app, argc, argv);
  try {
    covsim::bench::run(o);
  } catch (const std::exception& e) {
    std::cerr << "covsim_road_bench: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
