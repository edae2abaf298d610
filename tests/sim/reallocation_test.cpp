#include "sim/reallocation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "geo/error.hpp"
#include "sim/renewal.hpp"
#include "sim/renewal_impact.hpp"
#include "tests/sim/renewal_fixtures.hpp"

namespace covsim::sim {
namespace {

using test::Line;

// P0 works from C0 and P1 from C5; P1 does not continue.
struct LoseP1 : Line {
  explicit LoseP1(const std::vector<std::string>& epci = std::vector<std::string>(6, "E"),
                  ReallocationOptions options = {})
      : Line(epci) {
    add("P0", 0);
    add("P1", 5);
    build(std::move(options));
  }
  ReallocationScratch scratch;
  CommuneCoverage after;
  void apply(ReallocationPolicy policy) {
    realloc->apply(policy, std::vector<std::uint8_t>{1, 0}, 1, scratch, after);
  }
};

TEST(Reallocation, NoneLeavesTheLostPostsCommunesInTheGap) {
  LoseP1 s;
  // Before: within 15 min C0, C1 (from C0) and C4, C5 (from C5); within 30 everyone.
  const CommuneCoverage& before = s.realloc->baseline();
  EXPECT_EQ(before.reached, (std::vector<std::uint8_t>{3, 3, 2, 2, 3, 3}));

  s.apply(ReallocationPolicy::none);
  const CommuneCoverage& after = s.after;
  // Without P1: C0 serves C0..C3 within 30, C4 (40 min) and C5 (50 min) lose all reach.
  EXPECT_EQ(after.reached, (std::vector<std::uint8_t>{3, 3, 2, 2, 0, 0}));
  EXPECT_EQ(after.nearest_minutes, (std::vector<float>{0, 10, 20, 30, 40, 50}));
  EXPECT_EQ(&s.realloc->evaluated(s.scratch), &s.base);
}

TEST(Reallocation, AbsorbTakesOrphansWithinTheBudgetLargestFirst) {
  LoseP1 s;
  s.apply(ReallocationPolicy::absorb);
  const ReallocationScratch& scratch = s.scratch;
  const CommuneCoverage& after = s.after;
  // Orphans: C5 lost its permanence (600 inhabitants), C4 (500) only its reach at 30 min.
  // P0's budget: 0.5 × 35 = 17.5 h. C5 first: max(3.5, 0.6) + 2 × 50 / 60 = 5.1667 h; a weekly
  // stop at C5 reaches C4 again (10 min), so C4 needs none of its own.
  EXPECT_EQ(scratch.orphans, 2u);
  ASSERT_EQ(scratch.absorbed.size(), 1u);
  EXPECT_EQ(scratch.absorbed[0].commune, 5u);
  EXPECT_EQ(scratch.absorbed[0].post, 0u);
  EXPECT_NEAR(scratch.absorbed[0].travel_hours, 100.0 / 60, 1e-12);
  EXPECT_NEAR(scratch.hours_moved, 3.5 + 100.0 / 60, 1e-12);
  // Held weekly, the stop is a permanence again and reaches its neighbours (C4 at 10 minutes,
  // C3 at 20); P0's site keeps 35 − 5.17 h.
  EXPECT_EQ(after.reached, (std::vector<std::uint8_t>{3, 3, 2, 2, 3, 3}));
  EXPECT_TRUE(after.has_permanence[5]);
  EXPECT_FALSE(after.has_permanence[4]) << "C4 never had one";
  const Deployment& d = s.realloc->evaluated(scratch);
  ASSERT_EQ(d.circuits(), 1u);
  EXPECT_EQ(d.circuit_post[0], 0u);
  EXPECT_EQ(d.circuit_round[0], RoundKind::weekly);
  EXPECT_NEAR(d.site_weekly_hours[0], 35 - 3.5 - 100.0 / 60, 1e-12);
  EXPECT_NEAR(d.stop_presence_hours_per_month[0], 3.5 * 52 / 12, 1e-12);
  EXPECT_NEAR(after.visits_per_month[5], 52.0 / 12, 1e-12);
}

TEST(Reallocation, ProtectedHoursShrinkTheBudgetAndWhatDoesNotFitLosesItsPermanence) {
  // The host pays for 25 of P0's 35 hours: budget 0.5 × 10 = 5 h. C5 (5.17 h) does not fit,
  // C4 (4.83 h) does; C5 is then 10 minutes from a permanence but has none of its own.
  LoseP1 s(std::vector<std::string>(6, "E"), {.protected_hours = {{"P0", 25}}});
  s.apply(ReallocationPolicy::absorb);
  ASSERT_EQ(s.scratch.absorbed.size(), 1u);
  EXPECT_EQ(s.scratch.absorbed[0].commune, 4u);
  EXPECT_EQ(s.after.reached, (std::vector<std::uint8_t>{3, 3, 2, 3, 3, 3}));
  EXPECT_FALSE(s.after.has_permanence[5]);

  // The deterministic scenario: nobody loses reach, C5 loses its permanence.
  PostTable& posts = s.posts;
  posts.posts[1].renewal = Renewal::not_renewed;
  const RenewalPlan plan = plan_renewal(s.territory, posts, {});
  const RenewalImpact im = assess_renewal(
      plan, *s.realloc, {.policy = ReallocationPolicy::absorb, .threshold_minutes = 30});
  EXPECT_EQ(im.active, (std::vector<std::uint8_t>{1, 0}));
  // Row 0 is the territory, row 1 EPCI E; [row * 2 + t].
  EXPECT_EQ(im.population_losing, (std::vector<double>{0, 0, 0, 0}));
  EXPECT_EQ(im.population_losing_permanence, (std::vector<double>{600, 600}));
  EXPECT_EQ(im.communes_losing_permanence, (std::vector<std::uint32_t>{1, 1}));
  const Table losses = impact_losses_table(im, *s.realloc);
  ASSERT_EQ(losses.rows(), 1u);
  EXPECT_EQ(losses.find("loss")->texts(), std::vector<std::string>{"permanence"});
  EXPECT_EQ(losses.find("code")->texts(), std::vector<std::string>{"C5"});
  EXPECT_TRUE(std::isnan(losses.find("threshold_minutes")->reals()[0]));
  EXPECT_EQ(losses.find("minutes_after")->reals(), std::vector<double>{10});
  EXPECT_NEAR(losses.find("presence_hours_before")->reals()[0], 35 * 52.0 / 12, 1e-9);
  EXPECT_EQ(losses.find("presence_hours_after")->reals(), std::vector<double>{0});
  EXPECT_EQ(impact_absorbed_table(im, *s.realloc).find("post")->texts(),
            (std::vector<std::string>{"P0"}));
  // The after deployment holds only P0: its site with 35 − 4.83 h and its new round.
  EXPECT_EQ(im.after_deployment.site_post, (std::vector<PostId>{0}));
  EXPECT_NEAR(im.after_deployment.site_weekly_hours[0], 35 - 3.5 - 80.0 / 60, 1e-12);
}

TEST(Reallocation, ImpactSaysWhatItAssumedAndListsTheLosses) {
  Line s;
  s.add("P0", 0).renewal = Renewal::renewed;
  s.add("P1", 5).renewal_probability = 0.5;
  s.build();
  const RenewalPlan plan = plan_renewal(s.territory, s.posts, {});
  const RenewalImpact kept = assess_renewal(plan, *s.realloc);
  EXPECT_EQ(kept.active, (std::vector<std::uint8_t>{1, 1}));
  EXPECT_EQ(kept.population_losing, (std::vector<double>{0, 0, 0, 0}));

  const RenewalImpact lost = assess_renewal(plan, *s.realloc, {.random_kept = false});
  EXPECT_FALSE(lost.options.random_kept);
  EXPECT_EQ(lost.random_posts, 1u);
  EXPECT_EQ(s.realloc->model().options().thresholds_minutes[lost.threshold], 30);
  ASSERT_EQ(lost.notes.size(), 1u);
  EXPECT_EQ(lost.notes[0],
            "1 post whose renewal is random is read as lost; a sweep draws them instead");
  // C4 and C5 lose reach at 15 and at 30 min, and C5 its permanence: computed once, in loss.
  EXPECT_EQ(lost.loss.losing_reach(0), (std::vector<geo::CommuneId>{4, 5}));
  EXPECT_EQ(lost.loss.losing_reach(1), (std::vector<geo::CommuneId>{4, 5}));
  EXPECT_EQ(lost.loss.losing_permanence(), (std::vector<geo::CommuneId>{5}));
  EXPECT_EQ(impact_losses_table(lost, *s.realloc).rows(), 5u);
  EXPECT_EQ(impact_groups_table(lost, *s.realloc).rows(), 4u)
      << "(territory, EPCI E) x 2 thresholds";
  EXPECT_EQ(impact_posts_table(lost, plan, s.posts).rows(), 2u);
  // The "after" deployment holds only the post that continues.
  EXPECT_EQ(s.realloc->base().sites(), 2u);
  EXPECT_EQ(lost.after_deployment.sites(), 1u);
  const Table groups = impact_groups_table(lost, *s.realloc);
  EXPECT_EQ(groups.find("population_losing_reach")->reals(),
            (std::vector<double>{1100, 1100, 1100, 1100}));
  EXPECT_EQ(groups.find("reached_before")->reals(), (std::vector<double>{2300, 3000, 2300, 3000}));
  EXPECT_EQ(groups.find("communes_losing_permanence")->integers(),
            (std::vector<std::int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(impact_posts_table(lost, plan, s.posts).find("fate")->texts(),
            (std::vector<std::string>{"kept", "random"}));
}

TEST(Reallocation, AbsorbStaysWithinTheGroup) {
  const std::vector<std::string> two = {"E", "E", "E", "F", "F", "F"};
  LoseP1 s(two);
  s.apply(ReallocationPolicy::absorb);
  EXPECT_EQ(s.scratch.orphans, 2u);
  EXPECT_TRUE(s.scratch.absorbed.empty()) << "P0's EPCI is E, the orphans are in F";
  EXPECT_EQ(s.after.reached[4], 0);

  // With no group key any advisor may absorb.
  ReallocationOptions o;
  o.absorb.group_key.clear();
  LoseP1 any(two, o);
  any.apply(ReallocationPolicy::absorb);
  EXPECT_EQ(any.scratch.absorbed.size(), 1u) << "C5 taken, and from there C4 reached again";
}

TEST(Reallocation, ReplanRedrawsTheRoundsWithTheAdvisorsLeft) {
  Line s;
  s.add("R0", 0, Strategy::roaming);
  s.add("R1", 5, Strategy::roaming);
  s.build();
  ASSERT_EQ(s.base.circuits(), 2u);
  const std::vector<std::uint8_t> active = {1, 0};
  ReallocationScratch scratch;
  CommuneCoverage none, replanned;
  s.realloc->apply(ReallocationPolicy::none, active, 1, scratch, none);
  // R1's stops are no longer held.
  std::size_t unvisited = 0;
  for (geo::CommuneId c = 0; c < 6; ++c) unvisited += none.visits_per_month[c] == 0;
  EXPECT_GT(unvisited, 0u);

  s.realloc->apply(ReallocationPolicy::replan, active, 1, scratch, replanned);
  EXPECT_EQ(scratch.groups_replanned, 1u);
  // Re-planning is deploy() on the posts left: R0 alone over the whole EPCI.
  PostTable left;
  left.posts = {s.posts.posts[0]};
  const Deployment alone = deploy(s.inputs(), left, s.deploy_options);
  const Deployment& d = s.realloc->evaluated(scratch);
  ASSERT_EQ(d.circuits(), 1u);
  EXPECT_EQ(d.circuit_post[0], 0u);
  EXPECT_EQ(d.stop_commune, alone.stop_commune);
  EXPECT_EQ(d.stop_visits_per_month, alone.stop_visits_per_month);
  for (geo::CommuneId c = 0; c < 6; ++c) EXPECT_EQ(d.basin_post[c], 0u) << "R0's basin is all";
  EXPECT_EQ(replanned.reached, (std::vector<std::uint8_t>(6, 3)));

  // Same case again: served from the cache, same result.
  CommuneCoverage again;
  s.realloc->apply(ReallocationPolicy::replan, active, 1, scratch, again);
  EXPECT_EQ(again.visits_per_month, replanned.visits_per_month);
}

TEST(Reallocation, ReplanKeepsProtectedHoursWhereTheyAre) {
  Line s;
  s.add("M0", 1, Strategy::multi_centre).site_count = 1;
  s.add("M1", 4, Strategy::multi_centre).site_count = 1;
  s.build({.protected_hours = {{"M0", 14}}});
  // Base: one site each in its basin. M1 lost: M0 keeps 14 h at its site and plans its other
  // 21 h on a new site of its basin, now the whole EPCI.
  const std::vector<std::uint8_t> active = {1, 0};
  ReallocationScratch scratch;
  CommuneCoverage after;
  s.realloc->apply(ReallocationPolicy::replan, active, 1, scratch, after);
  const Deployment& d = s.realloc->evaluated(scratch);
  ASSERT_EQ(s.base.site_post[0], 0u);
  const geo::CommuneId base_site = s.base.site_commune[0];
  ASSERT_EQ(d.sites(), 2u);
  EXPECT_EQ(d.site_post, (std::vector<PostId>{0, 0}));
  EXPECT_EQ(d.site_commune[0], base_site);
  EXPECT_NEAR(d.site_weekly_hours[0], 14, 1e-12);
  EXPECT_NE(d.site_commune[1], base_site);
  EXPECT_NEAR(d.site_weekly_hours[1], 21, 1e-12);
}

TEST(Reallocation, ReplanRespectsThePermanencesOfOthers) {
  // A town hall's advisor at C3; the EPCI's two multi-centre advisors around it. M1 goes: M0
  // re-planned on two sites never puts one where the town hall's advisor already is.
  Line s;
  s.add("M0", 0, Strategy::multi_centre).site_count = 2;
  s.add("M1", 5, Strategy::multi_centre).site_count = 2;
  s.add("TOWN", 3);
  s.build();
  for (SiteId k = 0; k < s.base.sites(); ++k)
    if (s.base.site_post[k] != 2) {
      EXPECT_NE(s.base.site_commune[k], 3u);
    }
  ReallocationScratch scratch;
  CommuneCoverage after;
  s.realloc->apply(ReallocationPolicy::replan, std::vector<std::uint8_t>{1, 0, 1}, 1, scratch,
                   after);
  const Deployment& d = s.realloc->evaluated(scratch);
  std::size_t m0_sites = 0;
  for (SiteId k = 0; k < d.sites(); ++k)
    if (d.site_post[k] == 0) {
      ++m0_sites;
      EXPECT_NE(d.site_commune[k], 3u) << "a second advisor where the town hall has one";
    }
  EXPECT_EQ(m0_sites, 2u);
  EXPECT_EQ(d.basin_post[3], kNoPost) << "the town hall's commune is served";
}

TEST(Reallocation, APartlyProtectedFixedAdvisorHoldsItsDaysAndRotatesTheRest) {
  // DOMAIN.md: with two advisors left of four, "the town paying a full-time advisor settled
  // for 3 fixed days a week plus 1 day rotating elsewhere". T0 is fixed at C0 (a team member),
  // 21 of its 35 hours protected; R1 roams; R1 goes.
  Line s;
  s.add("T0", 0).group_key = "epci";
  s.posts.posts[0].group = 0;
  s.add("R1", 5, Strategy::roaming);
  s.build({.protected_hours = {{"T0", 21}}});
  ReallocationScratch scratch;
  CommuneCoverage after;
  s.realloc->apply(ReallocationPolicy::replan, std::vector<std::uint8_t>{1, 0}, 1, scratch, after);
  const Deployment& d = s.realloc->evaluated(scratch);
  ASSERT_EQ(d.circuits(), 1u);
  EXPECT_EQ(d.circuit_post[0], 0u);
  double at_home = 0, elsewhere = 0;
  for (std::uint32_t k = d.circuit_first[0]; k < d.circuit_first[1]; ++k)
    (d.stop_commune[k] == 0 ? at_home : elsewhere) += d.stop_presence_hours_per_month[k];
  EXPECT_NEAR(at_home, 21 * 52.0 / 12, 1e-9) << "three days a week at home, exactly";
  EXPECT_GT(elsewhere, 0) << "the rest rotates through the basin";
  EXPECT_LT(elsewhere, 14 * 52.0 / 12) << "less the driving";
}

TEST(Reallocation, AbsorbInATeamKeepsThePlacesAndRotatesTheMovableHours) {
  // M0 (C0) and M1 (C5) share the EPCI, one site each. M1 goes: under absorb M0 keeps its site
  // with half its hours and rotates the other half weekly through stops of the basin it now
  // holds whole, M1's former site among them.
  Line s;
  s.add("M0", 0, Strategy::multi_centre).site_count = 1;
  s.add("M1", 5, Strategy::multi_centre).site_count = 1;
  s.build();
  const geo::CommuneId m0_site = s.base.site_commune[0];
  ReallocationScratch scratch;
  CommuneCoverage after;
  s.realloc->apply(ReallocationPolicy::absorb, std::vector<std::uint8_t>{1, 0}, 1, scratch, after);
  EXPECT_EQ(scratch.groups_replanned, 1u);
  const Deployment& d = s.realloc->evaluated(scratch);
  ASSERT_EQ(d.circuits(), 1u);
  double kept = 0, moved = 0;
  for (std::uint32_t k = d.circuit_first[0]; k < d.circuit_first[1]; ++k)
    (d.stop_commune[k] == m0_site ? kept : moved) += d.stop_presence_hours_per_month[k];
  EXPECT_NEAR(kept, 17.5 * 52.0 / 12, 1e-9);
  EXPECT_GT(moved, 0);
  ASSERT_FALSE(scratch.absorbed.empty());
  double presence = 0;
  for (const Absorption& a : scratch.absorbed) {
    EXPECT_EQ(a.post, 0u);
    EXPECT_NE(a.commune, m0_site);
    presence += a.presence_hours;
  }
  EXPECT_NEAR(presence * 52.0 / 12, moved, 1e-9);
  EXPECT_LE(scratch.hours_moved, 17.5 + 1e-9);
}

TEST(Reallocation, ReplanKeepsTheNotesOfTheTeamsItReplans) {
  Line s;
  s.add("M0", 0, Strategy::multi_centre);
  s.add("M1", 5, Strategy::multi_centre);
  s.deploy_options.multi_centre.sites_by_group = {{"epci", "E", 7}};  // 7 sites, 6 communes
  s.build();
  ReallocationScratch scratch;
  CommuneCoverage after;
  s.realloc->apply(ReallocationPolicy::replan, std::vector<std::uint8_t>{1, 0}, 1, scratch, after);
  EXPECT_EQ(scratch.groups_replanned, 1u);
  const std::vector<std::string>& notes = s.realloc->evaluated(scratch).notes;
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].rfind("post M0: 7 sites wanted, 6 placed", 0), 0u) << notes[0];
}

TEST(Reallocation, BadProtectedHoursAndThresholdsAreReported) {
  Line s;
  s.add("P0", 0);
  EXPECT_THROW(s.build({.protected_hours = {{"P9", 1}}}), InputError);
  try {
    s.build({.protected_hours = {{"P0", 40}}, .file = "scenario.yaml"});
    FAIL() << "40 protected hours of 35 accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "scenario.yaml");
    EXPECT_EQ(e.where(), "protected_hours[0], weekly_hours");
  }
  const CoverageOptions c{.thresholds_minutes = {15, 30}};
  EXPECT_EQ(threshold_index(c, 0), 1u);
  EXPECT_EQ(threshold_index(c, 15), 0u);
  EXPECT_THROW(threshold_index(c, 20), Error);
  EXPECT_EQ(parse_reallocation_policy("absorb"), ReallocationPolicy::absorb);
  EXPECT_EQ(parse_reallocation_policy("move"), std::nullopt);
}

}  // namespace
}  // namespace covsim::sim
