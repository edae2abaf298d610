// Plausible Breton-flavoured place names built from syllables, for the synthetic territory.
// Every name handed out is unique within one generator.
//
//   PlaceNames names(stream_seed(seed, "names"));
//   std::string c = names.commune(/*coastal=*/true);  // "Ploumelec-sur-Mer"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "geo/detail/random.hpp"

namespace covsim::geo::detail {

class PlaceNames {
 public:
  explicit PlaceNames(std::uint64_t seed);

  // A commune; coastal ones sometimes carry "-sur-Mer", inland ones "-sur-<river>".
  std::string commune(bool coastal);
  // A short two-syllable town name ("Kermoran").
  std::string town();
  // An offshore island commune ("Île-Gastel", "Île-aux-Moines" style).
  std::string island();
  // A river name, also used to name departments ("Blavet-et-Oust") and valleys.
  std::string river();

 private:
  std::string word(int syllables);
  std::string unique(std::string name);

  Rng rng_;
  std::vector<std::string> rivers_;  // the territory's rivers, reused by inland communes
  std::unordered_set<std::string> used_;
};

// French elision of "de" before a name: "de Kermoran", "d'Arzal", "du Faou" (for "Le Faou").
std::string of_name(std::string_view name);

}  // namespace covsim::geo::detail
