// Micro benchmarks of the hot parts, on the seeded synthetic territory (no external data), for
// owners checking a change quickly: bounded travel tables, one max-cover placement, one renewal
// draw and one coverage computation. The national figures come from covsim_national_bench.
//
//   covsim_micro_bench --benchmark_filter=Coverage
#include <benchmark/benchmark.h>

#include <algorithm>

#include "bench/synthetic_posts.hpp"
#include "geo/adjacency.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/synthetic_territory.hpp"
#include "geo/travel_table.hpp"
#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/location_allocation.hpp"
#include "sim/renewal.hpp"

namespace covsim::bench {
namespace {

// Everything a benchmark reads, built once: 900 communes (the generator's largest), a post per
// 2,000 inhabitants so the draw has a few dozen posts to decide.
struct World {
  geo::Territory territory = geo::generate_territory({.seed = 7, .communes = 900});
  geo::Adjacency adjacency = geo::build_adjacency(territory);
  geo::TravelGraph graph = geo::adjacency_travel_graph(territory, adjacency, {});
  geo::TravelTable table = geo::build_travel_table(graph, geo::all_communes(territory), 30.0f);
  sim::PostTable posts = synthesise_posts(territory, {.inhabitants_per_post = 2000});
  sim::Deployment deployment =
      sim::deploy({territory, table, adjacency, sim::minutes_row_on(graph)}, posts, {});
  sim::RenewalPlan plan = sim::plan_renewal(territory, posts, synthetic_renewal_rules());
};

// Built on first use and never changed: benchmarks only read it.
const World& world() {
  static const World w;
  return w;
}

void BM_TravelTable(benchmark::State& state) {
  const World& w = world();
  const std::vector<geo::CommuneId> candidates = geo::all_communes(w.territory);
  const auto cutoff = static_cast<float>(state.range(0));
  std::size_t entries = 0;
  for (auto _ : state) {
    const geo::TravelTable t = geo::build_travel_table(w.graph, candidates, cutoff);
    entries = t.entries();
    benchmark::DoNotOptimize(entries);
  }
  state.counters["entries"] = static_cast<double>(entries);
  state.counters["entries/s"] =
      benchmark::Counter(static_cast<double>(entries) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TravelTable)->Arg(30)->Arg(45)->Unit(benchmark::kMillisecond);

void BM_MaxCoverPlacement(benchmark::State& state) {
  const World& w = world();
  const geo::Grouping& epci = *w.territory.grouping("epci");
  // The largest EPCI: the hardest instance of the territory.
  std::vector<std::size_t> size(epci.size(), 0);
  for (geo::GroupId g : epci.of)
    if (g != geo::kNoGroup) ++size[g];
  const auto largest =
      static_cast<geo::GroupId>(std::max_element(size.begin(), size.end()) - size.begin());
  std::vector<geo::CommuneId> communes;
  for (geo::CommuneId c = 0; c < w.territory.size(); ++c)
    if (epci.of[c] == largest) communes.push_back(c);
  const sim::LocationProblem pb =
      sim::location_problem(w.table, communes, communes, w.territory.population);
  const auto k = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    const sim::LocationSolution s = sim::solve_location(pb, k, {.cover_minutes = 20});
    benchmark::DoNotOptimize(s.covered);
  }
  state.counters["communes"] = static_cast<double>(communes.size());
}
BENCHMARK(BM_MaxCoverPlacement)->Arg(3)->Arg(9)->Unit(benchmark::kMillisecond);

void BM_DrawRenewal(benchmark::State& state) {
  const World& w = world();
  std::vector<std::uint8_t> active(w.posts.size());
  std::uint64_t draw = 0;
  for (auto _ : state) {
    sim::draw_renewal(w.plan, 7, draw++, std::nullopt, active);
    benchmark::DoNotOptimize(active.data());
  }
  state.counters["posts"] = static_cast<double>(w.posts.size());
}
BENCHMARK(BM_DrawRenewal);

void BM_CoverageCompute(benchmark::State& state) {
  const World& w = world();
  const sim::CoverageModel model(w.territory, w.table, sim::CoverageOptions{});
  sim::CoverageScratch scratch;
  sim::CommuneCoverage out;
  std::vector<std::uint8_t> active(w.posts.size());
  std::uint64_t draw = 0;
  for (auto _ : state) {
    sim::draw_renewal(w.plan, 7, draw++, std::nullopt, active);
    model.compute(w.deployment, active, scratch, out);
    benchmark::DoNotOptimize(out.access.data());
  }
  state.counters["sites"] = static_cast<double>(w.deployment.sites());
}
BENCHMARK(BM_CoverageCompute)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace covsim::bench

BENCHMARK_MAIN();
