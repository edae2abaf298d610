#include "geo/detail/layer_writer.hpp"

#include <cpl_string.h>
#include <ogr_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>

#include "geo/detail/ogr.hpp"
#include "geo/error.hpp"

namespace covsim::geo::detail {

namespace {
constexpr std::size_t kDbfMaxWidth = 254;
constexpr int kDbfRealDecimals = 15;  // what GDAL itself uses for Shapefile reals
constexpr std::size_t kProgressBatch = 1024;

struct Options {
  char** list = nullptr;
  Options() = default;
  Options(const Options&) = delete;
  Options& operator=(const Options&) = delete;
  ~Options() { CSLDestroy(list); }
  void set(const char* key, const std::string& value) {
    list = CSLSetNameValue(list, key, value.c_str());
  }
};

struct FieldDefnDeleter {
  void operator()(OGRFieldDefnH f) const {
    if (f) OGR_Fld_Destroy(f);
  }
};
using FieldDefnPtr = std::unique_ptr<std::remove_pointer_t<OGRFieldDefnH>, FieldDefnDeleter>;

std::string where(const LayerTarget& t, const std::string& rest = {}) {
  return "layer '" + t.table + "'" + (rest.empty() ? "" : ", " + rest);
}

// Throws OutputError when GDAL reported a failure or a warning: while writing, GDAL's warnings
// mean a value was altered or dropped (truncated text, a number too wide for its field).
void check_messages(const GdalMessages& log, const std::string& file, const std::string& at) {
  if (log.has_failures())
    throw OutputError(file + ": " + at + ": " + GdalMessages::join(log.failures));
  if (!log.warnings.empty())
    throw OutputError(file + ": " + at +
                      ": GDAL altered the data: " + GdalMessages::join(log.warnings));
}

// Characters of the integer part of x as DBF writes it, sign included.
std::size_t dbf_integer_digits(double x) {
  const double whole = std::floor(std::abs(x));
  const std::size_t digits =
      whole < 1 ? 1 : static_cast<std::size_t>(std::floor(std::log10(whole))) + 1;
  return digits + (x < 0);
}

std::size_t decimal_digits(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

struct StoredField {
  OGRFieldType type = OFTString;
  OGRFieldSubType subtype = OFSTNone;
  int width = 0;  // 0: the driver's default (unlimited for GeoPackage and GeoJSON)
  int precision = 0;
};

// DBF stores numbers as fixed-width text: size each field to its widest value so nothing is
// truncated, with GDAL's 15 decimals for reals.
StoredField stored_field(const FieldColumn& column, VectorFormat format) {
  const bool dbf = format == VectorFormat::shapefile;
  StoredField f;
  switch (column.kind()) {
    case FieldKind::integer: {
      const auto& v = std::get<std::vector<std::int64_t>>(column.values);
      const bool fits32 = std::all_of(v.begin(), v.end(), [](std::int64_t x) {
        return x >= std::numeric_limits<std::int32_t>::min() &&
               x <= std::numeric_limits<std::int32_t>::max();
      });
      f.type = fits32 ? OFTInteger : OFTInteger64;
      if (dbf) {
        std::size_t w = 1;
        for (std::int64_t x : v)
          w = std::max(w, decimal_digits(x < 0 ? 0 - static_cast<std::uint64_t>(x)
                                               : static_cast<std::uint64_t>(x)) +
                              (x < 0));
        f.width = static_cast<int>(w);
      }
      break;
    }
    case FieldKind::real: {
      f.type = OFTReal;
      if (dbf) {
        std::size_t integer_digits = 1;
        for (double x : std::get<std::vector<double>>(column.values))
          if (std::isfinite(x)) integer_digits = std::max(integer_digits, dbf_integer_digits(x));
        // Fewer decimals only for numbers so large that 15 would overflow the field.
        const std::size_t room = kDbfMaxWidth - std::min(kDbfMaxWidth, integer_digits + 1);
        f.precision = static_cast<int>(std::min<std::size_t>(kDbfRealDecimals, room));
        f.width = static_cast<int>(integer_digits + (f.precision > 0 ? 1 + f.precision : 0));
      }
      break;
    }
    case FieldKind::text: {
      f.type = OFTString;
      if (dbf) {
        std::size_t w = 1;
        for (const std::string& s : std::get<std::vector<std::string>>(column.values))
          w = std::max(w, s.size());
        f.width = static_cast<int>(w);
      }
      break;
    }
    case FieldKind::boolean:
      f.type = OFTInteger;
      f.subtype = OFSTBoolean;
      break;
  }
  return f;
}

OGRwkbGeometryType layer_geometry_type(const VectorLayer& layer) {
  switch (layer.geometry.index()) {
    case 0:
      return wkbMultiPolygon;
    case 1:
      return wkbPoint;
    default:
      return wkbLineString;
  }
}

OGRGeometryH make_line_like(OGRwkbGeometryType type, std::span<const Point> points) {
  OGRGeometryH g = OGR_G_CreateGeometry(type);
  if (points.empty()) return g;
  // Strided views of the x and y members: no copy of the coordinates.
  OGR_G_SetPointsZM(g, static_cast<int>(points.size()), const_cast<double*>(&points.data()->x),
                    sizeof(Point), const_cast<double*>(&points.data()->y), sizeof(Point), nullptr,
                    0, nullptr, 0);
  return g;
}

OGRGeometryH make_geometry(const MultiPolygon& m) {
  if (m.empty()) return nullptr;
  OGRGeometryH multi = OGR_G_CreateGeometry(wkbMultiPolygon);
  for (std::size_t p = 0; p < m.polygon_count(); ++p) {
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    for (std::uint32_t r = m.polygon_begin(p); r < m.polygon_end[p]; ++r)
      OGR_G_AddGeometryDirectly(poly, make_line_like(wkbLinearRing, m.ring(r)));
    OGR_G_AddGeometryDirectly(multi, poly);
  }
  return multi;
}

OGRGeometryH make_geometry(Point p) {
  OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
  OGR_G_SetPoint_2D(g, 0, p.x, p.y);
  return g;
}

OGRGeometryH make_geometry(const LineString& line) {
  return make_line_like(wkbLineString, line.points);
}

void set_field(OGRFeatureH f, int index, const FieldColumn& column, std::size_t row) {
  std::visit(
      [&](const auto& values) {
        using T = typename std::decay_t<decltype(values)>::value_type;
        if constexpr (std::is_same_v<T, std::int64_t>) {
          OGR_F_SetFieldInteger64(f, index, values[row]);
        } else if constexpr (std::is_same_v<T, double>) {
          if (std::isnan(values[row]))
            OGR_F_SetFieldNull(f, index);
          else
            OGR_F_SetFieldDouble(f, index, values[row]);
        } else if constexpr (std::is_same_v<T, std::string>) {
          OGR_F_SetFieldString(f, index, values[row].c_str());
        } else {
          OGR_F_SetFieldInteger(f, index, values[row] ? 1 : 0);
        }
      },
      column.values);
}

OGRLayerH create_layer(const LayerTarget& t, const VectorLayer& layer) {
  Options options;
  switch (t.format) {
    case VectorFormat::geopackage:
      options.set("GEOMETRY_NAME", kGeometryColumn);
      options.set("FID", kFidColumn);
      if (!layer.description.empty()) options.set("DESCRIPTION", layer.description);
      break;
    case VectorFormat::geojson:
      if (!layer.description.empty()) options.set("DESCRIPTION", layer.description);
      break;
    case VectorFormat::shapefile:
      options.set("ENCODING", "UTF-8");  // also writes the .cpg QGIS reads
      break;
  }
  OGRLayerH l = GDALDatasetCreateLayer(t.dataset, t.table.c_str(), t.srs,
                                       layer_geometry_type(layer), options.list);
  if (!l)
    throw OutputError(t.file + ": " + where(t) +
                      ": cannot create: " + gdal_error("GDAL gave no reason"));
  return l;
}

void create_fields(const LayerTarget& t, OGRLayerH l, const VectorLayer& layer,
                   std::span<const std::string> stored_names) {
  for (std::size_t c = 0; c < layer.columns.size(); ++c) {
    const FieldColumn& column = layer.columns[c];
    const StoredField s = stored_field(column, t.format);
    FieldDefnPtr defn(OGR_Fld_Create(stored_names[c].c_str(), s.type));
    OGR_Fld_SetSubType(defn.get(), s.subtype);
    if (s.width > 0) OGR_Fld_SetWidth(defn.get(), s.width);
    if (s.precision > 0) OGR_Fld_SetPrecision(defn.get(), s.precision);
    if (OGR_L_CreateField(l, defn.get(), FALSE) != OGRERR_NONE)
      throw OutputError(t.file + ": " + where(t, "field '" + stored_names[c] + "'") +
                        ": cannot create: " + gdal_error("GDAL gave no reason"));
    // A driver that silently renames a field would break the name mapping we report.
    const char* created =
        OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(l), static_cast<int>(c)));
    if (stored_names[c] != created)
      throw OutputError(t.file + ": " + where(t) + ": GDAL stored field '" + stored_names[c] +
                        "' as '" + created + "'");
  }
}

void write_features(const LayerTarget& t, OGRLayerH l, const VectorLayer& layer,
                    Progress& progress) {
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
  const std::size_t rows = layer.size();
  for (std::size_t r = 0; r < rows; ++r) {
    FeaturePtr f(OGR_F_Create(defn));
    for (std::size_t c = 0; c < layer.columns.size(); ++c)
      set_field(f.get(), static_cast<int>(c), layer.columns[c], r);
    OGRGeometryH g = std::visit(
        [&](const auto& geometries) { return make_geometry(geometries[r]); }, layer.geometry);
    if (g) OGR_F_SetGeometryDirectly(f.get(), g);
    if (OGR_L_CreateFeature(l, f.get()) != OGRERR_NONE)
      throw OutputError(t.file + ": " + where(t, "feature " + std::to_string(r)) +
                        ": cannot write: " + gdal_error("GDAL gave no reason"));
    if ((r + 1) % kProgressBatch == 0) progress.advance(kProgressBatch);
  }
  progress.advance(rows % kProgressBatch);
}

void add_string_field(OGRLayerH l, const char* name, int width) {
  FieldDefnPtr f(OGR_Fld_Create(name, OFTString));
  if (width > 0) OGR_Fld_SetWidth(f.get(), width);
  OGR_L_CreateField(l, f.get(), TRUE);
}

// The schema QGIS creates (its OGR provider's saveStyle), so QGIS reads and updates the table
// as if it had written it.
OGRLayerH style_table(GDALDatasetH ds, const std::string& file) {
  if (OGRLayerH l = GDALDatasetGetLayerByName(ds, kStyleTable)) return l;
  Options options;
  options.set("FID", "id");
  OGRLayerH l = GDALDatasetCreateLayer(ds, kStyleTable, nullptr, wkbNone, options.list);
  if (!l)
    throw OutputError(
        file + ": cannot create the layer_styles table: " + gdal_error("GDAL gave no reason"));
  add_string_field(l, "f_table_catalog", 256);
  add_string_field(l, "f_table_schema", 256);
  add_string_field(l, "f_table_name", 256);
  add_string_field(l, "f_geometry_column", 256);
  add_string_field(l, "styleName", 30);
  add_string_field(l, "styleQML", 0);
  add_string_field(l, "styleSLD", 0);
  FieldDefnPtr def(OGR_Fld_Create("useAsDefault", OFTInteger));
  OGR_Fld_SetSubType(def.get(), OFSTBoolean);
  OGR_L_CreateField(l, def.get(), TRUE);
  add_string_field(l, "description", 0);
  add_string_field(l, "owner", 30);
  add_string_field(l, "ui", 30);
  FieldDefnPtr time(OGR_Fld_Create("update_time", OFTDateTime));
  OGR_Fld_SetDefault(time.get(), "CURRENT_TIMESTAMP");
  OGR_L_CreateField(l, time.get(), TRUE);
  if (OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(l)) != 12)
    throw OutputError(file + ": cannot create the fields of the layer_styles table: " +
                      gdal_error("GDAL gave no reason"));
  return l;
}
}  // namespace

void check_storable(const VectorLayer& layer, VectorFormat format, const std::string& file) {
  if (format == VectorFormat::geopackage) return;
  for (const FieldColumn& c : layer.columns) {
    const std::string at = "layer '" + layer.name + "', column '" + c.name + "'";
    if (const auto* text = std::get_if<std::vector<std::string>>(&c.values);
        text && format == VectorFormat::shapefile) {
      for (std::size_t r = 0; r < text->size(); ++r)
        if ((*text)[r].size() > kDbfMaxWidth)
          throw InputError(file, at + ", row " + std::to_string(r),
                           "text of " + std::to_string((*text)[r].size()) +
                               " bytes does not fit a Shapefile field (254 at most); use "
                               "GeoPackage");
    }
    if (const auto* real = std::get_if<std::vector<double>>(&c.values)) {
      for (std::size_t r = 0; r < real->size(); ++r) {
        // GDAL cuts a number wider than its DBF field to the width, without a warning.
        if (format == VectorFormat::shapefile && std::isfinite((*real)[r]) &&
            dbf_integer_digits((*real)[r]) > kDbfMaxWidth)
          throw InputError(file, at + ", row " + std::to_string(r),
                           "a number of more than 254 digits does not fit a Shapefile field; use "
                           "GeoPackage");
        if (std::isinf((*real)[r]))
          throw InputError(file, at + ", row " + std::to_string(r),
                           "an infinite value cannot be stored in " +
                               std::string(to_string(format)) +
                               " (NaN is written as no value; GeoPackage keeps infinities)");
      }
    }
  }
}

void write_layer(const LayerTarget& t, const VectorLayer& layer,
                 std::span<const std::string> stored_names, Progress& progress) {
  GdalMessages log;
  OGRLayerH l = create_layer(t, layer);
  create_fields(t, l, layer, stored_names);
  check_messages(log, t.file, where(t));
  // One transaction per layer: GeoPackage otherwise commits every feature on its own, some 50
  // times slower. Other drivers have no transactions and simply refuse.
  const bool transaction = GDALDatasetStartTransaction(t.dataset, FALSE) == OGRERR_NONE;
  write_features(t, l, layer, progress);
  if (transaction && GDALDatasetCommitTransaction(t.dataset) != OGRERR_NONE)
    throw OutputError(t.file + ": " + where(t) +
                      ": cannot commit: " + gdal_error("GDAL gave no reason"));
  if (OGR_L_SyncToDisk(l) != OGRERR_NONE)
    throw OutputError(t.file + ": " + where(t) +
                      ": cannot flush: " + gdal_error("GDAL gave no reason"));
  check_messages(log, t.file, where(t));
}

void write_gpkg_style(GDALDatasetH dataset, const std::string& file, const std::string& table,
                      const std::string& style_name, const std::string& qml, const std::string& sld,
                      const std::string& description) {
  GdalMessages log;
  OGRLayerH l = style_table(dataset, file);
  FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(l)));
  // QGIS looks the default style up with f_table_schema = '' (not NULL) and the geometry column.
  OGR_F_SetFieldString(f.get(), 0, "");
  OGR_F_SetFieldString(f.get(), 1, "");
  OGR_F_SetFieldString(f.get(), 2, table.c_str());
  OGR_F_SetFieldString(f.get(), 3, kGeometryColumn);
  OGR_F_SetFieldString(f.get(), 4, style_name.c_str());
  OGR_F_SetFieldString(f.get(), 5, qml.c_str());
  OGR_F_SetFieldString(f.get(), 6, sld.c_str());
  OGR_F_SetFieldInteger(f.get(), 7, 1);
  OGR_F_SetFieldString(f.get(), 8, description.c_str());
  OGR_F_SetFieldString(f.get(), 9, "");
  if (OGR_L_CreateFeature(l, f.get()) != OGRERR_NONE)
    throw OutputError(file + ": cannot store the style of layer '" + table +
                      "': " + gdal_error("GDAL gave no reason"));
  check_messages(log, file, "style of layer '" + table + "'");
}

}  // namespace covsim::geo::detail
