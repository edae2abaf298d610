#include "geo/synthetic_territory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <set>

#include "geo/detail/geos.hpp"
#include "geo/error.hpp"

namespace covsim::geo {
namespace {

using detail::GeomPtr;
using detail::GeosContext;

// One default territory for the whole suite: generating it takes a fraction of a second, but
// the GEOS checks below are pairwise.
class SyntheticTerritory : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { territory_ = new Territory(generate_territory(options_)); }
  static void TearDownTestSuite() {
    delete territory_;
    territory_ = nullptr;
  }
  static const Territory& t() { return *territory_; }

  // Pairs of communes whose shapes touch (common boundary, disjoint interiors), by GEOS.
  static std::vector<std::vector<CommuneId>> touching(const GeosContext& ctx,
                                                      const std::vector<GeomPtr>& geom) {
    std::vector<std::vector<CommuneId>> next(geom.size());
    for (CommuneId a = 0; a < geom.size(); ++a) {
      const Box ba = t().shape[a].bounds();
      for (CommuneId b = a + 1; b < geom.size(); ++b) {
        const Box bb = t().shape[b].bounds();
        if (bb.min_x > ba.max_x || ba.min_x > bb.max_x || bb.min_y > ba.max_y ||
            ba.min_y > bb.max_y)
          continue;
        if (GEOSTouches_r(ctx, geom[a].get(), geom[b].get()) == 1) {
          next[a].push_back(b);
          next[b].push_back(a);
        }
      }
    }
    return next;
  }

  static inline const SyntheticOptions options_{.seed = 20240611};
  static inline Territory* territory_ = nullptr;
};

std::vector<GeomPtr> shapes(const GeosContext& ctx, const Territory& t) {
  std::vector<GeomPtr> out;
  for (const MultiPolygon& m : t.shape) out.push_back(detail::to_geos(ctx, m));
  return out;
}

TEST_F(SyntheticTerritory, HasTheRequestedSizeCrsAndPlacement) {
  ASSERT_EQ(t().size(), static_cast<std::size_t>(options_.communes));
  EXPECT_EQ(t().epsg, 2154);
  EXPECT_EQ(t().source, "synthetic(seed=20240611)");
  const MultiPolygon outline = synthetic_outline(options_);
  const Box b = outline.bounds();
  EXPECT_NEAR(b.width(), options_.width_km * 1000, 1e-6);
  EXPECT_NEAR(b.height(), options_.height_km * 1000, 1e-6);
  // Lambert-93 over Brittany: eastings ~100-400 km, northings ~6.7-6.9 Mm.
  const Box all = t().bounds();
  EXPECT_GT(all.min_x, 100000);
  EXPECT_LT(all.max_x, 400000);
  EXPECT_GT(all.min_y, 6700000);
  EXPECT_LT(all.max_y, 6900000);
  for (CommuneId c = 0; c < t().size(); ++c) {
    EXPECT_FALSE(t().name[c].empty());
    EXPECT_FALSE(t().shape[c].empty()) << t().code[c];
    EXPECT_NEAR(t().area_km2[c], t().shape[c].area() / 1e6, 1e-9);
  }
}

TEST_F(SyntheticTerritory, IsDeterministicAndDependsOnTheSeed) {
  const Territory again = generate_territory(options_);
  EXPECT_EQ(again.code, t().code);
  EXPECT_EQ(again.name, t().name);
  EXPECT_EQ(again.population, t().population);
  EXPECT_EQ(again.priority_population, t().priority_population);
  EXPECT_EQ(again.demand, t().demand);
  EXPECT_EQ(again.area_km2, t().area_km2);
  ASSERT_EQ(again.shape.size(), t().shape.size());
  for (CommuneId c = 0; c < t().size(); ++c) {
    EXPECT_EQ(again.shape[c].points, t().shape[c].points) << t().code[c];
    EXPECT_EQ(again.shape[c].ring_end, t().shape[c].ring_end) << t().code[c];
  }
  ASSERT_EQ(again.groupings.size(), t().groupings.size());
  for (std::size_t g = 0; g < t().groupings.size(); ++g) {
    EXPECT_EQ(again.groupings[g].of, t().groupings[g].of);
    EXPECT_EQ(again.groupings[g].names, t().groupings[g].names);
  }

  SyntheticOptions other = options_;
  other.seed += 1;
  const Territory different = generate_territory(other);
  EXPECT_NE(different.demand, t().demand);
  EXPECT_NE(different.name, t().name);
  EXPECT_NE(synthetic_outline(other).points, synthetic_outline(options_).points);
}

TEST_F(SyntheticTerritory, MainlandCellsTileTheOutlineExactly) {
  GeosContext ctx;
  const MultiPolygon outline = synthetic_outline(options_);
  GeomPtr land = detail::to_geos(ctx, outline);
  const auto geom = shapes(ctx, t());
  double mainland_area = 0;
  std::vector<GEOSGeometry*> parts;
  for (CommuneId c = 0; c < t().size(); ++c) {
    GeomPtr overlap(GEOSIntersection_r(ctx, geom[c].get(), land.get()), {ctx.get()});
    double inside = 0;
    GEOSArea_r(ctx, overlap.get(), &inside);
    const double area = t().shape[c].area();
    // A commune is either wholly mainland or wholly an island: no commune straddles the coast.
    if (inside > 0) {
      EXPECT_NEAR(inside, area, 1e-6 * area) << t().code[c] << " sticks out of the outline";
      mainland_area += area;
      parts.push_back(GEOSGeom_clone_r(ctx, geom[c].get()));
    }
  }
  const double outline_area = outline.area();
  EXPECT_NEAR(mainland_area, outline_area, 1e-6 * outline_area) << "gaps or overlaps";
  // Equal sums could hide an overlap cancelling a gap: the union must have the same area too.
  GeomPtr all(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts.data(),
                                          static_cast<unsigned>(parts.size())),
              {ctx.get()});
  GeomPtr merged(GEOSUnaryUnion_r(ctx, all.get()), {ctx.get()});
  double union_area = 0;
  GEOSArea_r(ctx, merged.get(), &union_area);
  EXPECT_NEAR(union_area, outline_area, 1e-6 * outline_area);
}

TEST_F(SyntheticTerritory, EachDemandPointLiesInsideItsOwnCommune) {
  GeosContext ctx;
  const auto geom = shapes(ctx, t());
  for (CommuneId c = 0; c < t().size(); ++c) {
    GeomPtr p = detail::to_geos(ctx, t().demand[c]);
    EXPECT_EQ(GEOSContains_r(ctx, geom[c].get(), p.get()), 1) << t().code[c];
  }
}

TEST_F(SyntheticTerritory, HasTheRequestedIslandsAndOtherwiseOneConnectedMainland) {
  GeosContext ctx;
  const auto next = touching(ctx, shapes(ctx, t()));
  int isolated = 0;
  for (const auto& n : next) isolated += n.empty();
  EXPECT_EQ(isolated, options_.islands);
  // The mainland communes form one connected piece.
  std::vector<char> seen(t().size(), 0);
  std::vector<CommuneId> stack;
  for (CommuneId c = 0; c < t().size() && stack.empty(); ++c)
    if (!next[c].empty()) stack.push_back(c), seen[c] = 1;
  std::size_t reached = 0;
  while (!stack.empty()) {
    const CommuneId c = stack.back();
    stack.pop_back();
    ++reached;
    for (CommuneId n : next[c])
      if (!seen[n]) seen[n] = 1, stack.push_back(n);
  }
  EXPECT_EQ(reached, t().size() - static_cast<std::size_t>(options_.islands));
}

TEST_F(SyntheticTerritory, PopulationIsHeavyTailedLikeARealDepartment) {
  std::vector<double> pop = t().population;
  std::sort(pop.rbegin(), pop.rend());
  const double total = std::accumulate(pop.begin(), pop.end(), 0.0);
  const double top_tenth = std::accumulate(pop.begin(), pop.begin() + pop.size() / 10, 0.0);
  RecordProperty("top_10pct_share", std::to_string(top_tenth / total));
  EXPECT_GT(top_tenth / total, 0.40) << "top 10% of communes hold " << top_tenth / total;
  // A prefecture of 30-100k, small towns of 10k or more, villages down to 100.
  EXPECT_GE(pop[0], 30000);
  EXPECT_LE(pop[0], 100000);
  EXPECT_GE(pop[static_cast<std::size_t>(options_.towns) - 1], 10000);
  EXPECT_GE(pop.back(), 100);
  const auto villages = std::count_if(pop.begin(), pop.end(), [](double p) { return p < 2000; });
  EXPECT_GT(villages, static_cast<long>(pop.size() / 2));
  for (double p : pop) EXPECT_EQ(p, std::round(p)) << "people come whole";
}

TEST_F(SyntheticTerritory, PriorityPopulationHasQpvAndZrrKinds) {
  int zrr = 0, qpv = 0;
  for (CommuneId c = 0; c < t().size(); ++c) {
    const double p = t().priority_population[c];
    ASSERT_GE(p, 0);
    ASSERT_LE(p, t().population[c]) << t().code[c];
    if (p == t().population[c]) {
      ++zrr;
      // ZRR-like: sparse rural communes.
      EXPECT_LT(t().population[c] / t().area_km2[c], 40) << t().code[c];
    } else if (p > 0) {
      ++qpv;
    }
  }
  EXPECT_GT(zrr, 5);
  EXPECT_GE(qpv, options_.towns) << "every town centre has a QPV-like share";
}

TEST_F(SyntheticTerritory, CodesAreUniqueInseeLikeAndIndexed) {
  std::set<std::string> codes(t().code.begin(), t().code.end());
  EXPECT_EQ(codes.size(), t().size());
  std::set<std::string> names(t().name.begin(), t().name.end());
  EXPECT_EQ(names.size(), t().size()) << "names are unique too, for readable reports";
  const Grouping* departments = t().grouping("department");
  ASSERT_NE(departments, nullptr);
  EXPECT_EQ(departments->size(), static_cast<std::size_t>(options_.departments));
  for (CommuneId c = 0; c < t().size(); ++c) {
    ASSERT_EQ(t().code[c].size(), 5u);
    EXPECT_TRUE(std::all_of(t().code[c].begin(), t().code[c].end(), ::isdigit));
    ASSERT_NE(departments->of[c], kNoGroup);
    EXPECT_EQ(t().code[c].substr(0, 2), departments->codes[departments->of[c]]);
    EXPECT_EQ(t().find(t().code[c]), c);
    if (c > 0) {
      EXPECT_LT(t().code[c - 1], t().code[c]) << "ordered by code";
    }
  }
  EXPECT_EQ(t().find("99001").has_value(), true);
}

TEST_F(SyntheticTerritory, EpcisAreContiguousNamedAndCoverEveryCommune) {
  const Grouping* epci = t().grouping("epci");
  ASSERT_NE(epci, nullptr);
  ASSERT_EQ(epci->size(), static_cast<std::size_t>(options_.epcis));
  GeosContext ctx;
  const auto next = touching(ctx, shapes(ctx, t()));
  for (GroupId g = 0; g < epci->size(); ++g) {
    EXPECT_TRUE(epci->names[g].starts_with("CA ") || epci->names[g].starts_with("CC "))
        << epci->names[g];
    EXPECT_EQ(epci->codes[g].size(), 9u);
    // Mainland members reach each other through touching members only; islands (which touch
    // nothing) belong to the EPCI of the nearest coast, as real ones do.
    std::vector<CommuneId> members;
    for (CommuneId c = 0; c < t().size(); ++c)
      if (epci->of[c] == g && !next[c].empty()) members.push_back(c);
    ASSERT_FALSE(members.empty()) << epci->names[g];
    std::set<CommuneId> seen{members.front()};
    std::vector<CommuneId> stack{members.front()};
    while (!stack.empty()) {
      const CommuneId c = stack.back();
      stack.pop_back();
      for (CommuneId n : next[c])
        if (epci->of[n] == g && seen.insert(n).second) stack.push_back(n);
    }
    EXPECT_EQ(seen.size(), members.size()) << epci->names[g] << " is in several pieces";
  }
  for (CommuneId c = 0; c < t().size(); ++c) EXPECT_NE(epci->of[c], kNoGroup) << t().code[c];
}

TEST_F(SyntheticTerritory, SummaryIsComputedFromTheTerritory) {
  const std::string s = synthetic_summary(t());
  EXPECT_NE(s.find("220 communes"), std::string::npos) << s;
  EXPECT_NE(s.find("(islands): 2"), std::string::npos) << s;
  EXPECT_NE(s.find("epci: 7 groups"), std::string::npos) << s;
  const auto biggest = std::max_element(t().population.begin(), t().population.end());
  EXPECT_NE(s.find(t().name[static_cast<std::size_t>(biggest - t().population.begin())]),
            std::string::npos)
      << s;
}

TEST(SyntheticOptionsTest, SizeOptionsAreHonoured) {
  for (int n : {60, 300}) {
    const Territory t = generate_territory(
        {.seed = 3, .communes = n, .towns = 3, .islands = 1, .departments = 1, .epcis = 5});
    EXPECT_EQ(t.size(), static_cast<std::size_t>(n));
    EXPECT_EQ(t.grouping("department")->size(), 1u);
    EXPECT_EQ(t.grouping("epci")->size(), 5u);
  }
}

TEST(SyntheticOptionsTest, OutOfRangeOptionsNameTheOption) {
  try {
    generate_territory({.communes = 5});
    FAIL() << "5 communes accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "communes");
    EXPECT_NE(e.problem().find("20..900"), std::string::npos);
  }
  EXPECT_THROW(generate_territory({.towns = 9}), InputError);
  EXPECT_THROW(generate_territory({.islands = 3}), InputError);
  EXPECT_THROW(synthetic_outline({.width_km = 0}), InputError);
}

}  // namespace
}  // namespace covsim::geo
