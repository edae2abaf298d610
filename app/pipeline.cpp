#include "app/pipeline.hpp"

#include <chrono>

#include "app/scenario_posts.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/error.hpp"
#include "geo/od_matrix.hpp"
#include "geo/synthetic_territory.hpp"
#include "geo/territory_loader.hpp"
#include "geo/travel_matrix.hpp"

namespace covsim::app {

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
    geo::LoadResult loaded = geo::load_territory(scenario.territory.load, progress);
    p.territory = std::move(loaded.territory);
    p.load_report = std::move(loaded.report);
    log << "territory: loaded " << p.territory.size() << " communes in "
        << fixed(clock.seconds(), 2) << " s\n";
  }
  if (p.territory.size() == 0)
    throw InputError(scenario.file, "territory", "the territory has no commune");
  Stopwatch adjacency_clock;
  p.adjacency = geo::build_adjacency(p.territory, scenario.travel.adjacency, progress);
  log << "adjacency: " << p.adjacency.pair_count() << " neighbour pairs, "
      << p.adjacency.component_size.size() << " connected part(s), "
      << p.adjacency.outside_main.size() << " commune(s) outside the main one, in "
      << fixed(adjacency_clock.seconds(), 2) << " s\n";
  return p;
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
