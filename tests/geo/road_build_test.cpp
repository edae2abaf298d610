// The shared road-graph stages on hand-made inputs: the snapper finds exactly the nearest node
// (the smallest index on ties), near the network or thousands of kilometres from it.
#include "geo/detail/road_build.hpp"

#include <gtest/gtest.h>

#include <random>

namespace covsim::geo::detail {
namespace {

std::pair<std::uint32_t, double> brute_force(const std::vector<Point>& node, Point p) {
  std::uint32_t best = 0;
  double best_d2 = std::numeric_limits<double>::infinity();
  for (std::uint32_t i = 0; i < node.size(); ++i) {
    const double d2 = (node[i].x - p.x) * (node[i].x - p.x) + (node[i].y - p.y) * (node[i].y - p.y);
    if (d2 < best_d2) {
      best_d2 = d2;
      best = i;
    }
  }
  return {best, std::sqrt(best_d2)};
}

TEST(NodeSnapper, ExactNearestNearAndFarWithTies) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 100'000);
  std::vector<Point> node;
  for (int i = 0; i < 3000; ++i) node.push_back({std::round(u(rng) / 500) * 500, u(rng)});
  node.push_back(node[17]);  // a duplicate: the smaller index wins
  const NodeSnapper snap(node);
  for (int q = 0; q < 500; ++q) {
    Point p{u(rng), u(rng)};
    if (q % 10 == 0) p = {p.x * 100 - 5e6, p.y * 50 + 7e6};  // far outside
    const auto got = snap.nearest(p);
    const auto want = brute_force(node, p);
    EXPECT_EQ(got.first, want.first) << q;
    EXPECT_DOUBLE_EQ(got.second, want.second) << q;
  }
  EXPECT_EQ(snap.nearest(node[17]).first, 17u);
  EXPECT_EQ(snap.nearest(node.back()).first, 17u);
  EXPECT_EQ(NodeSnapper(std::vector<Point>{{5, 5}}).nearest({1e9, -1e9}).first, 0u);
}

}  // namespace
}  // namespace covsim::geo::detail
