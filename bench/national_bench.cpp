// covsim at the scale of France, stage by stage: load the 101 department files with the COG join
// (and polygon repair), adjacency, the adjacency travel graph, bounded travel tables from every
// commune at 30 and 45 min, max-cover placement for every EPCI, ~4,000 synthetic posts deployed,
// renewal draws (recomputing only what they change, and every commune for the ratio) and seeded
// sweeps. Prints wall time and peak memory per stage and writes covsim.json plus the files the
// peers read (bench/peers/*.py, run by bench/run.sh). --draws-only times the draws alone.
//
//   covsim_national_bench --data ../shared/data --out build-bench/out --seed 7
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>

#include "bench/peer_export.hpp"
#include "bench/placement_bench.hpp"
#include "bench/stage_log.hpp"
#include "bench/synthetic_posts.hpp"
#include "geo/adjacency.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/detail/atomic_file.hpp"
#include "geo/error.hpp"
#include "geo/territory_cache.hpp"
#include "geo/territory_loader.hpp"
#include "geo/travel_graph.hpp"
#include "geo/travel_table.hpp"
#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/draw_coverage.hpp"
#include "sim/reallocation.hpp"
#include "sim/renewal.hpp"
#include "sim/sweep.hpp"
#include "tests/sim/sweep_json.hpp"

namespace covsim::bench {
namespace {

struct Options {
  std::filesystem::path data;
  std::filesystem::path out;
  std::uint64_t seed = 7;
  std::size_t sample_sources = 2000;  // sources the peers search and compare
  std::uint32_t draws = 1000;
  std::size_t table_repeats = 3;
  std::size_t draw_repeats = 200;  // full single draws timed one by one
  std::size_t threads = 0;         // 0: every core TBB sees
  bool full_sweep = true;          // also the sweep recomputing every commune, for the ratio
  bool draws_only = false;         // skip the tables' peers inputs and placement
  std::int64_t absorb_draws = -1;  // -1: draws / 10; 0: no absorb sweep
};

std::vector<std::filesystem::path> department_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".geojson") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw Error(dir.string() + ": no .geojson file");
  return files;
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

// p-th quantile (nearest rank) of a copy of `v`.
double quantile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[i];
}

geo::TravelTable timed_tables(StageLog& log, const geo::TravelGraph& graph, const geo::Territory& t,
                              float cutoff, std::size_t repeats) {
  const std::vector<geo::CommuneId> candidates = geo::all_communes(t);
  std::vector<double> wall, cpu;
  geo::TravelTable table;
  for (std::size_t r = 0; r < repeats; ++r) {
    table = geo::TravelTable{};  // the previous run's memory is not counted twice
    Stopwatch w;
    table = geo::build_travel_table(graph, candidates, cutoff);
    const Timing e = w.elapsed();
    wall.push_back(e.wall);
    cpu.push_back(e.cpu);
  }
  const Timing med{median(wall), median(cpu)};
  const std::string minutes = std::to_string(static_cast<int>(cutoff));
  log.measure("tables_" + minutes, med);
  log.measure("tables_" + minutes + "_min_s", *std::min_element(wall.begin(), wall.end()));
  log.measure("tables_" + minutes + "_entries", static_cast<double>(table.entries()));
  log.add("bounded tables, every commune, " + minutes + " min", med,
          {{"candidates (rows)", static_cast<double>(table.rows()), ""},
           {"entries", static_cast<double>(table.entries()), ""},
           {"mean communes per row",
            static_cast<double>(table.entries()) / static_cast<double>(table.rows()), ""},
           {"runs", static_cast<double>(repeats), "(medians shown)"},
           {"fastest run", *std::min_element(wall.begin(), wall.end()), "s"},
           {"slowest run", *std::max_element(wall.begin(), wall.end()), "s"},
           {"table memory",
            static_cast<double>(table.entries() * sizeof(geo::Reach) +
                                table.first.size() * sizeof(std::uint64_t)) /
                (1024.0 * 1024.0),
            "MiB"},
           {"entries per CPU second", static_cast<double>(table.entries()) / med.cpu, ""}});
  return table;
}

void placement_stage(StageLog& log, const geo::Territory& t, const geo::TravelTable& table,
                     std::uint32_t sites_per_post, const std::filesystem::path& out,
                     const std::string& key) {
  PlacementSpec spec;
  spec.sites_per_post = sites_per_post;
  Stopwatch w;
  const PlacementRun r = run_placement(t, table, spec, out);
  const double total = w.seconds();
  log.measure(key + "_solve_s", r.seconds);
  log.note(key + "_instances", out.filename().string());
  // Instances are solved one after the other on one thread: CPU time is the wall time.
  log.add("placement, every EPCI, " + std::to_string(sites_per_post) + " site(s) per post",
          {r.seconds, r.seconds},
          {{"instances (EPCIs)", static_cast<double>(r.instances), ""},
           {"trivial (k >= communes)", static_cast<double>(r.trivial), ""},
           {"sites (sum of k)", static_cast<double>(r.sites), ""},
           {"slowest instance", r.slowest_seconds, "s"},
           {"with instance building and export", total, "s"},
           {"population covered within 20 min", r.covered, ""},
           {"share covered", r.covered / r.population, ""}});
}

std::string counts_by_type(const sim::PostTable& posts) {
  std::map<std::string, std::size_t> n;
  for (const sim::Post& p : posts.posts) ++n[std::string(sim::name(p.host_type))];
  std::string s;
  for (const auto& [type, count] : n)
    s += (s.empty() ? "" : ", ") + type + " " + std::to_string(count);
  return s;
}

double mean_figure(const sim::CellResult& cell, const std::string& figure) {
  const auto& info = sim::sweep_figures();
  for (std::size_t i = 0; i < info.size(); ++i)
    if (info[i].name == figure) return cell.figures[i].mean;
  throw Error("sweep has no figure " + figure);
}

void run(const Options& o) {
  std::filesystem::create_directories(o.out);
  StageLog log;
  const std::size_t threads = o.threads > 0 ? o.threads : tbb::info::default_concurrency();
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, threads);
  log.measure("threads", static_cast<double>(threads));
  log.measure("seed", static_cast<double>(o.seed));
  log.measure("load_average_start", load_average());
  std::cout << "covsim national benchmark: " << threads << " threads, seed " << o.seed
            << ", load average " << load_average()
            << " before the run (a value above the thread count means other work competes)\n\n";

  // Territory.
  geo::LoadOptions load;
  load.inputs = department_files(o.data / "communes-2018");
  load.cog = geo::CogOptions{};
  load.cog->dir = o.data / "cog-2026";
  Stopwatch w_load;
  StageClock load_stages;
  const geo::LoadResult loaded = geo::load_territory(load, load_stages);
  const Timing load_t = w_load.elapsed();
  const geo::Territory& t = loaded.territory;
  const geo::LoadReport& rep = loaded.report;
  log.measure("load", load_t);
  std::vector<Figure> load_figures = load_stages.figures();  // reading, repair, dissolve
  const std::vector<Figure> counts = {
      {"files", static_cast<double>(rep.inputs.size()), ""},
      {"features read", static_cast<double>(rep.features_read), ""},
      {"communes", static_cast<double>(t.size()), ""},
      {"polygons repaired", static_cast<double>(rep.repairs.size()), ""},
      {"features merged", static_cast<double>(rep.merges.size()), ""},
      {"unknown codes kept", static_cast<double>(rep.kept_unknown.size()), ""},
      {"population kept", rep.population_kept, ""},
      {"population in scope", rep.population_in_scope, ""}};
  load_figures.insert(load_figures.end(), counts.begin(), counts.end());
  log.add("load 101 departments + COG join + repair", load_t, std::move(load_figures));

  Stopwatch w_adj;
  const geo::Adjacency adjacency = geo::build_adjacency(t);
  const Timing adj_t = w_adj.elapsed();
  log.measure("adjacency", adj_t);
  log.measure("load_adjacency", Timing{load_t.wall + adj_t.wall, load_t.cpu + adj_t.cpu});
  log.add(
      "adjacency", adj_t,
      {{"neighbour pairs", static_cast<double>(adjacency.pair_count()), ""},
       {"components", static_cast<double>(adjacency.component_size.size()), ""},
       {"communes outside the mainland", static_cast<double>(adjacency.outside_main.size()), ""}});

  // What a second `covsim run` of France does instead of the two stages above: check the key
  // (every input's size and date) and read the territory cache back.
  {
    const std::filesystem::path cache = o.out / geo::kTerritoryCacheName;
    std::string why;
    Stopwatch w_save;
    const std::optional<std::string> key =
        geo::territory_cache_key(load, geo::AdjacencyOptions{}, why);
    if (!key) throw std::runtime_error("territory cache: " + why);
    geo::save_territory_cache(cache, *key, t, rep, adjacency);
    const Timing save_t = w_save.elapsed();
    Stopwatch w_cached;
    const std::optional<std::string> again =
        geo::territory_cache_key(load, geo::AdjacencyOptions{}, why);
    const std::optional<geo::CachedTerritory> hit =
        again ? geo::load_territory_cache(cache, *again, why) : std::nullopt;
    const Timing cached_t = w_cached.elapsed();
    if (!hit || hit->territory.code != t.code || hit->adjacency.neighbour != adjacency.neighbour)
      throw std::runtime_error("territory cache: not reloaded the same (" + why + ")");
    std::error_code ec;
    const double megabytes = static_cast<double>(std::filesystem::file_size(cache, ec)) / 1e6;
    log.measure("cached_load", cached_t);
    log.add("territory cache: written once, then reloaded (second run)", cached_t,
            {{"written in", save_t.wall, "s"},
             {"cache size", megabytes, "MB"},
             {"uncached load + adjacency", load_t.wall + adj_t.wall, "s"},
             {"speed-up", (load_t.wall + adj_t.wall) / cached_t.wall, "x"}});
  }

  Stopwatch w_graph;
  geo::TravelGraph graph = geo::adjacency_travel_graph(t, adjacency, geo::SpeedModel{});
  log.add("adjacency travel graph (SpeedModel defaults)", w_graph.elapsed(),
          {{"vertices", static_cast<double>(graph.vertex_count()), ""},
           {"directed edges", static_cast<double>(graph.edge_count()), ""}});
  // The default long-trip curve maps each entry after the search, and lets a 45-min search run
  // to 74 minutes of legs. Timed once here; the stages below, which the peers repeat with
  // plain Dijkstra, use the legs' minutes (curve off) so both sides compute the same thing.
  if (!o.draws_only) {
    Stopwatch w;
    const geo::TravelTable curved = geo::build_travel_table(graph, geo::all_communes(t), 45);
    const Timing e = w.elapsed();
    log.measure("tables_45_trip_curve", e);
    log.add("bounded tables, every commune, 45 min, default long-trip curve", e,
            {{"entries", static_cast<double>(curved.entries()), ""}});
  }
  graph.trip = {};

  // Travel tables, and what the Dijkstra peers compare against.
  const std::vector<geo::CommuneId> sample = sample_communes(t.size(), o.sample_sources, o.seed);
  log.measure("communes", static_cast<double>(t.size()));
  log.measure("graph_vertices", static_cast<double>(graph.vertex_count()));
  log.measure("sample_sources", static_cast<double>(sample.size()));
  Timing exported;
  auto export_rows = [&](const geo::TravelTable& table, const char* file) {
    Stopwatch w;
    write_rows(table, graph, sample, o.out / file);
    exported.wall += w.elapsed().wall;
    exported.cpu += w.elapsed().cpu;
  };
  if (!o.draws_only) {
    const geo::TravelTable t45 = timed_tables(log, graph, t, 45, o.table_repeats);
    export_rows(t45, "covsim_rows_45.csv");
  }
  const geo::TravelTable table = timed_tables(log, graph, t, 30, o.table_repeats);
  if (!o.draws_only) {
    export_rows(table, "covsim_rows_30.csv");
    Stopwatch w_edges;
    write_edges(graph.reverse, o.out / "edges.csv");
    const Timing edges_t = w_edges.elapsed();
    log.add("peer inputs written (edges, sample rows)",
            {exported.wall + edges_t.wall, exported.cpu + edges_t.cpu},
            {{"sample sources", static_cast<double>(sample.size()), ""}});

    // Placement: every EPCI, against CBC's optimum.
    placement_stage(log, t, table, 3, o.out / "placement_3.jsonl", "placement_3");
    placement_stage(log, t, table, 1, o.out / "placement_1.jsonl", "placement_1");
  }

  // ~4,000 posts deployed over France.
  Stopwatch w_posts;
  const sim::PostTable posts = synthesise_posts(t, PostMix{});
  log.note("posts_by_type", counts_by_type(posts));
  log.add("synthetic posts (1 per 17,000 inhabitants)", w_posts.elapsed(),
          {{"posts", static_cast<double>(posts.size()), ""}});
  std::cout << "    " << counts_by_type(posts) << '\n';

  const sim::DeploymentOptions deploy_options;
  const sim::DeploymentInputs inputs{t, table, adjacency, sim::minutes_row_on(graph)};
  Stopwatch w_deploy;
  const sim::Deployment deployment = sim::deploy(inputs, posts, deploy_options);
  const Timing deploy_t = w_deploy.elapsed();
  log.measure("deploy", deploy_t);
  log.add("deploy (team plans: centrality, multi-centre per EPCI, roaming per department)",
          deploy_t,
          {{"fixed sites", static_cast<double>(deployment.sites()), ""},
           {"roaming rounds", static_cast<double>(deployment.circuits()), ""},
           {"roaming stops", static_cast<double>(deployment.stop_commune.size()), ""},
           {"notes", static_cast<double>(deployment.notes.size()), ""}});

  Stopwatch w_model;
  const sim::CoverageModel model(t, table, sim::CoverageOptions{});
  const sim::RenewalPlan plan = sim::plan_renewal(t, posts, synthetic_renewal_rules());
  sim::ReallocationOptions realloc_options;
  realloc_options.file = "national benchmark";
  // Each team's travel minutes are computed here once, for absorb and replan.
  const sim::Reallocator realloc(inputs, posts, deployment, model, deploy_options,
                                 std::move(realloc_options));
  const std::size_t largest = sim::threshold_index(model.options(), 0);
  log.add("coverage model + renewal plan + baseline + team matrices", w_model.elapsed(),
          {{"decision units", static_cast<double>(plan.units()), ""},
           {"population reached within 30 min before renewal",
            [&] {
              double p = 0;
              for (geo::CommuneId c = 0; c < t.size(); ++c)
                if (realloc.baseline().reached_within(c, largest)) p += t.population[c];
              return p;
            }(),
            ""}});

  // One draw: renewal alone, then renewal + coverage + summary, as a sweep does per draw.
  std::vector<std::uint8_t> active(posts.size());
  const std::size_t quick = 20 * o.draw_repeats;
  Stopwatch w_quick;
  std::size_t lost = 0;
  for (std::size_t d = 0; d < quick; ++d) {
    sim::draw_renewal(plan, o.seed, d, std::nullopt, active);
    lost += std::count(active.begin(), active.end(), 0);
  }
  const double draw_only_ms = 1e3 * w_quick.elapsed().wall / static_cast<double>(quick);
  sim::ReallocationScratch scratch;
  sim::CommuneCoverage after;
  sim::GroupCoverage groups;
  std::vector<double> full_ms, full_cpu_ms;
  for (std::size_t d = 0; d < o.draw_repeats; ++d) {
    Stopwatch w;
    sim::draw_renewal(plan, o.seed, d, std::nullopt, active);
    realloc.apply(sim::ReallocationPolicy::none, active, largest, scratch, after);
    model.summarise(after, scratch.coverage, groups);
    const Timing e = w.elapsed();
    full_ms.push_back(1e3 * e.wall);
    full_cpu_ms.push_back(1e3 * e.cpu);
  }
  const double draw_ms = median(full_ms);
  // The same draws as a sweep computes them: only the communes near the posts lost.
  Stopwatch w_incremental;
  const sim::DrawCoverage incremental(model, deployment);
  const double incremental_setup_s = w_incremental.elapsed().wall;
  sim::DrawScratch draw_scratch;
  sim::DrawSummary summary;
  std::vector<double> inc_ms, inc_cpu_ms;
  double recomputed = 0;
  for (std::size_t d = 0; d < o.draw_repeats; ++d) {
    Stopwatch w;
    sim::draw_renewal(plan, o.seed, d, std::nullopt, active);
    incremental.evaluate(active, draw_scratch);
    incremental.summarise(draw_scratch, summary);
    const Timing e = w.elapsed();
    inc_ms.push_back(1e3 * e.wall);
    inc_cpu_ms.push_back(1e3 * e.cpu);
    recomputed += static_cast<double>(draw_scratch.changed.size());
  }
  const double inc_draw_ms = median(inc_ms);
  log.measure("draw_only_ms", draw_only_ms);
  log.measure("draw_full_ms", draw_ms);
  log.measure("draw_full_min_ms", *std::min_element(full_ms.begin(), full_ms.end()));
  log.measure("draw_full_cpu_ms", median(full_cpu_ms));
  log.measure("draw_ms", inc_draw_ms);
  log.measure("draw_min_ms", *std::min_element(inc_ms.begin(), inc_ms.end()));
  log.measure("draw_cpu_ms", median(inc_cpu_ms));
  log.add("one renewal draw over France (1 thread)", {inc_draw_ms / 1e3, median(inc_cpu_ms) / 1e3},
          {{"draw_renewal alone", draw_only_ms, "ms"},
           {"mean posts lost", static_cast<double>(lost) / static_cast<double>(quick), ""},
           {"mean communes recomputed", recomputed / static_cast<double>(o.draw_repeats), ""},
           {"draw + changed communes + summary, median", inc_draw_ms, "ms"},
           {"draw + changed communes + summary, fastest",
            *std::min_element(inc_ms.begin(), inc_ms.end()), "ms"},
           {"draw + changed communes + summary, p95", quantile(inc_ms, 0.95), "ms"},
           {"draw + every commune + summary, median", draw_ms, "ms"},
           {"draw + every commune + summary, fastest",
            *std::min_element(full_ms.begin(), full_ms.end()), "ms"},
           {"incremental set-up (once per sweep)", 1e3 * incremental_setup_s, "ms"},
           {"timed draws", static_cast<double>(o.draw_repeats), ""}});

  Stopwatch w_sweep;
  const sim::SweepResult sweep = sim::run_sweep(plan, realloc, {.seed = o.seed, .draws = o.draws});
  const Timing sweep_t = w_sweep.elapsed();
  const double sweep_s = sweep_t.wall;
  log.measure("sweep_draws", o.draws);
  log.measure("sweep", sweep_t);
  const sim::CellResult& cell = sweep.cells.front();
  log.add("sweep, " + std::to_string(o.draws) + " draws, policy none", sweep_t,
          {{"mean posts lost", mean_figure(cell, "posts_lost"), ""},
           {"mean population losing reach within 30 min",
            mean_figure(cell, "population_losing_reach"), ""},
           {"population", sum(t.population), ""},
           {"per draw", 1e3 * sweep_s / o.draws, "ms"}});
  if (o.full_sweep) {
    // The reference: every commune recomputed in every draw (what sweeps did before).
    Stopwatch w_full;
    const sim::SweepResult full =
        sim::run_sweep(plan, realloc, {.seed = o.seed, .draws = o.draws, .incremental = false});
    const Timing full_t = w_full.elapsed();
    log.measure("sweep_full", full_t);
    log.add("sweep, " + std::to_string(o.draws) + " draws, policy none, every commune", full_t,
            {{"per draw", 1e3 * full_t.wall / o.draws, "ms"},
             {"ratio to the incremental sweep", full_t.wall / sweep_s, ""},
             {"same figures (JSON)",
              covsim::test::exact_json(full) == covsim::test::exact_json(sweep) ? 1.0 : 0.0,
              "(1: yes)"}});
  }

  if (o.absorb_draws == 0) {
    log.measure("peak_rss_mib", peak_rss_mib());
    log.measure("load_average_end", load_average());
    log.save(o.out);
    return;
  }
  const std::uint32_t absorb_draws = o.absorb_draws > 0 ? static_cast<std::uint32_t>(o.absorb_draws)
                                                        : std::max<std::uint32_t>(1, o.draws / 10);
  Stopwatch w_absorb;
  const sim::SweepResult absorbed =
      sim::run_sweep(plan, realloc,
                     {.seed = o.seed,
                      .draws = absorb_draws,
                      .grid = {.policies = {sim::ReallocationPolicy::absorb}}});
  const Timing absorb_t = w_absorb.elapsed();
  const double absorb_s = absorb_t.wall;
  log.measure("absorb_sweep_per_draw_ms", 1e3 * absorb_s / absorb_draws);
  log.add("sweep, " + std::to_string(absorb_draws) + " draws, policy absorb", absorb_t,
          {{"mean absorbed communes", mean_figure(absorbed.cells.front(), "absorbed_communes"), ""},
           {"per draw", 1e3 * absorb_s / absorb_draws, "ms"}});

  log.measure("peak_rss_mib", peak_rss_mib());
  log.measure("load_average_end", load_average());
  log.save(o.out);
}

}  // namespace
}  // namespace covsim::bench

int main(int argc, char** argv) {
  covsim::bench::Options o;
  CLI::App app{"covsim national-scale benchmark (bench/run.sh runs it with the peers)"};
  app.add_option("--data", o.data, "shared data: communes-2018/ and cog-2026/")->required();
  app.add_option("--out", o.out, "directory for covsim.json and the peers' inputs")->required();
  app.add_option("--seed", o.seed, "seed of the source sample and of every renewal draw");
  app.add_option("--sample-sources", o.sample_sources, "sources the Dijkstra peers search");
  app.add_option("--draws", o.draws, "draws of the sweep");
  app.add_option("--table-repeats", o.table_repeats, "runs of each travel table build")
      ->check(CLI::PositiveNumber);
  app.add_option("--draw-repeats", o.draw_repeats, "single draws timed one by one")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", o.threads, "TBB threads (0: all cores)");
  app.add_flag("!--no-full-sweep", o.full_sweep,
               "skip the reference sweep that recomputes every commune in every draw");
  app.add_option("--absorb-draws", o.absorb_draws,
                 "draws of the absorb sweep (default: a tenth of --draws; 0: none)");
  app.add_flag("--draws-only", o.draws_only,
               "skip the 45-min tables, the peers' inputs and placement (timing draws only)");
  CLI11_PARSE(app, argc, argv);
  try {
    covsim::bench::run(o);
  } catch (const std::exception& e) {
    std::cerr << "covsim_national_bench: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
