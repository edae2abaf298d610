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

}  // namespace
