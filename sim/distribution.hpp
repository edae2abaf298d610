// Summary statistics of a sample of draws: count, mean, extremes and the P5 / P50 / P95
// percentiles that sweeps report for every figure.
//
//   std::vector<double> scratch;
//   Summary s = summarise(values, scratch);  // s.p50, s.mean...
//
// Percentiles use linear interpolation between closest ranks (Hyndman & Fan's type 7, the
// default of R and NumPy): with the n finite values sorted x_0 <= ... <= x_{n-1} and q in [0, 1],
//   h = (n - 1) q,   P(q) = x_floor(h) + (h - floor(h)) (x_floor(h)+1 - x_floor(h))
// so P(0) is the minimum, P(1) the maximum and P(0.5) the usual median.
//
// NaN values ("no value": an undefined Gini, a share of nobody) are left out and counted in
// `missing`; every statistic of a sample without a finite value is NaN. The mean sums the values
// in the order given, so a caller that passes draws in draw order gets the same bits whatever
// thread computed each draw.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace covsim::sim {

struct Summary {
  std::size_t count = 0;    // values that are not NaN
  std::size_t missing = 0;  // NaN values left out
  double mean = 0;
  double min = 0;
  double p5 = 0;
  double p50 = 0;
  double p95 = 0;
  double max = 0;
  // 0: the percentiles are exact. Otherwise they were read from a histogram (too many draws to
  // keep, sim/streaming_summary.hpp) and each lies within this distance of the exact one.
  double resolution = 0;
};

// Percentile q in [0, 1] of values sorted ascending, without NaN (type 7 above). NaN when
// `sorted` is empty. Throws std::invalid_argument when q is outside [0, 1].
double percentile_sorted(std::span<const double> sorted, double q);

// `scratch` holds the sorted copy; reusing it across calls avoids an allocation per figure.
Summary summarise(std::span<const double> values, std::vector<double>& scratch);
Summary summarise(std::span<const double> values);

// Values taken with a stride: element i is values[offset + i * stride], for i < count. Lets a
// caller summarise one column of a draw-major matrix without copying it first.
Summary summarise_strided(std::span<const double> values, std::size_t offset, std::size_t stride,
                          std::size_t count, std::vector<double>& scratch);

}  // namespace covsim::sim
