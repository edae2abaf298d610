#include "app/wording.hpp"

#include <cmath>
#include <cstdio>

namespace covsim::app {

std::string number(double v, int decimals) {
  if (!std::isfinite(v)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  // Thousands separated by a space, as French planners write them.
  std::string s = buf;
  const auto dot = s.find('.');
  std::size_t end = dot == std::string::npos ? s.size() : dot;
  const std::size_t start = (s[0] == '-') ? 1 : 0;
  for (std::size_t i = end; i > start + 3; i -= 3) s.insert(i - 3, " ");
  return s;
}

std::string percent(double part, double whole) {
  return whole > 0 ? number(100.0 * part / whole, 1) + " %" : "–";
}

std::string signed_percent(double after, double before) {
  if (!(before > 0)) return "–";
  const double change = 100.0 * (after - before) / before;
  return (change > 0 ? "+" : "") + number(change, 1) + " %";
}

std::string minutes_label(float m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(m));
  return buf;
}

std::string noun(double n, const std::string& singular, const std::string& plural) {
  // Counts of people and places: whole numbers, as the figure is read.
  const bool one = std::fabs(std::round(n)) == 1;
  return one ? singular : plural.empty() ? singular + "s" : plural;
}

std::string counted(double n, const std::string& singular, const std::string& plural) {
  return number(n, 0) + " " + noun(n, singular, plural);
}

std::string field_label(const std::string& column) {
  std::string out = column;
  for (char& c : out)
    if (c == '_') c = ' ';
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z')
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

}  // namespace covsim::app
