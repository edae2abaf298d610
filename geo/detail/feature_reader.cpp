#include "geo/detail/feature_reader.hpp"

#include <ogr_srs_api.h>
#include <tbb/parallel_for.h>

#include <cmath>
#include <cstdio>
#include <iterator>
#include <memory>
#include <set>

#include "geo/detail/area_of_use.hpp"
#include "geo/detail/ogr.hpp"
#include "geo/detail/ogr_layer.hpp"
#include "geo/error.hpp"
#include "geo/utf8.hpp"

namespace covsim::geo::detail {

namespace {

template <class T>
void move_append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

std::string srs_name(OGRSpatialReferenceH srs) {
  const char* name = OSRGetName(srs);
  const char* auth = OSRGetAuthorityName(srs, nullptr);
  const char* code = OSRGetAuthorityCode(srs, nullptr);
  std::string s = name ? name : "unnamed CRS";
  if (auth && code) s += std::string(" (") + auth + ":" + code + ")";
  return s;
}

const char* geometry_kind(OGRwkbGeometryType t) {
  switch (wkbFlatten(t)) {
    case wkbPoint:
    case wkbMultiPoint:
      return "points";
    case wkbLineString:
    case wkbMultiLineString:
    case wkbCircularString:
    case wkbCompoundCurve:
    case wkbMultiCurve:
      return "lines";
    default:
      return nullptr;
  }
}

// The fields of one layer that the options name.
struct FieldIndex {
  int code = -1, name = -1, population = -1, priority = -1;
  std::vector<int> group, group_name;
};

FieldIndex find_fields(OGRLayerH layer, const std::string& path, const LoadOptions& o,
                       std::vector<std::string>& warnings) {
  FieldIndex f;
  f.code = require_field(layer, path, o.code_field, "code field");
  const OGRFieldType code_type =
      OGR_Fld_GetType(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(layer), f.code));
  if (code_type == OFTInteger || code_type == OFTInteger64 || code_type == OFTReal)
    warnings.push_back(path + ": code field '" + o.code_field +
                       "' is numeric: codes with leading zeros (01001) read as 1001");
  if (!o.name_field.empty()) f.name = require_field(layer, path, o.name_field, "name field");
  if (!o.population_field.empty())
    f.population = require_field(layer, path, o.population_field, "population field");
  if (!o.priority_population_field.empty())
    f.priority =
        require_field(layer, path, o.priority_population_field, "priority-population field");
  for (const GroupField& g : o.group_fields) {
    f.group.push_back(require_field(layer, path, g.field, "'" + g.key + "' group field"));
    f.group_name.push_back(
        g.name_field.empty()
            ? -1
            : require_field(layer, path, g.name_field, "'" + g.key + "' group name field"));
  }
  return f;
}

// The layer's CRS, the transformation to the target CRS and the target's area of use.
struct LayerCrs {
  std::string source_name;
  TransformPtr to_target;
  std::unique_ptr<AreaOfUse> area;
};

LayerCrs layer_crs(OGRLayerH layer, const std::string& path, const LoadOptions& o,
                   std::vector<std::string>& warnings) {
  SrsPtr source;
  if (OGRSpatialReferenceH declared = OGR_L_GetSpatialRef(layer)) {
    source.reset(OSRClone(declared));
    OSRSetAxisMappingStrategy(source.get(), OAMS_TRADITIONAL_GIS_ORDER);
    if (!o.source_crs.empty())
      warnings.push_back(path + ": the layer declares its CRS; source CRS '" + o.source_crs +
                         "' not used");
  } else if (!o.source_crs.empty()) {
    source = make_srs(o.source_crs, path);
  } else {
    throw InputError(path, layer_description(layer),
                     "the layer declares no coordinate reference system: give the source CRS");
  }
  LayerCrs crs;
  crs.source_name = srs_name(source.get());
  SrsPtr target = make_srs(o.target_crs, "target CRS");
  crs.to_target.reset(OCTNewCoordinateTransformation(source.get(), target.get()));
  if (!crs.to_target)
    throw InputError(path, layer_description(layer),
                     "cannot transform coordinates from " + crs.source_name + " to " +
                         o.target_crs + ": " + gdal_error("no transformation available"));
  crs.area = std::make_unique<AreaOfUse>(source.get(), target.get(), o.target_crs);
  if (!crs.area->known())
    warnings.push_back(path + ": the area of use of " + o.target_crs +
                       " is unknown: where the communes lie was not checked");
  return crs;
}

// Rings need 3 distinct corners; NaN passes GeoJSON parsers and breaks every later stage.
void check_shape(const MultiPolygon& m, const std::string& path, const std::string& where) {
  for (std::size_t r = 0; r < m.ring_count(); ++r) {
    if (m.ring(r).size() < 4)
      throw InputError(path, where,
                       "broken geometry: ring " + std::to_string(r + 1) + " has " +
                           std::to_string(m.ring(r).size() - 1) +
                           " distinct point(s); a polygon ring needs at least 3");
  }
  for (const Point& p : m.points)
    if (!std::isfinite(p.x) || !std::isfinite(p.y))
      throw InputError(path, where,
                       std::string("broken geometry: a coordinate is not a finite number (") +
                           (std::isnan(p.x) || std::isnan(p.y) ? "NaN" : "infinite") + ")");
}

constexpr double kMaxMetres = 4.1e7;  // the Earth's circumference, with a margin

// `crs` ("from X to Y") names both ends: a wrong source CRS is the usual cause.
void transform(MultiPolygon& m, OGRCoordinateTransformationH t, const std::string& crs,
               const std::string& path, const std::string& where) {
  std::vector<double> x(m.points.size()), y(m.points.size()), z(m.points.size(), 0.0);
  std::vector<int> ok(m.points.size(), 0);
  for (std::size_t i = 0; i < m.points.size(); ++i) {
    x[i] = m.points[i].x;
    y[i] = m.points[i].y;
  }
  const int n = static_cast<int>(m.points.size());
  const bool all = OCTTransformEx(t, n, x.data(), y.data(), z.data(), ok.data()) != 0;
  for (std::size_t i = 0; i < m.points.size(); ++i) {
    if (!all || !ok[i] || !std::isfinite(x[i]) || !std::isfinite(y[i])) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "(%.6f %.6f)", m.points[i].x, m.points[i].y);
      throw InputError(path, where,
                       std::string("point ") + buf + " cannot be transformed " + crs +
                           " (outside the CRS's domain: is the source CRS right?)");
    }
    // No metric coordinate of a place on Earth exceeds its circumference; beyond, areas and
    // distances overflow into NaN (1e308 coordinates made an infinite extent).
    if (std::fabs(x[i]) > kMaxMetres || std::fabs(y[i]) > kMaxMetres) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "(%g %g)", m.points[i].x, m.points[i].y);
      throw InputError(path, where,
                       std::string("point ") + buf + " lands farther than any place on Earth " +
                           crs + ": is the source CRS right?");
    }
    m.points[i] = {x[i], y[i]};
  }
}

double quantity(OGRFeatureH f, int field, const std::string& path, const std::string& where,
                const std::string& field_name) {
  if (!OGR_F_IsFieldSetAndNotNull(f, field))
    throw InputError(path, where, "field '" + field_name + "' is empty");
  return parse_population(OGR_F_GetFieldAsString(f, field), path, where,
                          "field '" + field_name + "':");
}

// Text of a field, which every output will write as UTF-8: a Latin-1 name is refused here,
// naming the feature, not later by a writer naming an output file.
std::string text(OGRFeatureH f, int field, const std::string& path, const std::string& where) {
  if (!OGR_F_IsFieldSetAndNotNull(f, field)) return "";
  std::string s = OGR_F_GetFieldAsString(f, field);
  if (const auto bad = invalid_utf8(s))
    throw InputError(
        path, where + ", field '" + OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, field)) + "'",
        bad->problem() + " (a Shapefile says its encoding in a .cpg file)");
  return s;
}

// Features of one file against the target CRS's area of use.
struct Placement {
  std::size_t shapes = 0, outside = 0;
  std::string where, problem;  // of the first one outside
};

void read_file(const std::string& path, std::uint32_t file_index, const LoadOptions& o,
               Features& out, std::string& source_name, std::vector<std::string>& warnings,
               Placement& placement) {
  check_input_path(path, o.access);
  GdalMessages gdal;  // GeoJSON reports unreadable coordinates while opening the file
  DatasetPtr ds;
  try {
    ds = open_vector(path, o.access);
  } catch (const InputError&) {
    if (!gdal.has_failures()) throw;
    throw InputError(path, "", "cannot read the file: " + GdalMessages::join(gdal.failures));
  }
  OGRLayerH layer = pick_layer(ds.get(), path, o.layer, /*with_geometry=*/true);
  const OGRwkbGeometryType declared = OGR_L_GetGeomType(layer);
  if (declared == wkbNone)
    throw InputError(path, layer_description(layer), "the layer has no geometry");
  if (const char* kind = geometry_kind(declared))
    throw InputError(path, layer_description(layer),
                     std::string("the layer holds ") + kind + ", not polygons");
  // Before the fields: an empty GeoJSON layer has none, and "empty" is the real news.
  if (OGR_L_GetFeatureCount(layer, FALSE) == 0)
    throw InputError(path, layer_description(layer), "the layer is empty");
  const FieldIndex fi = find_fields(layer, path, o, warnings);
  const LayerCrs crs = layer_crs(layer, path, o, warnings);
  source_name = crs.source_name;

  out.files.assign(1, path);
  out.group_code.resize(o.group_fields.size());
  out.group_name.resize(o.group_fields.size());
  OGR_L_ResetReading(layer);
  while (FeaturePtr fp{OGR_L_GetNextFeature(layer)}) {
    OGRFeatureH f = fp.get();
    const std::int64_t fid = OGR_F_GetFID(f);
    std::string where = "feature " + std::to_string(fid);
    const std::string code = text(f, fi.code, path, where);
    if (code.empty()) throw InputError(path, where, "empty code in field '" + o.code_field + "'");
    where += " (code " + code + ")";

    out.file.push_back(file_index);
    out.fid.push_back(fid);
    out.code.push_back(code);
    const std::string name = fi.name >= 0 ? text(f, fi.name, path, where) : "";
    out.name.push_back(name.empty() ? code : name);
    out.population.push_back(
        fi.population >= 0 ? quantity(f, fi.population, path, where, o.population_field) : 0.0);
    out.priority_population.push_back(
        fi.priority >= 0 ? quantity(f, fi.priority, path, where, o.priority_population_field)
                         : 0.0);
    for (std::size_t g = 0; g < fi.group.size(); ++g) {
      out.group_code[g].push_back(text(f, fi.group[g], path, where));
      out.group_name[g].push_back(fi.group_name[g] >= 0 ? text(f, fi.group_name[g], path, where)
                                                        : "");
    }

    MultiPolygon shape;
    std::string why_empty;
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g)) {
      // A GeoJSON coordinate GDAL cannot parse leaves the feature without geometry, with the
      // reason only in the messages of the open: that is a broken file, not an empty feature.
      if (gdal.has_failures())
        throw InputError(
            path, where,
            "broken geometry, GDAL could not read it: " + GdalMessages::join(gdal.failures));
      why_empty = g ? "empty geometry" : "no geometry";
    } else if (!to_multipolygon(g, shape)) {
      throw InputError(
          path, where,
          std::string("geometry is a ") + OGR_G_GetGeometryName(g) + ", not a polygon");
    } else if (shape.empty()) {
      why_empty = "empty geometry";
    } else {
      check_shape(shape, path, where);
      ++placement.shapes;
      if (auto why = crs.area->outside(shape); why && placement.outside++ == 0) {
        placement.where = where;
        placement.problem = std::move(*why);
      }
      transform(shape, crs.to_target.get(), "from " + source_name + " to " + o.target_crs, path,
                where);
    }
    out.shape.push_back(std::move(shape));
    out.why_empty.push_back(std::move(why_empty));
  }
  if (out.size() == 0) throw InputError(path, layer_description(layer), "the layer is empty");
  // Failures that cost no feature its geometry are still news: keep them with the warnings.
  for (const std::string& w : gdal.failures) warnings.push_back(path + ": GDAL error: " + w);
  for (const std::string& w : gdal.warnings) warnings.push_back(path + ": GDAL: " + w);
}

}  // namespace

std::string Features::where(std::size_t i) const {
  return "feature " + std::to_string(fid[i]) + " (code " + code[i] + ")";
}

void Features::append(Features&& o) {
  const auto offset = static_cast<std::uint32_t>(files.size());
  move_append(files, o.files);
  for (std::uint32_t& f : o.file) f += offset;
  move_append(file, o.file);
  move_append(fid, o.fid);
  move_append(code, o.code);
  move_append(name, o.name);
  move_append(population, o.population);
  move_append(priority_population, o.priority_population);
  group_code.resize(o.group_code.size());
  group_name.resize(o.group_name.size());
  for (std::size_t g = 0; g < o.group_code.size(); ++g) {
    move_append(group_code[g], o.group_code[g]);
    move_append(group_name[g], o.group_name[g]);
  }
  move_append(shape, o.shape);
  move_append(why_empty, o.why_empty);
}

ReadOutcome read_features(const LoadOptions& o, Progress& progress) {
  const std::size_t n = o.inputs.size();
  std::vector<Features> per_file(n);
  std::vector<std::string> source_names(n);
  std::vector<std::vector<std::string>> warnings(n);
  std::vector<Placement> placement(n);
  progress.start("reading layers", n);
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    read_file(o.inputs[i].string(), 0, o, per_file[i], source_names[i], warnings[i], placement[i]);
    progress.advance();
  });
  progress.finish();

  // A territory wholly outside the CRS's area of use is wrong (swapped axes, a wrong CRS, an
  // overseas department in Lambert-93); a part of one (the overseas files of a national load)
  // is distorted, and said so.
  std::size_t shapes = 0, outside = 0;
  for (const Placement& p : placement) shapes += p.shapes, outside += p.outside;
  for (std::size_t i = 0; i < n; ++i) {
    const Placement& p = placement[i];
    if (p.outside == 0) continue;
    if (outside == shapes) throw InputError(o.inputs[i].string(), p.where, p.problem);
    warnings[i].push_back(o.inputs[i].string() + ": " + std::to_string(p.outside) + " of " +
                          std::to_string(p.shapes) + " communes lie outside the area of use of " +
                          o.target_crs + ", so their areas and distances are distorted (first, " +
                          p.where + ": " + p.problem + ")");
  }

  ReadOutcome out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < n; ++i) {
    out.features.append(std::move(per_file[i]));
    move_append(out.warnings, warnings[i]);
    if (names.insert(source_names[i]).second)
      out.source_crs += (out.source_crs.empty() ? "" : ", ") + source_names[i];
  }
  return out;
}

}  // namespace covsim::geo::detail
