#include "app/yaml_section.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "geo/error.hpp"
#include "tests/error_message.hpp"

namespace covsim::app {
namespace {

YamlSection load(const std::string& text) {
  return YamlSection::load_string(text, "s.yaml", "/base", {"travel", "thresholds", "name", "out"});
}

std::string error_of(const std::function<void()>& f) { return test::error_message<InputError>(f); }

TEST(YamlSection, UnknownKeySuggestsTheClosestOne) {
  const std::string msg = error_of([] { load("name: x\ntravell: {}\n"); });
  EXPECT_EQ(msg, "s.yaml:2:1: travell: unknown key 'travell' (did you mean 'travel'?)");
}

TEST(YamlSection, UnknownKeyFarFromAllListsTheAllowedOnes) {
  const std::string msg = error_of([] { load("zzzzzzzz: 1\n"); });
  EXPECT_NE(msg.find("allowed: travel, thresholds, name, out"), std::string::npos) << msg;
}

TEST(YamlSection, MalformedYamlNamesLineAndColumn) {
  const std::string msg = error_of([] { load("name: [1, 2\nout: x\n"); });
  EXPECT_EQ(msg.rfind("s.yaml:", 0), 0u) << msg;
  EXPECT_NE(msg.find("malformed YAML"), std::string::npos) << msg;
}

TEST(YamlSection, TypedReadsNameKeyAndLine) {
  const YamlSection root = load("travel:\n  cutoff: abc\n  speed: -3\n  nan: .nan\n");
  const YamlSection travel = *root.section("travel", {"cutoff", "speed", "nan"});
  EXPECT_EQ(error_of([&] { travel.number("cutoff", 1.0); }),
            "s.yaml:2:11: travel.cutoff: expected a number, got 'abc'");
  EXPECT_EQ(error_of([&] { travel.positive("speed", 1.0); }),
            "s.yaml:3:10: travel.speed: must be a finite number greater than 0");
  EXPECT_NE(error_of([&] { travel.positive("nan", 1.0); }).find("finite"), std::string::npos);
  EXPECT_DOUBLE_EQ(travel.positive("absent", 7.5), 7.5);
}

TEST(YamlSection, ChoiceListsOptionsAndSuggests) {
  const YamlSection root = load("name: adjacensy\n");
  EXPECT_EQ(error_of([&] {
              root.choice("name", "road", {"adjacency", "road", "od"});
            }),
            "s.yaml:1:7: name: 'adjacensy' is not one of: adjacency, road, od (did you mean "
            "'adjacency'?)");
}

TEST(YamlSection, PathsResolveAgainstTheScenarioDirectory) {
  const YamlSection root = load("out: maps/x.gpkg\nname: /abs/y\n");
  EXPECT_EQ(root.path("out")->string(), "/base/maps/x.gpkg");
  EXPECT_EQ(root.path("name")->string(), "/abs/y");
}

TEST(YamlSection, ListsOfNumbersAreChecked) {
  const YamlSection root = load("thresholds: [15, 20, 0]\n");
  EXPECT_NE(error_of([&] { root.positives("thresholds", {}); }).find("greater than 0, got 0"),
            std::string::npos);
  EXPECT_EQ(load("thresholds: 30\n").positives("thresholds", {}), std::vector<double>{30});
}

// YAML forbids a key twice in one mapping; yaml-cpp kept the first and dropped the second.
TEST(YamlSection, ARepeatedKeyIsRefusedWithBothLines) {
  EXPECT_EQ(error_of([] { load("name: a\nout: x\nname: b\n"); }),
            "s.yaml:3:1: name: is given twice in the same mapping (first at line 1); keep one");
  EXPECT_NE(error_of([] { load("travel: {speed: 1, speed: 2}\n"); }).find("travel.speed"),
            std::string::npos);
  EXPECT_NO_THROW(load("travel: [{speed: 1}, {speed: 2}]\n")) << "one key per entry of a list";
  EXPECT_NE(error_of([] { load("? [a, b]\n: 1\n"); }).find("a key must be a plain name"),
            std::string::npos);
}

TEST(YamlSection, TextMustBeUtf8AndNestingShallow) {
  EXPECT_EQ(error_of([] { load("name: ok\nout: caf\xe9\n"); }).substr(0, 26),
            "s.yaml:2:9: not UTF-8 text");
  EXPECT_NE(error_of([] {
              load("name: " + std::string(40, '[') + std::string(40, ']'));
            }).find("nested more than 32 levels deep"),
            std::string::npos);
}

TEST(KeyLocations, PointAtAValueOrItsNearestEnclosingKey) {
  KeyLocations where;
  YamlSection::load_string("travel:\n  links:\n    - {from: a, to: b}\n", "s.yaml", "/base",
                           {"travel"}, &where);
  EXPECT_EQ(where("travel.links[0].to"), "s.yaml:3:21");
  EXPECT_EQ(where("travel.links[0].minutes"), "s.yaml:3:7") << "the entry, when the key is absent";
  EXPECT_EQ(where("renewal.threshold"), "s.yaml") << "the file, when no enclosing key exists";
}

TEST(DidYouMean, OnlySuggestsCloseWords) {
  EXPECT_EQ(did_you_mean("thresold", {"thresholds", "travel"}), "thresholds");
  EXPECT_EQ(did_you_mean("xyz", {"thresholds", "travel"}), std::nullopt);
}

}  // namespace
}  // namespace covsim::app
