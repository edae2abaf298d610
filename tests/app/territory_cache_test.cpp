// The territory cache (geo/territory_cache.hpp) as the pipeline uses it: a second load takes
// the cached path (its log line says so) and gives the same territory, report and adjacency; a
// changed input (size, or only its date) misses; a truncated or altered cache is reported and
// rebuilt; a cache that cannot be written is a warning, not a failure.
#include "geo/territory_cache.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "app/commands.hpp"
#include "app/pipeline.hpp"
#include "app/plan_state.hpp"
#include "tests/file_contents.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::app {
namespace {

namespace fs = std::filesystem;

struct Fixture {
  test::TempDir dir;
  fs::path layer = dir / "mini.geojson";
  fs::path scenario = dir / "s.yaml";
  fs::path cache = dir / "out" / geo::kTerritoryCacheName;

  Fixture() {
    fs::create_directories(dir / "out");  // an earlier run's: the cache is written at once
    fs::copy_file(fs::path(COVSIM_TEST_DATA) / "geo/territory/mini.geojson", layer);
    std::ofstream(scenario) << "territory:\n"
                               "  layers: [mini.geojson]\n"
                               "  fields: {population: pop}\n"
                               "  groups: [{key: department, field: dep}]\n"
                               "posts:\n"
                               "  list:\n"
                               "    - {id: P1, host_type: commune, home_commune: \"35001\"}\n"
                               "output: {dir: out, vector: [], maps: [], tables: true}\n";
  }
  Prepared load(std::string& log, std::optional<fs::path> cache_dir = {}) const {
    CommonOptions o;
    o.scenario = scenario;
    o.cache_dir = std::move(cache_dir);
    std::ostringstream out;
    Prepared p = prepare_territory(load_scenario(o), null_progress(), out);
    log = out.str();
    return p;
  }
};

bool has(const std::string& log, const std::string& s) { return log.find(s) != std::string::npos; }

void expect_same(const Prepared& a, const Prepared& b) {
  const geo::Territory& x = a.territory;
  const geo::Territory& y = b.territory;
  EXPECT_EQ(x.epsg, y.epsg);
  EXPECT_EQ(x.source, y.source);
  EXPECT_EQ(x.code, y.code);
  EXPECT_EQ(x.name, y.name);
  EXPECT_EQ(x.population, y.population);
  EXPECT_EQ(x.priority_population, y.priority_population);
  EXPECT_EQ(x.demand, y.demand);
  EXPECT_EQ(x.area_km2, y.area_km2);
  ASSERT_EQ(x.shape.size(), y.shape.size());
  for (std::size_t c = 0; c < x.shape.size(); ++c) {
    EXPECT_EQ(x.shape[c].points, y.shape[c].points) << c;
    EXPECT_EQ(x.shape[c].ring_end, y.shape[c].ring_end) << c;
    EXPECT_EQ(x.shape[c].polygon_end, y.shape[c].polygon_end) << c;
  }
  ASSERT_EQ(x.groupings.size(), y.groupings.size());
  for (std::size_t g = 0; g < x.groupings.size(); ++g) {
    EXPECT_EQ(x.groupings[g].key, y.groupings[g].key);
    EXPECT_EQ(x.groupings[g].codes, y.groupings[g].codes);
    EXPECT_EQ(x.groupings[g].names, y.groupings[g].names);
    EXPECT_EQ(x.groupings[g].of, y.groupings[g].of);
    EXPECT_EQ(x.groupings[g].full_size, y.groupings[g].full_size);
  }
  for (geo::CommuneId c = 0; c < y.size(); ++c) EXPECT_EQ(y.find(y.code[c]), c);
  ASSERT_TRUE(a.load_report && b.load_report);
  EXPECT_EQ(a.load_report->to_json(), b.load_report->to_json());
  EXPECT_EQ(a.adjacency.first, b.adjacency.first);
  EXPECT_EQ(a.adjacency.neighbour, b.adjacency.neighbour);
  EXPECT_EQ(a.adjacency.border_m, b.adjacency.border_m);
  EXPECT_EQ(a.adjacency.component, b.adjacency.component);
  EXPECT_EQ(a.adjacency.component_size, b.adjacency.component_size);
  EXPECT_EQ(a.adjacency.outside_main, b.adjacency.outside_main);
}

TEST(TerritoryCache, SecondLoadTakesTheCacheWithTheSameTerritory) {
  Fixture f;
  std::string log;
  const Prepared first = f.load(log);
  EXPECT_TRUE(has(log, "territory cache: written to")) << log;
  EXPECT_TRUE(has(log, "no cache yet")) << log;
  ASSERT_TRUE(fs::exists(f.cache));
  ASSERT_GT(first.territory.size(), 1u);
  const Prepared second = f.load(log);
  EXPECT_TRUE(has(log, "from the cache")) << log;
  EXPECT_FALSE(has(log, "territory cache: written")) << log;
  expect_same(first, second);
}

TEST(TerritoryCache, ChangedInputMisses) {
  Fixture f;
  std::string log;
  const Prepared first = f.load(log);
  std::ofstream(f.layer, std::ios::app) << "\n";  // same features, one byte more
  const Prepared second = f.load(log);
  EXPECT_FALSE(has(log, "from the cache")) << log;
  EXPECT_TRUE(has(log, "made for other inputs or settings")) << log;
  expect_same(first, second);
  f.load(log);
  EXPECT_TRUE(has(log, "from the cache")) << log;

  // Only the date changes: still a miss.
  fs::last_write_time(f.layer, fs::last_write_time(f.layer) + std::chrono::seconds(5));
  f.load(log);
  EXPECT_TRUE(has(log, "made for other inputs or settings")) << log;
}

TEST(TerritoryCache, ChangedSettingMisses) {
  Fixture f;
  std::string log;
  f.load(log);
  std::string yaml = test::read_file(f.scenario);
  yaml.replace(yaml.find("{population: pop}"), 17, "{population: pop, name: code}");
  std::ofstream(f.scenario) << yaml;
  const Prepared p = f.load(log);
  EXPECT_TRUE(has(log, "made for other inputs or settings")) << log;
  EXPECT_EQ(p.territory.name, p.territory.code);
}

TEST(TerritoryCache, TruncatedOrAlteredCacheIsRebuilt) {
  Fixture f;
  std::string log;
  const Prepared first = f.load(log);
  const std::string bytes = test::read_file(f.cache);
  std::ofstream(f.cache, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  const Prepared second = f.load(log);
  EXPECT_TRUE(has(log, "corrupt")) << log;
  EXPECT_TRUE(has(log, "territory cache: written to")) << log;
  expect_same(first, second);
  EXPECT_EQ(test::read_file(f.cache), bytes);

  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x20;
  std::ofstream(f.cache, std::ios::binary | std::ios::trunc) << flipped;
  f.load(log);
  EXPECT_TRUE(has(log, "corrupt (checksum mismatch)")) << log;
  f.load(log);
  EXPECT_TRUE(has(log, "from the cache")) << log;
}

TEST(TerritoryCache, CacheFolderFromTheCommandLineAndUnwritableOnesWarn) {
  Fixture f;
  std::string log;
  f.load(log, f.dir / "elsewhere");
  EXPECT_TRUE(fs::exists(f.dir / "elsewhere" / geo::kTerritoryCacheName)) << log;
  EXPECT_FALSE(fs::exists(f.cache));
  f.load(log, f.dir / "elsewhere");
  EXPECT_TRUE(has(log, "from the cache")) << log;

  std::ofstream(f.dir / "a-file") << "not a folder";
  const Prepared p = f.load(log, f.dir / "a-file");
  EXPECT_TRUE(has(log, "warning: territory cache not written")) << log;
  EXPECT_GT(p.territory.size(), 1u);
}

// A first run into a new output folder writes the cache once its outputs are in place (the
// outputs' transaction refuses a folder that appears under it).
TEST(TerritoryCache, FirstRunIntoANewFolderWritesItAfterTheOutputs) {
  Fixture f;
  fs::remove_all(f.dir / "out");
  CommonOptions o;
  o.scenario = f.scenario;
  std::ostringstream log;
  ASSERT_EQ(command_run(o, log, null_progress()), kOk) << log.str();
  EXPECT_TRUE(fs::exists(f.dir / "out" / "communes.csv"));
  EXPECT_TRUE(fs::exists(f.cache)) << log.str();
  EXPECT_LT(log.str().find("wrote "), log.str().find("territory cache: written")) << log.str();
  o.overwrite = true;
  std::ostringstream again;
  ASSERT_EQ(command_run(o, again, null_progress()), kOk) << again.str();
  EXPECT_TRUE(has(again.str(), "from the cache")) << again.str();
}

// validate and inspect write no output: the cache only into a folder named for it.
TEST(TerritoryCache, ValidateWritesItOnlyIntoANamedFolder) {
  Fixture f;
  CommonOptions o;
  o.scenario = f.scenario;
  std::ostringstream log;
  fs::remove_all(f.dir / "out");
  ASSERT_EQ(command_validate(o, log, null_progress()), kOk) << log.str();
  EXPECT_FALSE(fs::exists(f.dir / "out")) << log.str();
  EXPECT_TRUE(has(log.str(), "territory cache: not written")) << log.str();
  o.cache_dir = f.dir / "cache";
  ASSERT_EQ(command_inspect(o, log, null_progress()), kOk) << log.str();
  EXPECT_TRUE(fs::exists(f.dir / "cache" / geo::kTerritoryCacheName)) << log.str();
  std::ostringstream again;
  ASSERT_EQ(command_validate(o, again, null_progress()), kOk) << again.str();
  EXPECT_TRUE(has(again.str(), "from the cache")) << again.str();
}

}  // namespace
}  // namespace covsim::app
