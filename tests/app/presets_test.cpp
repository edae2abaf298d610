// The presets of scenarios/ on the real communes of ../shared/data: each validates as the CLI
// would, and reproduces the figure of DOMAIN.md it was written for.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "app/scenario.hpp"
#include "app/scenario_posts.hpp"
#include "sim/renewal.hpp"
#include "sim/renewal_impact.hpp"
#include "tests/test_data.hpp"

namespace {

namespace fs = std::filesystem;
using namespace covsim;

fs::path preset(const std::string& name) {
  return test::source_dir() / "scenarios" / (name + ".yaml");
}

// `covsim validate` in-process: keys, values, files, posts, renewal plan and sweep grid.
void expect_valid(const fs::path& file) {
  app::CommonOptions o;
  o.scenario = file;
  std::ostringstream log;
  EXPECT_EQ(app::command_validate(o, log, null_progress()), app::kOk);
  EXPECT_NE(log.str().find(": valid"), std::string::npos) << log.str();
}

struct Loaded {
  app::Scenario scenario;
  app::Prepared prepared;
  sim::PostTable posts;
  sim::RenewalPlan plan;
};

Loaded load(const fs::path& file) {
  Loaded l;
  l.scenario = app::read_scenario(file);
  std::ostringstream log;
  l.prepared = app::prepare_territory(l.scenario, null_progress(), log);
  l.posts = app::scenario_posts(l.scenario, l.prepared.territory);
  l.plan = sim::plan_renewal(l.prepared.territory, l.posts, l.scenario.renewal->rules);
  return l;
}

std::map<sim::Fate, int> fates(const sim::RenewalPlan& plan) {
  std::map<sim::Fate, int> n;
  for (sim::Fate f : plan.fate) ++n[f];
  return n;
}

TEST(Presets, MetropolitanTwoThirdsOfSixtyRenewed) {
  COVSIM_REQUIRE_SHARED_DATA("communes-2018/35-ille-et-vilaine.geojson");
  expect_valid(preset("rennes-metropole"));
  const Loaded l = load(preset("rennes-metropole"));
  ASSERT_EQ(l.posts.size(), 60u);
  int renewed = 0;
  for (const sim::Post& p : l.posts.posts) renewed += p.renewal == sim::Renewal::renewed;
  EXPECT_EQ(renewed, 40);
  // 40 renewed + 2 still running kept, 17 lost, 1 undecided.
  auto n = fates(l.plan);
  EXPECT_EQ(n[sim::Fate::kept], 42);
  EXPECT_EQ(n[sim::Fate::lost], 17);
  EXPECT_EQ(n[sim::Fate::random], 1);
  // Mostly associations and social centres, one commune.
  std::map<sim::HostType, int> lost;
  for (sim::PostId p = 0; p < l.posts.size(); ++p)
    if (l.plan.fate[p] == sim::Fate::lost) ++lost[l.posts.posts[p].host_type];
  EXPECT_EQ(lost[sim::HostType::association] + lost[sim::HostType::social_centre], 16);
  EXPECT_EQ(lost[sim::HostType::commune], 1);
  // Every post's home is a commune of Rennes Métropole.
  const geo::Grouping* epci = l.prepared.territory.grouping("epci");
  ASSERT_NE(epci, nullptr);
  for (const sim::Post& p : l.posts.posts)
    EXPECT_EQ(epci->codes[epci->of[p.home]], "243500139") << p.id;
}

TEST(Presets, RuralDepartmentWithdrawsFromItsEightCommunities) {
  COVSIM_REQUIRE_SHARED_DATA("communes-2018/09-ariege.geojson");
  expect_valid(preset("ariege-department-withdraws"));
  const Loaded l = load(preset("ariege-department-withdraws"));
  const geo::Grouping* epci = l.prepared.territory.grouping("epci");
  ASSERT_NE(epci, nullptr);
  EXPECT_EQ(epci->codes.size(), 8u);
  // Every department post passes to its EPCI; the eight EPCIs decide once each.
  std::set<std::uint32_t> units;
  for (sim::PostId p = 0; p < l.posts.size(); ++p) {
    if (l.posts.posts[p].host_type != sim::HostType::department) continue;
    EXPECT_EQ(l.plan.fate[p], sim::Fate::random) << l.posts.posts[p].id;
    units.insert(l.plan.unit[p]);
  }
  EXPECT_EQ(units.size(), 8u);
  for (std::uint32_t u : units) EXPECT_DOUBLE_EQ(l.plan.unit_probability[u], 0.35);
}

TEST(Presets, AgglomerationFromFourAdvisorsToTwo) {
  COVSIM_REQUIRE_SHARED_DATA("communes-2018/82-tarn-et-garonne.geojson");
  expect_valid(preset("montauban-four-to-two"));
  Loaded l = load(preset("montauban-four-to-two"));
  const geo::Territory& t = l.prepared.territory;
  const geo::Grouping* epci = t.grouping("epci");
  ASSERT_NE(epci, nullptr);
  int members = 0;
  for (geo::CommuneId c = 0; c < t.size(); ++c)
    members += epci->of[c] != geo::kNoGroup && epci->codes[epci->of[c]] == "248200099";
  EXPECT_EQ(members, 12);
  ASSERT_EQ(l.posts.size(), 4u);
  std::vector<std::uint8_t> active(l.posts.size());
  sim::settle_renewal(l.plan, true, active);
  EXPECT_EQ(std::count(active.begin(), active.end(), 1), 2);

  // absorb never takes Montauban's protected days; replan re-plans the agglomeration's centre.
  std::ostringstream log;
  app::prepare_travel(l.scenario, l.prepared, null_progress(), log);
  const app::Baseline b = app::run_baseline(l.scenario, l.prepared, null_progress());
  EXPECT_EQ(b.deployment.circuits(), 1u);
  const sim::Reallocator realloc(app::deployment_inputs(l.prepared), b.posts, b.deployment,
                                 *b.model, l.scenario.deployment, l.scenario.renewal->reallocation);
  sim::ImpactOptions absorb = l.scenario.renewal->impact;
  absorb.policy = sim::ReallocationPolicy::absorb;
  const sim::RenewalImpact a = sim::assess_renewal(l.plan, realloc, absorb);
  const sim::PostId town = *b.posts.find("VIL-MONTAUBAN");
  for (const sim::Absorption& x : a.absorbed) EXPECT_NE(x.post, town);
  EXPECT_LE(a.hours_moved, 0.5 * 35 + 1e-9);  // half of the remaining centre's hours at most
  sim::ImpactOptions replan = absorb;
  replan.policy = sim::ReallocationPolicy::replan;
  const sim::RenewalImpact r = sim::assess_renewal(l.plan, realloc, replan);
  EXPECT_GE(r.groups_replanned, 1u);
}

TEST(Presets, NeversAgglomerationFromFourToTwoLosesPermanencesNotReach) {
  COVSIM_REQUIRE_SHARED_DATA("communes-2018/58-nievre.geojson");
  expect_valid(preset("nevers-four-to-two"));
  Loaded l = load(preset("nevers-four-to-two"));
  const geo::Territory& t = l.prepared.territory;
  std::ostringstream log;
  app::prepare_travel(l.scenario, l.prepared, null_progress(), log);
  const app::Baseline b = app::run_baseline(l.scenario, l.prepared, null_progress());
  const geo::Grouping& epci = *t.grouping("epci");
  std::vector<geo::CommuneId> agglo;
  for (geo::CommuneId c = 0; c < t.size(); ++c)
    if (epci.of[c] != geo::kNoGroup && epci.codes[epci.of[c]] == "245804406") agglo.push_back(c);
  ASSERT_EQ(agglo.size(), 14u);
  auto id = [&](const char* code) { return t.find(code).value(); };
  auto post = [&](const char* name) { return *b.posts.find(name); };
  const sim::Deployment& d = b.deployment;

  // The city keeps its own advisors; the team's four basins as the field drew them.
  EXPECT_EQ(d.basin_post[id("58194")], sim::kNoPost);
  for (geo::CommuneId c : agglo)
    if (c != id("58194")) {
      EXPECT_NE(d.basin_post[c], sim::kNoPost) << t.name[c];
    }
  EXPECT_EQ(d.basin_post[id("58303")], post("VIL-VARENNES"));
  for (const char* south : {"58126", "58225", "58051", "58278"})
    EXPECT_EQ(d.basin_post[id(south)], post("AGGLO-ITINERANT")) << south;
  ASSERT_EQ(d.circuits(), 1u);
  EXPECT_LE(d.stops(0).size(), 6u);
  for (geo::CommuneId s : d.stops(0)) EXPECT_EQ(d.basin_post[s], post("AGGLO-ITINERANT"));
  std::map<sim::PostId, std::set<geo::CommuneId>> sites;
  for (sim::SiteId s = 0; s < d.sites(); ++s) sites[d.site_post[s]].insert(d.site_commune[s]);
  EXPECT_EQ(sites[post("AGGLO-DEUX-CENTRES")].size(), 2u);
  EXPECT_EQ(sites[post("AGGLO-TROIS-CENTRES")].size(), 3u);
  std::size_t with_permanence = 0;
  for (geo::CommuneId c : agglo) with_permanence += b.communes.has_permanence[c];
  EXPECT_EQ(with_permanence, 12u);

  // Four to two, re-planned: small communes lose their permanence, nobody in the
  // agglomeration loses reach within 15 minutes, access falls by about a third, and the town
  // keeps its three days.
  const sim::Reallocator realloc(app::deployment_inputs(l.prepared), b.posts, b.deployment,
                                 *b.model, l.scenario.deployment, l.scenario.renewal->reallocation);
  const sim::RenewalImpact r = sim::assess_renewal(l.plan, realloc, l.scenario.renewal->impact);
  EXPECT_EQ(std::count(r.active.begin(), r.active.end(), 0), 2);
  std::vector<std::string> lost;
  for (geo::CommuneId c : agglo) {
    if (r.loss.loses_permanence(c)) {
      lost.push_back(t.name[c]);
      EXPECT_LT(t.population[c], 3000) << t.name[c] << ": a small commune";
    }
    EXPECT_FALSE(r.loss.loses_reach(c, 1)) << t.name[c];
  }
  std::printf("[ figures  ] communes losing their permanence:");
  for (const std::string& n : lost) std::printf(" %s,", n.c_str());
  std::printf("\n");
  EXPECT_GE(lost.size(), 3u);
  EXPECT_LE(lost.size(), 5u);
  const sim::GroupRows& rows = b.model->group_rows();
  std::size_t row = 0;
  while (rows.code[row] != "245804406") ++row;
  const double drop = 1 - r.after_groups.mean_access[row] / r.before_groups.mean_access[row];
  std::printf("[ figures  ] access in the agglomeration: %.1f -> %.1f (-%.0f %%)\n",
              r.before_groups.mean_access[row], r.after_groups.mean_access[row], 100 * drop);
  EXPECT_GT(drop, 0.2);
  EXPECT_LT(drop, 0.5);
  double varennes_home = 0, varennes_elsewhere = 0;
  const sim::Deployment& after = r.after_deployment;
  for (sim::CircuitId c = 0; c < after.circuits(); ++c)
    if (after.circuit_post[c] == post("VIL-VARENNES"))
      for (std::uint32_t k = after.circuit_first[c]; k < after.circuit_first[c + 1]; ++k)
        (after.stop_commune[k] == id("58303") ? varennes_home : varennes_elsewhere) +=
            after.stop_presence_hours_per_month[k];
  EXPECT_NEAR(varennes_home, 21 * 52.0 / 12, 1e-6) << "three fixed days a week";
  EXPECT_GT(varennes_elsewhere, 0) << "and the rest rotating elsewhere";

  // Absorb keeps more permanences than doing nothing, and re-planning no fewer.
  std::size_t lost_by[3] = {0, 0, 0};
  for (const auto policy : {sim::ReallocationPolicy::none, sim::ReallocationPolicy::absorb,
                            sim::ReallocationPolicy::replan}) {
    sim::ImpactOptions o = l.scenario.renewal->impact;
    o.policy = policy;
    const sim::RenewalImpact x = sim::assess_renewal(l.plan, realloc, o);
    lost_by[static_cast<int>(policy)] = x.communes_losing_permanence[0];
  }
  EXPECT_LT(lost_by[1], lost_by[0]);
  EXPECT_LE(lost_by[2], lost_by[0]);
}

}  // namespace
