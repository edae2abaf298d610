#include "geo/territory_cache.hpp"

#include <gdal.h>
#include <geos_c.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "geo/detail/binary_cache.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

namespace {

using detail::BinaryReader;
using detail::BinaryWriter;
using detail::CorruptBinary;

constexpr detail::Magic kMagic = {'C', 'O', 'V', 'S', 'I', 'M', 'T', 'C'};
// Bump when the layout, or what the loader or the adjacency compute from the same inputs,
// changes: a cache of an older build must not be trusted.
constexpr std::uint32_t kVersion = 2;  // 2: groupings keep their full sizes
static_assert(sizeof(Point) == 16, "points are stored as raw bytes, without padding");

std::string absolute_name(const std::filesystem::path& p) {
  return std::filesystem::absolute(p).lexically_normal().string();
}

// A file and, for a shapefile, the sidecars GDAL reads with it (.dbf holds the codes).
void stamp_input(std::ostream& k, const std::filesystem::path& file) {
  k << "\n  " << absolute_name(file) << ';' << detail::file_stamp(file);
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext != ".shp") return;
  for (const char* side : {".dbf", ".shx", ".prj", ".cpg", ".DBF", ".SHX", ".PRJ", ".CPG"}) {
    std::filesystem::path s = file;
    s.replace_extension(side);
    std::error_code ec;
    if (std::filesystem::is_regular_file(s, ec)) stamp_input(k, s);
  }
}

void stamp_fields(std::ostream& k, const std::vector<GroupField>& groups) {
  for (const GroupField& g : groups)
    k << " group " << g.key << '=' << g.field << '/' << g.name_field;
}

bool keyable(const std::filesystem::path& p) {
  const std::string s = p.string();
  if (s.starts_with("/vsi") || s.find("://") != std::string::npos) return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec);
}

void put_feature(BinaryWriter& w, const FeatureRef& f) {
  w.put_text(f.file);
  w.put(f.fid);
  w.put_text(f.code);
}
FeatureRef get_feature(BinaryReader& r) {
  FeatureRef f;
  f.file = r.get_text();
  f.fid = r.get<std::int64_t>();
  f.code = r.get_text();
  return f;
}

void put_report(BinaryWriter& w, const LoadReport& rep) {
  w.put_texts(rep.inputs);
  w.put_text(rep.source_crs);
  w.put_text(rep.target_crs);
  w.put(static_cast<std::int64_t>(rep.target_epsg));
  w.put_text(rep.cog);
  w.put(static_cast<std::uint64_t>(rep.features_read));
  w.put(static_cast<std::uint64_t>(rep.communes));
  w.put(static_cast<std::uint64_t>(rep.repairs.size()));
  for (const Repair& x : rep.repairs) {
    put_feature(w, x.feature);
    w.put_text(x.reason);
    w.put(x.area_before_m2);
    w.put(x.area_after_m2);
  }
  w.put(static_cast<std::uint64_t>(rep.empty.size()));
  for (const EmptyGeometry& x : rep.empty) {
    put_feature(w, x.feature);
    w.put_text(x.why);
    w.put(x.population);
  }
  w.put(static_cast<std::uint64_t>(rep.merges.size()));
  for (const Merge& x : rep.merges) {
    put_feature(w, x.feature);
    w.put_text(x.into);
    w.put(static_cast<std::int32_t>(x.reason));
    w.put(x.shared_border_m);
  }
  w.put(static_cast<std::uint64_t>(rep.kept_unknown.size()));
  for (const KeptUnknown& x : rep.kept_unknown) {
    put_feature(w, x.feature);
    w.put_text(x.why);
  }
  w.put(static_cast<std::uint64_t>(rep.unplaced.size()));
  for (const UnplacedCommune& x : rep.unplaced) {
    w.put_texts({x.code, x.name, x.department});
    w.put(x.population);
  }
  w.put(static_cast<std::uint64_t>(rep.tables.size()));
  for (const TableJoinReport& x : rep.tables) {
    w.put_text(x.file);
    w.put(static_cast<std::uint64_t>(x.rows));
    w.put(static_cast<std::uint64_t>(x.matched));
    w.put_texts(x.communes_without_row);
    w.put_texts(x.rows_without_commune);
  }
  w.put_texts(rep.warnings);
  for (double v :
       {rep.population_kept, rep.population_in_scope, rep.population_unplaced, rep.area_km2})
    w.put(v);
}

// A count of report entries: a corrupt one must not loop for billions of entries.
std::uint64_t get_count(BinaryReader& r) {
  const auto n = r.get<std::uint64_t>();
  if (n > (std::uint64_t{1} << 32)) throw CorruptBinary{"an implausible count"};
  return n;
}

LoadReport get_report(BinaryReader& r) {
  LoadReport rep;
  rep.inputs = r.get_texts();
  rep.source_crs = r.get_text();
  rep.target_crs = r.get_text();
  rep.target_epsg = static_cast<int>(r.get<std::int64_t>());
  rep.cog = r.get_text();
  rep.features_read = r.get<std::uint64_t>();
  rep.communes = r.get<std::uint64_t>();
  for (auto n = get_count(r); n > 0; --n) {
    Repair& x = rep.repairs.emplace_back();
    x.feature = get_feature(r);
    x.reason = r.get_text();
    x.area_before_m2 = r.get<double>();
    x.area_after_m2 = r.get<double>();
  }
  for (auto n = get_count(r); n > 0; --n) {
    EmptyGeometry& x = rep.empty.emplace_back();
    x.feature = get_feature(r);
    x.why = r.get_text();
    x.population = r.get<double>();
  }
  for (auto n = get_count(r); n > 0; --n) {
    Merge& x = rep.merges.emplace_back();
    x.feature = get_feature(r);
    x.into = r.get_text();
    const auto reason = r.get<std::int32_t>();
    if (reason < 0 || reason > static_cast<std::int32_t>(MergeReason::longest_border))
      throw CorruptBinary{"an unknown merge reason"};
    x.reason = static_cast<MergeReason>(reason);
    x.shared_border_m = r.get<double>();
  }
  for (auto n = get_count(r); n > 0; --n) {
    KeptUnknown& x = rep.kept_unknown.emplace_back();
    x.feature = get_feature(r);
    x.why = r.get_text();
  }
  for (auto n = get_count(r); n > 0; --n) {
    std::vector<std::string> t = r.get_texts();
    if (t.size() != 3) throw CorruptBinary{"an unplaced commune without its three texts"};
    rep.unplaced.push_back({t[0], t[1], t[2], r.get<double>()});
  }
  for (auto n = get_count(r); n > 0; --n) {
    TableJoinReport& x = rep.tables.emplace_back();
    x.file = r.get_text();
    x.rows = r.get<std::uint64_t>();
    x.matched = r.get<std::uint64_t>();
    x.communes_without_row = r.get_texts();
    x.rows_without_commune = r.get_texts();
  }
  rep.warnings = r.get_texts();
  for (double* v :
       {&rep.population_kept, &rep.population_in_scope, &rep.population_unplaced, &rep.area_km2})
    *v = r.get<double>();
  return rep;
}

}  // namespace

std::optional<std::string> territory_cache_key(const LoadOptions& o, const AdjacencyOptions& a,
                                               std::string& why_not) {
  std::vector<std::filesystem::path> files = o.inputs;
  if (!o.code_mapping.empty()) files.push_back(o.code_mapping);
  for (const AttributeTableOptions& t : o.tables) files.push_back(t.path);
  for (const std::filesystem::path& f : files)
    if (!keyable(f)) {
      why_not = f.string() + " is not a local file whose date can be checked";
      return std::nullopt;
    }
  std::ostringstream k;
  k.precision(17);
  try {
    k << "GDAL " << GDALVersionInfo("RELEASE_NAME") << "; GEOS " << GEOSversion() << "\nlayers";
    for (const std::filesystem::path& f : o.inputs) stamp_input(k, f);
    k << "\nlayer '" << o.layer << "' fields " << o.code_field << '/' << o.name_field << '/'
      << o.population_field << '/' << o.priority_population_field;
    stamp_fields(k, o.group_fields);
    k << "\ncrs " << o.target_crs << " from '" << o.source_crs << "' repair "
      << static_cast<int>(o.repair) << " access " << o.access.virtual_paths << o.access.network;
    if (o.cog) {
      k << "\ncog " << static_cast<int>(o.cog->unknown_codes) << ' ' << o.cog->use_former_codes
        << ' ' << o.cog->border_tolerance_m;
      std::vector<std::filesystem::path> cog_files;
      std::error_code ec;
      for (const auto& e : std::filesystem::directory_iterator(o.cog->dir, ec))
        if (e.is_regular_file(ec)) cog_files.push_back(e.path());
      if (ec) {
        why_not = o.cog->dir.string() + ": cannot list: " + ec.message();
        return std::nullopt;
      }
      std::sort(cog_files.begin(), cog_files.end());
      for (const std::filesystem::path& f : cog_files) stamp_input(k, f);
    }
    if (!o.code_mapping.empty()) {
      k << "\nmapping";
      stamp_input(k, o.code_mapping);
    }
    for (const AttributeTableOptions& t : o.tables) {
      k << "\ntable";
      stamp_input(k, t.path);
      k << " layer '" << t.layer << "' fields " << t.code_field << '/' << t.population_field << '/'
        << t.priority_population_field;
      stamp_fields(k, t.groups);
    }
    k << "\nadjacency " << a.tolerance_m << ' ' << a.border_length;
  } catch (const InputError& e) {
    why_not = e.what();
    return std::nullopt;
  }
  return k.str();
}

std::optional<CachedTerritory> load_territory_cache(const std::filesystem::path& path,
                                                    const std::string& key, std::string& why_not) {
  std::string bytes;
  std::optional<BinaryReader> body =
      detail::open_binary(path, kMagic, kVersion, key, bytes, why_not);
  if (!body) return std::nullopt;
  BinaryReader& r = *body;
  try {
    CachedTerritory c;
    Territory& t = c.territory;
    t.epsg = static_cast<int>(r.get<std::int64_t>());
    t.source = r.get_text();
    t.code = r.get_texts();
    t.name = r.get_texts();
    t.population = r.get_array<double>();
    t.priority_population = r.get_array<double>();
    t.demand = r.get_array<Point>();
    t.area_km2 = r.get_array<double>();
    const std::size_t n = t.code.size();
    if (t.name.size() != n || t.population.size() != n || t.priority_population.size() != n ||
        t.demand.size() != n || t.area_km2.size() != n)
      throw CorruptBinary{"commune columns differ in length"};
    // Shapes as three flat arrays and, per commune, where each of its arrays ends.
    const auto points = r.get_array<Point>();
    const auto rings = r.get_array<std::uint32_t>();
    const auto polygons = r.get_array<std::uint32_t>();
    const auto ends = r.get_array<std::uint64_t>();  // per commune: points, rings, polygons
    if (ends.size() != 3 * n) throw CorruptBinary{"shape index of another length"};
    t.shape.resize(n);
    std::uint64_t p0 = 0, r0 = 0, g0 = 0;
    for (std::size_t c0 = 0; c0 < n; ++c0) {
      const std::uint64_t p1 = ends[3 * c0], r1 = ends[3 * c0 + 1], g1 = ends[3 * c0 + 2];
      if (p1 < p0 || p1 > points.size() || r1 < r0 || r1 > rings.size() || g1 < g0 ||
          g1 > polygons.size())
        throw CorruptBinary{"shape index out of range"};
      MultiPolygon& m = t.shape[c0];
      m.points.assign(points.begin() + static_cast<std::ptrdiff_t>(p0),
                      points.begin() + static_cast<std::ptrdiff_t>(p1));
      m.ring_end.assign(rings.begin() + static_cast<std::ptrdiff_t>(r0),
                        rings.begin() + static_cast<std::ptrdiff_t>(r1));
      m.polygon_end.assign(polygons.begin() + static_cast<std::ptrdiff_t>(g0),
                           polygons.begin() + static_cast<std::ptrdiff_t>(g1));
      for (std::uint32_t e : m.ring_end)
        if (e > m.points.size()) throw CorruptBinary{"a ring past its points"};
      for (std::uint32_t e : m.polygon_end)
        if (e > m.ring_end.size()) throw CorruptBinary{"a polygon past its rings"};
      p0 = p1;
      r0 = r1;
      g0 = g1;
    }
    for (auto g = get_count(r); g > 0; --g) {
      Grouping& gr = t.groupings.emplace_back();
      gr.key = r.get_text();
      gr.codes = r.get_texts();
      gr.names = r.get_texts();
      gr.of = r.get_array<GroupId>();
      gr.full_size = r.get_array<std::uint32_t>();
      if (gr.names.size() != gr.codes.size() || gr.of.size() != n ||
          (!gr.full_size.empty() && gr.full_size.size() != gr.codes.size()))
        throw CorruptBinary{"grouping columns differ in length"};
      for (GroupId id : gr.of)
        if (id != kNoGroup && id >= gr.codes.size()) throw CorruptBinary{"an unknown group"};
    }
    c.report = get_report(r);
    Adjacency& a = c.adjacency;
    a.tolerance_m = r.get<double>();
    a.first = r.get_array<std::uint32_t>();
    a.neighbour = r.get_array<CommuneId>();
    a.border_m = r.get_array<float>();
    a.component = r.get_array<std::uint32_t>();
    a.component_size = r.get_array<std::uint32_t>();
    a.outside_main = r.get_array<CommuneId>();
    if (a.first.size() != n + 1 || a.component.size() != n || a.first.back() != a.neighbour.size())
      throw CorruptBinary{"adjacency of another territory"};
    for (CommuneId x : a.neighbour)
      if (x >= n) throw CorruptBinary{"a neighbour that does not exist"};
    r.expect_end();
    try {
      t.index_codes();
    } catch (const Error&) {
      throw CorruptBinary{"duplicate codes"};
    }
    return c;
  } catch (const CorruptBinary& e) {
    why_not = "corrupt (" + e.what + ")";
    return std::nullopt;
  }
}

void save_territory_cache(const std::filesystem::path& path, const std::string& key,
                          const Territory& t, const LoadReport& report, const Adjacency& a) {
  BinaryWriter w(kMagic, kVersion, key);
  w.put(static_cast<std::int64_t>(t.epsg));
  w.put_text(t.source);
  w.put_texts(t.code);
  w.put_texts(t.name);
  w.put_array(t.population);
  w.put_array(t.priority_population);
  w.put_array(t.demand);
  w.put_array(t.area_km2);
  std::vector<Point> points;
  std::vector<std::uint32_t> rings, polygons;
  std::vector<std::uint64_t> ends;
  for (const MultiPolygon& m : t.shape) {
    points.insert(points.end(), m.points.begin(), m.points.end());
    rings.insert(rings.end(), m.ring_end.begin(), m.ring_end.end());
    polygons.insert(polygons.end(), m.polygon_end.begin(), m.polygon_end.end());
    ends.insert(ends.end(), {points.size(), rings.size(), polygons.size()});
  }
  w.put_array(points);
  w.put_array(rings);
  w.put_array(polygons);
  w.put_array(ends);
  w.put(static_cast<std::uint64_t>(t.groupings.size()));
  for (const Grouping& g : t.groupings) {
    w.put_text(g.key);
    w.put_texts(g.codes);
    w.put_texts(g.names);
    w.put_array(g.of);
    w.put_array(g.full_size);
  }
  put_report(w, report);
  w.put(a.tolerance_m);
  w.put_array(a.first);
  w.put_array(a.neighbour);
  w.put_array(a.border_m);
  w.put_array(a.component);
  w.put_array(a.component_size);
  w.put_array(a.outside_main);
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  detail::save_binary(path, w, "the territory cache");
}

}  // namespace covsim::geo
