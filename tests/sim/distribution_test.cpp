#include "sim/distribution.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace covsim::sim {
namespace {

TEST(Distribution, PercentilesInterpolateBetweenClosestRanks) {
  // Sorted 1..5: h = 4q, so P5 = 1 + 0.2 × 1, P50 = 3, P95 = 4 + 0.8 × 1.
  const std::vector<double> sorted = {1, 2, 3, 4, 5};
  EXPECT_DOUBLE_EQ(percentile_sorted(sorted, 0.05), 1.2);
  EXPECT_DOUBLE_EQ(percentile_sorted(sorted, 0.5), 3);
  EXPECT_DOUBLE_EQ(percentile_sorted(sorted, 0.95), 4.8);
  EXPECT_DOUBLE_EQ(percentile_sorted(sorted, 0), 1);
  EXPECT_DOUBLE_EQ(percentile_sorted(sorted, 1), 5);
  // Even count: the median halves the two middle values.
  const std::vector<double> four = {10, 20, 30, 40};
  EXPECT_DOUBLE_EQ(percentile_sorted(four, 0.5), 25);
  // h = 3 × 0.95 = 2.85: 30 + 0.85 × 10.
  EXPECT_DOUBLE_EQ(percentile_sorted(four, 0.95), 38.5);
  EXPECT_TRUE(std::isnan(percentile_sorted({}, 0.5)));
  EXPECT_THROW(percentile_sorted(sorted, 1.5), std::invalid_argument);
  EXPECT_THROW(percentile_sorted(sorted, std::nan("")), std::invalid_argument);
}

TEST(Distribution, SummaryOfAnUnsortedSample) {
  // 0..100 shuffled by a stride coprime with 101: percentiles are the values themselves.
  std::vector<double> v;
  for (int i = 0; i < 101; ++i) v.push_back((i * 37) % 101);
  const Summary s = summarise(v);
  EXPECT_EQ(s.count, 101u);
  EXPECT_EQ(s.missing, 0u);
  EXPECT_DOUBLE_EQ(s.mean, 50);
  EXPECT_DOUBLE_EQ(s.min, 0);
  EXPECT_DOUBLE_EQ(s.p5, 5);
  EXPECT_DOUBLE_EQ(s.p50, 50);
  EXPECT_DOUBLE_EQ(s.p95, 95);
  EXPECT_DOUBLE_EQ(s.max, 100);
}

TEST(Distribution, NanValuesAreLeftOutAndCounted) {
  const double nan = std::nan("");
  const std::vector<double> v = {nan, 4, nan, 2};
  const Summary s = summarise(v);
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.missing, 2u);
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_DOUBLE_EQ(s.p50, 3);
  const Summary none = summarise(std::vector<double>{nan});
  EXPECT_EQ(none.count, 0u);
  EXPECT_TRUE(std::isnan(none.mean) && std::isnan(none.p95));
}

TEST(Distribution, StridedSummaryReadsOneColumnOfADrawMajorMatrix) {
  // Three draws × two figures: column 1 holds 10, 30, 20.
  const std::vector<double> m = {1, 10, 2, 30, 3, 20};
  std::vector<double> scratch;
  const Summary s = summarise_strided(m, 1, 2, 3, scratch);
  EXPECT_DOUBLE_EQ(s.mean, 20);
  EXPECT_DOUBLE_EQ(s.p50, 20);
  EXPECT_DOUBLE_EQ(s.max, 30);
  EXPECT_THROW(summarise_strided(m, 1, 2, 4, scratch), std::invalid_argument);
}

}  // namespace
}  // namespace covsim::sim
