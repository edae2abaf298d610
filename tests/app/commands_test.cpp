// End to end on the embedded default: the run writes every promised output, the layers and
// tables reopen with the figures of the run, and an existing output stops a run before work;
// a sweep's figures reach the tables and the export; a scenario's od model reaches the table.
#include "app/commands.hpp"

#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "app/pipeline.hpp"
#include "geo/error.hpp"
#include "geo/synthetic_territory.hpp"
#include "tests/file_contents.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::app {
namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

long long feature_count(const std::filesystem::path& gpkg, const char* layer) {
  GDALDatasetH ds = GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  if (!ds) return -1;
  OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
  const long long n = l ? OGR_L_GetFeatureCount(l, TRUE) : -2;
  GDALClose(ds);
  return n;
}

// The layers that have a QGIS style in the GeoPackage's layer_styles table.
std::set<std::string> styled_layers(const std::filesystem::path& gpkg) {
  std::set<std::string> out;
  GDALDatasetH ds = GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  if (!ds) return out;
  OGRLayerH sql =
      GDALDatasetExecuteSQL(ds, "SELECT f_table_name FROM layer_styles", nullptr, nullptr);
  if (sql) {
    while (OGRFeatureH f = OGR_L_GetNextFeature(sql)) {
      out.insert(OGR_F_GetFieldAsString(f, 0));
      OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, sql);
  }
  GDALClose(ds);
  return out;
}

TEST(CommandRun, EmbeddedDefaultWritesLayersMapsAndTablesOfTheRun) {
  test::TempDir dir;
  CommonOptions o;
  o.out_dir = dir.path();
  std::ostringstream log;
  ASSERT_EQ(command_run(o, log, null_progress()), kOk) << log.str();

  // The same pipeline, in-process, gives the figures the files must hold.
  const Scenario s = default_scenario();
  Prepared p = prepare_territory(s, null_progress(), log);
  prepare_travel(s, p, null_progress(), log);
  const Baseline b = run_baseline(s, p, null_progress());

  GDALAllRegister();
  EXPECT_EQ(feature_count(dir / "coverage.gpkg", "communes"),
            static_cast<long long>(p.territory.size()));
  EXPECT_EQ(feature_count(dir / "coverage.gpkg", "sites"),
            static_cast<long long>(b.deployment.sites()));
  EXPECT_EQ(feature_count(dir / "coverage.gpkg", "circuits"),
            static_cast<long long>(b.deployment.circuits()));
  EXPECT_GT(feature_count(dir / "coverage.gpkg", "catchments"), 0);
  EXPECT_GE(feature_count(dir / "coverage.gpkg", "losing_reach"), 0);
  EXPECT_EQ(feature_count(dir / "coverage.gpkg", "stops"),
            static_cast<long long>(b.deployment.stop_commune.size()));
  // The default has a renewal round: the deployment after it is mapped too, with fewer sites.
  const long long after_sites = feature_count(dir / "coverage.gpkg", "after_sites");
  EXPECT_GT(after_sites, 0);
  EXPECT_LT(after_sites, static_cast<long long>(b.deployment.sites()));
  EXPECT_GE(feature_count(dir / "coverage.gpkg", "after_circuits"), 0);
  // Every layer opens styled in QGIS.
  EXPECT_EQ(
      styled_layers(dir / "coverage.gpkg"),
      (std::set<std::string>{"communes", "sites", "stops", "circuits", "catchments", "losing_reach",
                             "after_sites", "after_stops", "after_circuits"}));
  const std::string sites_csv = slurp(dir / "sites.csv");
  EXPECT_EQ(
      sites_csv.rfind("post,commune,commune_name,host_type,strategy,weekly_hours,fate\r\n", 0), 0u)
      << sites_csv;

  const nlohmann::json result = nlohmann::json::parse(slurp(dir / "result.json"));
  const auto& groups = result["result"]["tables"]["groups"]["columns"];
  double reached_30 = -1;
  for (const auto& c : groups)
    if (c["name"] == "reached_30_min") reached_30 = c["values"][0].get<double>();
  EXPECT_DOUBLE_EQ(reached_30, b.groups.reached_at(0, 2));
  EXPECT_TRUE(result.contains("renewal"));

  const std::string summary = slurp(dir / "summary.md");
  EXPECT_NE(summary.find("## Renewal scenario"), std::string::npos);
  EXPECT_NE(summary.find("Posts: " + std::to_string(b.posts.size()) + " ("), std::string::npos);
  // The renewal's capacity loss starts from the run's own mean access (about 11, so no
  // thousands separator).
  char before[64];
  std::snprintf(before, sizeof before, "population-weighted mean): %.2f before, ",
                b.groups.mean_access[0]);
  EXPECT_NE(summary.find(before), std::string::npos) << before << "\n" << summary;
  EXPECT_GT(std::filesystem::file_size(dir / "coverage.png"), 10'000u);
  EXPECT_GT(std::filesystem::file_size(dir / "renewal.png"), 10'000u);
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_NE(e.path().filename().string()[0], '.') << "temporary left: " << e.path();
}

TEST(CommandRun, ExistingOutputStopsTheRunBeforeAnyWork) {
  test::TempDir dir;
  const std::filesystem::path scenario = dir / "s.yaml";
  std::ofstream(scenario) << "territory: {synthetic: {seed: 2, communes: 40}}\n"
                             "posts: {list: [{id: A, host_type: commune, home_commune: '99001'}]}\n"
                             "output: {dir: out, maps: [png], vector: [gpkg]}\n";
  std::filesystem::create_directories(dir / "out");
  std::ofstream(dir / "out" / "summary.md") << "a planner's notes\n";
  CommonOptions o;
  o.scenario = scenario;
  std::ostringstream log;
  try {
    command_run(o, log, null_progress());
    FAIL() << "an existing output must stop the run";
  } catch (const OutputError& e) {
    EXPECT_NE(std::string(e.what()).find("summary.md: already exists"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(log.str(), "") << "nothing must have run";
  EXPECT_EQ(slurp(dir / "out" / "summary.md"), "a planner's notes\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "coverage.gpkg"));
}

// Calls `act` when a stage whose label starts with `prefix` starts: a failure (or a rival
// process) at that moment of a run.
class HookedProgress final : public Progress {
 public:
  HookedProgress(std::string prefix, std::function<void()> act)
      : prefix_(std::move(prefix)), act_(std::move(act)) {}
  void start(std::string_view what, std::size_t) override {
    if (what.rfind(prefix_, 0) == 0 && act_) std::exchange(act_, nullptr)();
  }
  void advance(std::size_t) override {}
  void finish() override {}

 private:
  std::string prefix_;
  std::function<void()> act_;
};

using test::files_in;

// A failure while writing (disk full, a bad value met by a writer...) or at the commit (an
// output created meanwhile) leaves the previous outputs exactly as they were, and nothing of
// the new set: the outputs were once left half old, half new, behind a non-zero exit.
TEST(CommandRun, AFailureWhileWritingLeavesThePreviousOutputsIntact) {
  test::TempDir dir;
  CommonOptions o;
  o.out_dir = dir / "out";
  std::ostringstream log;
  ASSERT_EQ(command_run(o, log, null_progress()), kOk);
  const auto before = files_in(dir / "out");

  HookedProgress fails("writing", [] { throw OutputError("no space left on device"); });
  EXPECT_THROW(command_run(o, log, fails), OutputError);
  EXPECT_EQ(files_in(dir / "out"), before);

  // Without overwrite, an output that appears while the run writes is not replaced, and no
  // other new file is moved in either.
  const std::filesystem::path scenario = dir / "s.yaml";
  std::string text = default_scenario_text();
  text = text.substr(0, text.find("\noutput:")) + "\noutput: {dir: fresh, maps: [png]}\n";
  std::ofstream(scenario) << text;
  CommonOptions fresh;
  fresh.scenario = scenario;
  std::filesystem::create_directory(dir / "fresh");
  HookedProgress rival("writing", [&] { std::ofstream(dir / "fresh" / "summary.md") << "mine"; });
  EXPECT_THROW(command_run(fresh, log, rival), OutputError);
  EXPECT_EQ(files_in(dir / "fresh"), (std::map<std::string, std::string>{{"summary.md", "mine"}}));
}

TEST(CommandRun, AnOutputDirectoryThatIsAFileIsRefusedBeforeAnyWork) {
  test::TempDir dir;
  std::ofstream(dir / "out") << "a file";
  CommonOptions o;
  o.out_dir = dir / "out";
  std::ostringstream log;
  EXPECT_THROW(command_run(o, log, null_progress()), OutputError);
  EXPECT_EQ(log.str(), "") << "nothing must have run";
}

TEST(CommandSweep, RefusesAScenarioWithoutSweepSection) {
  test::TempDir dir;
  const std::filesystem::path scenario = dir / "s.yaml";
  std::ofstream(scenario)
      << "territory: {synthetic: {seed: 2, communes: 40}}\n"
         "posts: {list: [{id: A, host_type: commune, home_commune: '99001'}]}\n";
  CommonOptions o;
  o.scenario = scenario;
  std::ostringstream log;
  EXPECT_THROW(command_sweep(o, {}, log, null_progress()), InputError);
}

TEST(CommandSweep, SweepFiguresReachTheTablesAndTheExport) {
  test::TempDir dir;
  CommonOptions o;
  o.out_dir = dir / "run";
  SweepCommandOptions sw;
  sw.draws = 40;
  std::ostringstream log;
  ASSERT_EQ(command_sweep(o, sw, log, null_progress()), kOk) << log.str();

  // result.json carries the communes layer's renewal and sweep columns, so export maps them.
  const nlohmann::json result = nlohmann::json::parse(slurp(dir / "run" / "result.json"));
  const nlohmann::json* loss = nullptr;
  bool loses_reach = false;
  for (const auto& c : result["result"]["tables"]["communes"]["columns"]) {
    if (c["name"] == "loss_probability") loss = &c;
    if (c["name"] == "loses_reach") loses_reach = true;
  }
  EXPECT_TRUE(loses_reach);
  ASSERT_NE(loss, nullptr);
  // The default's renewal threshold (20 min) and policy (absorb) at the harshest rate: some
  // communes lose reach in some draws, none in more than all of them.
  EXPECT_NE((*loss)["description"].get<std::string>().find("60 % non-renewal, 20 min, absorb"),
            std::string::npos)
      << (*loss)["description"];
  double largest = 0;
  for (const auto& v : (*loss)["values"]) {
    ASSERT_TRUE(v.is_number());
    EXPECT_GE(v.get<double>(), 0);
    EXPECT_LE(v.get<double>(), 1);
    largest = std::max(largest, v.get<double>());
  }
  EXPECT_GT(largest, 0);
  const std::string csv = slurp(dir / "run" / "communes.csv");
  EXPECT_NE(csv.substr(0, csv.find('\n'))
                .find(",loses_reach,after_presence_hours_per_month,after_has_permanence,"
                      "loses_permanence,loss_probability,permanence_loss_probability"),
            std::string::npos)
      << csv.substr(0, csv.find('\n'));

  ExportOptions e;
  e.result = dir / "run" / "result.json";
  e.field = "loss_probability";
  e.out = dir / "loss.png";
  ASSERT_EQ(command_export({}, e, log, null_progress()), kOk);
  EXPECT_GT(std::filesystem::file_size(dir / "loss.png"), 10'000u);
  e.out = dir / "loss.gpkg";
  ASSERT_EQ(command_export({}, e, log, null_progress()), kOk);
  GDALAllRegister();
  EXPECT_EQ(feature_count(dir / "loss.gpkg", "communes"),
            static_cast<long long>(loss->at("values").size()));
}

TEST(Pipeline, OdModelTravelsTheSuppliedMinutes) {
  test::TempDir dir;
  const geo::Territory t = geo::generate_territory({.seed = 3, .communes = 40});
  std::ofstream(dir / "od.csv") << "from,to,min\n"
                                << t.code[0] << "," << t.code[1] << ",12.5\n"
                                << t.code[1] << "," << t.code[2] << ",7\n";
  const Scenario s = parse_scenario(
      "territory: {synthetic: {seed: 3, communes: 40}}\n"
      "travel: {model: od, cutoff_minutes: 45,\n"
      "         od: {file: od.csv, origin: from, destination: to, minutes: min, symmetric: "
      "true}}\n",
      (dir / "s.yaml").string(), dir.path());
  std::ostringstream log;
  Prepared p = prepare_territory(s, null_progress(), log);
  prepare_travel(s, p, null_progress(), log);
  EXPECT_EQ(p.graph.model, "od-matrix");

  // Minutes to commune 0 as a site: the table's pair, and a chain through commune 1 both ways.
  std::map<geo::CommuneId, float> to_site;
  const geo::CommuneId c0 = *p.territory.find(t.code[0]);
  for (const geo::Reach& r : p.table.row(p.table.row_of(c0))) to_site[r.commune] = r.minutes;
  EXPECT_FLOAT_EQ(to_site.at(*p.territory.find(t.code[1])), 12.5f);
  EXPECT_FLOAT_EQ(to_site.at(*p.territory.find(t.code[2])), 19.5f);
  EXPECT_EQ(to_site.size(), 3u) << "only communes the table links reach the site";
}

}  // namespace
}  // namespace covsim::app
