#include "geo/document.hpp"

#include <algorithm>
#include <cmath>

namespace covsim::geo {

ChartAxis chart_axis(const RangeChart& chart) {
  double top = 0;
  for (const RangeRow& r : chart.rows)
    for (double v : {r.max, r.p95, r.mean})
      if (std::isfinite(v)) top = std::max(top, v);
  if (!(top > 0)) return {};
  const double decade = std::pow(10.0, std::floor(std::log10(top / 4)));
  double step = decade;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (top / (m * decade) <= 10) {
      step = m * decade;
      break;
    }
  return {std::ceil(top / step) * step, step};
}

}  // namespace covsim::geo
