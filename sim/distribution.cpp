#include "sim/distribution.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace covsim::sim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Summary of the finite values gathered in `kept` (in the caller's order, for the mean).
Summary summarise_kept(std::vector<double>& kept, std::size_t missing) {
  Summary s;
  s.count = kept.size();
  s.missing = missing;
  if (kept.empty()) {
    s.mean = s.min = s.p5 = s.p50 = s.p95 = s.max = kNaN;
    return s;
  }
  double sum = 0;
  for (const double v : kept) sum += v;
  s.mean = sum / static_cast<double>(kept.size());
  std::sort(kept.begin(), kept.end());
  s.min = kept.front();
  s.max = kept.back();
  s.p5 = percentile_sorted(kept, 0.05);
  s.p50 = percentile_sorted(kept, 0.50);
  s.p95 = percentile_sorted(kept, 0.95);
  return s;
}

}  // namespace

double percentile_sorted(std::span<const double> sorted, double q) {
  if (!(q >= 0 && q <= 1)) throw std::invalid_argument("percentile: q must be within [0, 1]");
  if (sorted.empty()) return kNaN;
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
}

Summary summarise(std::span<const double> values, std::vector<double>& scratch) {
  return summarise_strided(values, 0, 1, values.size(), scratch);
}

Summary summarise(std::span<const double> values) {
  std::vector<double> scratch;
  return summarise(values, scratch);
}

Summary summarise_strided(std::span<const double> values, std::size_t offset, std::size_t stride,
                          std::size_t count, std::vector<double>& scratch) {
  if (count > 0 && (stride == 0 || offset + (count - 1) * stride >= values.size()))
    throw std::invalid_argument("summarise_strided: the strided range leaves the values");
  scratch.clear();
  std::size_t missing = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const double v = values[offset + i * stride];
    if (std::isnan(v))
      ++missing;
    else
      scratch.push_back(v);
  }
  return summarise_kept(scratch, missing);
}

}  // namespace covsim::sim
