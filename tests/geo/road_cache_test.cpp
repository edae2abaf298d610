// The road cache beside an .osm.pbf: a second run loads it with the same graph; a change of
// the extract (size or date), of the speeds or of the cache file itself is detected and the
// network rebuilt; a cache that cannot be written does not stop the run.
#include "geo/detail/road_cache.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "geo/road_network.hpp"
#include "tests/geo/osm_fixture.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::geo {
namespace {

test::OsmExtract grid(int side) {
  test::OsmExtract x;
  auto id = [side](int i, int j) { return static_cast<std::int64_t>(1 + i * side + j); };
  for (int i = 0; i < side; ++i)
    for (int j = 0; j < side; ++j) x.node(id(i, j), 2.0 + 0.01 * j, 47.0 + 0.01 * i);
  std::int64_t way = 1;
  for (int i = 0; i < side; ++i)
    for (int j = 0; j + 1 < side; ++j) {
      x.way(way++, {id(i, j), id(i, j + 1)}, {{"highway", i % 2 ? "secondary" : "residential"}});
      x.way(way++, {id(j, i), id(j + 1, i)}, {{"highway", "tertiary"}});
    }
  return x;
}

Territory two_communes() {
  Territory t;
  t.source = "test";
  t.add("A", "A", 1, {}, {650000, 6650000});
  t.add("B", "B", 1, {}, {660000, 6660000});
  t.index_codes();
  return t;
}

bool same_graph(const RoadGraph& a, const RoadGraph& b) {
  if (a.graph.vertex_count() != b.graph.vertex_count() ||
      a.graph.edge_count() != b.graph.edge_count() ||
      a.graph.commune_vertex != b.graph.commune_vertex ||
      a.graph.access_minutes != b.graph.access_minutes)
    return false;
  for (std::uint32_t v = 0; v < a.graph.vertex_count(); ++v) {
    auto [e, end] = out_edges(v, a.graph.forward);
    auto [f, fend] = out_edges(v, b.graph.forward);
    for (; e != end; ++e, ++f)
      if (f == fend || target(*e, a.graph.forward) != target(*f, b.graph.forward) ||
          a.graph.forward[*e].minutes != b.graph.forward[*f].minutes)
        return false;
  }
  return true;
}

bool starts_with(const std::string& s, const std::string& head) { return s.rfind(head, 0) == 0; }

TEST(RoadCache, SecondRunLoadsTheSameGraph) {
  test::TempDir dir;
  grid(6).write(dir / "g.osm.pbf");
  RoadOptions o;
  o.file = dir / "g.osm.pbf";
  const Territory t = two_communes();
  const RoadGraph first = road_travel_graph(t, o);
  EXPECT_TRUE(starts_with(first.report.cache, "written to")) << first.report.cache;
  EXPECT_NE(first.report.cache.find("no cache yet"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(detail::road_cache_path(o)));
  EXPECT_EQ(detail::road_cache_path(o), dir / "g.osm.pbf.covsim-roads");
  const RoadGraph second = road_travel_graph(t, o);
  EXPECT_TRUE(starts_with(second.report.cache, "loaded from")) << second.report.cache;
  EXPECT_TRUE(same_graph(first, second));
  EXPECT_EQ(first.report.nodes_contracted, second.report.nodes_contracted);
  EXPECT_EQ(first.report.features, second.report.features);
  EXPECT_EQ(first.report.kilometres_kept, second.report.kilometres_kept);
  EXPECT_EQ(dir.entries(), 2u);  // the extract and its cache, no temporary left
}

TEST(RoadCache, ChangedSpeedsOrExtractRebuild) {
  test::TempDir dir;
  grid(5).write(dir / "g.osm.pbf");
  RoadOptions o;
  o.file = dir / "g.osm.pbf";
  const Territory t = two_communes();
  const RoadGraph first = road_travel_graph(t, o);

  RoadOptions slower = o;
  slower.speed_kmh["tertiary"] = 20;
  const RoadGraph changed = road_travel_graph(t, slower);
  EXPECT_NE(changed.report.cache.find("another extract or other settings"), std::string::npos)
      << changed.report.cache;
  EXPECT_FALSE(same_graph(first, changed));
  EXPECT_TRUE(starts_with(road_travel_graph(t, slower).report.cache, "loaded from"));

  // Same size, another date: the extract may have been replaced by one of equal size.
  const auto when = std::filesystem::last_write_time(o.file);
  std::filesystem::last_write_time(o.file, when + std::chrono::seconds(5));
  EXPECT_NE(road_travel_graph(t, slower).report.cache.find("another extract"), std::string::npos);

  grid(7).write(dir / "g.osm.pbf");  // a new extract
  const RoadGraph bigger = road_travel_graph(t, o);
  EXPECT_TRUE(starts_with(bigger.report.cache, "written to"));
  EXPECT_GT(bigger.report.nodes_read, first.report.nodes_read);
}

TEST(RoadCache, CorruptOrTruncatedCacheIsRebuiltNotTrusted) {
  test::TempDir dir;
  grid(5).write(dir / "g.osm.pbf");
  RoadOptions o;
  o.file = dir / "g.osm.pbf";
  const Territory t = two_communes();
  const RoadGraph first = road_travel_graph(t, o);
  const std::filesystem::path cache = detail::road_cache_path(o);
  const auto size = std::filesystem::file_size(cache);
  {
    std::fstream f(cache, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    char c = 0;
    f.seekg(static_cast<std::streamoff>(size / 2));
    f.get(c);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put(static_cast<char>(c ^ 0x5A));
  }
  const RoadGraph flipped = road_travel_graph(t, o);
  EXPECT_NE(flipped.report.cache.find("corrupt (checksum mismatch)"), std::string::npos)
      << flipped.report.cache;
  EXPECT_TRUE(same_graph(first, flipped));

  std::filesystem::resize_file(cache, size / 3);
  const RoadGraph truncated = road_travel_graph(t, o);
  EXPECT_NE(truncated.report.cache.find("corrupt"), std::string::npos) << truncated.report.cache;
  EXPECT_TRUE(same_graph(first, truncated));
  EXPECT_TRUE(starts_with(road_travel_graph(t, o).report.cache, "loaded from"));
}

TEST(RoadCache, UnwritableCacheIsReportedNotFatal) {
  test::TempDir dir;
  grid(4).write(dir / "g.osm.pbf");
  RoadOptions o;
  o.file = dir / "g.osm.pbf";
  o.cache_dir = dir / "missing" / "folder";
  const RoadGraph r = road_travel_graph(two_communes(), o);
  EXPECT_TRUE(starts_with(r.report.cache, "not written")) << r.report.cache;
  EXPECT_GT(r.graph.vertex_count(), 0u);
  o.cache = false;
  EXPECT_EQ(road_travel_graph(two_communes(), o).report.cache, "not used (disabled)");
}

}  // namespace
}  // namespace covsim::geo
