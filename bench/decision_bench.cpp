// The planner's decisions at the scale of France: `recommend --add 100` (reach within 15 min)
// after a seeded renewal draw of the ~4,000 synthetic posts, and `prioritise` of those posts
// (keep as many as the draw keeps, policy none), timed; then the same algorithms on EPCI-sized
// instances (recommend: k new posts per EPCI among its communes; prioritise: each department's
// posts alone, keeping as many as its draw keeps), written as max-cover JSON lines that
// bench/peers/cbc_peer.py solves exactly with CBC, so the gap to the optimum is measured.
//
//   covsim_decision_bench --data ../shared/data --out build-bench/out/decisions --seed 7
//   cbc_peer.py build-bench/out/decisions recommend_epci.jsonl prioritise_dept.jsonl
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/stage_log.hpp"
#include "bench/synthetic_posts.hpp"
#include "geo/adjacency.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/detail/atomic_file.hpp"
#include "geo/error.hpp"
#include "geo/territory_loader.hpp"
#include "geo/travel_graph.hpp"
#include "geo/travel_table.hpp"
#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/prioritise.hpp"
#include "sim/recommend.hpp"
#include "sim/renewal.hpp"

namespace covsim::bench {
namespace {

struct Options {
  std::filesystem::path data;
  std::filesystem::path out;
  std::uint64_t seed = 7;
  std::uint32_t add = 100;
  std::uint32_t epci_add = 3;
  std::size_t threads = 0;
};

// 15 min of CoverageOptions' {15, 20, 30}: at 30 min the synthetic posts already reach all but
// 0.2 % of France, which leaves the decisions little to choose.
constexpr std::size_t kThreshold = 0;

// A max-cover instance as cbc_peer.py reads it: demand weights, each candidate's demand points,
// k, and covsim's choice.
struct Instance {
  std::vector<double> weight;
  std::vector<std::vector<std::uint32_t>> cover;
  std::vector<std::uint32_t> chosen;
  double covered = 0;
  std::uint32_t k = 0;
  std::string group, name;
  double seconds = 0;
  void write(std::ostream& out) const {
    nlohmann::json line = {
        {"weight", weight}, {"cover", cover}, {"k", k}, {"group", group}, {"name", name}};
    line["covsim"] = {{"covered", covered}, {"chosen", chosen}, {"seconds", seconds}};
    out << line.dump() << '\n';
  }
};

// Demand points numbered as first met; `lists[c]` the communes candidate c covers.
Instance instance_of(const std::vector<std::vector<geo::CommuneId>>& lists,
                     const std::vector<double>& population) {
  Instance in;
  std::unordered_map<geo::CommuneId, std::uint32_t> index;
  for (const auto& list : lists) {
    std::vector<std::uint32_t> c;
    for (geo::CommuneId x : list) {
      auto [it, added] = index.emplace(x, static_cast<std::uint32_t>(in.weight.size()));
      if (added) in.weight.push_back(population[x]);
      c.push_back(it->second);
    }
    in.cover.push_back(std::move(c));
  }
  return in;
}

std::vector<std::filesystem::path> department_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".geojson") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw Error(dir.string() + ": no .geojson file");
  return files;
}

void run(const Options& o) {
  std::filesystem::create_directories(o.out);
  StageLog log;
  const std::size_t threads = o.threads > 0 ? o.threads : tbb::info::default_concurrency();
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, threads);
  std::cout << "covsim decision benchmark: " << threads << " threads, seed " << o.seed
            << ", load average " << load_average() << "\n\n";
  log.measure("threads", static_cast<double>(threads));

  geo::LoadOptions load;
  load.inputs = department_files(o.data / "communes-2018");
  load.cog = geo::CogOptions{};
  load.cog->dir = o.data / "cog-2026";
  Stopwatch w_load;
  const geo::LoadResult loaded = geo::load_territory(load);
  const geo::Territory& t = loaded.territory;
  const geo::Adjacency adjacency = geo::build_adjacency(t);
  const geo::TravelGraph graph = geo::adjacency_travel_graph(t, adjacency, geo::SpeedModel{});
  const geo::TravelTable table = geo::build_travel_table(graph, geo::all_communes(t), 30);
  log.add("France: load, adjacency, travel graph, 30-min tables", w_load.elapsed(),
          {{"communes", static_cast<double>(t.size()), ""},
           {"table entries", static_cast<double>(table.entries()), ""}});

  Stopwatch w_deploy;
  const sim::PostTable posts = synthesise_posts(t, PostMix{});
  const sim::DeploymentOptions deploy_options;
  const sim::DeploymentInputs inputs{t, table, adjacency, sim::minutes_row_on(graph)};
  const sim::Deployment deployment = sim::deploy(inputs, posts, deploy_options);
  const sim::CoverageModel model(t, table, sim::CoverageOptions{});
  const sim::Reallocator realloc(inputs, posts, deployment, model, deploy_options,
                                 {.file = "decision benchmark"});
  const sim::RenewalPlan plan = sim::plan_renewal(t, posts, synthetic_renewal_rules());
  std::vector<std::uint8_t> active(posts.size());
  sim::draw_renewal(plan, o.seed, 0, std::nullopt, active);
  const auto kept = static_cast<std::uint32_t>(std::count(active.begin(), active.end(), 1));
  sim::ReallocationScratch scratch;
  sim::CommuneCoverage after;
  realloc.apply(sim::ReallocationPolicy::none, active, kThreshold, scratch, after);
  std::vector<std::uint8_t> lost(t.size());
  for (geo::CommuneId c = 0; c < t.size(); ++c)
    lost[c] = sim::lost_permanence(realloc.baseline(), after, c);
  log.add("synthetic posts, deployment, renewal draw", w_deploy.elapsed(),
          {{"posts", static_cast<double>(posts.size()), ""},
           {"kept by draw 0", static_cast<double>(kept), ""}});

  const sim::Deployment left = sim::active_only(deployment, active);
  const sim::PlanState state{posts, active, left, after, lost};
  for (const sim::PlacementGoal goal :
       {sim::PlacementGoal::reach, sim::PlacementGoal::permanence, sim::PlacementGoal::access}) {
    sim::RecommendOptions ro{.add = o.add, .goal = goal, .threshold = kThreshold};
    Stopwatch w;
    const sim::Recommendation r = sim::recommend(inputs, model, state, deploy_options, ro);
    const Timing e = w.elapsed();
    const std::string key = "recommend_" + std::string(sim::name(goal));
    log.measure(key, e);
    log.measure(key + "_total", r.total);
    log.add("recommend --add " + std::to_string(o.add) + " --objective " +
                std::string(sim::name(goal)) + ", France",
            e,
            {{"gain of all picks", r.total, ""},
             {"objective before", r.value_before, ""},
             {"interchanges", static_cast<double>(r.swaps), ""},
             {"candidate evaluations", static_cast<double>(r.evaluations), ""}});
  }

  {
    Stopwatch w;
    const sim::Priorities pr = sim::prioritise(realloc, {.keep = kept, .threshold = kThreshold});
    const Timing e = w.elapsed();
    const sim::KeepFigures decided =
        sim::evaluate_keep(realloc, sim::ReallocationPolicy::none, active, kThreshold);
    log.measure("prioritise", e);
    log.add("prioritise --keep " + std::to_string(kept) + " (policy none), France", e,
            {{"reached within 15 min, every post", pr.all.population_reached, ""},
             {"reached, recommended keep-set", pr.kept.population_reached, ""},
             {"reached, the draw's keep-set", decided.population_reached, ""},
             {"swaps", static_cast<double>(pr.swaps), ""},
             {"evaluations", static_cast<double>(pr.evaluations), ""}});
  }

  // EPCI-sized recommend instances: k new posts among an EPCI's communes, the same objective
  // (population newly reached within 15 min, anywhere).
  const geo::Grouping& epci = *t.grouping("epci");
  const float minutes = model.options().thresholds_minutes[kThreshold];
  std::vector<std::vector<geo::CommuneId>> members(epci.size());
  for (geo::CommuneId c = 0; c < t.size(); ++c)
    if (epci.of[c] != geo::kNoGroup) members[epci.of[c]].push_back(c);
  Stopwatch w_epci;
  std::size_t instances = 0;
  geo::detail::write_atomically(
      o.out / "recommend_epci.jsonl", true, [&](const std::filesystem::path& temp) {
        std::ofstream out(temp);
        for (geo::GroupId g = 0; g < epci.size(); ++g) {
          std::vector<std::vector<geo::CommuneId>> lists;
          for (geo::CommuneId c : members[g]) {
            std::vector<geo::CommuneId> l;
            for (const geo::Reach& e : table.row(table.row_of(c)))
              if (e.minutes <= minutes && !after.reached_within(e.commune, kThreshold))
                l.push_back(e.commune);
            lists.push_back(std::move(l));
          }
          Instance in = instance_of(lists, t.population);
          if (in.weight.empty()) continue;  // every commune around is reached: nothing to gain
          sim::RecommendOptions ro{
              .add = o.epci_add, .goal = sim::PlacementGoal::reach, .threshold = kThreshold};
          ro.candidates = members[g];
          Stopwatch w;
          const sim::Recommendation r = sim::recommend(inputs, model, state, deploy_options, ro);
          in.seconds = w.seconds();
          for (geo::CommuneId c : r.picks)
            in.chosen.push_back(static_cast<std::uint32_t>(
                std::find(members[g].begin(), members[g].end(), c) - members[g].begin()));
          in.covered = r.total;
          in.k = o.epci_add;
          in.group = epci.codes[g];
          in.name = epci.names[g];
          in.write(out);
          ++instances;
        }
      });
  log.add("recommend on every EPCI with unreached population (k = " + std::to_string(o.epci_add) +
              "), instances for CBC",
          w_epci.elapsed(), {{"instances", static_cast<double>(instances), ""}});

  // Department-sized prioritise instances: each department's posts alone.
  const geo::Grouping& dept = *t.grouping("department");
  Stopwatch w_dept;
  std::size_t dept_instances = 0;
  geo::detail::write_atomically(
      o.out / "prioritise_dept.jsonl", true, [&](const std::filesystem::path& temp) {
        std::ofstream out(temp);
        for (geo::GroupId g = 0; g < dept.size(); ++g) {
          sim::PostTable sub;
          std::vector<sim::PostId> original;
          for (sim::PostId p = 0; p < posts.size(); ++p)
            if (dept.of[posts.posts[p].home] == g) {
              sub.posts.push_back(posts.posts[p]);
              original.push_back(p);
            }
          if (sub.size() < 2) continue;
          sim::Deployment base;
          std::vector<sim::PostId> local(posts.size(), sim::kNoPost);
          for (sim::PostId i = 0; i < original.size(); ++i) local[original[i]] = i;
          for (sim::SiteId s = 0; s < deployment.sites(); ++s)
            if (local[deployment.site_post[s]] != sim::kNoPost)
              sim::append_site(base, deployment.site_commune[s], local[deployment.site_post[s]],
                               deployment.site_weekly_hours[s]);
          for (sim::CircuitId c = 0; c < deployment.circuits(); ++c)
            if (local[deployment.circuit_post[c]] != sim::kNoPost)
              sim::append_circuit(base, deployment, c, local[deployment.circuit_post[c]]);
          const sim::Reallocator sub_realloc(inputs, sub, base, model, deploy_options,
                                             {.file = "decision benchmark"});
          std::uint32_t keep = 0;
          for (sim::PostId p : original) keep += active[p];
          keep = std::max<std::uint32_t>(keep, 1);
          Stopwatch w;
          const sim::Priorities pr =
              sim::prioritise(sub_realloc, {.keep = keep, .threshold = kThreshold});
          const double seconds = w.seconds();
          std::vector<std::vector<geo::CommuneId>> lists(sub.size());
          auto reach_from = [&](sim::PostId p, geo::CommuneId place) {
            for (const geo::Reach& e : table.row(table.row_of(place)))
              if (e.minutes <= minutes) lists[p].push_back(e.commune);
          };
          for (sim::SiteId s = 0; s < base.sites(); ++s)
            reach_from(base.site_post[s], base.site_commune[s]);
          for (sim::CircuitId c = 0; c < base.circuits(); ++c)
            for (std::uint32_t k = base.circuit_first[c]; k < base.circuit_first[c + 1]; ++k)
              if (model.stop_gives_reach(base.stop_visits_per_month[k]))
                reach_from(base.circuit_post[c], base.stop_commune[k]);
          for (auto& l : lists) {
            std::sort(l.begin(), l.end());
            l.erase(std::unique(l.begin(), l.end()), l.end());
          }
          Instance in = instance_of(lists, t.population);
          for (sim::PostId p = 0; p < sub.size(); ++p)
            if (pr.keep[p]) in.chosen.push_back(p);
          in.covered = pr.kept.population_reached;
          in.k = keep;
          in.group = dept.codes[g];
          in.name = dept.names[g];
          in.seconds = seconds;
          in.write(out);
          ++dept_instances;
        }
      });
  log.add("prioritise on every department's posts alone, instances for CBC", w_dept.elapsed(),
          {{"instances", static_cast<double>(dept_instances), ""}});
  log.measure("peak_rss_mib", peak_rss_mib());
  log.save(o.out);
}

}  // namespace
}  // namespace covsim::bench

int main(int argc, char** argv) {
  covsim::bench::Options o;
  CLI::App app{"covsim decisions at national scale (recommend, prioritise) and CBC instances"};
  app.add_option("--data", o.data, "shared data: communes-2018/ and cog-2026/")->required();
  app.add_option("--out", o.out, "directory for the instances and covsim.json")->required();
  app.add_option("--seed", o.seed, "seed of the renewal draw");
  app.add_option("--add", o.add, "new posts over France")->check(CLI::PositiveNumber);
  app.add_option("--epci-add", o.epci_add, "new posts per EPCI instance")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", o.threads, "TBB threads (0: all cores)");
  CLI11_PARSE(app, argc, argv);
  try {
    covsim::bench::run(o);
  } catch (const std::exception& e) {
    std::cerr << "covsim_decision_bench: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
