#include "sim/renewal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "geo/error.hpp"
#include "sim/rng.hpp"
#include "tests/sim/sim_fixtures.hpp"

namespace covsim::sim {
namespace {

// Six communes in two EPCIs (E1 = {0, 1, 2}, E2 = {3, 4, 5}) of one department.
geo::Territory six_communes() {
  geo::Territory t = test::tiny_territory({100, 200, 300, 400, 500, 600});
  test::add_grouping(t, "epci", {"E1", "E1", "E1", "E2", "E2", "E2"});
  test::add_grouping(t, "department", {"35", "35", "35", "35", "35", "35"});
  return t;
}

Post post(std::string id, HostType type, geo::CommuneId home, Renewal status = Renewal::undecided) {
  Post p;
  p.id = std::move(id);
  p.host_type = type;
  p.home = home;
  p.funding = usual_funding(type).value_or(Funding::public_body);
  p.renewal = status;
  return p;
}

std::vector<std::uint8_t> settled(const RenewalPlan& plan, bool random_kept) {
  std::vector<std::uint8_t> active(plan.posts());
  settle_renewal(plan, random_kept, active);
  return active;
}

TEST(Rng, UniformIsAPureFunctionOfItsInputsAndFillsTheUnitInterval) {
  EXPECT_EQ(uniform(7, 3, 11), uniform(7, 3, 11));
  EXPECT_NE(uniform(7, 3, 11), uniform(3, 7, 11)) << "seed and draw must not commute";
  EXPECT_NE(uniform(7, 3, 11), uniform(7, 11, 3));
  // 100,000 draws in 10 bins: each count is Binomial(n, 0.1); 5 sigma bounds.
  const int n = 100'000;
  std::vector<int> bins(10, 0);
  for (int d = 0; d < n; ++d) {
    const double u = uniform(42, static_cast<std::uint64_t>(d), fnv1a("post:P1"));
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ++bins[static_cast<std::size_t>(u * 10)];
  }
  const double sigma = std::sqrt(n * 0.1 * 0.9);
  for (const int b : bins) EXPECT_NEAR(b, n * 0.1, 5 * sigma);
}

TEST(Renewal, FirstMatchingRuleWinsThenThePostTableDecides) {
  const geo::Territory t = six_communes();
  PostTable posts;
  posts.posts = {post("assoc", HostType::association, 0, Renewal::renewed),
                 post("centre", HostType::social_centre, 1),
                 post("centre-qpv", HostType::social_centre, 2),
                 post("town", HostType::commune, 3, Renewal::renewed),
                 post("town-old", HostType::commune, 4, Renewal::undecided),
                 post("town-no", HostType::commune, 5, Renewal::not_renewed),
                 post("epci", HostType::epci, 5, Renewal::undecided)};
  posts.posts[2].priority_bonus = true;
  posts.posts[3].contract_end = Date{2024, 6, 30};
  posts.posts[4].contract_end = Date{2024, 6, 30};
  posts.posts[6].renewal_probability = 0.25;

  RenewalRules rules;
  rules.rules = {
      {.name = "associations do not renew",
       .match = {.host_types = {HostType::association}},
       .action = RuleAction::not_renewed},
      {.name = "private hosts without bonus do not renew",
       .match = {.fundings = {Funding::private_body}, .priority_bonus = false},
       .action = RuleAction::not_renewed},
      {.name = "contracts ending before 2025 and not renewed are lost",
       .match = {.contract_end_before = Date{2025, 1, 1},
                 .statuses = {Renewal::not_renewed, Renewal::undecided}},
       .action = RuleAction::not_renewed},
      {.name = "private hosts renew at 60 %",
       .match = {.fundings = {Funding::private_body}},
       .action = RuleAction::probability,
       .probability = 0.6},
  };
  const RenewalPlan plan = plan_renewal(t, posts, rules);

  // assoc: rule 0 overrides the table's "renewed"; centre: rule 1; centre-qpv has the bonus,
  // so rule 1 does not match and rule 3 makes it random at 0.6; town is renewed, its contract
  // ending does not matter to rule 2 (status); town-old is lost by rule 2; town-no by the
  // table; epci by its own probability.
  EXPECT_EQ(plan.fate, (std::vector<Fate>{Fate::lost, Fate::lost, Fate::random, Fate::kept,
                                          Fate::lost, Fate::lost, Fate::random}));
  EXPECT_EQ(plan.rule, (std::vector<std::uint32_t>{0, 1, 3, kNoRule, 2, kNoRule, kNoRule}));
  ASSERT_EQ(plan.units(), 2u);
  EXPECT_EQ(plan.unit_probability[plan.unit[2]], 0.6);
  EXPECT_EQ(plan.unit_probability[plan.unit[6]], 0.25);
  EXPECT_EQ(plan.unit_label[plan.unit[6]], "post epci");
  EXPECT_TRUE(plan.notes.empty());

  EXPECT_EQ(settled(plan, true), (std::vector<std::uint8_t>{0, 0, 1, 1, 0, 0, 1}));
  EXPECT_EQ(settled(plan, false), (std::vector<std::uint8_t>{0, 0, 0, 1, 0, 0, 0}));
}

TEST(Renewal, UndecidedPostsWithoutProbabilityAreUnknownUntilARateIsGiven) {
  const geo::Territory t = six_communes();
  PostTable posts;
  posts.posts = {post("a", HostType::commune, 0), post("b", HostType::commune, 1)};
  const RenewalPlan plan = plan_renewal(t, posts, {});
  EXPECT_EQ(plan.unknown_units(), (std::vector<std::string>{"post a", "post b"}));
  ASSERT_EQ(plan.notes.size(), 1u);
  std::vector<std::uint8_t> active(2);
  EXPECT_THROW(draw_renewal(plan, 1, 0, std::nullopt, active), Error);
  draw_renewal(plan, 1, 0, 1.0, active);  // every random post lost
  EXPECT_EQ(active, (std::vector<std::uint8_t>{0, 0}));
  draw_renewal(plan, 1, 0, 0.0, active);
  EXPECT_EQ(active, (std::vector<std::uint8_t>{1, 1}));

  const RenewalPlan with_default = plan_renewal(t, posts, {.default_probability = 0.5});
  EXPECT_TRUE(with_default.unknown_units().empty());
  EXPECT_EQ(with_default.unit_probability, (std::vector<double>{0.5, 0.5}));
}

TEST(Renewal, ObservedNonRenewalFrequencyMatchesTheProbability) {
  // 50 posts renewing with probability 0.7, 2,000 draws: the count of losses is
  // Binomial(n = 100,000, q = 0.3); a fixed seed, and a 5-sigma band so it cannot flake.
  const geo::Territory t = six_communes();
  PostTable posts;
  for (int i = 0; i < 50; ++i)
    posts.posts.push_back(post("P" + std::to_string(i), HostType::commune, 0));
  const RenewalPlan plan = plan_renewal(t, posts, {.default_probability = 0.7});
  const std::size_t draws = 2000;
  std::vector<std::uint8_t> active(posts.size());
  std::size_t lost = 0;
  for (std::size_t d = 0; d < draws; ++d) {
    draw_renewal(plan, 2024, d, std::nullopt, active);
    lost += static_cast<std::size_t>(std::count(active.begin(), active.end(), 0));
  }
  const double n = static_cast<double>(draws * posts.size());
  const double q = 0.3;
  const double sigma = std::sqrt(n * q * (1 - q));
  EXPECT_NEAR(static_cast<double>(lost), n * q, 5 * sigma);
  EXPECT_GT(lost, 0u);

  // A rate overrides the probability: 0.1 lost.
  lost = 0;
  for (std::size_t d = 0; d < draws; ++d) {
    draw_renewal(plan, 2024, d, 0.1, active);
    lost += static_cast<std::size_t>(std::count(active.begin(), active.end(), 0));
  }
  EXPECT_NEAR(static_cast<double>(lost), n * 0.1, 5 * std::sqrt(n * 0.1 * 0.9));
}

TEST(Renewal, TransferredPostsFollowOneDecisionPerGroup) {
  // The department withdraws: its four posts pass to the EPCI of their home commune, which
  // renews all of them or none, with probability 0.5.
  const geo::Territory t = six_communes();
  PostTable posts;
  posts.posts = {post("D1", HostType::department, 0), post("D2", HostType::department, 1),
                 post("D3", HostType::department, 3), post("D4", HostType::department, 4),
                 post("town", HostType::commune, 2, Renewal::renewed)};
  RenewalRules rules;
  rules.rules = {{.name = "the department withdraws",
                  .match = {.host_types = {HostType::department}},
                  .action = RuleAction::transfer,
                  .probability = 0.5,
                  .transfer_key = "epci"}};
  const RenewalPlan plan = plan_renewal(t, posts, rules);
  ASSERT_EQ(plan.units(), 2u);
  EXPECT_EQ(plan.unit[0], plan.unit[1]);
  EXPECT_EQ(plan.unit[2], plan.unit[3]);
  EXPECT_NE(plan.unit[0], plan.unit[2]);
  EXPECT_EQ(plan.unit_label[plan.unit[0]], "epci E1 (rules[0] \"the department withdraws\")");
  EXPECT_EQ(plan.fate[4], Fate::kept);

  std::vector<std::uint8_t> active(posts.size());
  std::size_t e1_renewed = 0, disagree = 0;
  const std::size_t draws = 4000;
  for (std::size_t d = 0; d < draws; ++d) {
    draw_renewal(plan, 99, d, std::nullopt, active);
    ASSERT_EQ(active[0], active[1]) << "draw " << d;
    ASSERT_EQ(active[2], active[3]) << "draw " << d;
    ASSERT_EQ(active[4], 1);
    e1_renewed += active[0];
    disagree += active[0] != active[2];
  }
  const double sigma = std::sqrt(draws * 0.25);
  EXPECT_NEAR(static_cast<double>(e1_renewed), draws * 0.5, 5 * sigma);
  // Independent EPCIs disagree half of the time.
  EXPECT_NEAR(static_cast<double>(disagree), draws * 0.5, 5 * sigma);
}

TEST(Renewal, APostKeepsItsRandomNumbersWhenTheTableIsReordered) {
  const geo::Territory t = six_communes();
  PostTable a, b;
  for (int i = 0; i < 20; ++i)
    a.posts.push_back(post("P" + std::to_string(i), HostType::commune, 0));
  b.posts.assign(a.posts.rbegin(), a.posts.rend());
  const RenewalPlan pa = plan_renewal(t, a, {.default_probability = 0.5});
  const RenewalPlan pb = plan_renewal(t, b, {.default_probability = 0.5});
  std::vector<std::uint8_t> fa(20), fb(20);
  for (std::uint64_t d = 0; d < 10; ++d) {
    draw_renewal(pa, 5, d, std::nullopt, fa);
    draw_renewal(pb, 5, d, std::nullopt, fb);
    std::reverse(fb.begin(), fb.end());
    EXPECT_EQ(fa, fb) << "draw " << d;
  }
}

TEST(Renewal, BadRulesNameTheFileTheRuleAndTheProblem) {
  const geo::Territory t = six_communes();
  PostTable posts;
  posts.posts = {post("a", HostType::commune, 0)};
  auto error_of = [&](RenewalRule rule) {
    RenewalRules rules{.rules = {std::move(rule)}, .file = "scenario.yaml"};
    try {
      plan_renewal(t, posts, rules);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of({.name = "p", .action = RuleAction::probability, .probability = 1.5}),
            "scenario.yaml: rules[0] \"p\", probability: must be within [0, 1]");
  EXPECT_EQ(error_of({.name = "ids", .match = {.post_ids = {"zz"}}}),
            "scenario.yaml: rules[0] \"ids\", post_ids: no post with id \"zz\"");
  EXPECT_EQ(error_of({.match = {.home_group_key = "epci", .home_groups = {"E9"}}}),
            "scenario.yaml: rules[0], home_groups: no epci with code \"E9\"");
  EXPECT_EQ(error_of({.name = "t", .action = RuleAction::transfer, .transfer_key = "region"}),
            "scenario.yaml: rules[0] \"t\", transfer_key: no grouping \"region\" in the "
            "territory (known: epci, department)");
  EXPECT_EQ(error_of({.name = "t", .action = RuleAction::transfer}),
            "scenario.yaml: rules[0] \"t\", transfer_key: a transfer needs the grouping that "
            "inherits the posts (\"epci\")");
  EXPECT_THROW(plan_renewal(t, posts, {.default_probability = -0.1}), InputError);
}

TEST(Renewal, HomeGroupAndPostIdConditions) {
  const geo::Territory t = six_communes();
  PostTable posts;
  posts.posts = {post("a", HostType::commune, 0, Renewal::renewed),
                 post("b", HostType::commune, 3, Renewal::renewed),
                 post("c", HostType::commune, 4, Renewal::renewed)};
  RenewalRules rules;
  rules.rules = {{.match = {.post_ids = {"c"}, .home_group_key = "epci", .home_groups = {"E2"}},
                  .action = RuleAction::not_renewed}};
  EXPECT_EQ(plan_renewal(t, posts, rules).fate,
            (std::vector<Fate>{Fate::kept, Fate::kept, Fate::lost}));
  rules.rules[0].match.post_ids.clear();
  EXPECT_EQ(plan_renewal(t, posts, rules).fate,
            (std::vector<Fate>{Fate::kept, Fate::lost, Fate::lost}));
  EXPECT_EQ(parse_rule_action("transfer"), RuleAction::transfer);
  EXPECT_EQ(parse_rule_action("drop"), std::nullopt);
}

}  // namespace
}  // namespace covsim::sim
