#include "geo/road_network.hpp"

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string_view>
#include <utility>

#include "geo/detail/ogr.hpp"
#include "geo/detail/ogr_layer.hpp"
#include "geo/detail/osm_reader.hpp"
#include "geo/detail/road_build.hpp"
#include "geo/detail/road_cache.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

std::map<std::string, double> default_road_speeds() {
  return {{"motorway", 110},     {"motorway_link", 60},  {"trunk", 90},
          {"trunk_link", 50},    {"primary", 70},        {"primary_link", 40},
          {"secondary", 60},     {"secondary_link", 40}, {"tertiary", 50},
          {"tertiary_link", 30}, {"unclassified", 40},   {"residential", 30},
          {"living_street", 10}, {"service", 20},        {"road", 30}};
}

std::set<std::string> default_ignored_classes() {
  return {"footway",  "path",          "cycleway",  "steps",    "pedestrian", "bridleway",
          "track",    "corridor",      "elevator",  "platform", "bus_stop",   "construction",
          "proposed", "abandoned",     "disused",   "raceway",  "busway",     "bus_guideway",
          "escape",   "emergency_bay", "rest_area", "services", "via_ferrata"};
}

namespace {

enum class Way : std::uint8_t { both, forward, backward };

// An OSM other_tags value ("key"=>"value","k2"=>"v2", HSTORE syntax with \" escapes).
std::optional<std::string> hstore_value(std::string_view s, std::string_view key) {
  std::size_t i = 0;
  auto quoted = [&](std::string& out) {
    if (i >= s.size() || s[i] != '"') return false;
    for (++i; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      out += s[i];
    }
    return i++ < s.size();
  };
  while (i < s.size()) {
    std::string k, v;
    if (!quoted(k) || s.substr(i, 2) != "=>") return std::nullopt;
    i += 2;
    if (!quoted(v)) return std::nullopt;  // NULL values carry nothing we use
    if (k == key) return v;
    if (i < s.size() && s[i] == ',') ++i;
    while (i < s.size() && s[i] == ' ') ++i;
  }
  return std::nullopt;
}

// Reads a tag from its own field when the layer has one, else from OSM's other_tags.
class Tags {
 public:
  Tags(OGRLayerH layer, const std::string& key)
      : key_(key),
        field_(key.empty() ? -1 : OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), key.c_str())),
        other_(OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), "other_tags")) {}

  bool available() const { return !key_.empty() && (field_ >= 0 || other_ >= 0); }
  std::string get(OGRFeatureH f) const {
    if (key_.empty()) return {};
    if (field_ >= 0)
      return OGR_F_IsFieldSetAndNotNull(f, field_) ? OGR_F_GetFieldAsString(f, field_) : "";
    if (other_ >= 0 && OGR_F_IsFieldSetAndNotNull(f, other_))
      return hstore_value(OGR_F_GetFieldAsString(f, other_), key_).value_or("");
    return {};
  }

 private:
  std::string key_;
  int field_;
  int other_;
};

Way oneway_of(const std::string& value, bool implied) {
  if (value == "yes" || value == "true" || value == "1") return Way::forward;
  if (value == "-1" || value == "reverse") return Way::backward;
  if (value.empty() && implied) return Way::forward;
  return Way::both;
}

struct OpenLayer {
  detail::DatasetPtr ds;
  OGRLayerH layer = nullptr;
  std::string where;  // "layer 'lines'"
};

bool is_line_type(OGRwkbGeometryType t) {
  switch (wkbFlatten(t)) {
    case wkbLineString:
    case wkbMultiLineString:
    case wkbCircularString:
    case wkbCompoundCurve:
    case wkbMultiCurve:
      return true;
    default:
      return false;
  }
}

OpenLayer open_line_layer(const RoadOptions& o) {
  const std::string file = o.file.string();
  OpenLayer out;
  out.ds = detail::open_vector(file, o.access);
  GDALDatasetH ds = out.ds.get();
  const bool osm = std::string_view(GDALGetDriverShortName(GDALGetDatasetDriver(ds))) == "OSM";
  std::string name = o.layer.empty() && osm ? "lines" : o.layer;
  std::string layers;
  std::vector<OGRLayerH> line_layers;
  for (int i = 0; i < GDALDatasetGetLayerCount(ds); ++i) {
    OGRLayerH l = GDALDatasetGetLayer(ds, i);
    layers += std::string(layers.empty() ? "" : ", ") + OGR_L_GetName(l);
    if (is_line_type(OGR_L_GetGeomType(l))) line_layers.push_back(l);
  }
  if (!name.empty()) {
    out.layer = GDALDatasetGetLayerByName(ds, name.c_str());
    if (!out.layer)
      throw InputError(file, "layer '" + name + "'", "no such layer; the file has: " + layers);
  } else if (line_layers.size() == 1) {
    out.layer = line_layers.front();
  } else {
    throw InputError(file, "",
                     line_layers.empty()
                         ? "no line layer (layers: " + (layers.empty() ? "none" : layers) + ")"
                         : "several line layers, name one of: " + layers);
  }
  out.where = detail::layer_description(out.layer);
  const OGRwkbGeometryType type = OGR_L_GetGeomType(out.layer);
  if (type != wkbUnknown && !is_line_type(type))
    throw InputError(file, out.where,
                     std::string("holds ") + OGRGeometryTypeToName(type) + ", not lines");
  if (osm) {
    // The OSM driver reads ways once for all layers; asking only for ours avoids buffering
    // every point and polygon of the file while the lines are read.
    const std::string sql = "SET interest_layers = " + std::string(OGR_L_GetName(out.layer));
    GDALDatasetExecuteSQL(ds, sql.c_str(), nullptr, nullptr);
  }
  return out;
}

detail::TransformPtr to_territory_crs(const OpenLayer& l, const RoadOptions& o, int epsg) {
  const std::string file = o.file.string();
  detail::SrsPtr source;
  if (OGRSpatialReferenceH declared = OGR_L_GetSpatialRef(l.layer)) {
    source.reset(OSRClone(declared));
    OSRSetAxisMappingStrategy(source.get(), OAMS_TRADITIONAL_GIS_ORDER);
  } else if (!o.source_crs.empty()) {
    source = detail::make_srs(o.source_crs, file);
  } else {
    throw InputError(file, l.where, "declares no coordinate reference system; set source_crs");
  }
  detail::SrsPtr target = detail::make_srs("EPSG:" + std::to_string(epsg), file);
  if (OSRIsSame(source.get(), target.get())) return {};
  detail::TransformPtr t(OCTNewCoordinateTransformation(source.get(), target.get()));
  if (!t)
    throw InputError(file, l.where,
                     "cannot transform to EPSG:" + std::to_string(epsg) + ": " +
                         detail::gdal_error("no transformation"));
  return t;
}

// Lines as read: points in the territory CRS snapped to the grid, with a speed and direction.
struct Lines {
  std::string where;                 // "layer 'lines'"
  std::vector<std::int64_t> kx, ky;  // grid cells of every point
  std::vector<std::uint32_t> end;    // line i spans points [end[i - 1], end[i])
  std::vector<float> speed_kmh;
  std::vector<Way> way;

  std::size_t size() const { return end.size(); }
  std::uint32_t begin_of(std::size_t i) const { return i == 0 ? 0 : end[i - 1]; }
};

struct Driving {
  float kmh;
  Way way;
};

void append_line(OGRGeometryH g, double grid, Driving d, Lines& lines, bool& finite) {
  const int n = OGR_G_GetPointCount(g);
  const std::size_t before = lines.kx.size();
  for (int i = 0; i < n; ++i) {
    const double x = OGR_G_GetX(g, i), y = OGR_G_GetY(g, i);
    if (!std::isfinite(x) || !std::isfinite(y)) finite = false;
    const auto cx = static_cast<std::int64_t>(std::llround(x / grid));
    const auto cy = static_cast<std::int64_t>(std::llround(y / grid));
    // Points that fall in the same cell as the previous one add nothing but a zero-length hop.
    if (lines.kx.size() > before && lines.kx.back() == cx && lines.ky.back() == cy) continue;
    lines.kx.push_back(cx);
    lines.ky.push_back(cy);
  }
  if (lines.kx.size() == before) return;  // an empty part
  lines.end.push_back(static_cast<std::uint32_t>(lines.kx.size()));
  lines.speed_kmh.push_back(d.kmh);
  lines.way.push_back(d.way);
}

// Adds each linear part of `g`; false when `g` is not linear at all.
bool append_parts(OGRGeometryH g, double grid, Driving d, Lines& lines, bool& finite) {
  switch (wkbFlatten(OGR_G_GetGeometryType(g))) {
    case wkbLineString:
      append_line(g, grid, d, lines, finite);
      return true;
    case wkbMultiLineString:
      for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i)
        append_line(OGR_G_GetGeometryRef(g, i), grid, d, lines, finite);
      return true;
    default:
      if (!is_line_type(OGR_G_GetGeometryType(g))) return false;
      detail::OgrGeometryPtr linear(OGR_G_GetLinearGeometry(g, 0, nullptr));
      return append_parts(linear.get(), grid, d, lines, finite);
  }
}

std::string where_feature(const OpenLayer& l, OGRFeatureH f) {
  return l.where + ", feature " + std::to_string(OGR_F_GetFID(f));
}

Lines read_lines(const Territory& territory, const RoadOptions& o, RoadReport& report,
                 Progress& progress) {
  const std::string file = o.file.string();
  OpenLayer l = open_line_layer(o);
  report.source = file + ", " + l.where;
  const detail::TransformPtr transform = to_territory_crs(l, o, territory.epsg);

  if (!o.class_field.empty())
    detail::require_field(l.layer, file, o.class_field, "road class field");
  const Tags road_class(l.layer, o.class_field), oneway(l.layer, o.oneway_field),
      junction(l.layer, o.osm_implied_oneway ? "junction" : "");
  detail::check_speed_options(o, file);
  if (o.class_field.empty() && !o.unknown_class_speed_kmh)
    throw InputError(file, l.where, "no road class field: set a speed for every line");

  Lines lines;
  lines.where = l.where;
  const GIntBig count = OGR_L_GetFeatureCount(l.layer, FALSE);
  progress.start("road network", count > 0 ? static_cast<std::size_t>(count) : 0);
  OGR_L_ResetReading(l.layer);
  while (detail::FeaturePtr owned{OGR_L_GetNextFeature(l.layer)}) {
    OGRFeatureH f = owned.get();
    ++report.features;
    progress.advance();
    const std::string cls = road_class.get(f);
    double kmh = 0;
    if (o.class_field.empty()) {
      kmh = *o.unknown_class_speed_kmh;
    } else if (auto speed = detail::class_speed(o, cls, report)) {
      kmh = *speed;
    } else {
      continue;  // not driven; unknown classes are reported all together below
    }
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g)) {
      ++report.features_without_geometry;
      continue;
    }
    if (transform && OGR_G_Transform(g, transform.get()) != OGRERR_NONE)
      throw InputError(file, where_feature(l, f),
                       "cannot reproject: " + detail::gdal_error("transformation failed"));
    const bool implied =
        o.osm_implied_oneway && (cls == "motorway" || junction.get(f) == "roundabout");
    const Way way = o.oneway_field.empty() ? Way::both : oneway_of(oneway.get(f), implied);
    bool finite = true;
    if (!append_parts(g, o.snap_grid_m, {static_cast<float>(kmh), way}, lines, finite))
      throw InputError(file, where_feature(l, f),
                       std::string("geometry is a ") +
                           OGRGeometryTypeToName(OGR_G_GetGeometryType(g)) + ", not a line");
    if (!finite) throw InputError(file, where_feature(l, f), "coordinate is not finite");
    report.one_way_lines += way != Way::both;
    ++report.lines_driven;
  }
  progress.finish();
  detail::refuse_unknown_classes(o, report, file, l.where + ", field '" + o.class_field + "'");
  return lines;
}

// Nodes are the cells used by two or more line points, or by a line end; every line is cut at
// its nodes into edges.
detail::RoadNetwork split_at_nodes(const Lines& lines, double grid) {
  using Cell = std::pair<std::int64_t, std::int64_t>;
  std::vector<Cell> uses;
  uses.reserve(lines.kx.size() + 2 * lines.size());
  for (std::size_t i = 0; i < lines.kx.size(); ++i) uses.emplace_back(lines.kx[i], lines.ky[i]);
  for (std::size_t l = 0; l < lines.size(); ++l) {  // an end counts twice: always a node
    uses.emplace_back(lines.kx[lines.begin_of(l)], lines.ky[lines.begin_of(l)]);
    uses.emplace_back(lines.kx[lines.end[l] - 1], lines.ky[lines.end[l] - 1]);
  }
  std::sort(uses.begin(), uses.end());
  std::vector<Cell> nodes;
  for (std::size_t i = 0; i + 1 < uses.size(); ++i)
    if (uses[i] == uses[i + 1] && (nodes.empty() || nodes.back() != uses[i]))
      nodes.push_back(uses[i]);
  std::vector<Cell>().swap(uses);

  detail::RoadNetwork net;
  net.node.reserve(nodes.size());
  for (const Cell& c : nodes)
    net.node.push_back({static_cast<double>(c.first) * grid, static_cast<double>(c.second) * grid});
  auto node_of = [&](std::size_t p) -> std::optional<std::uint32_t> {
    const Cell c{lines.kx[p], lines.ky[p]};
    auto it = std::lower_bound(nodes.begin(), nodes.end(), c);
    if (it == nodes.end() || *it != c) return std::nullopt;
    return static_cast<std::uint32_t>(it - nodes.begin());
  };
  for (std::size_t l = 0; l < lines.size(); ++l) {
    const std::uint32_t b = lines.begin_of(l);
    std::uint32_t from = *node_of(b);
    double metres = 0;
    for (std::uint32_t p = b + 1; p < lines.end[l]; ++p) {
      metres += std::hypot(static_cast<double>(lines.kx[p] - lines.kx[p - 1]),
                           static_cast<double>(lines.ky[p] - lines.ky[p - 1])) *
                grid;
      const auto to = node_of(p);
      if (!to) continue;
      const auto minutes = static_cast<float>(metres / 1000 / lines.speed_kmh[l] * 60);
      if (lines.way[l] != Way::backward) net.edges.push_back({from, *to, minutes});
      if (lines.way[l] != Way::forward) net.edges.push_back({*to, from, minutes});
      // Per directed edge, the share of road length it stands for: a two-way road is one road.
      if (lines.way[l] == Way::both)
        net.metres.insert(net.metres.end(), 2, metres / 2);
      else
        net.metres.push_back(metres);
      from = *to;
      metres = 0;
    }
  }
  return net;
}

// An OSM extract: the cached network when its key matches, else imported and cached.
detail::RoadNetwork osm_network(const RoadOptions& o, int epsg, RoadReport& report,
                                Progress& progress) {
  const std::filesystem::path cache = detail::road_cache_path(o);
  const std::string key = detail::road_cache_key(o, epsg);
  std::string why_not = "disabled";
  if (o.cache) {
    if (auto hit = detail::load_road_cache(cache, key, why_not)) {
      report = std::move(hit->report);
      report.cache = "loaded from " + cache.string();
      return std::move(hit->net);
    }
  }
  detail::RoadNetwork net = detail::read_osm_roads(o, epsg, report, progress);
  net = detail::hilbert_numbered(
      detail::contract_chains(detail::largest_strong_component(std::move(net), report), report));
  if (!o.cache) {
    report.cache = "not used (disabled)";
    return net;
  }
  try {
    detail::save_road_cache(cache, key, net, report);
    report.cache = "written to " + cache.string() + " (" + why_not + " before)";
  } catch (const OutputError& e) {
    report.cache = std::string("not written: ") + e.what();
  }
  return net;
}

}  // namespace

RoadGraph road_travel_graph(const Territory& territory, const RoadOptions& options,
                            Progress& progress) {
  const std::string file = options.file.string();
  if (territory.size() == 0) throw Error("road network " + file + ": the territory is empty");
  if (!(options.snap_grid_m > 0) || !(options.access_detour >= 1) ||
      !(options.access_speed_kmh > 0))
    throw Error("road network " + file +
                ": snap grid and access speed must be positive and the access detour at least 1");
  RoadReport report;
  detail::RoadNetwork net;
  if (options.file.extension() == ".pbf") {
    net = osm_network(options, territory.epsg, report, progress);
  } else {
    report.reader = "GDAL";
    const Lines lines = read_lines(territory, options, report, progress);
    net = detail::largest_strong_component(split_at_nodes(lines, options.snap_grid_m), report);
    if (net.edges.empty()) throw InputError(file, lines.where, "no drivable road in the layer");
    net = detail::hilbert_numbered(detail::contract_chains(std::move(net), report));
  }
  if (net.edges.empty()) throw InputError(file, "", "no drivable road in the extract");
  return detail::snap_communes(territory, net, options, std::move(report));
}

std::string RoadReport::to_text(const Territory& territory) const {
  std::ostringstream s;
  s << "road network from " << source << " (" << reader << ")\n"
    << "  " << features << " features, " << lines_driven << " driven (" << one_way_lines
    << " one way";
  if (lines_with_maxspeed) s << ", " << lines_with_maxspeed << " at their speed limit";
  s << ")";
  if (lines_missing_nodes) s << ", " << lines_missing_nodes << " cut at the extract's edge";
  if (features_without_geometry) s << ", " << features_without_geometry << " without geometry";
  s << "\n";
  auto counts = [&](const char* what, const std::map<std::string, std::size_t>& m) {
    if (m.empty()) return;
    s << "  " << what << ":";
    for (const auto& [cls, n] : m) s << " " << cls << " " << n << ";";
    s << "\n";
  };
  counts("not driven", ignored_by_class);
  counts("unknown classes driven at the default speed", unknown_by_class);
  s << "  " << nodes_kept << " of " << nodes_read
    << " nodes in the largest strongly connected component (" << nodes_contracted
    << " inside degree-2 chains contracted), " << edges_kept << " directed edges, "
    << std::lround(kilometres_kept) << " km of road\n"
    << "  communes snapped to their nearest node: mean " << std::lround(mean_snap_m) << " m, max "
    << std::lround(max_snap_m) << " m\n";
  constexpr std::size_t kListed = 20;  // a national run may have hundreds (overseas communes)
  for (std::size_t i = 0; i < far_snaps.size() && i < kListed; ++i)
    s << "  far from any road: " << territory.code[far_snaps[i]] << " "
      << territory.name[far_snaps[i]] << "\n";
  if (far_snaps.size() > kListed)
    s << "  ... and " << far_snaps.size() - kListed << " more communes far from any road\n";
  if (!cache.empty()) s << "  cache: " << cache << "\n";
  return s.str();
}

}  // namespace covsim::geo
