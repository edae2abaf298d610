// Classes and colours of a choropleth map: break values by quantiles, equal intervals, natural
// breaks (Jenks) or by hand, a ColorBrewer-like ramp, and legend labels. Separate from drawing
// so that reports and tests compute exactly the classes a rendered map shows.
//
//   Classes k = classify(minutes, {.method = Classification::manual, .manual_breaks = {15, 30}});
//   Rgb c = k.colors[*k.class_of(22.0)];  // the colour of the 15–30 class
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace covsim::geo {

// A colour with components in [0, 1].
struct Rgb {
  double r = 0;
  double g = 0;
  double b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

enum class Classification { quantiles, equal_interval, natural_breaks, manual };

// Sequential ramps go from light (low values) to dark; diverging ones have a light middle.
enum class Ramp { yl_or_rd, yl_gn_bu, blues, greens, purples, rd_bu, rd_yl_gn };

bool is_diverging(Ramp ramp);
// Colour at position t in [0, 1] along the ramp (clamped), interpolated between its anchors.
Rgb ramp_color(Ramp ramp, double t);

struct ClassScheme {
  Classification method = Classification::quantiles;
  int classes = 5;  // 1..9; ignored by manual, whose classes come from the breaks
  // Manual only: increasing thresholds between classes. {15, 30} gives "< 15", "15 – 30",
  // "≥ 30", whatever the data, so that maps of different scenarios share one legend.
  std::vector<double> manual_breaks;
  Ramp ramp = Ramp::yl_or_rd;
  bool reversed = false;  // dark for low values
  // Diverging ramps: the value drawn in the neutral middle colour (0 for a change, say).
  std::optional<double> centre;
};

struct Classes {
  // Class i holds edges[i] <= v < edges[i + 1]; the last class also holds its upper edge.
  // Manual schemes have open ends (-inf / +inf); computed ones span the data's min..max.
  std::vector<double> edges;
  std::vector<Rgb> colors;  // one per class

  std::size_t size() const { return colors.size(); }
  // nullopt for NaN; values outside the edges fall in the first or last class.
  std::optional<std::size_t> class_of(double value) const;
  // "< 15 min", "15 – 30 min", "≥ 30 min" or "1 200 – 5 000"; decimals < 0 picks the fewest
  // that keep every edge distinct.
  std::vector<std::string> labels(std::string_view units, int decimals = -1) const;
};

// NaN values are ignored (they are "no data"). With no finite value there are no classes.
// Throws InputError on a scheme that cannot be honoured (classes out of 1..9, manual breaks
// empty or not increasing). Computed classes may be fewer than asked when values repeat.
Classes classify(std::span<const double> values, const ClassScheme& scheme);

}  // namespace covsim::geo
