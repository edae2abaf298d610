#include "app/scenario.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "app/scenario_posts.hpp"
#include "geo/error.hpp"
#include "geo/synthetic_territory.hpp"
#include "tests/error_message.hpp"

namespace covsim::app {
namespace {

std::string error_of(const std::function<void()>& f) { return test::error_message<InputError>(f); }

Scenario parse(const std::string& text) { return parse_scenario(text, "s.yaml", "/base"); }

constexpr const char* kMinimal = "territory: {synthetic: {seed: 3, communes: 40}}\n";

TEST(Scenario, EmbeddedDefaultParsesAndItsPostsResolve) {
  const Scenario s = default_scenario();
  ASSERT_TRUE(s.territory.synthetic.has_value());
  EXPECT_EQ(s.coverage.thresholds_minutes, (std::vector<float>{15, 20, 30}));
  const geo::Territory t = geo::generate_territory(*s.territory.synthetic);
  const sim::PostTable posts = scenario_posts(s, t);
  EXPECT_EQ(posts.size(), s.posts.inline_posts.size());
  EXPECT_EQ(t.code[posts.posts[0].home], "99065");
  EXPECT_EQ(posts.posts[0].strategy, sim::Strategy::multi_centre);
}

TEST(Scenario, RelativePathsResolveAgainstTheScenarioFile) {
  const Scenario s = parse(
      "territory: {layers: [communes.geojson, /abs/b.gpkg], cog: {dir: ../cog}}\n"
      "output: {dir: maps}\n");
  EXPECT_EQ(s.territory.load.inputs[0], "/base/communes.geojson");
  EXPECT_EQ(s.territory.load.inputs[1], "/abs/b.gpkg");
  EXPECT_EQ(s.territory.load.cog->dir, "/cog");
  EXPECT_EQ(s.output.dir, "/base/maps");
}

TEST(Scenario, BadValuesNameFileLineAndKey) {
  EXPECT_EQ(error_of([] { parse(std::string(kMinimal) + "coverage: {thresholds: [15, -5]}\n"); }),
            "s.yaml:2:24: coverage.thresholds: every value must be greater than 0, got -5");
  EXPECT_EQ(error_of([] { parse(std::string(kMinimal) + "travel: {model: rods}\n"); }),
            "s.yaml:2:17: travel.model: 'rods' is not one of: adjacency, road, od (did you mean "
            "'road'?)");
  EXPECT_NE(error_of([] {
              parse(std::string(kMinimal) + "coverage: {thresholds: [60]}\n");
            }).find("exceeds travel.cutoff_minutes"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse("territory: {}\n"); }).find("give either 'synthetic'"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              parse(std::string(kMinimal) + "outputs: {}\n");
            }).find("did you mean 'output'?"),
            std::string::npos);
}

TEST(Scenario, InlinePostErrorsNameTheYamlEntryAndField) {
  const Scenario s = parse(std::string(kMinimal) +
                           "posts:\n  list:\n"
                           "    - {id: A, host_type: commune, home_commune: '99001'}\n"
                           "    - {id: B, host_type: commune, home_commune: '99001', "
                           "weekly_hours: -3}\n");
  const geo::Territory t = geo::generate_territory(*s.territory.synthetic);
  const std::string msg = error_of([&] { scenario_posts(s, t); });
  EXPECT_EQ(msg.rfind("s.yaml:5:7: posts.list[1].weekly_hours: ", 0), 0u) << msg;
}

TEST(Scenario, PostsInCommunesThatDoNotExistAreErrors) {
  const Scenario s = parse(std::string(kMinimal) +
                           "posts: {list: [{id: A, host_type: commune, home_commune: '12345'}]}\n");
  const geo::Territory t = geo::generate_territory(*s.territory.synthetic);
  const std::string msg = error_of([&] { scenario_posts(s, t); });
  EXPECT_NE(msg.find("posts.list[0].home_commune"), std::string::npos) << msg;
  EXPECT_NE(msg.find("12345"), std::string::npos) << msg;
}

TEST(Scenario, StrategyByHostTypeAppliesToListedPosts) {
  const Scenario s = parse(std::string(kMinimal) +
                           "posts:\n  strategy_by_host_type: {department: roaming}\n"
                           "  group_key: epci\n  list:\n"
                           "    - {id: D, host_type: department, home_commune: '99001'}\n"
                           "    - {id: C, host_type: commune, home_commune: '99001'}\n");
  const geo::Territory t = geo::generate_territory(*s.territory.synthetic);
  const sim::PostTable posts = scenario_posts(s, t);
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts.posts[0].strategy, sim::Strategy::roaming);
  EXPECT_EQ(posts.posts[0].group_key, "epci");
  EXPECT_EQ(posts.posts[1].strategy, sim::Strategy::centrality);
  EXPECT_NE(
      error_of([] {
        parse(std::string(kMinimal) + "posts: {strategy_by_host_type: {prefecture: roaming}}\n");
      }).find("unknown host type 'prefecture'"),
      std::string::npos);
}

}  // namespace
}  // namespace covsim::app
