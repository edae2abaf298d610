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

TEST(BadInput, MalformedYamlNamesLineAndColumn) {
  const InputError e = validate_error("malformed.yaml");
  EXPECT_EQ(e.file(), bad("malformed.yaml").string() + ":3:1");
  EXPECT_EQ(e.problem(), "malformed YAML: end of sequence flow not found");
}

TEST(BadInput, WrongTypeNamesKeyAndValue) {
  const InputError e = validate_error("wrong_type.yaml");
  EXPECT_EQ(e.file(), bad("wrong_type.yaml").string() + ":1:47");
  EXPECT_EQ(e.where(), "territory.synthetic.communes");
  EXPECT_EQ(e.problem(), "expected a number, got 'forty'");
}

TEST(BadInput, ZeroThresholdIsRefused) {
  const InputError e = validate_error("threshold_zero.yaml");
  EXPECT_EQ(e.file(), bad("threshold_zero.yaml").string() + ":3:15");
  EXPECT_EQ(e.where(), "coverage.thresholds");
  EXPECT_EQ(e.problem(), "every value must be greater than 0, got 0");
}

TEST(BadInput, NegativeThresholdIsRefused) {
  const InputError e = validate_error("threshold_negative.yaml");
  EXPECT_EQ(e.where(), "coverage.thresholds");
  EXPECT_EQ(e.problem(), "every value must be greater than 0, got -15");
}

TEST(BadInput, NegativeHoursInPostsCsvNameLineAndColumn) {
  const InputError e = validate_error("posts_negative_hours.yaml");
  EXPECT_EQ(e.file(), bad("posts_negative_hours.csv").string());
  EXPECT_EQ(e.where(), "line 3, weekly_hours");
  EXPECT_EQ(e.problem(), "must be > 0 hours, got -10");
}

TEST(BadInput, NegativeHoursInlineNameTheYamlEntry) {
  const InputError e = validate_error("inline_negative_hours.yaml");
  EXPECT_EQ(e.file(), bad("inline_negative_hours.yaml").string() + ":4:7");
  EXPECT_EQ(e.where(), "posts.list[0].weekly_hours");
  EXPECT_EQ(e.problem(), "must be > 0 hours, got -35");
}

TEST(BadInput, PostInUnknownCommuneNamesTheCode) {
  const InputError e = validate_error("post_unknown_commune.yaml");
  EXPECT_EQ(e.file(), bad("post_unknown_commune.yaml").string() + ":5:7");
  EXPECT_EQ(e.where(), "posts.list[1].home_commune");
  EXPECT_EQ(e.problem(), "commune code \"12345\" is not in the territory");
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
  EXPECT_NE(e.problem().find("no feature"), std::string::npos) << e.what();
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
  const InputError e = validate_error("no_such_scenario.yaml");
  EXPECT_EQ(e.file(), bad("no_such_scenario.yaml").string());
  EXPECT_EQ(e.problem(), "cannot open the scenario file");
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

// Findings for the owners of app/scenario.cpp and sim/post_table.cpp: each test fails today, so
// it stays DISABLED_ until the fix lands (see the report of engineer I).

// app/scenario.cpp read_sweep: `step` is only checked > 0, so a tiny step builds a grid of
// millions of rates (1e-320 makes `from + i * step` overflow the int i: a hang, then UB) and a
// sweep that never ends. Expected: a step so small the grid exceeds a sane size is refused.
TEST(BadInput, DISABLED_TinySweepStepIsRefused) {
  const std::string text =
      "territory: {synthetic: {seed: 3, communes: 40}}\n"
      "sweep: {non_renewal_rates: {from: 0, to: 0.6, step: 1e-7}}\n";
  const std::string m =
      test::error_message<InputError>([&] { parse_scenario(text, "s.yaml", "/base"); });
  EXPECT_NE(m.find("sweep.non_renewal_rates.step"), std::string::npos) << m;
}

// app/scenario.cpp read_travel/read_coverage: positive() checks the double, then the value is
// cast to float; 1e39 becomes +inf (and the cast is undefined behaviour), so an infinite
// cut-off and infinite thresholds pass the "largest threshold <= cut-off" check.
TEST(BadInput, DISABLED_CutoffBeyondFloatIsRefused) {
  const std::string text =
      "territory: {synthetic: {seed: 3, communes: 40}}\n"
      "travel: {cutoff_minutes: 1e39}\n"
      "coverage: {thresholds: [1e39]}\n";
  const std::string m =
      test::error_message<InputError>([&] { parse_scenario(text, "s.yaml", "/base"); });
  EXPECT_NE(m.find("s.yaml:2:"), std::string::npos) << m;
}

// sim/post_table.cpp read_post: weekly_hours has no upper bound, so 1e308 hours a week is a
// post (summary.md then adds hours to +inf). A week has 168 hours.
TEST(BadInput, DISABLED_WeeklyHoursBeyondAWeekAreRefused) {
  const std::string m = validate_error("inline_impossible_hours.yaml").what();
  EXPECT_NE(m.find("weekly_hours"), std::string::npos) << m;
}

}  // namespace
}  // namespace covsim::app
