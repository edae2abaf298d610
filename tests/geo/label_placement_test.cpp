// Map names: placed greedily by priority, never over one another, a symbol or the frame's edge;
// a name with no free spot is left out.
#include "geo/detail/label_placement.hpp"

#include <gtest/gtest.h>

#include <random>

namespace covsim::geo::detail {
namespace {

Box box_of(const LabelBox& l, Point at) {
  return {at.x - 1, at.y - l.ascent - 1, at.x + l.width + 1, at.y + l.descent + 1};
}

TEST(PlaceLabels, CrowdedNamesNeverOverlapEachOtherSymbolsOrTheFrame) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> x(0, 800), y(0, 600), w(20, 160);
  const Box frame{0, 0, 800, 600};
  std::vector<Box> taken;
  for (int i = 0; i < 40; ++i) {  // symbols
    const double cx = x(rng), cy = y(rng);
    taken.push_back({cx - 6, cy - 6, cx + 6, cy + 6});
  }
  const std::vector<Box> symbols = taken;
  std::vector<LabelBox> labels;
  for (int i = 0; i < 400; ++i) labels.push_back({{x(rng), y(rng)}, w(rng), 10, 3, 4, y(rng)});
  const auto at = place_labels(labels, frame, taken);
  std::vector<Box> placed;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (at[i]) placed.push_back(box_of(labels[i], *at[i]));
  // Crowded: many are left out, many are placed.
  EXPECT_GT(placed.size(), 60u);
  EXPECT_LT(placed.size(), 400u);
  EXPECT_EQ(taken.size(), symbols.size() + placed.size());
  for (std::size_t a = 0; a < placed.size(); ++a) {
    EXPECT_GE(placed[a].min_x, frame.min_x);
    EXPECT_LE(placed[a].max_x, frame.max_x);
    EXPECT_GE(placed[a].min_y, frame.min_y);
    EXPECT_LE(placed[a].max_y, frame.max_y);
    for (const Box& s : symbols) EXPECT_EQ(overlap_area(placed[a], s), 0);
    for (std::size_t b = a + 1; b < placed.size(); ++b)
      ASSERT_EQ(overlap_area(placed[a], placed[b]), 0) << a << " and " << b;
  }
}

TEST(PlaceLabels, HigherPriorityTakesTheFirstSpotBesideTheSymbol) {
  const Box frame{0, 0, 400, 400};
  std::vector<Box> taken = {{194, 194, 206, 206}};  // a symbol of radius 6 on the place
  const std::vector<LabelBox> labels = {{{200, 200}, 50, 10, 3, 4, 1},
                                        {{200, 200}, 50, 10, 3, 4, 9}};
  const auto at = place_labels(labels, frame, taken);
  ASSERT_TRUE(at[0] && at[1]);
  EXPECT_DOUBLE_EQ(at[1]->x, 210);            // right of the symbol: 6 + gap 4
  EXPECT_DOUBLE_EQ(at[0]->x, 200 - 10 - 50);  // then left of it
}

TEST(PlaceLabels, ANameWithNoFreeSpotIsLeftOut) {
  const Box frame{0, 0, 400, 400};
  // Boxes all around the place, leaving it free: every spot beside it hides one of them.
  std::vector<Box> taken = {
      {100, 100, 300, 197}, {100, 203, 300, 300}, {100, 197, 197, 203}, {203, 197, 300, 203}};
  const auto at = place_labels({{{200, 200}, 30, 10, 3, 4, 1}}, frame, taken);
  EXPECT_FALSE(at[0]);
  EXPECT_EQ(taken.size(), 4u);
  // Outside the frame: not drawn either.
  EXPECT_FALSE(place_labels({{{500, 200}, 30, 10, 3, 4, 1}}, frame, taken)[0]);
}

}  // namespace
}  // namespace covsim::geo::detail
