// `covsim sweep --shard I/N` then `covsim merge`: the merged outputs are byte for byte those of
// the whole sweep (1, 2 and 3 shards; policies none, absorb and replan), also with the shards run
// side by side by GNU parallel; shards of different sweeps, a missing, duplicate or corrupt
// shard are refused with the reason.
#include "app/sweep_shards.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "app/commands.hpp"
#include "app/scenario.hpp"
#include "geo/error.hpp"
#include "sim/sweep.hpp"
#include "tests/file_contents.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::app {
namespace {

namespace fs = std::filesystem;

// The embedded default with a small sweep over the three policies. SVG maps and the report
// (its maps are inline SVG) only for runs in separate processes: cairo numbers the surfaces of
// an SVG with a counter of the process.
fs::path write_scenario(const fs::path& dir, int draws, bool svg = false) {
  std::string yaml = default_scenario().yaml_text;
  const auto at = yaml.find("sweep:");
  const auto end = yaml.find("\noutput:");
  yaml.replace(at, end - at,
               "sweep:\n  draws: " + std::to_string(draws) +
                   "\n  seed: 11\n  non_renewal_rates: [0.3, 0.6]\n  thresholds: [20, 30]\n"
                   "  policies: [none, absorb, replan]\n");
  // A GeoPackage records when it was written (gpkg_contents.last_change): GeoJSON instead, so
  // every file can be compared byte for byte.
  yaml.replace(yaml.find("vector: [gpkg]"), 14, "vector: [geojson]");
  yaml.replace(yaml.find("maps: [png]"), 11,
               svg ? "maps: [png, svg]" : "maps: [png]\n  report: false");
  const fs::path file = dir / "s.yaml";
  std::ofstream(file) << yaml;
  return file;
}

int sweep(const fs::path& scenario, const fs::path& out, std::uint32_t shard = 0,
          std::uint32_t shards = 0, std::optional<std::uint64_t> seed = {}) {
  CommonOptions o;
  o.scenario = scenario;
  o.out_dir = out;
  SweepCommandOptions s;
  s.shard = shard;
  s.shards = shards;
  s.seed = seed;
  std::ostringstream log;
  const int rc = command_sweep(o, s, log, null_progress());
  EXPECT_EQ(rc, kOk) << log.str();
  return rc;
}

int merge(std::vector<fs::path> places, const fs::path& out, std::string* log_text = nullptr) {
  MergeCommandOptions m;
  m.places = std::move(places);
  m.out_dir = out;
  std::ostringstream log;
  const int rc = command_merge(m, log, null_progress());
  if (log_text) *log_text = log.str();
  return rc;
}

// Every output but the territory cache, which only the first run of a folder writes.
std::map<std::string, std::string> outputs(const fs::path& dir) {
  auto files = test::files_in(dir);
  for (auto it = files.begin(); it != files.end();)
    it = it->first.starts_with(".covsim") ? files.erase(it) : std::next(it);
  return files;
}

void expect_identical(const fs::path& whole, const fs::path& merged) {
  const auto a = outputs(whole);
  const auto b = outputs(merged);
  ASSERT_GT(a.size(), 5u);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, bytes] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_TRUE(b.at(name) == bytes) << name << " differs";
  }
}

std::string error_of(const std::function<int()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

TEST(SweepShards, ShardRangesCoverTheDrawsOnce) {
  for (std::uint32_t draws : {1u, 7u, 10u, 1000u})
    for (std::uint32_t n = 1; n <= 12; ++n) {
      std::uint32_t next = 0;
      for (std::uint32_t i = 1; i <= n; ++i) {
        const sim::DrawRange r = sim::shard_draws(draws, i, n);
        EXPECT_EQ(r.first, next);
        EXPECT_LE(r.end - r.first, draws / n + 1);
        next = r.end;
      }
      EXPECT_EQ(next, draws);
    }
  EXPECT_THROW(sim::shard_draws(10, 0, 3), Error);
  EXPECT_THROW(sim::shard_draws(10, 4, 3), Error);
  EXPECT_EQ(parse_shard("2/8").index, 2u);
  EXPECT_EQ(parse_shard("2/8").count, 8u);
  for (const char* bad : {"0/3", "4/3", "1", "a/b", "1/0", "-1/3", "1/3x", "/3"})
    EXPECT_THROW(parse_shard(bad), InputError) << bad;
}

TEST(SweepShards, MergedShardsAreByteIdenticalToTheWholeSweep) {
  test::TempDir dir;
  const fs::path scenario = write_scenario(dir.path(), 13);
  ASSERT_EQ(sweep(scenario, dir / "whole"), kOk);
  for (std::uint32_t n = 1; n <= 3; ++n) {
    const fs::path parts = dir / ("parts" + std::to_string(n));
    for (std::uint32_t i = 1; i <= n; ++i) ASSERT_EQ(sweep(scenario, parts, i, n), kOk);
    EXPECT_TRUE(fs::exists(parts / shard_file_name({n, n})));
    std::string log;
    const fs::path merged = dir / ("merged" + std::to_string(n));
    ASSERT_EQ(merge({parts}, merged, &log), kOk) << log;
    EXPECT_NE(log.find("merged " + std::to_string(n) + " shard(s)"), std::string::npos) << log;
    SCOPED_TRACE(n);
    expect_identical(dir / "whole", merged);
  }
}

TEST(SweepShards, ShardsInSeparateFoldersMergeToo) {
  test::TempDir dir;
  const fs::path scenario = write_scenario(dir.path(), 5);
  ASSERT_EQ(sweep(scenario, dir / "whole"), kOk);
  ASSERT_EQ(sweep(scenario, dir / "a", 1, 2), kOk);
  ASSERT_EQ(sweep(scenario, dir / "b", 2, 2), kOk);
  ASSERT_EQ(merge({dir / "b", dir / "a" / shard_file_name({1, 2})}, dir / "merged"), kOk);
  expect_identical(dir / "whole", dir / "merged");
}

TEST(SweepShards, MismatchedShardsAreRefused) {
  test::TempDir dir;
  const fs::path scenario = write_scenario(dir.path(), 6);
  ASSERT_EQ(sweep(scenario, dir / "p", 1, 3), kOk);
  ASSERT_EQ(sweep(scenario, dir / "p", 3, 3), kOk);
  EXPECT_NE(error_of([&] {
              return merge({dir / "p"}, dir / "m");
            }).find("1 of 3 shard(s) missing (first: 2)"),
            std::string::npos);
  // Another seed.
  ASSERT_EQ(sweep(scenario, dir / "q", 2, 3, 99), kOk);
  EXPECT_NE(error_of([&] {
              return merge({dir / "p", dir / "q"}, dir / "m");
            }).find("seed 99"),
            std::string::npos);
  // The same shard twice.
  ASSERT_EQ(sweep(scenario, dir / "r", 2, 3), kOk);
  ASSERT_EQ(sweep(scenario, dir / "s", 2, 3), kOk);
  EXPECT_NE(error_of([&] {
              return merge({dir / "p", dir / "r", dir / "s"}, dir / "m");
            }).find("given twice"),
            std::string::npos);
  // Another shard count.
  ASSERT_EQ(sweep(scenario, dir / "t", 2, 2), kOk);
  EXPECT_NE(error_of([&] {
              return merge({dir / "p", dir / "t"}, dir / "m");
            }).find("2 shards against 3"),
            std::string::npos);
  // A truncated shard.
  const fs::path cut = dir / "r" / shard_file_name({2, 3});
  const std::string bytes = test::read_file(cut);
  std::ofstream(cut, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size() - 9));
  EXPECT_NE(error_of([&] {
              return merge({dir / "p", dir / "r"}, dir / "m");
            }).find("corrupt"),
            std::string::npos);
  // The scenario changed since the shards ran.
  std::ofstream(scenario, std::ios::app) << "# edited\n";
  EXPECT_NE(error_of([&] {
              return merge({dir / "p", dir / "s"}, dir / "m");
            }).find("the scenario changed since the shards ran"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "m"));
}

// The README's recipe: the shards run side by side by GNU parallel, then one merge.
TEST(SweepShards, ThreeShardsUnderGnuParallel) {
  if (std::system("parallel --version >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "GNU parallel is not installed (Debian package `parallel`)";
  test::TempDir dir;
  const fs::path scenario = write_scenario(dir.path(), 9, /*svg=*/true);
  const std::string whole_cmd = std::string(COVSIM_BINARY) + " sweep -q '" + scenario.string() +
                                "' -o '" + (dir / "whole").string() + "' >'" +
                                (dir / "log").string() + "' 2>&1";
  ASSERT_EQ(std::system(whole_cmd.c_str()), 0) << test::read_file(dir / "log");
  const std::string cmd = "parallel --halt now,fail=1 " + std::string(COVSIM_BINARY) +
                          " sweep -q -j 1 '" + scenario.string() + "' --shard {}/3 -o '" +
                          (dir / "parts").string() + "' ::: 1 2 3 >>'" + (dir / "log").string() +
                          "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << test::read_file(dir / "log");
  const std::string merge_cmd = std::string(COVSIM_BINARY) + " merge -q '" +
                                (dir / "parts").string() + "' -o '" + (dir / "merged").string() +
                                "' >>'" + (dir / "log").string() + "' 2>&1";
  ASSERT_EQ(std::system(merge_cmd.c_str()), 0) << test::read_file(dir / "log");
  expect_identical(dir / "whole", dir / "merged");
}

}  // namespace
}  // namespace covsim::app
