#include "geo/vector_export.hpp"

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "geo/detail/atomic_file.hpp"
#include "geo/detail/layer_writer.hpp"
#include "geo/detail/ogr.hpp"
#include "geo/error.hpp"
#include "geo/table_writer.hpp"

namespace covsim::geo {

namespace fs = std::filesystem;

namespace {
constexpr std::size_t kDbfNameLength = 10;
constexpr std::size_t kStyleNameLength = 30;  // styleName is TEXT(30) in QGIS's schema

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_dbf_char(unsigned char c) { return std::isalnum(c) || c == '_'; }

// ASCII letters, digits and '_' kept; any other character (a whole UTF-8 sequence) becomes '_'.
std::string dbf_sanitized(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: its lead byte gave the '_'
    out += is_dbf_char(c) && c < 0x80 ? static_cast<char>(c) : '_';
  }
  return out;
}

// Cuts a UTF-8 string to at most `bytes` bytes without splitting a character.
std::string utf8_prefix(std::string_view s, std::size_t bytes) {
  if (s.size() <= bytes) return std::string(s);
  std::size_t n = bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

struct FormatInfo {
  const char* name;
  const char* driver;  // GDAL's
  const char* extension;
};

// Indexed by VectorFormat.
constexpr FormatInfo kFormats[] = {{"GeoPackage", "GPKG", ".gpkg"},
                                   {"GeoJSON", "GeoJSON", ".geojson"},
                                   {"Shapefile", "ESRI Shapefile", ".shp"}};

const FormatInfo& info(VectorFormat f) { return kFormats[static_cast<std::size_t>(f)]; }

std::optional<VectorFormat> format_of_extension(const fs::path& path, bool& recognised) {
  const std::string ext = lower_ascii(path.extension().string());
  recognised = true;
  if (ext == ".gpkg") return VectorFormat::geopackage;
  if (ext == ".geojson" || ext == ".json") return VectorFormat::geojson;
  if (ext == ".shp") return VectorFormat::shapefile;
  recognised = ext.empty();
  return std::nullopt;
}

SymbolKind symbol_of(const VectorLayer& layer) {
  static constexpr SymbolKind kinds[] = {SymbolKind::fill, SymbolKind::marker, SymbolKind::line};
  return kinds[layer.geometry.index()];
}

void check_layer_name(const VectorLayer& layer, VectorFormat format, const std::string& file) {
  const std::string at = "layer '" + layer.name + "'";
  if (layer.name.empty()) throw InputError(file, "layer", "has an empty name");
  for (unsigned char c : layer.name)
    if (c < 0x20 || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' ||
        c == '<' || c == '>' || c == '|')
      throw InputError(file, at, "name holds a character not allowed in file names");
  if (layer.name.front() == '.') throw InputError(file, at, "name starts with '.'");
  if (format == VectorFormat::geopackage) {
    const std::string low = lower_ascii(layer.name);
    if (low == detail::kStyleTable || low.rfind("gpkg_", 0) == 0 || low.rfind("rtree_", 0) == 0 ||
        low.rfind("sqlite_", 0) == 0)
      throw InputError(file, at, "name is reserved by GeoPackage or QGIS");
    for (const FieldColumn& c : layer.columns) {
      const std::string name = lower_ascii(c.name);
      if (name == detail::kFidColumn || name == detail::kGeometryColumn)
        throw InputError(file, at + ", column '" + c.name + "'",
                         "name is reserved for the GeoPackage feature id or geometry");
    }
  }
}

void check_layer(const VectorLayer& layer, VectorFormat format, const std::string& file) {
  check_layer_name(layer, format, file);
  const std::string at = "layer '" + layer.name + "'";
  check_columns(layer.columns, layer.size(), file, at + ", ");
  if (const auto* lines = std::get_if<std::span<const LineString>>(&layer.geometry)) {
    for (std::size_t r = 0; r < lines->size(); ++r)
      if ((*lines)[r].points.size() < 2)
        throw InputError(file, at + ", feature " + std::to_string(r),
                         "a line needs at least 2 points, this one has " +
                             std::to_string((*lines)[r].points.size()));
  }
  if (layer.style) {
    check_style(*layer.style, file);
    const auto column =
        std::find_if(layer.columns.begin(), layer.columns.end(),
                     [&](const FieldColumn& c) { return c.name == layer.style->field; });
    if (column == layer.columns.end())
      throw InputError(file, at, "style field '" + layer.style->field + "' is not a column");
    if (layer.style->categories.empty() && column->kind() != FieldKind::integer &&
        column->kind() != FieldKind::real)
      throw InputError(file, at,
                       "style field '" + layer.style->field + "' is " +
                           std::string(to_string(column->kind())) + ", not a number");
  }
  detail::check_storable(layer, format, file);
}

// What QGIS shows for each field: the description (with its unit) when there is one, else the
// full name of a shortened field.
std::vector<FieldAlias> aliases_of(const VectorLayer& layer, std::span<const std::string> stored) {
  std::vector<FieldAlias> out;
  for (std::size_t c = 0; c < layer.columns.size(); ++c) {
    const FieldColumn& col = layer.columns[c];
    std::string alias = col.description;
    if (!alias.empty() && !col.unit.empty()) alias += " (" + col.unit + ")";
    if (alias.empty() && stored[c] != col.name) alias = col.name;
    if (!alias.empty()) out.push_back({stored[c], alias});
  }
  return out;
}

void write_text_file(const fs::path& path, const std::string& text, const std::string& file) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw OutputError(file + ": cannot write " + path.filename().string());
}

// field,shapefile_field,kind,unit,description: what each shortened name stands for.
std::string field_mapping(const VectorLayer& layer, std::span<const std::string> stored) {
  std::vector<std::string> names, kinds, units, descriptions;
  for (const FieldColumn& c : layer.columns) {
    names.push_back(c.name);
    kinds.push_back(std::string(to_string(c.kind())));
    units.push_back(c.unit);
    descriptions.push_back(c.description);
  }
  const FieldColumn columns[] = {
      FieldColumn::text("field", std::move(names)),
      FieldColumn::text("shapefile_field", std::vector<std::string>(stored.begin(), stored.end())),
      FieldColumn::text("kind", std::move(kinds)), FieldColumn::text("unit", std::move(units)),
      FieldColumn::text("description", std::move(descriptions))};
  std::ostringstream out;
  write_csv(out, columns);
  return out.str();
}

detail::DatasetPtr create_dataset(VectorFormat format, const fs::path& path,
                                  const std::string& file) {
  detail::ensure_gdal();
  GDALDriverH driver = GDALGetDriverByName(info(format).driver);
  if (!driver)
    throw OutputError(file + ": GDAL has no " + std::string(info(format).driver) + " driver");
  CPLErrorReset();
  GDALDatasetH ds = GDALCreate(driver, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  if (!ds)
    throw OutputError(file + ": cannot create " + std::string(to_string(format)) + ": " +
                      detail::gdal_error("GDAL gave no reason"));
  return detail::DatasetPtr(ds);
}

// Closing flushes: GeoPackage writes its last pages and the Shapefile driver its headers then.
void close_dataset(detail::DatasetPtr& ds, const std::string& file) {
  detail::GdalMessages log;
  ds.reset();
  if (log.has_failures())
    throw OutputError(file + ": closing failed: " + detail::GdalMessages::join(log.failures));
}

std::string style_name(const VectorLayer& layer) {
  const std::string& name =
      layer.style && !layer.style->name.empty() ? layer.style->name : layer.name;
  return utf8_prefix(name, kStyleNameLength);
}

std::vector<std::string> names_of(const VectorLayer& layer) {
  std::vector<std::string> out;
  for (const FieldColumn& c : layer.columns) out.push_back(c.name);
  return out;
}

std::size_t total_features(std::span<const VectorLayer> layers) {
  std::size_t n = 0;
  for (const VectorLayer& l : layers) n += l.size();
  return n;
}

// Base name (no extension) of each layer's files: <stem>_<layer>, or the path's own stem when
// there is one layer, so `generate -o syn.shp` writes syn.shp. The extension is the path's.
struct FileNaming {
  fs::path directory;
  std::string ext;  // ".geojson", ".json" or ".shp"
  std::vector<std::string> base;
};

FileNaming file_naming(const fs::path& path, VectorFormat format,
                       std::span<const std::string> layer_names) {
  bool recognised = false;
  const bool by_extension = format_of_extension(path, recognised).has_value();
  FileNaming n;
  n.directory = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  n.ext = by_extension ? path.extension().string() : info(format).extension;
  const std::string stem = by_extension ? path.stem().string() : path.filename().string();
  for (const std::string& layer : layer_names)
    n.base.push_back(layer_names.size() == 1 ? stem : stem + "_" + layer);
  return n;
}

// Files of one layer beside its main file: the Shapefile's parts always, the QGIS style and the
// field-name map only when needed.
std::vector<PlannedFile> layer_files(const std::string& base, const std::string& ext,
                                     VectorFormat format) {
  std::vector<PlannedFile> out{{base + ext, true}};
  if (format == VectorFormat::shapefile) {
    for (const char* part : {".shx", ".dbf", ".prj", ".cpg"}) out.push_back({base + part, true});
    out.push_back({base + "_fields.csv", false});
  }
  out.push_back({base + ".qml", false});
  return out;
}

// A fresh directory beside the outputs, removed with whatever is left in it on scope exit.
class TempDirectory {
 public:
  TempDirectory(const fs::path& directory, const std::string& stem, const std::string& file) {
    std::string pattern = (directory / ("." + stem + ".tmp.XXXXXX")).string();
    if (!mkdtemp(pattern.data()))
      throw OutputError(file + ": cannot write in " + directory.string() + ": " +
                        std::strerror(errno));
    path_ = pattern;
  }
  ~TempDirectory() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

VectorExportReport write_geopackage(const fs::path& target, std::span<const VectorLayer> layers,
                                    const VectorExportOptions& options, Progress& progress) {
  const std::string file = target.string();
  detail::AtomicFile out(target, options.overwrite);
  fs::remove(out.temp_path());  // the GeoPackage driver creates its file itself
  detail::DatasetPtr ds = create_dataset(VectorFormat::geopackage, out.temp_path(), file);
  const detail::SrsPtr srs = detail::make_srs("EPSG:" + std::to_string(options.epsg), file);
  VectorExportReport report;
  report.format = VectorFormat::geopackage;
  for (const VectorLayer& layer : layers) {
    const std::vector<std::string> names = names_of(layer);
    detail::write_layer({ds.get(), layer.name, file, VectorFormat::geopackage, srs.get()}, layer,
                        names, progress);
    const std::vector<FieldAlias> aliases = aliases_of(layer, names);
    if (layer.style || !aliases.empty())
      detail::write_gpkg_style(
          ds.get(), file, layer.name, style_name(layer),
          style_qml(layer.style, symbol_of(layer), aliases),
          layer.style ? style_sld(*layer.style, symbol_of(layer), layer.name) : std::string(),
          layer.description.empty() ? "covsim: " + layer.name : layer.description);
  }
  close_dataset(ds, file);
  out.commit();
  report.files.push_back(target);
  report.features = total_features(layers);
  return report;
}

struct LayerFiles {
  std::string base;                // <stem>_<layer>
  std::vector<std::string> names;  // stored field names
};

// GeoJSON and Shapefile: every file is made in a temporary directory beside the outputs, then
// each is moved into place once all of them were written.
VectorExportReport write_file_per_layer(const fs::path& path, VectorFormat format,
                                        std::span<const VectorLayer> layers,
                                        const VectorExportOptions& options, Progress& progress) {
  const std::string file = path.string();
  std::vector<std::string> layer_names;
  for (const VectorLayer& layer : layers) layer_names.push_back(layer.name);
  const FileNaming naming = file_naming(path, format, layer_names);
  const fs::path& directory = naming.directory;
  const std::string stem = path.stem().string();
  const std::string& ext = naming.ext;

  std::vector<LayerFiles> plan;
  VectorExportReport report;
  report.format = format;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const VectorLayer& layer = layers[i];
    LayerFiles f{naming.base[i], names_of(layer)};
    if (format == VectorFormat::shapefile) f.names = shapefile_field_names(f.names);
    for (std::size_t c = 0; c < f.names.size(); ++c)
      if (f.names[c] != layer.columns[c].name)
        report.renamed.push_back({layer.name, layer.columns[c].name, f.names[c]});
    // Refuse before any work rather than after minutes of writing.
    if (!options.overwrite)
      for (const PlannedFile& part : layer_files(f.base, ext, format))
        if (fs::exists(directory / part.name))
          throw OutputError(
              (directory / part.name).string() +
              ": already exists (refusing to overwrite it; ask for overwrite to replace it)");
    plan.push_back(std::move(f));
  }

  const TempDirectory temp(directory, stem, file);
  const detail::SrsPtr srs = detail::make_srs("EPSG:" + std::to_string(options.epsg), file);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const VectorLayer& layer = layers[i];
    const LayerFiles& f = plan[i];
    const std::string layer_file = (directory / (f.base + ext)).string();
    detail::DatasetPtr ds = create_dataset(format, temp.path() / (f.base + ext), layer_file);
    detail::write_layer({ds.get(), f.base, layer_file, format, srs.get()}, layer, f.names,
                        progress);
    close_dataset(ds, layer_file);
    const std::vector<FieldAlias> aliases = aliases_of(layer, f.names);
    if (layer.style || !aliases.empty())
      write_text_file(temp.path() / (f.base + ".qml"),
                      style_qml(layer.style, symbol_of(layer), aliases), layer_file);
    if (std::any_of(report.renamed.begin(), report.renamed.end(),
                    [&](const RenamedField& r) { return r.layer == layer.name; }))
      write_text_file(temp.path() / (f.base + "_fields.csv"), field_mapping(layer, f.names),
                      layer_file);
  }

  std::vector<fs::path> made;
  for (const fs::directory_entry& e : fs::directory_iterator(temp.path())) made.push_back(e.path());
  std::sort(made.begin(), made.end());
  // Every target is claimed (and checked against overwriting) before the first one moves.
  std::vector<std::unique_ptr<detail::AtomicFile>> targets;
  for (const fs::path& p : made) {
    targets.push_back(
        std::make_unique<detail::AtomicFile>(directory / p.filename(), options.overwrite));
    std::error_code ec;
    fs::rename(p, targets.back()->temp_path(), ec);
    if (ec)
      throw OutputError(targets.back()->target().string() +
                        ": cannot be moved into place: " + ec.message());
  }
  for (auto& t : targets) {
    t->commit();
    report.files.push_back(t->target());
  }
  // An overwritten layer must not keep the sidecars of its previous version (an old style or
  // spatial index would describe other data). GeoJSON and Shapefile outputs of one base name
  // share the .qml, as QGIS looks for <file name>.qml whatever the format.
  if (options.overwrite) {
    static constexpr const char* kShapefileSidecars[] = {".qml", "_fields.csv", ".qix", ".sbn",
                                                         ".sbx", ".cpg",        ".prj"};
    static constexpr const char* kGeoJsonSidecars[] = {".qml"};
    const std::span<const char* const> sidecars =
        format == VectorFormat::shapefile ? std::span<const char* const>(kShapefileSidecars)
                                          : std::span<const char* const>(kGeoJsonSidecars);
    const std::set<fs::path> written(report.files.begin(), report.files.end());
    for (const LayerFiles& f : plan)
      for (const char* sidecar : sidecars) {
        const fs::path p = directory / (f.base + sidecar);
        std::error_code ec;
        if (!written.count(p)) fs::remove(p, ec);
      }
  }
  report.features = total_features(layers);
  return report;
}
}  // namespace

std::string_view to_string(VectorFormat format) { return info(format).name; }

std::size_t VectorLayer::size() const {
  return std::visit([](const auto& g) { return g.size(); }, geometry);
}

VectorFormat vector_format(const fs::path& path, std::optional<VectorFormat> format) {
  bool recognised = false;
  const std::optional<VectorFormat> by_extension = format_of_extension(path, recognised);
  if (!recognised)
    throw InputError(path.string(), "",
                     "unknown vector format extension '" + path.extension().string() +
                         "' (use .gpkg, .geojson or .shp, or name the format)");
  if (format && by_extension && *format != *by_extension)
    throw InputError(path.string(), "",
                     "the extension says " + std::string(to_string(*by_extension)) +
                         " but the format asked is " + std::string(to_string(*format)));
  if (!format && !by_extension)
    throw InputError(path.string(), "",
                     "has no extension: name the file .gpkg, .geojson or .shp (or name the "
                     "format)");
  if (by_extension == VectorFormat::shapefile && path.extension() != ".shp")
    throw InputError(path.string(), "",
                     "write the extension in lower case (.shp): the Shapefile's other files "
                     "(.dbf, .shx...) are named after it");
  return format ? *format : *by_extension;
}

std::vector<std::string> shapefile_field_names(std::span<const std::string> names) {
  std::vector<std::string> out(names.size());
  std::set<std::string> used;  // lower case
  auto fits = [](const std::string& n) {
    return !n.empty() && n.size() <= kDbfNameLength &&
           std::all_of(n.begin(), n.end(),
                       [](unsigned char c) { return c < 0x80 && is_dbf_char(c); });
  };
  // Names that already fit keep their name whatever their position, so adding a long column
  // never renames a short one.
  for (std::size_t i = 0; i < names.size(); ++i)
    if (fits(names[i]) && used.insert(lower_ascii(names[i])).second) out[i] = names[i];
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!out[i].empty()) continue;
    std::string base = dbf_sanitized(names[i]).substr(0, kDbfNameLength);
    if (base.empty()) base = "field";
    std::string candidate = base;
    for (std::size_t k = 1; used.count(lower_ascii(candidate)); ++k) {
      // append, not "_" + to_string(k): GCC 12 at -O3 warns (-Wrestrict) on the latter.
      std::string suffix = "_";
      suffix += std::to_string(k);
      candidate = base.substr(0, kDbfNameLength - suffix.size()) + suffix;
    }
    used.insert(lower_ascii(candidate));
    out[i] = candidate;
  }
  return out;
}

std::vector<PlannedFile> vector_output_files(const fs::path& path,
                                             std::span<const std::string> layer_names,
                                             std::optional<VectorFormat> format) {
  const VectorFormat f = vector_format(path, format);
  if (f == VectorFormat::geopackage) return {{path.filename().string(), true}};
  const FileNaming naming = file_naming(path, f, layer_names);
  std::vector<PlannedFile> out;
  for (const std::string& base : naming.base)
    for (PlannedFile& p : layer_files(base, naming.ext, f)) out.push_back(std::move(p));
  return out;
}

std::vector<FieldColumn> territory_columns(const Territory& t) {
  std::vector<FieldColumn> cols;
  cols.push_back(FieldColumn::text("code", t.code, "Commune code (INSEE)"));
  cols.push_back(FieldColumn::text("name", t.name, "Commune name"));
  cols.push_back(FieldColumn::real("population", t.population, "Population", "inhabitants"));
  if (!t.priority_population.empty())
    cols.push_back(FieldColumn::real("priority_population", t.priority_population,
                                     "Population of priority areas (QPV, ZRR)", "inhabitants"));
  if (!t.area_km2.empty()) cols.push_back(FieldColumn::real("area_km2", t.area_km2, "Area", "km²"));
  for (const Grouping& g : t.groupings) {
    std::vector<std::string> codes(t.size()), names(t.size());
    for (std::size_t c = 0; c < t.size() && c < g.of.size(); ++c) {
      if (g.of[c] == kNoGroup) continue;
      codes[c] = g.codes[g.of[c]];
      names[c] = g.names[g.of[c]];
    }
    cols.push_back(FieldColumn::text(g.key, std::move(codes), "Code of the " + g.key));
    cols.push_back(FieldColumn::text(g.key + "_name", std::move(names), "Name of the " + g.key));
  }
  return cols;
}

VectorLayer territory_layer(const Territory& t, std::string name) {
  VectorLayer layer;
  layer.name = std::move(name);
  layer.description = "Communes of " + t.source;
  layer.geometry = std::span<const MultiPolygon>(t.shape);
  layer.columns = territory_columns(t);
  return layer;
}

VectorExportReport write_vector(const fs::path& path, std::span<const VectorLayer> layers,
                                const VectorExportOptions& options, Progress& progress) {
  const VectorFormat format = vector_format(path, options.format);
  const fs::path& target = path;
  const std::string file = target.string();
  if (layers.empty()) throw InputError(file, "", "no layer to write");
  std::set<std::string> names;
  for (const VectorLayer& layer : layers) {
    check_layer(layer, format, file);
    if (!names.insert(lower_ascii(layer.name)).second)
      throw InputError(file, "layer '" + layer.name + "'", "appears twice (names ignore case)");
  }
  progress.start("writing " + std::string(to_string(format)), total_features(layers));
  VectorExportReport report = format == VectorFormat::geopackage
                                  ? write_geopackage(target, layers, options, progress)
                                  : write_file_per_layer(target, format, layers, options, progress);
  progress.finish();
  std::sort(report.files.begin(), report.files.end());
  return report;
}

}  // namespace covsim::geo
