#include "geo/travel_table.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <limits>
#include <random>

#include "geo/error.hpp"
#include "geo/travel_graph.hpp"
#include "geo/travel_matrix.hpp"

namespace covsim::geo {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// A graph whose communes sit on given vertices with given access minutes.
TravelGraph graph_of(std::size_t vertices, std::vector<Edge> edges,
                     std::vector<std::uint32_t> commune_vertex, std::vector<float> access = {}) {
  TravelGraph g = make_travel_graph("test", vertices, std::move(edges));
  g.commune_vertex = std::move(commune_vertex);
  g.access_minutes = access.empty() ? std::vector<float>(g.commune_vertex.size(), 0.0f) : access;
  return g;
}

// All-pairs vertex minutes, d[u][v] from u to v.
std::vector<std::vector<float>> floyd_warshall(std::size_t n, const std::vector<Edge>& edges) {
  std::vector<std::vector<float>> d(n, std::vector<float>(n, kInf));
  for (std::size_t v = 0; v < n; ++v) d[v][v] = 0;
  for (const Edge& e : edges) d[e.from][e.to] = std::min(d[e.from][e.to], e.minutes);
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) d[i][j] = std::min(d[i][j], d[i][k] + d[k][j]);
  return d;
}

// Commune-to-commune minutes the table must reproduce: access at both ends, 0 on the diagonal.
float expected_minutes(const std::vector<std::vector<float>>& d, const TravelGraph& g,
                       CommuneId from, CommuneId to) {
  if (from == to) return 0;
  return g.access_minutes[from] + d[g.commune_vertex[from]][g.commune_vertex[to]] +
         g.access_minutes[to];
}

//      2        1
//  0 ----> 1 ----> 2        Directed, so minutes to a site differ from minutes from it.
//  ^               |
//  +------ 5 ------+
// Commune 3 shares vertex 1 with commune 1 and is 0.5 min away from it; commune 0 is 1 min off.
TEST(TravelTable, HandComputedDirectedRing) {
  const TravelGraph g =
      graph_of(3, {{0, 1, 2}, {1, 2, 1}, {2, 0, 5}}, {0, 1, 2, 1}, {1.0f, 0.0f, 0.0f, 0.5f});
  const std::vector<CommuneId> sites{1, 2};
  const TravelTable t = build_travel_table(g, sites, 6.0f);
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.row_of(1), 0u);
  EXPECT_EQ(t.row_of(2), 1u);
  EXPECT_EQ(t.row_of(0), kNoRow);
  EXPECT_EQ(t.row_of(3), kNoRow);

  // To commune 1 (vertex 1): from 0 = 1 + 2 = 3; from 2 = 5 + 2 + 1 (access of 0 is not on the
  // path) = 7 > 6; from 3 = 0.5 + 0 + 0 = 0.5.
  ASSERT_EQ(t.row(0).size(), 3u);
  EXPECT_EQ(t.row(0)[0].commune, 0u);
  EXPECT_FLOAT_EQ(t.row(0)[0].minutes, 3.0f);
  EXPECT_EQ(t.row(0)[1].commune, 1u);
  EXPECT_FLOAT_EQ(t.row(0)[1].minutes, 0.0f);
  EXPECT_EQ(t.row(0)[2].commune, 3u);
  EXPECT_FLOAT_EQ(t.row(0)[2].minutes, 0.5f);
  EXPECT_EQ(t.minutes(0, 2), std::nullopt);

  // To commune 2 (vertex 2): from 0 = 1 + 3 = 4; from 1 = 1; from 3 = 0.5 + 1 = 1.5.
  EXPECT_FLOAT_EQ(*t.minutes(1, 0), 4.0f);
  EXPECT_FLOAT_EQ(*t.minutes(1, 1), 1.0f);
  EXPECT_FLOAT_EQ(*t.minutes(1, 2), 0.0f);
  EXPECT_FLOAT_EQ(*t.minutes(1, 3), 1.5f);
  EXPECT_EQ(t.entries(), 7u);
}

TEST(TravelTable, CutoffExactlyAtADistanceKeepsThatCommune) {
  const TravelGraph g = graph_of(3, {{0, 1, 2}, {1, 2, 3}}, {0, 1, 2});
  const std::vector<CommuneId> site{2};
  EXPECT_EQ(build_travel_table(g, site, 5.0f).row(0).size(), 3u);  // 0 -> 2 is exactly 5
  EXPECT_EQ(build_travel_table(g, site, 4.99f).row(0).size(), 2u);
  EXPECT_EQ(build_travel_table(g, site, 0.0f).row(0).size(), 1u);  // the site itself
}

TEST(TravelTable, SiteWhoseAccessExceedsTheCutoffStillReachesItself) {
  const TravelGraph g = graph_of(2, {{0, 1, 1}, {1, 0, 1}}, {0, 1}, {0.0f, 20.0f});
  const std::vector<CommuneId> site{1};
  const TravelTable t = build_travel_table(g, site, 10.0f);
  ASSERT_EQ(t.row(0).size(), 1u);
  EXPECT_EQ(t.row(0)[0].commune, 1u);
  EXPECT_EQ(t.row(0)[0].minutes, 0.0f);
}

TEST(TravelTable, RejectsBadCandidatesAndCutoffs) {
  const TravelGraph g = graph_of(2, {{0, 1, 1}}, {0, 1});
  const std::vector<CommuneId> twice{1, 1}, outside{2}, fine{0};
  EXPECT_THROW(build_travel_table(g, twice, 5.0f), Error);
  EXPECT_THROW(build_travel_table(g, outside, 5.0f), Error);
  EXPECT_THROW(build_travel_table(g, fine, -1.0f), Error);
  EXPECT_THROW(build_travel_table(g, fine, std::nanf("")), Error);
  TravelGraph broken = g;
  broken.commune_vertex[1] = 7;
  EXPECT_THROW(build_travel_table(broken, fine, 5.0f), Error);
}

struct RandomCase {
  std::size_t vertices;
  std::vector<Edge> edges;
  TravelGraph graph;
};

// Integer minutes (zero included) keep every sum exact in float, so the comparison with
// Floyd–Warshall can be exact. Communes outnumber vertices so some share a vertex.
RandomCase random_case(unsigned seed, bool symmetric) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::uint32_t> vertex(0, 19);
  std::uniform_int_distribution<int> weight(0, 9), access(0, 3);
  RandomCase c;
  c.vertices = 20;
  for (int i = 0; i < 45; ++i) {
    const Edge e{vertex(rng), vertex(rng), static_cast<float>(weight(rng))};
    c.edges.push_back(e);
    if (symmetric) c.edges.push_back({e.to, e.from, e.minutes});
  }
  std::vector<std::uint32_t> at(26);
  std::vector<float> acc(26);
  for (std::size_t i = 0; i < at.size(); ++i) {
    at[i] = vertex(rng);
    acc[i] = static_cast<float>(access(rng));
  }
  c.graph = graph_of(c.vertices, c.edges, at, acc);
  return c;
}

TEST(TravelTable, MatchesFloydWarshallOnRandomGraphs) {
  for (bool symmetric : {false, true}) {
    for (unsigned seed = 1; seed <= 8; ++seed) {
      const RandomCase c = random_case(seed, symmetric);
      const auto d = floyd_warshall(c.vertices, c.edges);
      const std::vector<CommuneId> sites{0, 3, 5, 7, 11, 13, 17, 25};
      // 7 and 12 are typical distances here, so some communes sit exactly on the cut-off.
      for (float cutoff : {0.0f, 3.0f, 7.0f, 12.0f, 1000.0f}) {
        const TravelTable t = build_travel_table(c.graph, sites, cutoff);
        std::size_t expected_entries = 0, on_cutoff = 0;
        for (RowId r = 0; r < t.rows(); ++r) {
          for (CommuneId from = 0; from < c.graph.commune_vertex.size(); ++from) {
            const float want = expected_minutes(d, c.graph, from, sites[r]);
            const auto got = t.minutes(r, from);
            SCOPED_TRACE(testing::Message()
                         << "seed " << seed << " symmetric " << symmetric << " cutoff " << cutoff
                         << " site " << sites[r] << " from " << from);
            if (want <= cutoff) {
              ++expected_entries;
              on_cutoff += want == cutoff;
              ASSERT_TRUE(got.has_value());
              EXPECT_EQ(*got, want);
            } else {
              EXPECT_FALSE(got.has_value());
            }
          }
          for (std::size_t i = 1; i < t.row(r).size(); ++i)
            EXPECT_LT(t.row(r)[i - 1].commune, t.row(r)[i].commune);
        }
        EXPECT_EQ(t.entries(), expected_entries);
        if (cutoff == 7.0f) {
          EXPECT_GT(on_cutoff, 0u) << "seed " << seed;
        }
      }
    }
  }
}

TEST(TravelTable, SameTableWithOneOrTwoThreads) {
  const RandomCase c = random_case(42, false);
  std::vector<CommuneId> sites(c.graph.commune_vertex.size());
  for (CommuneId i = 0; i < sites.size(); ++i) sites[i] = i;
  auto build = [&](int threads) {
    tbb::task_arena arena(threads);
    TravelTable t;
    arena.execute([&] { t = build_travel_table(c.graph, sites, 9.0f); });
    return t;
  };
  const TravelTable one = build(1), two = build(2);
  EXPECT_EQ(one.first, two.first);
  ASSERT_EQ(one.entries(), two.entries());
  for (std::size_t i = 0; i < one.entries(); ++i) {
    EXPECT_EQ(one.reach[i].commune, two.reach[i].commune);
    EXPECT_EQ(one.reach[i].minutes, two.reach[i].minutes);
  }
}

TEST(TravelMatrix, MatchesFloydWarshallIncludingUnreachable) {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    const RandomCase c = random_case(seed, false);
    const auto d = floyd_warshall(c.vertices, c.edges);
    const std::vector<CommuneId> some{4, 0, 9, 4, 21, 2};  // a repeat is allowed
    const TravelMatrix m = minutes_among(c.graph, some);
    ASSERT_EQ(m.size(), some.size());
    std::size_t unreachable = 0;
    for (std::size_t i = 0; i < some.size(); ++i)
      for (std::size_t j = 0; j < some.size(); ++j) {
        const float want = expected_minutes(d, c.graph, some[i], some[j]);
        EXPECT_EQ(m.at(i, j), want) << "seed " << seed << " " << i << " -> " << j;
        unreachable += std::isinf(want);
      }
    if (seed == 1) {
      EXPECT_GT(unreachable, 0u) << "the directed case should miss some routes";
    }
  }
}

TEST(TravelMatrix, HandComputedWithAccess) {
  const TravelGraph g =
      graph_of(3, {{0, 1, 2}, {1, 2, 1}, {2, 0, 5}}, {0, 1, 2, 1}, {1.0f, 0.0f, 0.0f, 0.5f});
  const std::vector<CommuneId> some{0, 3, 2};
  const TravelMatrix m = minutes_among(g, some);
  EXPECT_EQ(m.communes, some);
  const std::vector<float> want{0,    3.5f, 4,     // from 0: 1 + 2 + 0.5; 1 + 3
                                7.5f, 0,    1.5f,  // from 3: 0.5 + 1 + 5 + 1; 0.5 + 1
                                6,    7.5f, 0};    // from 2: 5 + 1; 5 + 2 + 0.5
  EXPECT_EQ(m.minutes, want);
  const std::vector<CommuneId> bad{3, 4};
  EXPECT_THROW(minutes_among(g, bad), Error);
}

TEST(TravelRows, FromAndTowardsAreTheMatrixRowsAndColumns) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const RandomCase c = random_case(seed, seed % 2 == 1);
    const std::vector<CommuneId> some{4, 0, 9, 4, 21, 2};
    const TravelMatrix m = minutes_among(c.graph, some);
    const TravelRows rows(c.graph);
    for (std::size_t i = 0; i < some.size(); ++i) {
      const std::vector<float> from = rows.from(some[i], some);
      const std::vector<float> towards = rows.towards(some[i], some);
      for (std::size_t j = 0; j < some.size(); ++j) {
        EXPECT_EQ(from[j], m.at(i, j)) << "seed " << seed << " " << i << " -> " << j;
        EXPECT_EQ(towards[j], m.at(j, i)) << "seed " << seed << " " << j << " -> " << i;
      }
    }
  }
  // Access minutes at both ends, and a commune on a vertex no edge reaches: +infinity.
  const TravelGraph g = graph_of(4, {{0, 1, 2}, {1, 2, 1}, {2, 0, 5}}, {0, 1, 2, 1, 3},
                                 {1.0f, 0.0f, 0.0f, 0.5f, 0.0f});
  const TravelRows rows(g);
  const std::vector<CommuneId> some{0, 3, 2, 4};
  EXPECT_EQ(rows.from(0, some),
            (std::vector<float>{0, 3.5f, 4, std::numeric_limits<float>::infinity()}));
  EXPECT_EQ(rows.towards(0, some),
            (std::vector<float>{0, 7.5f, 6, std::numeric_limits<float>::infinity()}));
  const std::vector<CommuneId> bad{9};
  EXPECT_THROW(rows.from(0, bad), Error);
}

}  // namespace
}  // namespace covsim::geo
