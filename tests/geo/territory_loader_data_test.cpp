// load_territory on the real data of ../shared/data: communes-2018 polygons joined with the COG
// 2026. Expected figures are computed here independently of the loader: codes mapped straight
// from communes.json, areas from GDAL's own geometry code, points checked by even-odd.
#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <set>

#include "geo/spatial_order.hpp"
#include "geo/territory_loader.hpp"
#include "tests/geo/real_data_fixture.hpp"

namespace covsim::geo {
namespace {

using test::codes_in;
using test::kIlle;
using test::PlainCog;
using test::real_options;
using test::shared;

TEST(LoadRealTerritory, IlleEtVilaineJoinedWithCog2026) {
  COVSIM_REQUIRE_SHARED_DATA(kIlle);
  COVSIM_REQUIRE_SHARED_DATA("cog-2026/communes.json");
  const PlainCog cog;
  const std::vector<std::string> codes = codes_in(shared(kIlle));
  std::set<std::string> expected_communes;
  std::map<std::string, std::string> expected_merges;
  for (const std::string& c : codes) {
    ASSERT_TRUE(cog.current_of.count(c)) << c << " is in the COG, with anciensCodes";
    expected_communes.insert(cog.current_of.at(c));
    if (cog.current_of.at(c) != c) expected_merges[c] = cog.current_of.at(c);
  }
  double expected_population = 0;
  for (const std::string& c : expected_communes) expected_population += cog.population.at(c);

  const LoadResult r = load_territory(real_options({shared(kIlle)}));
  const Territory& t = r.territory;
  const LoadReport& rep = r.report;
  EXPECT_EQ(rep.features_read, codes.size());
  EXPECT_EQ(t.size(), expected_communes.size());
  for (const std::string& c : expected_communes) EXPECT_TRUE(t.find(c)) << c;
  EXPECT_DOUBLE_EQ(rep.population_kept, expected_population);

  std::map<std::string, std::string> reported;
  for (const Merge& m : rep.merges) reported[m.feature.code] = m.into;
  EXPECT_EQ(reported, expected_merges) << "every dissolved code is reported, and only those";
  EXPECT_TRUE(rep.kept_unknown.empty());
  EXPECT_TRUE(rep.empty.empty());

  // Every current commune of department 35 has a polygon, so nothing is left unplaced.
  double department_population = 0;
  for (const auto& [code, dep] : cog.department)
    if (dep == "35") department_population += cog.population.at(code);
  EXPECT_DOUBLE_EQ(rep.population_in_scope, department_population);
  EXPECT_DOUBLE_EQ(rep.population_kept + rep.population_unplaced, rep.population_in_scope);

  // Dissolving delegated communes only removes shared borders: the area stays GDAL's sum of
  // the 2018 polygons, which is within 1% of the published 6,775 km2.
  const double gdal_km2 = test::gdal_area_km2(shared(kIlle));
  EXPECT_NEAR(rep.area_km2, gdal_km2, gdal_km2 * 1e-4);
  EXPECT_NEAR(rep.area_km2, 6775, 6775 * 0.01);

  test::expect_demand_points_inside(t);
  const Grouping* dep = t.grouping("department");
  const Grouping* epci = t.grouping("epci");
  ASSERT_TRUE(dep && epci);
  EXPECT_EQ(dep->size(), 1u);
  EXPECT_EQ(dep->names[0], "Ille-et-Vilaine");
  for (CommuneId c = 0; c < t.size(); ++c) EXPECT_NE(epci->of[c], kNoGroup) << t.code[c];

  std::vector<std::uint32_t> identity(t.size());
  std::iota(identity.begin(), identity.end(), 0u);
  EXPECT_EQ(hilbert_order(t.demand), identity) << "communes are numbered along the curve";
}

}  // namespace
}  // namespace covsim::geo
