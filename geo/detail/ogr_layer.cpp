#include "geo/detail/ogr_layer.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "geo/error.hpp"
#include "geo/utf8.hpp"

namespace covsim::geo::detail {

namespace {

std::string layer_names(GDALDatasetH ds) {
  std::string names;
  const int n = GDALDatasetGetLayerCount(ds);
  for (int i = 0; i < n; ++i) {
    names += (i ? ", " : "") + std::string("'") + OGR_L_GetName(GDALDatasetGetLayer(ds, i)) + "'";
  }
  return names.empty() ? "none" : names;
}

std::string field_names(OGRLayerH layer) {
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
  std::string names;
  const int n = OGR_FD_GetFieldCount(defn);
  for (int i = 0; i < n; ++i)
    names += (i ? ", " : "") + std::string(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
  return names.empty() ? "none" : names;
}

}  // namespace

OGRLayerH pick_layer(GDALDatasetH ds, const std::string& path, const std::string& name,
                     bool with_geometry) {
  if (!name.empty()) {
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, name.c_str());
    if (!layer)
      throw InputError(path, "layer '" + name + "'",
                       "no such layer (layers: " + layer_names(ds) + ")");
    return layer;
  }
  const int n = GDALDatasetGetLayerCount(ds);
  if (n == 0) throw InputError(path, "", "the dataset has no layer");
  if (with_geometry && n > 1) {
    std::vector<OGRLayerH> spatial;
    for (int i = 0; i < n; ++i)
      if (OGR_L_GetGeomType(GDALDatasetGetLayer(ds, i)) != wkbNone)
        spatial.push_back(GDALDatasetGetLayer(ds, i));
    if (spatial.size() == 1) return spatial.front();
    for (OGRLayerH l : spatial)
      if (std::strcmp(OGR_L_GetName(l), "communes") == 0) return l;
  }
  if (n > 1)
    throw InputError(path, "",
                     "the dataset has " + std::to_string(n) + " layers (" + layer_names(ds) +
                         "): name the one to read");
  return GDALDatasetGetLayer(ds, 0);
}

std::string layer_description(OGRLayerH layer) {
  return "layer '" + std::string(OGR_L_GetName(layer)) + "'";
}

int require_field(OGRLayerH layer, const std::string& path, const std::string& name,
                  const std::string& what) {
  const int i = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), name.c_str());
  if (i < 0)
    throw InputError(path, layer_description(layer),
                     "no " + what + " '" + name + "' (fields: " + field_names(layer) + ")");
  return i;
}

std::string row_location(bool csv, std::int64_t fid) {
  return csv ? "line " + std::to_string(fid + 1) : "feature " + std::to_string(fid);
}

std::optional<double> parse_quantity(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v) || v < 0)
    return std::nullopt;
  return v;
}

double parse_population(std::string_view text, const std::string& file, const std::string& where,
                        const std::string& what) {
  const std::optional<double> v = parse_quantity(text);
  if (!v)
    throw InputError(file, where,
                     what + " '" + std::string(text) + "' is not a non-negative number");
  if (*v > kMaxCommunePopulation)
    throw InputError(file, where,
                     what + " '" + std::string(text) +
                         "' is more than 100,000,000 inhabitants: no commune has that many");
  return *v;
}

StringTable read_string_table(const std::filesystem::path& path, const std::string& layer_name,
                              std::span<const std::string> columns,
                              std::span<const std::string> roles, const InputAccess& access) {
  const std::string file = path.string();
  DatasetPtr ds = open_vector(file, access);
  OGRLayerH layer = pick_layer(ds.get(), file, layer_name);
  const bool csv = std::strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds.get())), "CSV") == 0;

  StringTable t;
  t.source = file;
  std::vector<int> index;
  for (std::size_t c = 0; c < columns.size(); ++c)
    index.push_back(require_field(layer, file, columns[c], roles[c]));
  t.columns.resize(columns.size());

  OGR_L_ResetReading(layer);
  while (FeaturePtr f{OGR_L_GetNextFeature(layer)}) {
    t.where.push_back(row_location(csv, OGR_F_GetFID(f.get())));
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const bool set = OGR_F_IsFieldSetAndNotNull(f.get(), index[c]);
      t.null.push_back(!set);
      t.columns[c].emplace_back(set ? OGR_F_GetFieldAsString(f.get(), index[c]) : "");
      if (const auto bad = invalid_utf8(t.columns[c].back()))
        throw InputError(file, t.where.back() + ", column " + columns[c], bad->problem());
    }
  }
  return t;
}

}  // namespace covsim::geo::detail
