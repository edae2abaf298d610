// Renewal, reallocation and sweeps on a real department (Ille-et-Vilaine, communes-2018 joined
// with the COG 2026, adjacency travel): no hand figures, but invariants that must hold on any
// territory, each checked against a computation independent of the code under test.
#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "geo/adjacency.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/territory_loader.hpp"
#include "geo/travel_table.hpp"
#include "sim/reallocation.hpp"
#include "sim/renewal.hpp"
#include "sim/renewal_impact.hpp"
#include "sim/rng.hpp"
#include "sim/sweep.hpp"
#include "tests/sim/sweep_json.hpp"
#include "tests/test_data.hpp"

namespace covsim::sim {
namespace {

constexpr const char* kIlle = "communes-2018/35-ille-et-vilaine.geojson";

// Per EPCI: the seat (most populated commune) hosts a renewed commune post; the department
// hosts a multi-centre post over the EPCI (and a roaming one in communities of 15 communes or
// more: a team of two); an association works from the second commune.
struct Department {
  geo::Territory territory;
  geo::Adjacency adjacency;
  std::optional<geo::TravelGraph> graph;
  geo::TravelTable table;
  PostTable posts;
  DeploymentOptions deploy_options;
  Deployment base;
  std::optional<CoverageModel> model;
  std::optional<Reallocator> realloc;

  Department() {
    geo::LoadOptions o;
    o.inputs = {test::shared_data() / kIlle};
    o.cog = geo::CogOptions{};
    o.cog->dir = test::shared_data() / "cog-2026";
    territory = geo::load_territory(o).territory;
    // The model these expectations were written on (before the 2026-12 defaults): with long
    // trips 1.75 x faster, commune posts alone reach every commune within 30 min and the
    // worst case would lose nothing.
    adjacency = geo::build_adjacency(territory);
    graph.emplace(geo::adjacency_travel_graph(territory, adjacency,
                                              {.density_classes = {}, .long_trip_speedup = 1}));
    table = geo::build_travel_table(*graph, geo::all_communes(territory), 45);
    const geo::Grouping& epci = *territory.grouping("epci");
    for (geo::GroupId g = 0; g < epci.size(); ++g) {
      std::vector<geo::CommuneId> members;
      for (geo::CommuneId c = 0; c < territory.size(); ++c)
        if (epci.of[c] == g) members.push_back(c);
      if (members.size() < 2) continue;
      std::sort(members.begin(), members.end(), [&](geo::CommuneId a, geo::CommuneId b) {
        return territory.population[a] > territory.population[b];
      });
      const std::string code = epci.codes[g];
      posts.posts.push_back({.id = code + "-commune",
                             .host_type = HostType::commune,
                             .home = members[0],
                             .renewal = Renewal::renewed});
      posts.posts.push_back({.id = code + "-department",
                             .host_type = HostType::department,
                             .home = members[0],
                             .strategy = Strategy::multi_centre,
                             .group_key = "epci",
                             .group = g,
                             .site_count = 2});
      if (members.size() >= 15)  // a large community: the department adds a roaming advisor
        posts.posts.push_back({.id = code + "-department-roaming",
                               .host_type = HostType::department,
                               .home = members[2],
                               .strategy = Strategy::roaming,
                               .group_key = "epci",
                               .group = g});
      posts.posts.push_back({.id = code + "-association",
                             .host_type = HostType::association,
                             .home = members[1],
                             .weekly_hours = 24,
                             .funding = Funding::private_body,
                             .renewal_probability = 0.5});
    }
    const DeploymentInputs inputs{territory, table, adjacency, minutes_row_on(*graph)};
    base = deploy(inputs, posts, deploy_options);
    model.emplace(territory, table, CoverageOptions{.thresholds_minutes = {20, 30}});
    realloc.emplace(inputs, posts, base, *model, deploy_options, ReallocationOptions{});
  }
};

// The department withdraws; each EPCI decides for the posts it inherits with p = 0.5.
RenewalRules withdrawal() {
  return {.rules = {{.name = "the department withdraws",
                     .match = {.host_types = {HostType::department}},
                     .action = RuleAction::transfer,
                     .probability = 0.5,
                     .transfer_key = "epci"}}};
}

TEST(RenewalOnRealData, DepartmentWithdrawalWorstCase) {
  COVSIM_REQUIRE_SHARED_DATA(kIlle);
  COVSIM_REQUIRE_SHARED_DATA("cog-2026/communes.json");
  const Department d;
  ASSERT_GT(d.posts.size(), 30u);
  const RenewalPlan plan = plan_renewal(d.territory, d.posts, withdrawal());
  const std::size_t nt = 2;

  // Worst case: every random post (inherited or association) lost.
  const RenewalImpact none = assess_renewal(plan, *d.realloc, {.random_kept = false});
  const RenewalImpact absorb = assess_renewal(
      plan, *d.realloc, {.policy = ReallocationPolicy::absorb, .random_kept = false});
  for (PostId p = 0; p < d.posts.size(); ++p)
    EXPECT_EQ(none.active[p], d.posts.posts[p].host_type == HostType::commune) << p;

  // Recount territory-wide losses from the per-commune coverage.
  for (std::size_t t = 0; t < nt; ++t) {
    double lost = 0, priority = 0;
    for (geo::CommuneId c = 0; c < d.territory.size(); ++c)
      if (none.before.reached_within(c, t) && !none.after.reached_within(c, t)) {
        lost += d.territory.population[c];
        priority += d.territory.priority_population[c];
      }
    EXPECT_DOUBLE_EQ(none.population_losing[t], lost);
    EXPECT_DOUBLE_EQ(none.priority_population_losing[t], priority);
    EXPECT_GT(lost, 0) << "losing two posts in three must cost some reach";
    // Absorb only adds visits: no commune reached under none is unreached under absorb.
    EXPECT_LE(absorb.population_losing[t], none.population_losing[t]);
    for (geo::CommuneId c = 0; c < d.territory.size(); ++c)
      if (none.after.reached_within(c, t)) {
        EXPECT_TRUE(absorb.after.reached_within(c, t)) << c;
      }
  }
  // Every absorbed commune was orphaned (lost reach at 30 min or its permanence) and stays
  // within its advisor's budget.
  std::vector<double> moved(d.posts.size(), 0);
  for (const Absorption& a : absorb.absorbed) {
    EXPECT_TRUE(none.loss.loses_reach(a.commune, 1) || none.loss.loses_permanence(a.commune));
    moved[a.post] += a.presence_hours + a.travel_hours;
  }
  for (PostId p = 0; p < d.posts.size(); ++p)
    EXPECT_LE(moved[p], 0.5 * d.posts.posts[p].weekly_hours + 1e-9);
  EXPECT_GT(absorb.absorbed.size(), 0u);
  std::printf(
      "[ figures  ] %zu communes, %zu posts; worst case loses reach within 30 min for "
      "%.0f inhabitants (none), %.0f (absorb, %zu communes absorbed)\n",
      d.territory.size(), d.posts.size(), none.population_losing[1], absorb.population_losing[1],
      absorb.absorbed.size());
}

TEST(RenewalOnRealData, SweepAgreesWithDirectDrawsAndAbsorbNeverLosesMore) {
  COVSIM_REQUIRE_SHARED_DATA(kIlle);
  COVSIM_REQUIRE_SHARED_DATA("cog-2026/communes.json");
  const Department d;
  // Each department post decides on its own, so a team of two may keep one.
  const RenewalPlan plan = plan_renewal(d.territory, d.posts,
                                        {.rules = {{.name = "each department post decides",
                                                    .match = {.host_types = {HostType::department}},
                                                    .action = RuleAction::probability,
                                                    .probability = 0.5}}});
  const std::uint32_t draws = 64;
  const SweepOptions options{
      .seed = 2026,
      .draws = draws,
      .grid = {.policies = {ReallocationPolicy::none, ReallocationPolicy::absorb,
                            ReallocationPolicy::replan}}};
  const auto start = std::chrono::steady_clock::now();
  SweepResult r;
  tbb::task_arena two(2);
  two.execute([&] { r = run_sweep(plan, *d.realloc, options); });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.cells.size(), 3u);

  // Posts lost, counted by drawing directly.
  double lost = 0;
  std::vector<std::uint8_t> active(d.posts.size());
  for (std::uint64_t k = 0; k < draws; ++k) {
    draw_renewal(plan, options.seed, k, std::nullopt, active);
    lost += static_cast<double>(std::count(active.begin(), active.end(), 0));
  }
  const std::vector<FigureInfo>& info = sweep_figures();
  const auto figure = [&](const CellResult& c, const std::string& name) {
    for (std::size_t k = 0; k < info.size(); ++k)
      if (info[k].name == name) return c.figures[k];
    throw std::out_of_range(name);
  };
  for (const CellResult& c : r.cells) EXPECT_DOUBLE_EQ(figure(c, "posts_lost").mean, lost / draws);

  // Same draws under every policy: absorb can only keep reach that none loses.
  for (geo::CommuneId c = 0; c < d.territory.size(); ++c)
    EXPECT_LE(r.cells[1].loss_probability[c], r.cells[0].loss_probability[c]) << c;
  EXPECT_LE(figure(r.cells[1], "population_losing_reach").mean,
            figure(r.cells[0], "population_losing_reach").mean);
  EXPECT_GT(figure(r.cells[2], "groups_replanned").mean, 0);

  // One thread gives the same bytes.
  SweepResult one_thread;
  tbb::task_arena one(1);
  one.execute([&] { one_thread = run_sweep(plan, *d.realloc, options); });
  EXPECT_EQ(covsim::test::exact_json(r).dump(), covsim::test::exact_json(one_thread).dump());
  // Recomputing every commune in every draw gives the same bytes as recomputing only the
  // communes near the posts lost (sim/draw_coverage.hpp), under every policy.
  SweepOptions every_commune = options;
  every_commune.incremental = false;
  SweepResult full;
  two.execute([&] { full = run_sweep(plan, *d.realloc, every_commune); });
  EXPECT_EQ(covsim::test::exact_json(r).dump(), covsim::test::exact_json(full).dump());
  std::printf(
      "[ figures  ] %u draws x 3 policies in %.2f s on 2 threads; population losing "
      "reach within 30 min: mean %.0f (none), %.0f (absorb), %.0f (replan)\n",
      draws, seconds, figure(r.cells[0], "population_losing_reach").mean,
      figure(r.cells[1], "population_losing_reach").mean,
      figure(r.cells[2], "population_losing_reach").mean);
}

}  // namespace
}  // namespace covsim::sim
