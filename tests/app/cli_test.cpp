// The covsim binary as a user meets it: exit codes (README.md), one-line messages on stderr
// that never look like a crash, --help on every subcommand, and silence on stderr when piped.
// The corpus is tests/data/bad; tests/app/bad_input_test.cpp checks the same messages in detail.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/file_contents.hpp"
#include "tests/temp_dir.hpp"
#include "tests/test_data.hpp"

namespace covsim {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs ./covsim with stdout and stderr redirected to files: neither is a terminal, as in a
// pipe or a CI log.
Outcome covsim_cli(const std::vector<std::string>& args) {
  test::TempDir dir("-streams");  // apart from the test's own TempDir
  std::string cmd = quoted(COVSIM_BINARY);
  for (const std::string& a : args) cmd += " " + quoted(a);
  cmd += " >" + quoted((dir / "out").string()) + " 2>" + quoted((dir / "err").string()) +
         " </dev/null";
  const int status = std::system(cmd.c_str());
  Outcome o;
  // A signal (crash) leaves no exit code: -1 fails every expectation below.
  if (status != -1 && WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
  o.out = slurp(dir / "out");
  o.err = slurp(dir / "err");
  return o;
}

std::string bad(const std::string& name) { return (test::test_data() / "bad" / name).string(); }

// One line, "covsim: error: <file>...", and nothing that reads like a crash.
void expect_one_line_error(const Outcome& o, const std::string& starts_with) {
  EXPECT_NE(o.exit_code, 5) << "exit 5 is for bugs: " << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  EXPECT_EQ(o.err.rfind("covsim: error: " + starts_with, 0), 0u) << o.err;
  for (const char* crash : {"terminate", "Aborted", "Segmentation", "what():", "AddressSanitizer"})
    EXPECT_EQ(o.err.find(crash), std::string::npos) << o.err;
}

TEST(Cli, EveryBadScenarioExitsWithCodeThreeAndOneLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"malformed.yaml", bad("malformed.yaml") + ":3:1: malformed YAML"},
      {"wrong_type.yaml", bad("wrong_type.yaml") + ":1:44: territory.synthetic.communes"},
      {"threshold_zero.yaml", bad("threshold_zero.yaml") + ":3:15: coverage.thresholds"},
      {"threshold_negative.yaml", bad("threshold_negative.yaml")},
      {"posts_negative_hours.yaml",
       bad("posts_negative_hours.csv") + ": line 3, column weekly_hours"},
      {"inline_negative_hours.yaml", bad("inline_negative_hours.yaml") + ":4:7: posts.list[0]"},
      {"post_unknown_commune.yaml", bad("post_unknown_commune.yaml") + ":5:7: posts.list[1]"},
      {"negative_population.yaml", bad("negative_population.geojson")},
      {"nan_coordinate.yaml", bad("nan_coordinate.geojson")},
      {"empty_layer.yaml", bad("empty_layer.geojson")},
      {"no_crs_transform.yaml", bad("no_crs_transform.geojson")},
  };
  for (const auto& [file, message] : cases) {
    SCOPED_TRACE(file);
    const Outcome o = covsim_cli({"validate", bad(file)});
    EXPECT_EQ(o.exit_code, 3);
    expect_one_line_error(o, message);
  }
}

// The whole corpus, whatever files it gains: bad input is exit 3 and one line, never exit 5.
TEST(Cli, EveryScenarioOfTheCorpusExitsWithCodeThree) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::test_data() / "bad")) {
    if (e.path().extension() != ".yaml" || e.path().filename() == "valid.yaml") continue;
    SCOPED_TRACE(e.path().filename().string());
    const Outcome o = covsim_cli({"validate", e.path().string()});
    EXPECT_EQ(o.exit_code, 3);
    expect_one_line_error(o, "");
    ++n;
  }
  EXPECT_GE(n, 35u);
}

TEST(Cli, MissingScenarioIsAUsageError) {
  const Outcome o = covsim_cli({"validate", bad("no_such_scenario.yaml")});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.err.find("no_such_scenario.yaml"), std::string::npos) << o.err;
}

TEST(Cli, UnwritableOutputExitsWithCodeFourAndWritesNothing) {
  test::TempDir dir;
  std::ofstream(dir / "a-file") << "not a directory\n";
  const std::string out = (dir / "a-file" / "out").string();
  const Outcome o = covsim_cli({"run", bad("valid.yaml"), "-o", out});
  EXPECT_EQ(o.exit_code, 4);
  expect_one_line_error(o, out);
  EXPECT_EQ(dir.entries(), 1u);
}

TEST(Cli, HelpOnEverySubcommand) {
  for (const std::string sub :
       {"run", "sweep", "validate", "inspect", "generate", "export", "travel", "calibrate"}) {
    SCOPED_TRACE(sub);
    const Outcome o = covsim_cli({sub, "--help"});
    EXPECT_EQ(o.exit_code, 0);
    EXPECT_NE(o.out.find(sub), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("Usage"), std::string::npos) << o.out;
    EXPECT_EQ(o.err, "");
  }
  const Outcome top = covsim_cli({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  for (const char* sub :
       {"run", "sweep", "validate", "inspect", "generate", "export", "travel", "calibrate"})
    EXPECT_NE(top.out.find(sub), std::string::npos) << top.out;
}

TEST(Cli, BadCommandLinesExitWithCodeTwo) {
  EXPECT_EQ(covsim_cli({}).exit_code, 2);
  EXPECT_EQ(covsim_cli({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(covsim_cli({"validate", "--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(covsim_cli({"-j", "0", "validate"}).exit_code, 2);
  EXPECT_EQ(covsim_cli({"sweep", "--draws", "-3"}).exit_code, 2);
}

// The scenario's bounds hold on the command line too (--seed -1 became 2^64 - 1, --draws 10^9
// ran out of memory), said in a line rather than a 300-digit range.
TEST(Cli, DrawsAndSeedsHaveTheScenarioBounds) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"sweep", "--draws", "0"}, "--draws: '0' is not a whole number from 1 to 10000000"},
      {{"sweep", "--draws", "1000000000"}, "from 1 to 10000000"},
      {{"sweep", "--seed", "-1"}, "--seed: '-1' is not a whole number from 0 to 9007199254740992"},
      {{"sweep", "--seed", "18446744073709551616"}, "from 0 to 9007199254740992"},
      {{"sweep", "--seed", "9007199254740993"}, "from 0 to 9007199254740992"},
      {{"generate", "--seed", "-1"}, "from 0 to 9007199254740992"},
      {{"generate", "--communes", "5"}, "--communes: '5' is not a whole number from 20 to 900"},
  };
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(args[1] + " " + args[2]);
    const Outcome o = covsim_cli(args);
    EXPECT_EQ(o.exit_code, 2);
    EXPECT_NE(o.err.find(message), std::string::npos) << o.err;
    EXPECT_LT(o.err.size(), 200u) << o.err;
  }
}

using test::files_in;

TEST(Cli, GenerateWritesExactlyTheNamedFileAndKeepsAnExistingOne) {
  test::TempDir dir;
  const std::string shp = (dir / "syn.shp").string();
  ASSERT_EQ(covsim_cli({"generate", "--communes", "20", "-o", shp}).exit_code, 0);
  const auto written = files_in(dir.path());
  for (const char* part : {"syn.shp", "syn.shx", "syn.dbf", "syn.prj", "syn.cpg"})
    EXPECT_TRUE(written.count(part)) << part;
  for (const auto& [name, text] : written)
    EXPECT_EQ(name.rfind("syn", 0), 0u) << name << ": not a part of the named file";
  // Another seed, same name: refused before any work, nothing touched.
  const Outcome again = covsim_cli({"generate", "--communes", "20", "--seed", "2", "-o", shp});
  EXPECT_EQ(again.exit_code, 4);
  expect_one_line_error(again, shp + ": already exists; pass --overwrite");
  EXPECT_EQ(again.out, "") << "refused before generating";
  EXPECT_EQ(files_in(dir.path()), written);
  EXPECT_EQ(covsim_cli({"generate", "--communes", "20", "--seed", "2", "-o", shp, "--overwrite"})
                .exit_code,
            0);
  EXPECT_NE(files_in(dir.path()), written);
  // No extension, no guess: `-o mfile` wrote mfile.gpkg.
  EXPECT_EQ(covsim_cli({"generate", "-o", (dir / "mfile").string()}).exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "mfile.gpkg"));
}

// Every file a vector format writes is planned before any work: an existing GeoJSON layer, a
// Shapefile part or a QGIS style sidecar (after-renewal layers included) stops the run at once
// with exit 4, before a single line of progress, and stays as it was. Those were once refused
// only after the whole run.
TEST(Cli, AnExistingVectorOutputOfAnyFormatStopsTheRunBeforeAnyWork) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"geojson", "coverage_communes.geojson"}, {"geojson", "coverage_stops.geojson"},
      {"geojson", "coverage_sites.qml"},        {"shp", "coverage_circuits.dbf"},
      {"shp", "coverage_after_sites.shp"},      {"gpkg", "coverage.gpkg"}};
  for (const auto& [format, existing] : cases) {
    SCOPED_TRACE(existing);
    test::TempDir dir;
    const std::filesystem::path scenario = dir / "s.yaml";
    std::ofstream(scenario) << "territory: {synthetic: {seed: 2, communes: 40}}\n"
                               "posts: {list: [{id: A, host_type: commune, home_commune: '99001'}"
                               ", {id: B, host_type: association, home_commune: '99020', "
                               "renewal: not_renewed}]}\n"
                               "renewal: {rules: []}\n"
                               "output: {dir: out, maps: [], tables: false, vector: ["
                            << format << "]}\n";
    std::filesystem::create_directories(dir / "out");
    const std::filesystem::path file = dir / "out" / existing;
    std::ofstream(file) << "a planner's file";
    const Outcome o = covsim_cli({"run", scenario.string()});
    EXPECT_EQ(o.exit_code, 4);
    expect_one_line_error(o, file.string() + ": already exists");
    EXPECT_EQ(o.out, "") << "nothing computed, not even the scenario announced";
    EXPECT_EQ(slurp(file), "a planner's file");
    EXPECT_EQ(test::files_in(dir / "out").size(), 1u);
  }
}

TEST(Cli, ExportReplacesAnExistingFileOnlyWithOverwrite) {
  test::TempDir dir;
  const std::string run = (dir / "run").string();
  ASSERT_EQ(covsim_cli({"run", "-o", run}).exit_code, 0);
  const std::string result = (dir / "run" / "result.json").string();
  // The embedded default says output.overwrite: true for its own runs; that does not let
  // export replace a planner's file.
  for (const char* name : {"map.png", "layer.gpkg", "layer.shp"}) {
    SCOPED_TRACE(name);
    const std::string to = (dir / name).string();
    std::ofstream(to) << "a planner's file";
    const Outcome o = covsim_cli({"export", "--result", result, "--to", to});
    EXPECT_EQ(o.exit_code, 4);
    expect_one_line_error(o, to + ": already exists");
    EXPECT_EQ(slurp(to), "a planner's file");
    EXPECT_EQ(covsim_cli({"export", "--result", result, "--to", to, "--overwrite"}).exit_code, 0);
    EXPECT_NE(slurp(to), "a planner's file");
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "layer.dbf")) << "exactly the named Shapefile";
  EXPECT_FALSE(std::filesystem::exists(dir / "layer_communes.shp"));
  EXPECT_EQ(covsim_cli({"export", "--result", result, "--to", (dir / "mfile").string()}).exit_code,
            2);
}

TEST(Cli, OutputDirectoryThatCannotBeWrittenIsRefusedBeforeAnyWork) {
  // /sys refuses directories even to root, whom permissions do not stop.
  const Outcome o = covsim_cli({"run", bad("valid.yaml"), "-o", "/sys/covsim-test-out"});
  EXPECT_EQ(o.exit_code, 4);
  expect_one_line_error(o, "/sys/covsim-test-out: cannot be created in /sys");
  EXPECT_EQ(o.out, "") << "nothing may run before the outputs are known to be writable";
}

TEST(Cli, GlobalOptionsWorkBeforeAndAfterTheSubcommand) {
  EXPECT_EQ(covsim_cli({"-q", "-j", "1", "validate"}).exit_code, 0);
  EXPECT_EQ(covsim_cli({"validate", "-q", "-j", "1"}).exit_code, 0);
}

TEST(Cli, QuietWhenPiped) {
  // The embedded default: stdout says it is valid, stderr (not a terminal) stays empty.
  const Outcome o = covsim_cli({"validate"});
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_NE(o.out.find("(embedded default): valid"), std::string::npos) << o.out;
  EXPECT_EQ(o.err, "");
}

}  // namespace
}  // namespace covsim
