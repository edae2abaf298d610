// One test per kind of bad input the CLI must refuse with one clear message: the corpus in
// tests/data/bad, driven in-process through command_validate / command_run, checking the file,
// the line or feature and the problem named. tests/app/cli_test.cpp checks the same files
// through the binary for exit codes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "app/commands.hpp"
#include "app/scenario.hpp"
#include "geo/error.hpp"
#include "geo/synthetic_territory.hpp"
#include "sim/post_table.hpp"
#include "tests/error_message.hpp"
#include "tests/temp_dir.hpp"
#include "tests/test_data.hpp"

namespace covsim::app {
namespace {

std::filesystem::path bad(const std::string& name) { return test::test_data() / "bad" / name; }

// The InputError of `covsim validate <file>`; records a failure for anything else.
InputError validate_error(const std::string& name) {
  CommonOptions o;
  o.scenario = bad(name);
  std::ostringstream log;
  try {
    command_validate(o, log, null_progress());
  } catch (const InputError& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << name << ": expected an InputError, got: " << e.what();
    return InputError("", "", "");
  }
  ADD_FAILURE() << name << ": expected an InputError, validate said: " << log.str();
  return InputError("", "", "");
}

// "file | where | problem", so one comparison shows all three when it fails.
std::string parts(const InputError& e) {
  return e.file() + " | " + e.where() + " | " + e.problem();
}

TEST(BadInput, MalformedYamlNamesLineAndColumn) {
  EXPECT_EQ(
      parts(validate_error("malformed.yaml")),
      bad("malformed.yaml").string() + ":3:1 |  | malformed YAML: end of sequence flow not found");
}

TEST(BadInput, WrongTypeNamesKeyAndValue) {
  EXPECT_EQ(parts(validate_error("wrong_type.yaml")),
            bad("wrong_type.yaml").string() +
                ":1:44 | territory.synthetic.communes | expected a number, got 'forty'");
}

TEST(BadInput, ZeroThresholdIsRefused) {
  EXPECT_EQ(parts(validate_error("threshold_zero.yaml")),
            bad("threshold_zero.yaml").string() +
                ":3:15 | coverage.thresholds | every value must be greater than 0, got 0");
}

TEST(BadInput, NegativeThresholdIsRefused) {
  EXPECT_EQ(parts(validate_error("threshold_negative.yaml")),
            bad("threshold_negative.yaml").string() +
                ":3:15 | coverage.thresholds | every value must be greater than 0, got -15");
}

TEST(BadInput, NegativeHoursInPostsCsvNameLineAndColumn) {
  EXPECT_EQ(parts(validate_error("posts_negative_hours.yaml")),
            bad("posts_negative_hours.csv").string() +
                " | line 3, column weekly_hours | must be > 0 hours, got -10");
}

TEST(BadInput, NegativeHoursInlineNameTheYamlEntry) {
  EXPECT_EQ(parts(validate_error("inline_negative_hours.yaml")),
            bad("inline_negative_hours.yaml").string() +
                ":4:7 | posts.list[0].weekly_hours | must be > 0 hours, got -35");
}

TEST(BadInput, PostInUnknownCommuneNamesTheCode) {
  EXPECT_EQ(
      parts(validate_error("post_unknown_commune.yaml")),
      bad("post_unknown_commune.yaml").string() +
          ":5:7 | posts.list[1].home_commune | commune code \"12345\" is not in the territory");
}

TEST(BadInput, NegativePopulationNamesTheFeature) {
  const InputError e = validate_error("negative_population.yaml");
  EXPECT_EQ(e.file(), bad("negative_population.geojson").string());
  EXPECT_NE(e.where().find("35002"), std::string::npos) << e.what();
  EXPECT_NE(e.problem().find("-200"), std::string::npos) << e.what();
}

TEST(BadInput, NanCoordinateNamesTheFeature) {
  const InputError e = validate_error("nan_coordinate.yaml");
  EXPECT_EQ(e.file(), bad("nan_coordinate.geojson").string());
  EXPECT_NE(e.where().find("35002"), std::string::npos) << e.what();
  EXPECT_NE(e.problem().find("finite"), std::string::npos) << e.what();
}

TEST(BadInput, EmptyLayerIsRefused) {
  const InputError e = validate_error("empty_layer.yaml");
  EXPECT_EQ(e.file(), bad("empty_layer.geojson").string());
  EXPECT_NE(e.problem().find("empty"), std::string::npos) << e.what();
}

TEST(BadInput, TransformationThatFailsNamesTheFeature) {
  const InputError e = validate_error("no_crs_transform.yaml");
  EXPECT_EQ(e.file(), bad("no_crs_transform.geojson").string());
  EXPECT_NE(e.where().find("35001"), std::string::npos) << e.what();
  EXPECT_NE(e.problem().find("EPSG:2154"), std::string::npos) << e.what();
}

TEST(BadInput, UnknownTargetCrsIsRefused) {
  const InputError e = validate_error("unknown_target_crs.yaml");
  EXPECT_NE(std::string(e.what()).find("EPSG:999999"), std::string::npos) << e.what();
}

TEST(BadInput, MissingScenarioFileIsAnInputError) {
  EXPECT_EQ(
      parts(validate_error("no_such_scenario.yaml")),
      bad("no_such_scenario.yaml").string() + " | " + "" + " | " + "cannot open the scenario file");
}

TEST(BadInput, UnwritableOutputDirectoryIsAnOutputErrorAndWritesNothing) {
  test::TempDir dir;
  std::ofstream(dir / "a-file") << "not a directory\n";
  CommonOptions o;
  o.scenario = bad("valid.yaml");
  o.out_dir = dir / "a-file" / "out";
  std::ostringstream log;
  const std::string m =
      test::error_message<OutputError>([&] { command_run(o, log, null_progress()); });
  EXPECT_NE(m.find((dir / "a-file" / "out").string()), std::string::npos) << m;
  EXPECT_EQ(dir.entries(), 1u);
}

// Values that parse as numbers but no planner means: found by the fuzz test and kept here.

// A tiny step would build a grid of millions of rates (1e-320 overflows the loop index): refused.
TEST(BadInput, TinySweepStepIsRefused) {
  const std::string text =
      "territory: {synthetic: {seed: 3, communes: 40}}\n"
      "sweep: {non_renewal_rates: {from: 0, to: 0.6, step: 1e-7}}\n";
  const std::string m =
      test::error_message<InputError>([&] { parse_scenario(text, "s.yaml", "/base"); });
  EXPECT_NE(m.find("sweep.non_renewal_rates.step"), std::string::npos) << m;
}

// Minutes are floats: 1e39 would become +inf and pass the "largest threshold <= cut-off" check.
TEST(BadInput, CutoffBeyondFloatIsRefused) {
  const std::string text =
      "territory: {synthetic: {seed: 3, communes: 40}}\n"
      "travel: {cutoff_minutes: 1e39}\n"
      "coverage: {thresholds: [1e39]}\n";
  const std::string m =
      test::error_message<InputError>([&] { parse_scenario(text, "s.yaml", "/base"); });
  EXPECT_NE(m.find("s.yaml:2:"), std::string::npos) << m;
}

// 1e308 hours a week would sum to +inf in summary.md; a week has 168 hours.
TEST(BadInput, WeeklyHoursBeyondAWeekAreRefused) {
  const std::string m = validate_error("inline_impossible_hours.yaml").what();
  EXPECT_NE(m.find("weekly_hours"), std::string::npos) << m;
}

}  // namespace
}  // namespace covsim::app
