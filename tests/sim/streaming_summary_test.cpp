// Summaries of draws in bounded memory: exact (the same bits as summarise()) while the draws
// fit, then within the reported resolution of the exact percentiles.
#include "sim/streaming_summary.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace covsim::sim {
namespace {

void expect_same(const Summary& a, const Summary& b) {
  EXPECT_EQ(a.count, b.count);
  EXPECT_EQ(a.missing, b.missing);
  for (auto field :
       {&Summary::mean, &Summary::min, &Summary::p5, &Summary::p50, &Summary::p95, &Summary::max})
    EXPECT_EQ(a.*field, b.*field);
}

TEST(StreamingSummary, IsExactlySummariseWhileTheDrawsFit) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(1000, 300);
  std::vector<double> values;
  StreamingSummary s(500);
  for (int i = 0; i < 500; ++i) {
    values.push_back(i % 50 == 0 ? NAN : normal(rng));
    s.add(values.back());
  }
  ASSERT_TRUE(s.exact());
  const Summary got = s.summary();
  expect_same(got, summarise(values));
  EXPECT_EQ(got.missing, 10u);
  EXPECT_EQ(got.resolution, 0);
}

// Past the capacity, every percentile is within one bin width of the exact one, whatever the
// shape of the draws (wide, skewed, a few values repeated, negative).
TEST(StreamingSummary, PercentilesStayWithinTheResolutionPastTheCapacity) {
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> skewed(8, 1.5);
  std::uniform_int_distribution<int> few(0, 4);
  std::normal_distribution<double> centred(-3, 2);
  const std::vector<std::function<double()>> shapes = {
      [&] { return skewed(rng); }, [&] { return 1000.0 * few(rng); }, [&] { return centred(rng); }};
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    SCOPED_TRACE(k);
    StreamingSummary s(256);
    std::vector<double> values;
    for (int i = 0; i < 20'000; ++i) {
      values.push_back(shapes[k]());
      s.add(values.back());
    }
    ASSERT_FALSE(s.exact());
    const Summary got = s.summary(), exact = summarise(values);
    EXPECT_GT(got.resolution, 0);
    EXPECT_LE(got.resolution, 4 * (exact.max - exact.min) / 256 + 1e-9);
    EXPECT_EQ(got.count, exact.count);
    EXPECT_DOUBLE_EQ(got.mean, exact.mean);
    EXPECT_EQ(got.min, exact.min);
    EXPECT_EQ(got.max, exact.max);
    EXPECT_NEAR(got.p5, exact.p5, got.resolution);
    EXPECT_NEAR(got.p50, exact.p50, got.resolution);
    EXPECT_NEAR(got.p95, exact.p95, got.resolution);
  }
}

TEST(StreamingSummary, MemoryIsBoundedAndEqualValuesKeepAnExactAnswer) {
  StreamingSummary s(64);
  for (int i = 0; i < 1'000'000; ++i) s.add(42.5);
  const Summary got = s.summary();
  EXPECT_EQ(got.count, 1'000'000u);
  EXPECT_NEAR(got.p50, 42.5, got.resolution);
  EXPECT_EQ(got.p5, 42.5) << "clamped to the extremes";
  EXPECT_LE(s.max_bytes(), sizeof(StreamingSummary) + 64 * 12);
}

TEST(StreamingSummary, DependsOnlyOnTheValuesAndTheirOrder) {
  auto run = [] {
    StreamingSummary s(32);
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(-1e6, 1e6);
    for (int i = 0; i < 10'000; ++i) s.add(u(rng));
    return s.summary();
  };
  expect_same(run(), run());
}

TEST(StreamingSummary, InfinitiesGoToTheEndBinsWithoutWideningThem) {
  StreamingSummary s(16);
  for (int i = 0; i < 100; ++i) s.add(i);
  s.add(INFINITY);
  const Summary got = s.summary();
  EXPECT_EQ(got.max, INFINITY);
  EXPECT_LT(got.resolution, 16);
  EXPECT_NEAR(got.p50, 50, got.resolution + 1);
}

}  // namespace
}  // namespace covsim::sim
