#include "geo/map_classes.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "geo/error.hpp"

namespace covsim::geo {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

ClassScheme scheme(Classification method, int classes) {
  ClassScheme s;
  s.method = method;
  s.classes = classes;
  return s;
}

TEST(Classify, QuantilesSplitTheRanksEvenly) {
  const std::vector<double> v{10, 9, 8, 7, 6, 5, 4, 3, 2, 1, kNaN};
  const Classes k = classify(v, scheme(Classification::quantiles, 5));
  EXPECT_EQ(k.edges, (std::vector<double>{1, 3, 5, 7, 9, 10}));
  EXPECT_EQ(k.size(), 5u);
  EXPECT_EQ(k.class_of(2.99), 0u);
  EXPECT_EQ(k.class_of(3), 1u);
  EXPECT_EQ(k.class_of(10), 4u) << "the last class holds its upper edge";
  EXPECT_EQ(k.class_of(-5), 0u);
  EXPECT_EQ(k.class_of(50), 4u);
  EXPECT_FALSE(k.class_of(kNaN).has_value());
  EXPECT_EQ(k.labels(""), (std::vector<std::string>{"1 – 3", "3 – 5", "5 – 7", "7 – 9", "9 – 10"}));
}

TEST(Classify, EqualIntervalsSpanMinToMax) {
  const std::vector<double> v{0, 10, 5, 5};
  EXPECT_EQ(classify(v, scheme(Classification::equal_interval, 5)).edges,
            (std::vector<double>{0, 2, 4, 6, 8, 10}));
}

TEST(Classify, NaturalBreaksFindTheGaps) {
  const std::vector<double> v{31, 1, 2, 3, 10, 11, 12, 30, 32};
  EXPECT_EQ(classify(v, scheme(Classification::natural_breaks, 3)).edges,
            (std::vector<double>{1, 10, 30, 32}));
}

// Sum of squared deviations from each class mean.
double within_ssd(const std::vector<double>& v, const Classes& k) {
  std::vector<double> sum(k.size(), 0), sum2(k.size(), 0), n(k.size(), 0);
  for (double x : v) {
    const std::size_t c = *k.class_of(x);
    sum[c] += x, sum2[c] += x * x, n[c] += 1;
  }
  double total = 0;
  for (std::size_t c = 0; c < k.size(); ++c)
    if (n[c] > 0) total += sum2[c] - sum[c] * sum[c] / n[c];
  return total;
}

TEST(Classify, NaturalBreaksAreOptimalAgainstBruteForce) {
  const std::vector<double> v{4.1, 0.5, 7.7, 2.2, 9.9, 3.3, 6.0, 8.4, 1.0, 5.5, 12.0, 0.2};
  std::vector<double> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  double best = std::numeric_limits<double>::infinity();
  // Every split of the sorted values into three non-empty runs [0,i) [i,j) [j,n).
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    for (std::size_t j = i + 1; j < sorted.size(); ++j) {
      Classes manual;
      manual.edges = {sorted.front(), sorted[i], sorted[j], sorted.back()};
      manual.colors.resize(3);
      best = std::min(best, within_ssd(v, manual));
    }
  }
  const Classes jenks = classify(v, scheme(Classification::natural_breaks, 3));
  ASSERT_EQ(jenks.size(), 3u);
  EXPECT_NEAR(within_ssd(v, jenks), best, 1e-9);
}

TEST(Classify, RepeatedMaximumKeepsItsOwnClass) {
  // Seven communes at a 60-minute cap: quantile breaks fall on 60 and must not swallow 3..59.
  const std::vector<double> v{1, 2, 3, 60, 60, 60, 60, 60, 60, 60};
  const Classes k = classify(v, scheme(Classification::quantiles, 4));
  EXPECT_EQ(k.edges, (std::vector<double>{1, 3, 60, 60}));
  EXPECT_EQ(k.class_of(59), 1u);
  EXPECT_EQ(k.class_of(60), 2u);
  EXPECT_EQ(k.labels("min"), (std::vector<std::string>{"1 – 3 min", "3 – 60 min", "60 min"}));
}

TEST(Classify, ManualBreaksHaveOpenEndsWhateverTheData) {
  ClassScheme s = scheme(Classification::manual, 0);
  s.manual_breaks = {15, 30};
  const Classes k = classify(std::vector<double>{20, 22}, s);
  ASSERT_EQ(k.size(), 3u);
  EXPECT_EQ(k.class_of(14.9), 0u);
  EXPECT_EQ(k.class_of(15), 1u);
  EXPECT_EQ(k.class_of(1e9), 2u);
  EXPECT_EQ(k.labels("min"), (std::vector<std::string>{"< 15 min", "15 – 30 min", "≥ 30 min"}));
}

TEST(Classify, DegenerateInputs) {
  EXPECT_EQ(classify(std::vector<double>{kNaN, kNaN}, {}).size(), 0u);
  const Classes same = classify(std::vector<double>{4, 4, 4}, {});
  EXPECT_EQ(same.edges, (std::vector<double>{4, 4}));
  EXPECT_EQ(same.labels(""), (std::vector<std::string>{"4"}));
}

TEST(Classify, BadSchemesAreInputErrors) {
  ClassScheme s = scheme(Classification::manual, 0);
  EXPECT_THROW(classify(std::vector<double>{1}, s), InputError) << "no breaks";
  s.manual_breaks = {30, 15};
  EXPECT_THROW(classify(std::vector<double>{1}, s), InputError) << "decreasing";
  EXPECT_THROW(classify(std::vector<double>{1}, scheme(Classification::quantiles, 0)), InputError);
  EXPECT_THROW(classify(std::vector<double>{1}, scheme(Classification::quantiles, 10)), InputError);
}

TEST(Classes, LabelsUseTheFewestDecimalsThatKeepBreaksApart) {
  Classes k;
  k.edges = {0.12, 0.25, 0.37};
  k.colors.resize(2);
  EXPECT_EQ(k.labels(""), (std::vector<std::string>{"0.12 – 0.25", "0.25 – 0.37"}));
  k.edges = {1200, 5000, 125000};
  EXPECT_EQ(k.labels("inh."),
            (std::vector<std::string>{"1 200 – 5 000 inh.", "5 000 – 125 000 inh."}));
  EXPECT_EQ(k.labels("", 1)[0], "1 200.0 – 5 000.0");
}

double luminance(Rgb c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b; }

TEST(Ramps, SequentialClassesDarkenWithValueUnlessReversed) {
  EXPECT_EQ(ramp_color(Ramp::yl_or_rd, 0), (Rgb{1.0, 1.0, 204 / 255.0}));            // #ffffcc
  EXPECT_EQ(ramp_color(Ramp::blues, 1), (Rgb{8 / 255.0, 48 / 255.0, 107 / 255.0}));  // #08306b
  const std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  ClassScheme s = scheme(Classification::quantiles, 5);
  const Classes k = classify(v, s);
  for (std::size_t i = 1; i < k.size(); ++i)
    EXPECT_LT(luminance(k.colors[i]), luminance(k.colors[i - 1])) << i;
  s.reversed = true;
  const Classes r = classify(v, s);
  for (std::size_t i = 0; i < k.size(); ++i) EXPECT_EQ(r.colors[i], k.colors[k.size() - 1 - i]);
}

TEST(Ramps, DivergingCentreGetsTheNeutralColour) {
  ClassScheme s = scheme(Classification::manual, 0);
  s.manual_breaks = {-10, -2, 2, 10};
  s.ramp = Ramp::rd_bu;
  s.centre = 0;
  const Classes k = classify(std::vector<double>{-20, 0, 20}, s);
  ASSERT_EQ(k.size(), 5u);
  EXPECT_EQ(k.colors[2], ramp_color(Ramp::rd_bu, 0.5));
  EXPECT_EQ(k.colors[2], (Rgb{247 / 255.0, 247 / 255.0, 247 / 255.0}));  // #f7f7f7
  EXPECT_GT(k.colors[0].r, k.colors[0].b) << "below the centre: red side";
  EXPECT_GT(k.colors[4].b, k.colors[4].r) << "above the centre: blue side";
}

}  // namespace
}  // namespace covsim::geo
