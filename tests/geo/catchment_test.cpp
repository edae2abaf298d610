#include "geo/catchment.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "geo/detail/geos.hpp"
#include "geo/error.hpp"
#include "tests/geo/test_shapes.hpp"

namespace covsim::geo {
namespace {

using test::box;
using test::polygon;

bool valid(const MultiPolygon& m) {
  detail::GeosContext ctx;
  return GEOSisValid_r(ctx, detail::to_geos(ctx, m).get()) == 1;
}

// Exterior vertices of the first polygon, closing point excluded.
std::size_t shell_vertices(const MultiPolygon& m) { return m.ring(0).size() - 1; }

class CountingProgress final : public Progress {
 public:
  void start(std::string_view, std::size_t total) override { total_ = total; }
  void advance(std::size_t n) override { done_ += n; }
  void finish() override {}
  std::size_t total_ = 0;
  std::atomic<std::size_t> done_{0};
};

TEST(Dissolve, AdjacentSquaresMergeByCoverageUnion) {
  //  +---+---+
  //  | 1 | 3 |     group 0 = {0, 1}, group 1 = {2, 3}
  //  +---+---+
  //  | 0 | 2 |
  //  +---+---+
  const std::vector<MultiPolygon> squares{box(0, 0, 1, 1), box(0, 1, 1, 2), box(1, 0, 2, 1),
                                          box(1, 1, 2, 2)};
  const std::vector<GroupId> group{0, 0, 1, 1};
  const Catchments c = dissolve(squares, group, 2);
  ASSERT_EQ(c.shape.size(), 2u);
  EXPECT_EQ(c.members, (std::vector<std::uint32_t>{2, 2}));
  EXPECT_EQ(c.coverage_unions, 2u);
  EXPECT_EQ(c.general_unions, 0u);
  for (const MultiPolygon& m : c.shape) {
    EXPECT_EQ(m.polygon_count(), 1u);
    EXPECT_EQ(m.ring_count(), 1u);
    EXPECT_DOUBLE_EQ(m.area(), 2.0);
    EXPECT_TRUE(valid(m));
    EXPECT_EQ(m.bounds().width(), 1.0);
    EXPECT_EQ(m.bounds().height(), 2.0);
  }
  EXPECT_EQ(c.shape[1].bounds().min_x, 1.0);
  // The shared edge is gone: a rectangle, possibly with the collinear midpoints of the old
  // edges (0,1) and (1,1) still on its boundary.
  EXPECT_GE(shell_vertices(c.shape[0]), 4u);
  EXPECT_LE(shell_vertices(c.shape[0]), 6u);
}

TEST(Dissolve, OverlapsFallBackToTheGeneralUnion) {
  const std::vector<MultiPolygon> parts{box(0, 0, 2, 2), box(1, 0, 3, 2)};
  const std::vector<GroupId> group{0, 0};
  const Catchments c = dissolve(parts, group, 1);
  EXPECT_EQ(c.coverage_unions, 0u);
  EXPECT_EQ(c.general_unions, 1u);
  EXPECT_DOUBLE_EQ(c.shape[0].area(), 6.0);  // not 8: the 1×2 overlap counts once
  EXPECT_TRUE(valid(c.shape[0]));
}

TEST(Dissolve, KeepsIslandsAndHoles) {
  // A 3×3 block of unit squares without its centre, plus an island at x = 10.
  std::vector<MultiPolygon> parts;
  std::vector<GroupId> group;
  for (int x = 0; x < 3; ++x)
    for (int y = 0; y < 3; ++y) {
      parts.push_back(box(x, y, x + 1, y + 1));
      group.push_back(x == 1 && y == 1 ? kNoGroup : 0);
    }
  parts.push_back(box(10, 0, 11, 1));
  group.push_back(0);
  const Catchments c = dissolve(parts, group, 1);
  const MultiPolygon& m = c.shape[0];
  EXPECT_EQ(c.members[0], 9u);
  EXPECT_EQ(m.polygon_count(), 2u);
  EXPECT_EQ(m.ring_count(), 3u);  // block shell + its hole, island shell
  EXPECT_DOUBLE_EQ(m.area(), 9.0);
  EXPECT_TRUE(valid(m));
  EXPECT_EQ(c.coverage_unions, 1u);
}

TEST(Dissolve, GroupsWithoutMembersOrGeometryStayEmpty) {
  const std::vector<MultiPolygon> parts{box(0, 0, 1, 1), MultiPolygon{}};
  const std::vector<GroupId> group{0, 2};
  const Catchments c = dissolve(parts, group, 3);
  EXPECT_EQ(c.members, (std::vector<std::uint32_t>{1, 0, 1}));
  EXPECT_DOUBLE_EQ(c.shape[0].area(), 1.0);
  EXPECT_TRUE(c.shape[1].empty());
  EXPECT_TRUE(c.shape[2].empty());  // its only member has no geometry
}

TEST(Dissolve, InvalidMembersAreRepairedNotLost) {
  // A bow-tie (self-intersecting at (1,1)) covers two triangles of area 1 each.
  const std::vector<MultiPolygon> parts{polygon({{{0, 0}, {2, 2}, {2, 0}, {0, 2}}}),
                                        box(2, 0, 3, 2)};
  const std::vector<GroupId> group{0, 0};
  const Catchments c = dissolve(parts, group, 1);
  EXPECT_EQ(c.coverage_unions, 0u);
  EXPECT_EQ(c.repaired_groups, 1u);
  EXPECT_TRUE(valid(c.shape[0]));
  EXPECT_NEAR(c.shape[0].area(), 2.0 + 2.0, 1e-9);
}

TEST(Dissolve, ManyGroupsInParallelMatchTheirMembers) {
  // A 40×40 grid of unit squares; group g holds the squares with x / 2 == g: a 2×40 strip.
  std::vector<MultiPolygon> parts;
  std::vector<GroupId> group;
  for (int x = 0; x < 40; ++x)
    for (int y = 0; y < 40; ++y) {
      parts.push_back(box(x, y, x + 1, y + 1));
      group.push_back(static_cast<GroupId>(x / 2));
    }
  CountingProgress progress;
  const Catchments c = dissolve(parts, group, 20, progress);
  EXPECT_EQ(progress.total_, 20u);
  EXPECT_EQ(progress.done_.load(), 20u);
  EXPECT_EQ(c.coverage_unions, 20u);
  for (GroupId g = 0; g < 20; ++g) {
    EXPECT_EQ(c.members[g], 80u);
    EXPECT_DOUBLE_EQ(c.shape[g].area(), 80.0);
    EXPECT_EQ(c.shape[g].polygon_count(), 1u);
    EXPECT_EQ(c.shape[g].bounds().min_x, 2.0 * g);
  }
}

TEST(Dissolve, RejectsInconsistentGroups) {
  const std::vector<MultiPolygon> parts{box(0, 0, 1, 1), box(1, 0, 2, 1)};
  EXPECT_THROW(dissolve(parts, std::vector<GroupId>{0}, 1), InputError);
  try {
    dissolve(parts, std::vector<GroupId>{0, 5}, 2);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "polygon 1");
    EXPECT_NE(e.problem().find("group id 5"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace covsim::geo
