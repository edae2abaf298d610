#include "geo/detail/place_names.hpp"

#include <array>
#include <cctype>

namespace covsim::geo::detail {

namespace {
// Every root starts with an ASCII letter so that capitalising its first byte is valid UTF-8.
constexpr std::array<std::string_view, 34> kRoots = {
    "gast", "mel",  "ven", "dal", "ren",   "guen", "nec", "lou", "bri",  "mor", "zel", "dern",
    "goat", "goff", "rec", "vel", "noual", "gon",  "ber", "dan", "hern", "mau", "rio", "quel",
    "bel",  "lin",  "dou", "tan", "lé",    "vi",   "mal", "car", "pes",  "trev"};
constexpr std::array<std::string_view, 13> kEndings = {"",   "",   "ec", "an",  "el",   "ic", "oc",
                                                       "en", "on", "az", "ern", "ouët", "ac"};
constexpr std::array<std::string_view, 11> kPrefixes = {
    "Plou", "Plo", "Pleu", "Lan", "Loc", "Tré", "Ker", "Guer", "Pen", "Lann", "Gui"};
constexpr std::array<std::string_view, 4> kLinks = {"o", "a", "e", "i"};
constexpr std::array<std::string_view, 6> kSaintEndings = {"in", "an", "ec", "ol", "ien", "ez"};
constexpr std::array<std::string_view, 4> kSainteEndings = {"ine", "elle", "ence", "ivette"};

template <std::size_t N>
std::string_view pick(Rng& rng, const std::array<std::string_view, N>& choices) {
  return choices[rng.index(N)];
}

std::string capitalised(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

bool starts_with_vowel(std::string_view s) {
  if (s.empty()) return false;
  if (s.starts_with("É") || s.starts_with("Î")) return true;
  const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'h';
}
}  // namespace

PlaceNames::PlaceNames(std::uint64_t seed) : rng_(seed) {
  for (int i = 0; i < 4; ++i) rivers_.push_back(river());
}

std::string PlaceNames::word(int syllables) {
  std::string w;
  for (int i = 0; i < syllables; ++i) {
    if (i > 0) w += pick(rng_, kLinks);  // "Gastomel" reads better than "Gastmel"
    w += pick(rng_, kRoots);
  }
  if (syllables == 1 || rng_.bernoulli(0.3)) w += pick(rng_, kEndings);
  return w;
}

std::string PlaceNames::unique(std::string name) {
  // Collisions are rare; a numbered suffix would look artificial, so draw again first.
  for (int attempt = 0; used_.contains(name) && attempt < 50; ++attempt)
    name += pick(rng_, kEndings);
  while (used_.contains(name)) name += "e";
  used_.insert(name);
  return name;
}

std::string PlaceNames::commune(bool coastal) {
  const double u = rng_.uniform();
  std::string base;
  if (u < 0.58) {
    base = std::string(pick(rng_, kPrefixes)) + word(1);
  } else if (u < 0.72) {
    base = "Saint-" +
           capitalised(std::string(pick(rng_, kRoots)) + std::string(pick(rng_, kSaintEndings)));
  } else if (u < 0.77) {
    base = "Sainte-" +
           capitalised(std::string(pick(rng_, kRoots)) + std::string(pick(rng_, kSainteEndings)));
  } else if (u < 0.85) {
    base = (rng_.bernoulli(0.5) ? "Le " : "La ") + capitalised(word(1));
  } else {
    base = capitalised(word(2));
  }
  const double suffix = rng_.uniform();
  if (coastal && suffix < 0.3) {
    base += "-sur-Mer";
  } else if (!coastal && suffix < 0.08) {
    base += "-sur-" + rivers_[rng_.index(rivers_.size())];
  }
  return unique(std::move(base));
}

std::string PlaceNames::town() {
  const double u = rng_.uniform();
  std::string base = u < 0.3   ? "Pont-" + capitalised(word(1))
                     : u < 0.6 ? std::string(pick(rng_, kPrefixes)) + word(1)
                               : capitalised(word(2));
  return unique(std::move(base));
}

std::string PlaceNames::island() {
  return unique((rng_.bernoulli(0.5) ? "Île-" : "Île-de-") + capitalised(word(1)));
}

std::string PlaceNames::river() { return unique(capitalised(word(1))); }

std::string of_name(std::string_view name) {
  if (name.starts_with("Le ")) return "du " + std::string(name.substr(3));
  if (name.starts_with("La ")) return "de la " + std::string(name.substr(3));
  if (starts_with_vowel(name)) return "d'" + std::string(name);
  return "de " + std::string(name);
}

}  // namespace covsim::geo::detail
