// The Summary of a stream of draws (sim/distribution.hpp) in memory that does not grow with the
// number of draws, so a sweep of ten million draws costs what one of ten thousand does.
//
//   StreamingSummary s(/*exact_capacity=*/10'000);
//   for (double v : draws_in_order) s.add(v);
//   Summary out = s.summary();  // out.resolution == 0: exact
//
// Up to `exact_capacity` finite values every value is kept and the summary is exactly that of
// summarise() (type-7 percentiles, the same bits). Past it the values move into a histogram of
// `exact_capacity` equal bins (4 bytes each) whose width is a power of two, doubled (pairs of
// bins merged) whenever a value falls outside their range. The percentiles then come from the
// histogram: the values of ranks floor(h) and floor(h) + 1 (h = (n - 1) q) are each placed by
// their rank within their bin, then interpolated as type 7 does, so each of P5, P50 and P95 lies
// within one bin width of the exact percentile; Summary::resolution reports that width. Count,
// missing, mean (summed in the order added), min and max stay exact.
//
// Deterministic: the result depends only on the values and their order, so a caller adding
// draws in draw order gets the same summary whatever thread computed each draw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/distribution.hpp"

namespace covsim::sim {

class StreamingSummary {
 public:
  // At least 2 values are kept exactly (and then 2 bins).
  explicit StreamingSummary(std::size_t exact_capacity);

  void add(double value);  // NaN: counted as missing
  Summary summary() const;

  bool exact() const { return counts_.empty(); }
  // The most memory this summary will ever hold, whatever is added.
  std::size_t max_bytes() const;

 private:
  void start_histogram(double arriving);
  void collapse(bool down);  // bins of twice the width, over twice the range
  void count(double value);
  double value_at_rank(std::size_t rank) const;

  std::size_t capacity_;
  std::size_t missing_ = 0;
  std::size_t finite_ = 0;
  double sum_ = 0, min_ = 0, max_ = 0;
  std::vector<double> values_;         // exact: the finite values in the order added
  std::vector<std::uint32_t> counts_;  // histogram: bin i covers [origin + i w, origin + (i+1) w)
  double origin_ = 0, width_ = 0;
};

}  // namespace covsim::sim
