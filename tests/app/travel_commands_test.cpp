// covsim travel and covsim calibrate in-process: the minutes `travel` writes read back through
// the od model to the run's own table; `calibrate` recovers the speeds a table was made with;
// an existing output stops either before any work.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "app/scenario.hpp"
#include "geo/error.hpp"
#include "tests/error_message.hpp"
#include "tests/file_contents.hpp"
#include "tests/geo/osm_fixture.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::app {
namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(CommandTravel, OdModelReadsBackTheRunsMinutes) {
  test::TempDir dir;
  // The embedded default with the long-trip curve on: it is part of what must come back.
  std::ofstream(dir / "curve.yaml")
      << replaced(default_scenario_text(), "long_trip_speedup: 1 ", "long_trip_speedup: 1.75");
  CommonOptions o;
  o.scenario = dir / "curve.yaml";
  std::ostringstream log;
  ASSERT_EQ(command_travel(o, {.to = dir / "od.csv"}, log, null_progress()), kOk) << log.str();

  const Scenario run = read_scenario(dir / "curve.yaml");
  Prepared a = prepare_territory(run, null_progress(), log);
  prepare_travel(run, a, null_progress(), log);
  ASSERT_FALSE(a.graph.trip.identity());

  Scenario od = run;
  od.travel.model = "od";
  od.travel.od.file = dir / "od.csv";
  Prepared b = prepare_territory(od, null_progress(), log);
  prepare_travel(od, b, null_progress(), log);
  ASSERT_EQ(b.graph.model, "od-matrix");
  ASSERT_EQ(a.table.rows(), b.table.rows());
  EXPECT_EQ(a.table.entries(), b.table.entries());
  std::size_t differ = 0;
  for (geo::RowId r = 0; r < a.table.rows(); ++r) {
    const auto x = a.table.row(r), y = b.table.row(r);
    ASSERT_EQ(x.size(), y.size()) << "row " << r;
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(x[i].commune, y[i].commune);
      EXPECT_NEAR(x[i].minutes, y[i].minutes, 1e-4);
      differ += x[i].minutes != y[i].minutes;
    }
  }
  EXPECT_EQ(differ, 0u) << "minutes written as the shortest exact text read back bit for bit";
}

// A road lattice over the generated territory (central Brittany), every 2 km, as .osm.pbf.
void write_lattice(const std::filesystem::path& path) {
  test::OsmExtract x;
  const int cols = 40, rows = 38;
  auto id = [&](int i, int j) { return static_cast<std::int64_t>(1 + i * cols + j); };
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) x.node(id(i, j), -3.62 + 0.027 * j, 47.75 + 0.018 * i);
  std::int64_t way = 1;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      const char* cls = i % 5 == 0 || j % 5 == 0 ? "secondary" : "unclassified";
      if (j + 1 < cols) x.way(way++, {id(i, j), id(i, j + 1)}, {{"highway", cls}});
      if (i + 1 < rows)
        x.way(way++, {id(i, j), id(i + 1, j)},
              {{"highway", cls}, {"oneway", (i + j) % 7 == 0 ? "yes" : "no"}});
    }
  x.write(path);
}

TEST(CommandTravel, RoadModelMinutesReadBackToo) {
  test::TempDir dir;
  write_lattice(dir / "roads.osm.pbf");
  std::ofstream(dir / "road.yaml")
      << replaced(default_scenario_text(), "  model: adjacency\n",
                  "  model: road\n  road: {file: roads.osm.pbf, cache_dir: cache}\n");
  std::filesystem::create_directories(dir / "cache");
  CommonOptions o;
  o.scenario = dir / "road.yaml";
  std::ostringstream log;
  ASSERT_EQ(command_travel(o, {.to = dir / "od.csv"}, log, null_progress()), kOk) << log.str();
  EXPECT_NE(log.str().find("cache: written to"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("communes snapped"), std::string::npos) << log.str();

  const Scenario run = read_scenario(dir / "road.yaml");
  Prepared a = prepare_territory(run, null_progress(), log);
  std::ostringstream second;
  prepare_travel(run, a, null_progress(), second);
  EXPECT_NE(second.str().find("cache: loaded from"), std::string::npos) << second.str();
  ASSERT_EQ(a.graph.model, "road");
  Scenario od = run;
  od.travel.model = "od";
  od.travel.od.file = dir / "od.csv";
  Prepared b = prepare_territory(od, null_progress(), log);
  prepare_travel(od, b, null_progress(), log);
  ASSERT_EQ(a.table.entries(), b.table.entries());
  for (geo::RowId r = 0; r < a.table.rows(); ++r) {
    const auto x = a.table.row(r), y = b.table.row(r);
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_EQ(x[i].commune, y[i].commune);
      ASSERT_EQ(x[i].minutes, y[i].minutes);
    }
  }
  EXPECT_GT(a.table.entries(), 5 * a.table.rows());  // the lattice links communes, not islands
}

TEST(CommandTravel, ExistingFileStopsBeforeAnyWork) {
  test::TempDir dir;
  std::ofstream(dir / "od.csv") << "keep me\n";
  std::ostringstream log;
  EXPECT_THROW(command_travel({}, {.to = dir / "od.csv"}, log, null_progress()), OutputError);
  EXPECT_EQ(log.str(), "");  // not even the territory was generated
  std::ofstream(dir / "file") << "not a directory\n";
  EXPECT_THROW(command_travel({}, {.to = dir / "file" / "od.csv"}, log, null_progress()),
               OutputError);
  EXPECT_EQ(log.str(), "");
  EXPECT_EQ(command_travel({}, {.to = dir / "od.csv", .overwrite = true}, log, null_progress()),
            kOk);
  EXPECT_NE(test::read_file(dir / "od.csv"), "keep me\n");
  // Like every output, the file goes in as a whole, its directory created when missing.
  EXPECT_EQ(command_travel({}, {.to = dir / "new" / "od.csv"}, log, null_progress()), kOk);
  EXPECT_EQ(test::read_file(dir / "new" / "od.csv"), test::read_file(dir / "od.csv"));
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().rfind(".covsim-staging-", 0), std::string::npos);
}

TEST(CommandCalibrate, RecoversTheSpeedsATableWasWrittenWith) {
  test::TempDir dir;
  // The embedded default with other speeds: 72 km/h, long trips from 9 min at 1.45 x.
  std::ofstream(dir / "known.yaml")
      << replaced(replaced(default_scenario_text(), "    speed_kmh: 60\n",
                           "    speed_kmh: 72\n    long_trip_from_minutes: 9\n"),
                  "long_trip_speedup: 1 ", "long_trip_speedup: 1.45");
  std::ostringstream log;
  CommonOptions known;
  known.scenario = dir / "known.yaml";
  ASSERT_EQ(command_travel(known, {.to = dir / "reference.csv"}, log, null_progress()), kOk);

  CalibrateOptions c;
  c.reference = dir / "reference.csv";
  c.to = dir / "fitted.yaml";
  std::ostringstream out;
  ASSERT_EQ(command_calibrate({}, c, out, null_progress()), kOk) << out.str();
  EXPECT_NE(out.str().find("before: "), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("after : "), std::string::npos) << out.str();

  const YAML::Node fitted = YAML::LoadFile((dir / "fitted.yaml").string())["travel"]["adjacency"];
  EXPECT_NEAR(fitted["speed_kmh"].as<double>(), 72, 72 * 0.01);
  EXPECT_NEAR(fitted["long_trip_from_minutes"].as<double>(), 9, 0.2);
  EXPECT_NEAR(fitted["long_trip_speedup"].as<double>(), 1.45, 0.01);
  EXPECT_NEAR(fitted["density_speeds"][0]["speed_kmh"].as<double>(), 30, 30 * 0.02);
  EXPECT_NEAR(fitted["density_speeds"][1]["speed_kmh"].as<double>(), 45, 45 * 0.02);

  // The written section is a valid travel section: a scenario made of it reads.
  std::ifstream in(dir / "fitted.yaml");
  std::stringstream section;
  section << in.rdbuf();
  const Scenario s = parse_scenario("territory: {synthetic: {seed: 1}}\n" + section.str(),
                                    "fitted.yaml", dir.path());
  EXPECT_NEAR(s.travel.speeds.speed_kmh, 72, 72 * 0.01);

  EXPECT_THROW(command_calibrate({}, c, out, null_progress()), OutputError);  // exists now
}

TEST(CommandCalibrate, BadReferenceNamesFileAndLine) {
  test::TempDir dir;
  std::ofstream(dir / "ref.csv") << "origin,destination,minutes\n99001,99002,abc\n";
  CalibrateOptions c;
  c.reference = dir / "ref.csv";
  std::ostringstream log;
  try {
    command_calibrate({}, c, log, null_progress());
    FAIL() << "bad minutes accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.file().find("ref.csv"), std::string::npos);
    EXPECT_EQ(e.where(), "line 2");
  }
}

TEST(ScenarioTravelKeys, NewKeysReadAndBadValuesNameFileAndLine) {
  const std::string head = "territory: {synthetic: {seed: 1}}\n";
  const Scenario s = parse_scenario(head +
                                        "travel:\n"
                                        "  adjacency:\n"
                                        "    long_trip_from_minutes: 12\n"
                                        "    long_trip_speedup: 1.2\n"
                                        "    density_speeds: []\n"
                                        "  road: {file: r.osm.pbf, maxspeed: false, cache: false,\n"
                                        "         cache_dir: cache}\n",
                                    "s.yaml", "/data");
  EXPECT_FLOAT_EQ(static_cast<float>(s.travel.speeds.long_trip_from_minutes), 12);
  EXPECT_DOUBLE_EQ(s.travel.speeds.long_trip_speedup, 1.2);
  EXPECT_TRUE(s.travel.speeds.density_classes.empty());  // [] replaces the defaults
  EXPECT_FALSE(s.travel.road.use_maxspeed);
  EXPECT_FALSE(s.travel.road.cache);
  EXPECT_EQ(s.travel.road.cache_dir, std::filesystem::path("/data/cache"));
  EXPECT_EQ(parse_scenario(head, "d.yaml", "/").travel.speeds.density_classes.size(), 2u);

  auto error = [&](const std::string& travel) {
    return test::error_message<InputError>(
        [&] { parse_scenario(head + travel, "s.yaml", "/data"); });
  };
  const std::string speedup = error("travel:\n  adjacency: {long_trip_speedup: 7}\n");
  EXPECT_NE(speedup.find("s.yaml:3"), std::string::npos) << speedup;
  EXPECT_NE(speedup.find("long_trip_speedup"), std::string::npos) << speedup;
  const std::string start = error("travel:\n  adjacency: {long_trip_from_minutes: -1}\n");
  EXPECT_NE(start.find("s.yaml:3"), std::string::npos) << start;
  const std::string cache = error("travel:\n  road:\n    file: r.osm.pbf\n    cache: maybe\n");
  EXPECT_NE(cache.find("s.yaml:5"), std::string::npos) << cache;
}

}  // namespace
}  // namespace covsim::app
