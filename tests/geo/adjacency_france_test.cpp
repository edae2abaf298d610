// Adjacency of all 101 department files at once (35,357 communes): what a national run sees.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "geo/adjacency.hpp"
#include "geo/territory_loader.hpp"
#include "tests/test_data.hpp"

namespace covsim::geo {
namespace {

TEST(AdjacencyFrance, MainlandCorsicaAndIslandsWithoutTheirBridges) {
  COVSIM_REQUIRE_SHARED_DATA("communes-2018");
  LoadOptions o;
  for (const auto& f : std::filesystem::directory_iterator(test::shared_data() / "communes-2018"))
    if (f.path().extension() == ".geojson") o.inputs.push_back(f.path());
  std::sort(o.inputs.begin(), o.inputs.end());
  ASSERT_EQ(o.inputs.size(), 101u);
  const Territory t = load_territory(o).territory;
  ASSERT_EQ(t.size(), 35357u);
  const Adjacency a = build_adjacency(t);

  // 97,692 pairs inside departments (adjacency.hpp) plus those across department borders.
  EXPECT_EQ(a.pair_count(), 105416u);
  std::size_t one_way = 0;
  for (CommuneId c = 0; c < t.size(); ++c)
    for (CommuneId m : a.neighbours(c)) {
      const auto back = a.neighbours(m);
      one_way += !std::binary_search(back.begin(), back.end(), c);
    }
  EXPECT_EQ(one_way, 0u);

  // Component 1 is Corsica, exactly the communes of 2A and 2B.
  std::size_t corsican = 0;
  for (CommuneId c = 0; c < t.size(); ++c) {
    const bool in_corsica = t.code[c].starts_with("2A") || t.code[c].starts_with("2B");
    corsican += in_corsica;
    EXPECT_EQ(a.component[c] == 1, in_corsica) << t.code[c] << " " << t.name[c];
  }
  EXPECT_EQ(a.component_size[1], corsican);
  EXPECT_EQ(a.component_size[0], t.size() - a.outside_main.size());

  // Islands alone, and islands whose bridge is no polygon: Ré, Oléron and Noirmoutier need an
  // extra link in the travel model, as the Morbihan islands need their ferries.
  std::map<std::string, std::size_t> size_of;
  for (CommuneId c : a.outside_main) size_of[t.name[c]] = a.component_size[a.component[c]];
  for (const char* alone : {"Ouessant", "Île-de-Sein", "Île-Molène", "Île-de-Batz", "Île-de-Bréhat",
                            "Île-d'Yeu", "Île-d'Aix", "Groix"})
    EXPECT_EQ(size_of[alone], 1u) << alone;
  EXPECT_EQ(size_of["Rivedoux-Plage"], 10u);         // Île de Ré
  EXPECT_EQ(size_of["Saint-Georges-d'Oléron"], 8u);  // Oléron
  EXPECT_EQ(size_of["Noirmoutier-en-l'Île"], 4u);    // Noirmoutier
  EXPECT_EQ(size_of["Palais"], 4u);                  // Belle-Île
  EXPECT_EQ(size_of.count("Dinard"), 0u);  // joined to the mainland through Côtes-d'Armor
}

}  // namespace
}  // namespace covsim::geo
