// load_territory on all of ../shared/data/communes-2018 with the COG 2026 (slow: two loads of
// 35,357 polygons). Expected figures are computed independently, as in the Ille-et-Vilaine test.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <set>

#include "geo/territory_loader.hpp"
#include "tests/geo/real_data_fixture.hpp"

namespace covsim::geo {
namespace {

using test::codes_in;
using test::PlainCog;
using test::real_options;
using test::shared;

// All of mainland France and Corsica: 101 files, 35,357 polygons. Prints the time it took
// (measured, not asserted) and how often "longest border" agrees with the COG's own record of
// where 85 merged codes went.
TEST(LoadRealTerritory, AllDepartmentsLoseNoPopulation) {
  COVSIM_REQUIRE_SHARED_DATA("communes-2018");
  COVSIM_REQUIRE_SHARED_DATA("cog-2026/communes.json");
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(shared("communes-2018")))
    if (e.path().extension() == ".geojson") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 101u);

  const auto t0 = std::chrono::steady_clock::now();
  const LoadResult r = load_territory(real_options(files));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << r.report.to_text(8) << "loaded in " << seconds << " s\n";

  const PlainCog cog;
  std::set<std::string> expected;
  std::size_t features = 0;
  for (const auto& f : files)
    for (const std::string& c : codes_in(f)) {
      ++features;
      expected.insert(cog.current_of.at(c));
    }
  EXPECT_EQ(r.report.features_read, features);
  EXPECT_EQ(r.territory.size(), expected.size());
  EXPECT_DOUBLE_EQ(r.report.population_kept + r.report.population_unplaced,
                   r.report.population_in_scope);
  for (const UnplacedCommune& u : r.report.unplaced)
    EXPECT_FALSE(expected.count(u.code)) << u.code << " has a polygon yet is reported unplaced";
  test::expect_demand_points_inside(r.territory);

  LoadOptions without_former = real_options(files);
  without_former.cog->use_former_codes = false;
  const LoadReport guessed = load_territory(without_former).report;
  std::size_t unknown = 0, agree = 0;
  for (const Merge& m : guessed.merges) {
    if (m.reason != MergeReason::longest_border) continue;
    ++unknown;
    EXPECT_GT(m.shared_border_m, 0);
    agree += cog.former_of.at(m.feature.code) == m.into;
  }
  EXPECT_EQ(unknown, r.report.merged(MergeReason::former_code));
  std::cout << "longest border agrees with anciensCodes for " << agree << " of " << unknown
            << " codes\n";
}

}  // namespace
}  // namespace covsim::geo
