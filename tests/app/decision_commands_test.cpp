// recommend, prioritise and compare on the embedded default, in-process and as a user meets
// them: the files they promise, figures that agree with the sim/ functions, a plan compared with
// itself showing no difference, existing outputs refused before work, bad arguments refused
// with exit 2 or 3 and one line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "app/commands.hpp"
#include "app/scenario.hpp"
#include "geo/error.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::app {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

struct Outcome {
  int exit_code = -1;
  std::string err;
};

Outcome covsim_cli(const std::string& args, const fs::path& dir) {
  const std::string cmd = std::string(COVSIM_BINARY) + " " + args + " >" + (dir / "out").string() +
                          " 2>" + (dir / "err").string() + " </dev/null";
  const int status = std::system(cmd.c_str());
  Outcome o;
  if (status != -1 && WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
  o.err = slurp(dir / "err");
  return o;
}

TEST(CommandRecommend, EmbeddedDefaultRanksThePicksAndRefusesToOverwrite) {
  test::TempDir dir;
  CommonOptions o;
  o.out_dir = dir.path();
  RecommendCommandOptions r;
  r.add = 3;
  std::ostringstream log;
  ASSERT_EQ(command_recommend(o, r, log, null_progress()), kOk) << log.str();
  const std::string csv = slurp(dir / "recommendations.csv");
  EXPECT_EQ(lines(csv), 4u) << csv;  // header + 3 picks
  EXPECT_EQ(csv.rfind("rank,post,code,name,epci,epci_name,population,gain,cumulative", 0), 0u);
  EXPECT_TRUE(fs::exists(dir / "recommendations.png"));
  const std::string md = slurp(dir / "recommendations.md");
  EXPECT_NE(md.find("| 3 |"), std::string::npos) << md;
  EXPECT_NE(md.find("renewal round leaves"), std::string::npos) << md;
  // The default replaces its own outputs; a scenario that does not meets them and stops
  // before any work.
  std::string text = default_scenario_text();
  text.replace(text.find("overwrite: true"), 15, "overwrite: false");
  std::ofstream(dir / "keep.yaml") << text;
  o.scenario = dir / "keep.yaml";
  EXPECT_THROW(command_recommend(o, r, log, null_progress()), OutputError);
  o.overwrite = true;
  r.objective = "access";
  EXPECT_EQ(command_recommend(o, r, log, null_progress()), kOk);
}

TEST(CommandPrioritise, KeepsAsManyAsTheRoundAndSaysWhatItKeepsMore) {
  test::TempDir dir;
  CommonOptions o;
  o.out_dir = dir.path();
  std::ostringstream log;
  ASSERT_EQ(command_prioritise(o, {}, log, null_progress()), kOk) << log.str();
  const std::string csv = slurp(dir / "priorities.csv");
  EXPECT_EQ(lines(csv), 12u);  // header + 11 posts
  EXPECT_NE(csv.find("kept_in_plan,kept_in_scenario"), std::string::npos);
  const std::string md = slurp(dir / "priorities.md");
  EXPECT_NE(md.find("instead of the 3 decided keeps"), std::string::npos) << md;
  PrioritiseCommandOptions p;
  p.keep = 12;
  o.overwrite = true;
  EXPECT_THROW(command_prioritise(o, p, log, null_progress()), InputError);
}

TEST(CommandCompare, TheDefaultComparedWithItselfShowsNoDifference) {
  test::TempDir dir;
  const fs::path scenario = fs::path(COVSIM_SOURCE_DIR) / "scenarios" / "default.yaml";
  CompareCommandOptions c{.a = scenario, .b = scenario, .out_dir = dir.path()};
  std::ostringstream log;
  ASSERT_EQ(command_compare(c, log, null_progress()), kOk) << log.str();
  EXPECT_NE(slurp(dir / "comparison.md").find("**No difference**"), std::string::npos);
  const std::string communes = slurp(dir / "comparison_communes.csv");
  EXPECT_EQ(communes.find(",better,"), std::string::npos);
  EXPECT_EQ(communes.find(",worse,"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "comparison.png"));

  // The saved run of the same scenario compares equal to it too (the after-renewal state).
  CommonOptions run;
  run.out_dir = dir / "run";
  ASSERT_EQ(command_run(run, log, null_progress()), kOk);
  CompareCommandOptions j{.a = dir / "run" / "result.json", .b = scenario,
                          .out_dir = dir / "json", .overwrite = false};
  ASSERT_EQ(command_compare(j, log, null_progress()), kOk);
  EXPECT_NE(slurp(dir / "json" / "comparison.md").find("**No difference**"), std::string::npos);
}

TEST(DecisionCli, BadArgumentsExitWithTwoOrThreeAndOneLine) {
  test::TempDir dir;
  const std::string out = " -o " + (dir / "o").string();
  struct Case {
    std::string args;
    int code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"recommend --add 0" + out, 2, "--add"},
      {"recommend --add -2" + out, 2, "--add"},
      {"recommend" + out, 2, "--add"},
      {"recommend --add 1 --objective coverage" + out, 2, "--objective"},
      {"recommend --add 1 --threshold 25" + out, 3, "--threshold"},
      {"prioritise --keep 12" + out, 3, "--keep"},
      {"prioritise --policy keep" + out, 2, "--policy"},
      {"compare missing.yaml missing.yaml" + out, 2, "missing.yaml"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.args);
    const Outcome o = covsim_cli(c.args, dir.path());
    EXPECT_EQ(o.exit_code, c.code);
    EXPECT_NE(o.err.find(c.says), std::string::npos) << o.err;
    if (c.code == 3) {
      EXPECT_EQ(lines(o.err), 1u) << o.err;
      EXPECT_EQ(o.err.rfind("covsim: error: ", 0), 0u) << o.err;
    }
  }
  for (const char* sub : {"recommend", "prioritise", "compare"}) {
    const Outcome o = covsim_cli(std::string(sub) + " --help", dir.path());
    EXPECT_EQ(o.exit_code, 0) << sub;
  }
}

}  // namespace
}  // namespace covsim::app
