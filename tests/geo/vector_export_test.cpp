#include "geo/vector_export.hpp"

#include <cpl_minixml.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <stdexcept>

#include "geo/detail/ogr.hpp"
#include "geo/error.hpp"
#include "tests/error_message.hpp"
#include "tests/geo/test_shapes.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::geo {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

using test::box;

// Lambert-93 metres around Rennes: four communes (one with a hole, one on two islands, one
// known without geometry), two sites and one roaming circuit.
struct Inputs {
  static constexpr double X = 350000, Y = 6790000;
  std::vector<MultiPolygon> shapes;
  std::vector<Point> sites{{X + 500, Y + 500}, {X + 1500, Y + 250}};
  std::vector<LineString> circuits{
      {{{X + 500, Y + 500}, {X + 1500, Y + 500}, {X + 3250, Y + 250}}}};

  Inputs() {
    MultiPolygon holed;
    holed.add_ring(box(X, Y, X + 1000, Y + 1000).ring(0));
    holed.add_ring(box(X + 400, Y + 400, X + 600, Y + 600).ring(0));
    holed.end_polygon();
    shapes.push_back(holed);
    shapes.push_back(box(X + 1000, Y, X + 2000, Y + 1000));
    MultiPolygon islands = box(X + 3000, Y, X + 3500, Y + 500);
    const MultiPolygon second = box(X + 4000, Y, X + 4500, Y + 500);
    islands.add_ring(second.ring(0));
    islands.end_polygon();
    shapes.push_back(islands);
    shapes.emplace_back();  // no geometry
  }

  std::vector<VectorLayer> layers() const {
    VectorLayer communes;
    communes.name = "communes";
    communes.description = "Communes and their reach";
    communes.geometry = std::span<const MultiPolygon>(shapes);
    communes.columns = {
        FieldColumn::text("code", {"35001", "35002", "56069", "35004"}),
        FieldColumn::text("name", {"Acigné", "Saint-Aubin-d'Aubigné", "Île \"de\" Groix, la", ""}),
        FieldColumn::integer("population", {5000, 1200, 2300, 0}),
        FieldColumn::integer("big_integer", {3000000000LL, -1, 0, 42}),
        FieldColumn::real("minutes", {12.5, 15.0, kNaN, 47.25}, "Minutes to the nearest site",
                          "min"),
        FieldColumn::boolean("covered", {true, true, false, false}),
        FieldColumn::real("population_prioritaire", {100.5, 0, 1.0 / 3, 0}),
        FieldColumn::real("population_prioritaire_2", {-2.25, 1e6, 0, 7})};
    GraduatedStyle style;
    style.field = "minutes";
    style.classes = {{-kInf, 15, {1, 1, 0.8}, "< 15 min"},
                     {15, 30, {0.99, 0.55, 0.24}, "15 – 30 min"},
                     {30, kInf, {0.5, 0, 0.15}, "≥ 30 min"}};
    communes.style = style;

    VectorLayer site_layer;
    site_layer.name = "sites";
    site_layer.geometry = std::span<const Point>(sites);
    site_layer.columns = {FieldColumn::text("site", {"Mairie", "Médiathèque"}),
                          FieldColumn::real("hours", {25, 10}, "Advisor hours per week", "h")};

    VectorLayer circuit_layer;
    circuit_layer.name = "circuits";
    circuit_layer.geometry = std::span<const LineString>(circuits);
    circuit_layer.columns = {FieldColumn::text("advisor", {"A1"}),
                             FieldColumn::real("travel", {42.5})};
    return {communes, site_layer, circuit_layer};
  }
};

std::set<fs::path> listing(const fs::path& dir) {
  std::set<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path());
  return out;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct XmlDeleter {
  void operator()(CPLXMLNode* n) const { CPLDestroyXMLNode(n); }
};
using Xml = std::unique_ptr<CPLXMLNode, XmlDeleter>;

bool same_crs(OGRLayerH layer, int epsg) {
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
  if (!srs) return false;
  const detail::SrsPtr expected = detail::make_srs("EPSG:" + std::to_string(epsg), "test");
  const char* options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT",
                           nullptr};
  return OSRIsSameEx(srs, expected.get(), options) != 0;
}

// Reopens `file` and compares `layer` (stored under `table` with fields `stored`) with what
// was written: counts, names, kinds, values, geometry, CRS.
void expect_layer_matches(const fs::path& file, const std::string& table, const VectorLayer& layer,
                          const std::vector<std::string>& stored, VectorFormat format) {
  SCOPED_TRACE(file.string() + " / " + table);
  const detail::DatasetPtr ds = detail::open_vector(file.string());
  OGRLayerH l = GDALDatasetGetLayerByName(ds.get(), table.c_str());
  ASSERT_NE(l, nullptr);
  EXPECT_TRUE(same_crs(l, 2154));
  ASSERT_EQ(OGR_L_GetFeatureCount(l, TRUE), static_cast<GIntBig>(layer.size()));
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
  ASSERT_EQ(OGR_FD_GetFieldCount(defn), static_cast<int>(layer.columns.size()));
  const bool dbf = format == VectorFormat::shapefile;
  for (std::size_t c = 0; c < layer.columns.size(); ++c) {
    OGRFieldDefnH f = OGR_FD_GetFieldDefn(defn, static_cast<int>(c));
    EXPECT_EQ(std::string(OGR_Fld_GetNameRef(f)), stored[c]);
    const OGRFieldType t = OGR_Fld_GetType(f);
    switch (layer.columns[c].kind()) {
      case FieldKind::integer:
        EXPECT_TRUE(t == OFTInteger || t == OFTInteger64) << stored[c];
        break;
      case FieldKind::real:
        EXPECT_EQ(t, OFTReal) << stored[c];
        break;
      case FieldKind::text:
        EXPECT_EQ(t, OFTString) << stored[c];
        break;
      case FieldKind::boolean:  // DBF has no boolean GDAL 3.6 writes: 0/1 integers there
        EXPECT_EQ(t, OFTInteger) << stored[c];
        EXPECT_EQ(OGR_Fld_GetSubType(f), dbf ? OFSTNone : OFSTBoolean) << stored[c];
        break;
    }
  }
  OGR_L_ResetReading(l);
  for (std::size_t r = 0; r < layer.size(); ++r) {
    const detail::FeaturePtr feature(OGR_L_GetNextFeature(l));
    ASSERT_TRUE(feature);
    OGRFeatureH f = feature.get();
    for (std::size_t c = 0; c < layer.columns.size(); ++c) {
      SCOPED_TRACE("feature " + std::to_string(r) + ", field " + stored[c]);
      const int i = static_cast<int>(c);
      std::visit(
          [&](const auto& values) {
            using T = typename std::decay_t<decltype(values)>::value_type;
            if constexpr (std::is_same_v<T, std::int64_t>) {
              EXPECT_EQ(OGR_F_GetFieldAsInteger64(f, i), values[r]);
            } else if constexpr (std::is_same_v<T, double>) {
              if (std::isnan(values[r])) {
                EXPECT_FALSE(OGR_F_IsFieldSetAndNotNull(f, i));
              } else if (dbf) {  // DBF keeps 15 decimals
                EXPECT_NEAR(OGR_F_GetFieldAsDouble(f, i), values[r],
                            1e-14 * std::max(1.0, std::abs(values[r])));
              } else {
                EXPECT_EQ(OGR_F_GetFieldAsDouble(f, i), values[r]);
              }
            } else if constexpr (std::is_same_v<T, std::string>) {
              // DBF cannot tell an empty text from a missing one.
              if (!(dbf && values[r].empty())) {
                EXPECT_EQ(OGR_F_GetFieldAsString(f, i), values[r]);
              }
            } else {
              EXPECT_EQ(OGR_F_GetFieldAsInteger(f, i), values[r] ? 1 : 0);
            }
          },
          layer.columns[c].values);
    }
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    std::visit(
        [&](const auto& geometries) {
          using G = typename std::decay_t<decltype(geometries)>::value_type;
          if constexpr (std::is_same_v<G, MultiPolygon>) {
            if (geometries[r].empty()) {
              EXPECT_EQ(g, nullptr) << "feature " << r;
              return;
            }
            ASSERT_NE(g, nullptr);
            EXPECT_DOUBLE_EQ(OGR_G_Area(g), geometries[r].area());
            EXPECT_EQ(static_cast<std::size_t>(OGR_G_GetGeometryCount(g)) ==
                              geometries[r].polygon_count() ||
                          (dbf && geometries[r].polygon_count() == 1),
                      true);
          } else if constexpr (std::is_same_v<G, Point>) {
            ASSERT_NE(g, nullptr);
            EXPECT_EQ(OGR_G_GetX(g, 0), geometries[r].x);
            EXPECT_EQ(OGR_G_GetY(g, 0), geometries[r].y);
          } else {
            ASSERT_NE(g, nullptr);
            ASSERT_EQ(static_cast<std::size_t>(OGR_G_GetPointCount(g)),
                      geometries[r].points.size());
            EXPECT_EQ(OGR_G_GetX(g, 2), geometries[r].points[2].x);
          }
          EXPECT_TRUE(OGR_G_IsValid(g)) << "feature " << r;
        },
        layer.geometry);
  }
}

std::vector<std::string> names_of(const VectorLayer& layer) {
  std::vector<std::string> out;
  for (const FieldColumn& c : layer.columns) out.push_back(c.name);
  return out;
}

class VectorExportTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
  Inputs in_;
};

TEST_F(VectorExportTest, GeoPackageHoldsEveryLayerAndTheStyles) {
  const std::vector<VectorLayer> layers = in_.layers();
  const VectorExportReport report = write_vector(dir_ / "out.gpkg", layers);
  EXPECT_EQ(report.format, VectorFormat::geopackage);
  EXPECT_EQ(report.files, std::vector<fs::path>{dir_ / "out.gpkg"});
  EXPECT_TRUE(report.renamed.empty());
  EXPECT_EQ(report.features, 7u);
  EXPECT_EQ(listing(dir_.path()), std::set<fs::path>{dir_ / "out.gpkg"});  // no temporaries
  for (const VectorLayer& layer : layers)
    expect_layer_matches(dir_ / "out.gpkg", layer.name, layer, names_of(layer),
                         VectorFormat::geopackage);

  // layer_styles as QGIS reads it: one default style per styled or aliased layer.
  const detail::DatasetPtr ds = detail::open_vector((dir_ / "out.gpkg").string());
  EXPECT_EQ(GDALDatasetGetLayerCount(ds.get()), 4);
  OGRLayerH styles = GDALDatasetGetLayerByName(ds.get(), "layer_styles");
  ASSERT_NE(styles, nullptr);
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(styles);
  const std::vector<std::string> schema{
      "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column",
      "styleName",       "styleQML",       "styleSLD",     "useAsDefault",
      "description",     "owner",          "ui",           "update_time"};
  ASSERT_EQ(OGR_FD_GetFieldCount(defn), static_cast<int>(schema.size()));
  for (std::size_t i = 0; i < schema.size(); ++i)
    EXPECT_EQ(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, static_cast<int>(i))), schema[i]);
  EXPECT_STREQ(OGR_L_GetFIDColumn(styles), "id");
  ASSERT_EQ(OGR_L_GetFeatureCount(styles, TRUE), 2);
  OGR_L_ResetReading(styles);
  const detail::FeaturePtr communes(OGR_L_GetNextFeature(styles));
  const detail::FeaturePtr sites(OGR_L_GetNextFeature(styles));
  EXPECT_STREQ(OGR_F_GetFieldAsString(communes.get(), 2), "communes");
  EXPECT_STREQ(OGR_F_GetFieldAsString(sites.get(), 2), "sites");
  EXPECT_TRUE(OGR_F_IsFieldSetAndNotNull(communes.get(), 1));  // '' rather than NULL
  EXPECT_STREQ(OGR_F_GetFieldAsString(communes.get(), 1), "");
  EXPECT_STREQ(OGR_F_GetFieldAsString(communes.get(), 3), "geom");
  EXPECT_EQ(OGR_F_GetFieldAsInteger(communes.get(), 7), 1);
  EXPECT_EQ(OGR_F_GetFieldAsInteger(sites.get(), 7), 1);
  EXPECT_TRUE(OGR_F_IsFieldSetAndNotNull(communes.get(), 11));  // update_time defaulted
  const Xml qml(CPLParseXMLString(OGR_F_GetFieldAsString(communes.get(), 5)));
  ASSERT_TRUE(qml);
  const CPLXMLNode* renderer = CPLSearchXMLNode(qml.get(), "=renderer-v2");
  ASSERT_NE(renderer, nullptr);
  EXPECT_STREQ(CPLGetXMLValue(renderer, "type", ""), "graduatedSymbol");
  const Xml sld(CPLParseXMLString(OGR_F_GetFieldAsString(communes.get(), 6)));
  EXPECT_NE(CPLSearchXMLNode(sld.get(), "=StyledLayerDescriptor"), nullptr);
  const Xml site_qml(CPLParseXMLString(OGR_F_GetFieldAsString(sites.get(), 5)));
  EXPECT_EQ(CPLSearchXMLNode(site_qml.get(), "=renderer-v2"), nullptr);
  EXPECT_STREQ(CPLGetXMLValue(CPLSearchXMLNode(site_qml.get(), "=alias"), "name", ""),
               "Advisor hours per week (h)");
}

TEST_F(VectorExportTest, ShapefilesShortenNamesAndKeepTheMapping) {
  const std::vector<VectorLayer> layers = in_.layers();
  const VectorExportReport report = write_vector(dir_ / "out.shp", layers);
  EXPECT_EQ(report.format, VectorFormat::shapefile);
  std::set<fs::path> expected;
  for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
    for (const char* layer : {"out_communes", "out_sites", "out_circuits"})
      expected.insert(dir_ / (std::string(layer) + ext));
  expected.insert(dir_ / "out_communes.qml");
  expected.insert(dir_ / "out_communes_fields.csv");
  expected.insert(dir_ / "out_sites.qml");
  EXPECT_EQ(listing(dir_.path()), expected);
  EXPECT_EQ(std::set<fs::path>(report.files.begin(), report.files.end()), expected);

  const std::vector<std::string> stored{"code",    "name",    "population", "big_intege",
                                        "minutes", "covered", "populati_1", "populati_2"};
  ASSERT_EQ(report.renamed.size(), 3u);
  EXPECT_EQ(report.renamed[0].field, "big_integer");
  EXPECT_EQ(report.renamed[0].short_name, "big_intege");
  EXPECT_EQ(report.renamed[2].layer, "communes");
  EXPECT_EQ(report.renamed[2].field, "population_prioritaire_2");
  EXPECT_EQ(report.renamed[2].short_name, "populati_2");
  expect_layer_matches(dir_ / "out_communes.shp", "out_communes", layers[0], stored,
                       VectorFormat::shapefile);
  expect_layer_matches(dir_ / "out_sites.shp", "out_sites", layers[1], names_of(layers[1]),
                       VectorFormat::shapefile);
  expect_layer_matches(dir_ / "out_circuits.shp", "out_circuits", layers[2], names_of(layers[2]),
                       VectorFormat::shapefile);

  EXPECT_EQ(read_all(dir_ / "out_communes_fields.csv"),
            "field,shapefile_field,kind,unit,description\r\n"
            "code,code,text,,\r\n"
            "name,name,text,,\r\n"
            "population,population,integer,,\r\n"
            "big_integer,big_intege,integer,,\r\n"
            "minutes,minutes,real,min,Minutes to the nearest site\r\n"
            "covered,covered,boolean,,\r\n"
            "population_prioritaire,populati_1,real,,\r\n"
            "population_prioritaire_2,populati_2,real,,\r\n");
  // QGIS loads <layer>.qml by itself: the style, and the full names as aliases.
  const Xml qml(CPLParseXMLString(read_all(dir_ / "out_communes.qml").c_str()));
  ASSERT_TRUE(qml);
  EXPECT_NE(CPLSearchXMLNode(qml.get(), "=renderer-v2"), nullptr);
  std::vector<std::pair<std::string, std::string>> aliases;
  for (const CPLXMLNode* a = CPLSearchXMLNode(qml.get(), "=alias"); a; a = a->psNext)
    aliases.emplace_back(CPLGetXMLValue(a, "field", ""), CPLGetXMLValue(a, "name", ""));
  const std::vector<std::pair<std::string, std::string>> expected_aliases{
      {"big_intege", "big_integer"},
      {"minutes", "Minutes to the nearest site (min)"},
      {"populati_1", "population_prioritaire"},
      {"populati_2", "population_prioritaire_2"}};
  EXPECT_EQ(aliases, expected_aliases);
  EXPECT_EQ(read_all(dir_ / "out_communes.cpg").substr(0, 5), "UTF-8");
}

TEST_F(VectorExportTest, GeoJsonWritesOneFilePerLayerWithItsCrs) {
  const std::vector<VectorLayer> layers = in_.layers();
  const VectorExportReport report =
      write_vector(dir_ / "out", layers, {.format = VectorFormat::geojson});
  const std::set<fs::path> expected{dir_ / "out_communes.geojson", dir_ / "out_communes.qml",
                                    dir_ / "out_sites.geojson", dir_ / "out_sites.qml",
                                    dir_ / "out_circuits.geojson"};
  EXPECT_EQ(listing(dir_.path()), expected);
  EXPECT_EQ(report.files.size(), expected.size());
  for (const VectorLayer& layer : layers)
    expect_layer_matches(dir_ / ("out_" + layer.name + ".geojson"), "out_" + layer.name, layer,
                         names_of(layer), VectorFormat::geojson);
  EXPECT_NE(read_all(dir_ / "out_communes.geojson").find("EPSG::2154"), std::string::npos);
}

// Fails on its n-th call to advance(): an interruption in the middle of writing.
class FailingProgress final : public Progress {
 public:
  explicit FailingProgress(int n) : left_(n) {}
  void start(std::string_view, std::size_t) override {}
  void advance(std::size_t) override {
    if (--left_ == 0) throw std::runtime_error("interrupted");
  }
  void finish() override {}

 private:
  int left_;
};

TEST_F(VectorExportTest, AFailureLeavesNothingBehind) {
  const std::vector<VectorLayer> layers = in_.layers();
  for (const char* name : {"out.gpkg", "out.shp", "out.geojson"}) {
    for (int n : {1, 2, 3}) {  // during the first, second and third layer
      FailingProgress progress(n);
      EXPECT_THROW(write_vector(dir_ / name, layers, {}, progress), std::runtime_error) << name;
      EXPECT_EQ(dir_.entries(), 0u) << name << " failing at layer " << n;
    }
  }
}

TEST_F(VectorExportTest, RefusesToOverwriteUnlessAsked) {
  const std::vector<VectorLayer> layers = in_.layers();
  std::ofstream(dir_ / "out.gpkg") << "not mine to replace";
  EXPECT_THROW(write_vector(dir_ / "out.gpkg", layers), OutputError);
  EXPECT_EQ(read_all(dir_ / "out.gpkg"), "not mine to replace");
  EXPECT_EQ(dir_.entries(), 1u);
  write_vector(dir_ / "out.gpkg", layers, {.overwrite = true});
  expect_layer_matches(dir_ / "out.gpkg", "sites", layers[1], names_of(layers[1]),
                       VectorFormat::geopackage);
  EXPECT_EQ(dir_.entries(), 1u);

  write_vector(dir_ / "out.shp", layers);
  EXPECT_THAT(test::error_message<OutputError>([&] { write_vector(dir_ / "out.shp", layers); }),
              HasSubstr("out_communes.shp: already exists"));
  // Rewritten without style or long names, the old style and mapping must go.
  std::vector<VectorLayer> plain = layers;
  plain[0].style.reset();
  plain[0].columns.resize(3);
  plain[1].columns[1].description.clear();
  write_vector(dir_ / "out.shp", plain, {.overwrite = true});
  EXPECT_FALSE(fs::exists(dir_ / "out_communes.qml"));
  EXPECT_FALSE(fs::exists(dir_ / "out_communes_fields.csv"));
  EXPECT_FALSE(fs::exists(dir_ / "out_sites.qml"));
  expect_layer_matches(dir_ / "out_communes.shp", "out_communes", plain[0], names_of(plain[0]),
                       VectorFormat::shapefile);
}

TEST_F(VectorExportTest, OverwritingGeoJsonKeepsTheShapefileBesideIt) {
  const std::vector<VectorLayer> layers = in_.layers();
  write_vector(dir_ / "out.shp", layers);
  write_vector(dir_ / "out.geojson", layers, {.overwrite = true});
  for (const char* part : {".shp", ".shx", ".dbf", ".prj", ".cpg", "_fields.csv", ".qml"})
    EXPECT_TRUE(fs::exists(dir_ / (std::string("out_communes") + part))) << part;
  expect_layer_matches(dir_ / "out_communes.shp", "out_communes", layers[0],
                       shapefile_field_names(names_of(layers[0])), VectorFormat::shapefile);
}

// An output transaction plans what vector_output_files says: every file written must be in the
// plan, and every file the plan says is always written must be.
TEST_F(VectorExportTest, PlannedFilesAreExactlyTheFilesWritten) {
  const std::vector<VectorLayer> all = in_.layers();
  for (const char* name : {"p.gpkg", "p.geojson", "p.shp"})
    for (std::size_t n : {all.size(), std::size_t{1}}) {
      SCOPED_TRACE(std::string(name) + ", " + std::to_string(n) + " layer(s)");
      const std::vector<VectorLayer> layers(all.begin(), all.begin() + static_cast<long>(n));
      std::vector<std::string> names;
      for (const VectorLayer& l : layers) names.push_back(l.name);
      const fs::path dir = dir_ / (std::string(name) + std::to_string(n));
      fs::create_directory(dir);
      write_vector(dir / name, layers);
      std::set<std::string> planned, always;
      for (const PlannedFile& f : vector_output_files(dir / name, names)) {
        planned.insert(f.name);
        if (f.always) always.insert(f.name);
      }
      std::set<std::string> written;
      for (const fs::path& p : listing(dir)) written.insert(p.filename().string());
      for (const std::string& w : written) EXPECT_TRUE(planned.count(w)) << w << " not planned";
      for (const std::string& a : always) EXPECT_TRUE(written.count(a)) << a << " not written";
    }
}

// `generate -o syn.shp` wrote syn_communes.shp: one layer goes under exactly the name asked.
TEST_F(VectorExportTest, OneLayerIsWrittenUnderExactlyTheNameAsked) {
  const std::vector<VectorLayer> one{in_.layers()[0]};
  write_vector(dir_ / "syn.shp", one);
  write_vector(dir_ / "one.json", one);
  for (const char* part : {"syn.shp", "syn.shx", "syn.dbf", "syn.prj", "syn.cpg", "one.json"})
    EXPECT_TRUE(fs::exists(dir_ / part)) << part;
  for (const fs::path& p : listing(dir_.path()))
    EXPECT_EQ(p.filename().string().find("communes"), std::string::npos) << p;
  expect_layer_matches(dir_ / "syn.shp", "syn", one[0], shapefile_field_names(names_of(one[0])),
                       VectorFormat::shapefile);
}

TEST_F(VectorExportTest, GeoJsonAndShapefileOfOneBaseShareTheStyleFile) {
  // QGIS reads <file name>.qml for both, so the second write must not replace it unasked.
  const std::vector<VectorLayer> layers = in_.layers();
  write_vector(dir_ / "out.geojson", layers);
  const std::size_t before = dir_.entries();
  EXPECT_THAT(test::error_message<OutputError>([&] { write_vector(dir_ / "out.shp", layers); }),
              HasSubstr("out_communes.qml: already exists"));
  EXPECT_EQ(dir_.entries(), before);
}

TEST_F(VectorExportTest, UnwritableDirectoryNamesPathAndReason) {
  auto writable = [](const fs::path& d) {
    const fs::path probe = d / ".covsim-probe";
    const bool ok = ::close(::open(probe.c_str(), O_CREAT | O_WRONLY, 0644)) == 0;
    if (ok) fs::remove(probe);
    return ok;
  };
  fs::path locked = dir_ / "locked";
  fs::create_directory(locked);
  ::chmod(locked.c_str(), 0555);
  if (writable(locked)) locked = "/sys";  // root ignores permission bits, not sysfs
  if (writable(locked)) GTEST_SKIP() << "no unwritable directory available";
  for (const char* name : {"out.gpkg", "out.shp"}) {
    const std::string what =
        test::error_message<OutputError>([&] { write_vector(locked / name, in_.layers()); });
    // The path asked for, the directory, and the system's reason after it.
    EXPECT_EQ(what.rfind((locked / name).string(), 0), 0u) << what;
    const std::string lead = "cannot write in " + locked.string() + ": ";
    const std::size_t at = what.find(lead);
    ASSERT_NE(at, std::string::npos) << what;
    EXPECT_GT(what.size(), at + lead.size() + 3) << what;
  }
  ::chmod((dir_ / "locked").c_str(), 0755);
}

TEST_F(VectorExportTest, BadLayersAreRefusedBeforeAnyFileExists) {
  auto expect_refused = [&](std::vector<VectorLayer> layers, const char* file,
                            const std::string& needle) {
    EXPECT_THAT(test::error_message<InputError>([&] { write_vector(dir_ / file, layers); }),
                HasSubstr(needle));
    EXPECT_EQ(dir_.entries(), 0u);
  };
  std::vector<VectorLayer> l = in_.layers();
  l[0].columns[4] = FieldColumn::real("minutes", {1, 2, 3});
  expect_refused(l, "a.gpkg", "layer 'communes', column 'minutes': has 3 values for 4 rows");
  l = in_.layers();
  l[0].style->field = "missing";
  expect_refused(l, "a.gpkg", "style field 'missing' is not a column");
  l[0].style->field = "name";
  expect_refused(l, "a.gpkg", "style field 'name' is text, not a number");
  l = in_.layers();
  l[1].name = "Communes";
  expect_refused(l, "a.gpkg", "appears twice");
  l = in_.layers();
  l[1].columns[0].name = "FID";
  expect_refused(l, "a.gpkg", "reserved for the GeoPackage feature id");
  l = in_.layers();
  l[2].name = "../escape";
  expect_refused(l, "a.shp", "not allowed in file names");
  l = in_.layers();
  in_.circuits[0].points.resize(1);
  expect_refused(l, "a.gpkg", "a line needs at least 2 points");
  in_.circuits = Inputs().circuits;
  l = in_.layers();
  std::get<std::vector<std::string>>(l[1].columns[0].values)[1] = std::string(255, 'x');
  expect_refused(l, "a.shp", "does not fit a Shapefile field");
  l = in_.layers();
  std::get<std::vector<double>>(l[2].columns[1].values)[0] = 1e300;
  expect_refused(l, "a.shp", "a number of more than 254 digits does not fit a Shapefile field");
  l = in_.layers();
  std::get<std::vector<double>>(l[2].columns[1].values)[0] = kInf;
  expect_refused(l, "a.geojson", "an infinite value cannot be stored in GeoJSON");
  expect_refused({}, "a.gpkg", "no layer to write");
}

TEST_F(VectorExportTest, AccentedLayerAndFieldNamesInEveryFormat) {
  std::vector<VectorLayer> layers = in_.layers();
  layers.resize(2);
  layers[1].name = "accès_médiathèques";
  layers[1].columns[1].name = "durée";
  for (const char* name : {"é.gpkg", "é.geojson", "è.shp"}) {
    const VectorExportReport report = write_vector(dir_ / name, layers);
    const bool dbf = report.format == VectorFormat::shapefile;
    const std::vector<std::string> stored{"site", dbf ? "dur_e" : "durée"};
    const std::string table = report.format == VectorFormat::geopackage
                                  ? layers[1].name
                                  : fs::path(name).stem().string() + "_" + layers[1].name;
    const fs::path file = report.format == VectorFormat::geopackage
                              ? dir_ / name
                              : dir_ / (table + (dbf ? ".shp" : ".geojson"));
    expect_layer_matches(file, table, layers[1], stored, report.format);
  }
}

TEST_F(VectorExportTest, ShapefileNumbersKeepEveryIntegerDigit) {
  // -1e245 needs 247 characters: the decimals give way so the DBF field stays within 254.
  std::vector<VectorLayer> l = in_.layers();
  std::get<std::vector<double>>(l[2].columns[1].values)[0] = -1e245;
  write_vector(dir_ / "a.shp", l);
  const detail::DatasetPtr ds = detail::open_vector((dir_ / "a_circuits.shp").string());
  OGRLayerH layer = GDALDatasetGetLayer(ds.get(), 0);
  const detail::FeaturePtr f(OGR_L_GetNextFeature(layer));
  EXPECT_DOUBLE_EQ(OGR_F_GetFieldAsDouble(f.get(), 1), -1e245);
  EXPECT_EQ(OGR_Fld_GetPrecision(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(layer), 1)), 6);
}

TEST(VectorFormat, FromExtensionOrOption) {
  EXPECT_EQ(vector_format("a.gpkg", std::nullopt), VectorFormat::geopackage);
  EXPECT_EQ(vector_format("a.GeoJSON", std::nullopt), VectorFormat::geojson);
  EXPECT_EQ(vector_format("a.json", std::nullopt), VectorFormat::geojson);
  EXPECT_EQ(vector_format("dir/a.shp", std::nullopt), VectorFormat::shapefile);
  // GDAL names a Shapefile's parts in lower case whatever the case of .SHP: the file would not
  // be the one named.
  EXPECT_THROW(vector_format("dir/a.SHP", std::nullopt), InputError);
  // No extension is guessed: `export --to mfile` once wrote mfile.gpkg.
  EXPECT_THROW(vector_format("a", std::nullopt), InputError);
  EXPECT_EQ(vector_format("a", VectorFormat::shapefile), VectorFormat::shapefile);
  EXPECT_THROW(vector_format("a.gpkg", VectorFormat::shapefile), InputError);
  EXPECT_THROW(vector_format("a.txt", std::nullopt), InputError);
}

TEST(ShapefileFieldNames, ShortDistinctAndStable) {
  const std::vector<std::string> names{
      "population_prioritaire", "code", "durée_trajet", "Population", "population_totale", "x-y"};
  const std::vector<std::string> expected{"populati_1", "code",       "dur_e_traj",
                                          "Population", "populati_2", "x_y"};
  EXPECT_EQ(shapefile_field_names(names), expected);
  // Twelve names sharing their first ten characters still come out distinct.
  std::vector<std::string> many;
  for (int i = 0; i < 12; ++i) many.push_back("commune_reach_" + std::to_string(i));
  const std::vector<std::string> short_names = shapefile_field_names(many);
  EXPECT_EQ(short_names[0], "commune_re");
  EXPECT_EQ(short_names[1], "commune__1");
  EXPECT_EQ(short_names[10], "commune_10");
  EXPECT_EQ(short_names[11], "commune_11");
  std::set<std::string> distinct;
  for (const std::string& s : short_names) {
    EXPECT_LE(s.size(), 10u);
    distinct.insert(s);
  }
  EXPECT_EQ(distinct.size(), many.size());
}

TEST(TerritoryLayer, CarriesIdentityAndGroupColumns) {
  Territory t;
  t.source = "test";
  t.add("35001", "Acigné", 5000, box(0, 0, 1000, 1000), {500, 500});
  t.add("35002", "Bruz", 1200, box(1000, 0, 2000, 1000), {1500, 500});
  Grouping& epci = t.grouping_or_add("epci");
  epci.of = {epci.intern("243500139", "Rennes Métropole"), kNoGroup};
  const VectorLayer layer = territory_layer(t);
  EXPECT_EQ(layer.size(), 2u);
  std::vector<std::string> names = names_of(layer);
  EXPECT_EQ(names.front(), "code");
  EXPECT_EQ(names[names.size() - 2], "epci");
  EXPECT_EQ(names.back(), "epci_name");
  const auto& codes = std::get<std::vector<std::string>>(layer.columns[names.size() - 2].values);
  EXPECT_EQ(codes, (std::vector<std::string>{"243500139", ""}));
  const auto& pop = std::get<std::vector<double>>(layer.columns[2].values);
  EXPECT_EQ(pop, (std::vector<double>{5000, 1200}));
}

}  // namespace
}  // namespace covsim::geo
