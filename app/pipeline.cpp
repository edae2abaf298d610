#include "app/pipeline.hpp"

#include <chrono>

#include "app/scenario_posts.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/error.hpp"
#include "geo/od_matrix.hpp"
#include "geo/synthetic_territory.hpp"
#include "geo/territory_cache.hpp"
#include "geo/territory_loader.hpp"
#include "geo/travel_matrix.hpp"

namespace covsim::app {

namespace fs = std::filesystem;

namespace {
class Stopwatch {
 public:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void log_adjacency(const geo::Adjacency& a, std::ostream& log, const std::string& when) {
  log << "adjacency: " << a.pair_count() << " neighbour pairs, " << a.component_size.size()
      << " connected part(s), " << a.outside_main.size() << " commune(s) outside the main one, "
      << when << "\n";
}

void build_adjacency(const Scenario& scenario, Prepared& p, Progress& progress, std::ostream& log) {
  if (p.territory.size() == 0)
    throw InputError(scenario.file, "territory", "the territory has no commune");
  Stopwatch clock;
  p.adjacency = geo::build_adjacency(p.territory, scenario.travel.adjacency, progress);
  log_adjacency(p.adjacency, log, "in " + fixed(clock.seconds(), 2) + " s");
}
}  // namespace

sim::DeploymentInputs deployment_inputs(const Prepared& p) {
  return {p.territory, p.table, p.adjacency, sim::minutes_row_on(p.graph)};
}

Prepared prepare_territory(const Scenario& scenario, Progress& progress, std::ostream& log) {
  Prepared p;
  Stopwatch clock;
  if (scenario.territory.synthetic) {
    p.territory = geo::generate_territory(*scenario.territory.synthetic);
    log << "territory: generated " << p.territory.source << " in " << fixed(clock.seconds(), 2)
        << " s\n";
  } else {
    const TerritorySettings& ts = scenario.territory;
    std::optional<std::string> key;
    std::string why;
    const fs::path cache = ts.cache_dir.value_or(scenario.output.dir) / geo::kTerritoryCacheName;
    if (ts.cache) key = geo::territory_cache_key(ts.load, scenario.travel.adjacency, why);
    if (key)
      if (auto hit = geo::load_territory_cache(cache, *key, why)) {
        p.territory = std::move(hit->territory);
        p.load_report = std::move(hit->report);
        p.adjacency = std::move(hit->adjacency);
        log << "territory: loaded " << p.territory.size() << " communes and their adjacency from "
            << "the cache " << cache.string() << " in " << fixed(clock.seconds(), 2) << " s\n";
        log_adjacency(p.adjacency, log, "cached");
        return p;
      }
    geo::LoadResult loaded = geo::load_territory(ts.load, progress);
    p.territory = std::move(loaded.territory);
    p.load_report = std::move(loaded.report);
    log << "territory: loaded " << p.territory.size() << " communes in "
        << fixed(clock.seconds(), 2) << " s\n";
    build_adjacency(scenario, p, progress, log);
    if (key && !ts.cache_write) {
      log << "territory cache: not written (" << why
          << "): validate and inspect write it only into --cache DIR or territory.cache_dir\n";
    } else if (key) {
      std::error_code ec;
      p.pending_cache.emplace(cache, why);
      p.pending_key = *key;
      // Into a folder of its own at once; into the output folder once the outputs are there.
      if (ts.cache_dir || fs::is_directory(scenario.output.dir, ec)) write_pending_cache(p, log);
    } else if (ts.cache) {
      log << "territory cache: not used: " << why << "\n";
    }
    return p;
  }
  build_adjacency(scenario, p, progress, log);
  return p;
}

void write_pending_cache(Prepared& p, std::ostream& log) {
  if (!p.pending_cache || !p.load_report) return;
  const auto [cache, why] = std::move(*p.pending_cache);
  p.pending_cache.reset();
  try {
    geo::save_territory_cache(cache, p.pending_key, p.territory, *p.load_report, p.adjacency);
    log << "territory cache: written to " << cache.string() << " (" << why << ")\n";
  } catch (const std::exception& e) {  // a speed-up, not an output: the run goes on
    log << "warning: territory cache not written: " << e.what() << "\n";
  }
}

void prepare_travel_graph(const Scenario& scenario, Prepared& p, Progress& progress,
                          std::ostream& log) {
  Stopwatch clock;
  const TravelSettings& tr = scenario.travel;
  if (tr.model == "adjacency") {
    p.graph = geo::adjacency_travel_graph(p.territory, p.adjacency, tr.speeds);
  } else if (tr.model == "road") {
    geo::RoadGraph road = geo::road_travel_graph(p.territory, tr.road, progress);
    p.graph = std::move(road.graph);
    p.road_report = std::move(road.report);
    log << p.road_report->to_text(p.territory);  // snap distances, cache, what was skipped
  } else if (tr.model == "od") {
    p.graph = geo::od_travel_graph(p.territory, tr.od);
  } else {
    throw InputError(scenario.file, "travel.model", "unknown travel model '" + tr.model + "'");
  }
  log << "travel graph (" << p.graph.model << "): " << p.graph.vertex_count() << " vertices, "
      << p.graph.edge_count() << " directed edges, in " << fixed(clock.seconds(), 2) << " s\n";
}

void prepare_travel(const Scenario& scenario, Prepared& p, Progress& progress, std::ostream& log) {
  prepare_travel_graph(scenario, p, progress, log);
  const TravelSettings& tr = scenario.travel;
  Stopwatch table_clock;
  const std::vector<geo::CommuneId> candidates = geo::all_communes(p.territory);
  p.table = geo::build_travel_table(p.graph, candidates, tr.cutoff_minutes, progress);
  log << "travel table: " << p.table.rows() << " sites x communes within "
      << fixed(tr.cutoff_minutes, 0) << " min, " << p.table.entries() << " entries, in "
      << fixed(table_clock.seconds(), 2) << " s\n";
}

Baseline run_baseline(const Scenario& scenario, const Prepared& p, Progress& progress) {
  Baseline b;
  b.posts = scenario_posts(scenario, p.territory);
  b.deployment = sim::deploy(deployment_inputs(p), b.posts, scenario.deployment, {}, progress);
  b.model = std::make_unique<sim::CoverageModel>(p.territory, p.table, scenario.coverage);
  sim::CoverageScratch scratch;
  b.model->compute(b.deployment, {}, scratch, b.communes);
  b.model->summarise(b.communes, scratch, b.groups);
  b.result =
      sim::make_run_result(p.territory, b.posts, b.deployment, *b.model, b.communes, b.groups);
  return b;
}

}  // namespace covsim::app
