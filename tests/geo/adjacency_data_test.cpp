// Adjacency and travel on it, on real department files (IGN ADMIN EXPRESS 2018 in ../shared/data).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "geo/adjacency.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/territory_loader.hpp"
#include "geo/travel_table.hpp"
#include "tests/test_data.hpp"

namespace covsim::geo {
namespace {

// A department file as it is: no COG join, so codes and polygons are the 2018 ones the
// measurements in adjacency.hpp were made on.
Territory read_department(const std::filesystem::path& file) {
  LoadOptions o;
  o.inputs = {file};
  return load_territory(o).territory;
}

std::set<std::string> names(const Territory& t, std::span<const CommuneId> communes) {
  std::set<std::string> out;
  for (CommuneId c : communes) out.insert(t.name[c]);
  return out;
}

void expect_symmetric_and_sorted(const Adjacency& a) {
  for (CommuneId c = 0; c < a.size(); ++c) {
    const auto mine = a.neighbours(c);
    EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
    for (std::size_t k = 0; k < mine.size(); ++k) {
      const CommuneId m = mine[k];
      ASSERT_NE(m, c);
      const auto theirs = a.neighbours(m);
      auto it = std::lower_bound(theirs.begin(), theirs.end(), c);
      ASSERT_TRUE(it != theirs.end() && *it == c) << c << " -> " << m << " is one-way";
      if (!a.border_m.empty()) {
        EXPECT_EQ(a.borders(c)[k], a.borders(m)[static_cast<std::size_t>(it - theirs.begin())]);
      }
    }
  }
}

TEST(AdjacencyData, MorbihanIslandsAreOutsideTheMainland) {
  COVSIM_REQUIRE_SHARED_DATA("communes-2018/56-morbihan.geojson");
  const Territory t = read_department(test::shared_data() / "communes-2018/56-morbihan.geojson");
  const Adjacency a = build_adjacency(t);
  expect_symmetric_and_sorted(a);
  // Groix, Belle-Île (Le Palais, Bangor, Sauzon, Locmaria), Houat, Hoëdic, Île-aux-Moines and
  // Île-d'Arz; the department file names them as below.
  EXPECT_EQ(names(t, a.outside_main),
            (std::set<std::string>{"Groix", "Palais", "Bangor", "Sauzon", "Locmaria", "Île-d'Houat",
                                   "Hœdic", "Île-aux-Moines", "Île-d'Arz"}));
  // Belle-Île's four communes form one component; the other islands are alone.
  ASSERT_EQ(a.component_size.size(), 7u);
  EXPECT_EQ(a.component_size[0], t.size() - 9);
  EXPECT_EQ(a.component_size[1], 4u);
  EXPECT_EQ(a.component[*t.find("56152")], a.component[*t.find("56241")]);  // Palais, Sauzon
}

TEST(AdjacencyData, IlleEtVilaineIsSymmetricWithTheMeasuredCounts) {
  COVSIM_REQUIRE_SHARED_DATA("communes-2018/35-ille-et-vilaine.geojson");
  const Territory t =
      read_department(test::shared_data() / "communes-2018/35-ille-et-vilaine.geojson");
  const Adjacency a = build_adjacency(t, {.tolerance_m = 1, .border_length = true});
  expect_symmetric_and_sorted(a);
  EXPECT_EQ(t.size(), 345u);
  EXPECT_EQ(a.pair_count(), 943u);
  // Without the Côtes-d'Armor file, the communes west of the Rance estuary (whose water is in
  // no commune) are cut off from the rest of the department.
  EXPECT_EQ(names(t, a.outside_main),
            (std::set<std::string>{"Dinard", "Pleurtuit", "Richardais", "Saint-Briac-sur-Mer",
                                   "Saint-Lunaire", "Minihic-sur-Rance"}));
  // Rennes shares a border with Cesson-Sévigné, several km long.
  const CommuneId rennes = *t.find("35238"), cesson = *t.find("35051");
  const auto n = a.neighbours(rennes);
  auto it = std::lower_bound(n.begin(), n.end(), cesson);
  ASSERT_TRUE(it != n.end() && *it == cesson);
  EXPECT_GT(a.borders(rennes)[static_cast<std::size_t>(it - n.begin())], 2000.0f);
}

TEST(AdjacencyData, IlleEtVilaineTravelTableIsSymmetricAndTheRanceDamJoinsDinard) {
  COVSIM_REQUIRE_SHARED_DATA("communes-2018/35-ille-et-vilaine.geojson");
  const Territory t =
      read_department(test::shared_data() / "communes-2018/35-ille-et-vilaine.geojson");
  const Adjacency a = build_adjacency(t);
  const CommuneId dinard = *t.find("35093"), saint_malo = *t.find("35288");
  const std::vector<CommuneId> sites = all_communes(t);

  const TravelTable plain = build_travel_table(adjacency_travel_graph(t, a), sites, 30.0f);
  EXPECT_EQ(plain.minutes(plain.row_of(saint_malo), dinard), std::nullopt);
  std::size_t checked = 0;
  for (RowId r = 0; r < plain.rows(); ++r)
    for (const Reach& x : plain.row(r)) {
      const auto back = plain.minutes(plain.row_of(x.commune), plain.site[r]);
      ASSERT_TRUE(back.has_value()) << t.code[x.commune] << " -> " << t.code[plain.site[r]];
      EXPECT_NEAR(*back, x.minutes, 1e-3f);
      ++checked;
    }
  EXPECT_GT(checked, 10 * t.size());

  // The dam road between La Richardais and Saint-Malo, about 3 minutes.
  const SpeedModel with_dam{.extra_links = {{"35241", "35288", 3}}};
  const TravelTable joined =
      build_travel_table(adjacency_travel_graph(t, a, with_dam), sites, 30.0f);
  ASSERT_TRUE(joined.minutes(joined.row_of(saint_malo), dinard).has_value());
  EXPECT_GT(*joined.minutes(joined.row_of(saint_malo), dinard), 3.0f);
}

}  // namespace
}  // namespace covsim::geo
