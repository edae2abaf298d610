#include "geo/detail/road_cache.hpp"

#include <sstream>

#include "geo/detail/binary_cache.hpp"
#include "geo/error.hpp"

namespace covsim::geo::detail {

namespace {

constexpr Magic kMagic = {'C', 'O', 'V', 'S', 'I', 'M', 'R', 'C'};
constexpr std::uint32_t kVersion = 1;
static_assert(sizeof(Edge) == 12 && sizeof(Point) == 16 && sizeof(InnerNode) == 20,
              "the cache stores these as raw bytes, without padding");

}  // namespace

std::filesystem::path road_cache_path(const RoadOptions& o) {
  std::filesystem::path name = o.file.filename();
  name += ".covsim-roads";
  return o.cache_dir.empty() ? std::filesystem::path(o.file).replace_filename(name)
                             : o.cache_dir / name;
}

std::string road_cache_key(const RoadOptions& o, int epsg) {
  std::ostringstream k;
  k.precision(17);
  k << "extract " << std::filesystem::absolute(o.file).lexically_normal().string() << ";"
    << file_stamp(o.file) << "; EPSG:" << epsg << "; speeds";
  for (const auto& [cls, kmh] : o.speed_kmh) k << ' ' << cls << '=' << kmh;
  k << "; ignored";
  for (const std::string& cls : o.ignored_classes) k << ' ' << cls;
  k << "; unknown " << (o.unknown_class_speed_kmh ? *o.unknown_class_speed_kmh : 0.0)
    << "; maxspeed " << o.use_maxspeed << ' ' << o.urban_limit_share << ' ' << o.rural_limit_share
    << "; oneway " << !o.oneway_field.empty() << ' ' << o.osm_implied_oneway;
  return k.str();
}

std::optional<CachedRoads> load_road_cache(const std::filesystem::path& path,
                                           const std::string& key, std::string& why_not) {
  std::string bytes;
  std::optional<BinaryReader> body = open_binary(path, kMagic, kVersion, key, bytes, why_not);
  if (!body) {
    if (why_not.starts_with("made for")) why_not = "made for another extract or other settings";
    return std::nullopt;
  }
  BinaryReader& r = *body;
  try {
    CachedRoads c;
    RoadReport& rep = c.report;
    rep.reader = r.get_text();
    rep.source = r.get_text();
    for (std::size_t* n :
         {&rep.features, &rep.lines_driven, &rep.one_way_lines, &rep.lines_with_maxspeed,
          &rep.lines_missing_nodes, &rep.nodes_read, &rep.nodes_kept, &rep.nodes_contracted})
      *n = r.get<std::uint64_t>();
    rep.ignored_by_class = r.get_counts();
    rep.unknown_by_class = r.get_counts();
    c.net.node = r.get_array<Point>();
    c.net.edges = r.get_array<Edge>();
    c.net.metres = r.get_array<double>();
    c.net.inner_node = r.get_array<Point>();
    c.net.inner = r.get_array<InnerNode>();
    if (c.net.metres.size() != c.net.edges.size() || c.net.inner.size() != c.net.inner_node.size())
      throw CorruptBinary{"columns differ in length"};
    for (const InnerNode& i : c.net.inner)
      if (i.from >= c.net.node.size() || i.to >= c.net.node.size())
        throw CorruptBinary{"a contracted node names a node that does not exist"};
    for (const Edge& e : c.net.edges)
      if (e.from >= c.net.node.size() || e.to >= c.net.node.size() || !(e.minutes >= 0))
        throw CorruptBinary{"an edge names a node that does not exist"};
    r.expect_end();
    return c;
  } catch (const CorruptBinary& e) {
    why_not = "corrupt (" + e.what + ")";
    return std::nullopt;
  }
}

void save_road_cache(const std::filesystem::path& path, const std::string& key,
                     const RoadNetwork& net, const RoadReport& rep) {
  BinaryWriter w(kMagic, kVersion, key);
  w.put_text(rep.reader);
  w.put_text(rep.source);
  for (std::size_t n :
       {rep.features, rep.lines_driven, rep.one_way_lines, rep.lines_with_maxspeed,
        rep.lines_missing_nodes, rep.nodes_read, rep.nodes_kept, rep.nodes_contracted})
    w.put(static_cast<std::uint64_t>(n));
  w.put_counts(rep.ignored_by_class);
  w.put_counts(rep.unknown_by_class);
  w.put_array(net.node);
  w.put_array(net.edges);
  w.put_array(net.metres);
  w.put_array(net.inner_node);
  w.put_array(net.inner);
  save_binary(path, w, "the road cache");
}

}  // namespace covsim::geo::detail
