// Bad inputs for load_territory, one case per test (tests/data/geo/territory/bad): each error
// must name the file, where in it, and what is wrong, in words a planner can act on.
#include <gtest/gtest.h>

#include "geo/territory_loader.hpp"
#include "tests/geo/ogr_fixture.hpp"
#include "tests/test_data.hpp"

namespace covsim::geo {
namespace {

std::filesystem::path bad(const std::string& name) {
  return test::test_data() / "geo" / "territory" / "bad" / name;
}
std::filesystem::path good(const std::string& name) {
  return test::test_data() / "geo" / "territory" / name;
}

LoadOptions options_for(const std::filesystem::path& input) {
  LoadOptions o;
  o.inputs = {input};
  return o;
}

InputError load_error(const LoadOptions& o) {
  return test::input_error([&] { load_territory(o); });
}

// The error names `file` and says `where` and `problem` (substrings).
void expect_names(const InputError& e, const std::string& file, const std::string& where,
                  const std::string& problem) {
  EXPECT_NE(e.file().find(file), std::string::npos) << e.what();
  EXPECT_NE(e.where().find(where), std::string::npos) << e.what();
  EXPECT_NE(e.problem().find(problem), std::string::npos) << e.what();
}

TEST(LoadTerritoryErrors, MissingFile) {
  expect_names(load_error(options_for(bad("no-such-file.geojson"))), "no-such-file.geojson", "",
               "file not found");
}

TEST(LoadTerritoryErrors, NoInput) {
  EXPECT_NE(load_error(LoadOptions{}).problem().find("no input file"), std::string::npos);
}

TEST(LoadTerritoryErrors, SameFileTwice) {
  LoadOptions o = options_for(good("mini.geojson"));
  o.inputs.push_back(good("../territory/mini.geojson"));
  expect_names(load_error(o), "mini.geojson", "", "given twice");
}

TEST(LoadTerritoryErrors, LayerNotFound) {
  LoadOptions o = options_for(good("mini.geojson"));
  o.layer = "communes";
  expect_names(load_error(o), "mini.geojson", "layer 'communes'", "no such layer (layers: 'mini')");
}

// Files of tests/data/geo/territory/bad read with the default options.
struct BadFile {
  const char* name;
  const char* file;
  const char* where;
  const char* problem;
};

class BadFiles : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadFiles, ErrorNamesTheFileThePlaceAndTheProblem) {
  const BadFile& b = GetParam();
  expect_names(load_error(options_for(bad(b.file))), b.file, b.where, b.problem);
}

const BadFile kBadFiles[] = {
    {"PointLayer", "points.geojson", "layer 'points'", "holds points, not polygons"},
    {"LineLayer", "lines.geojson", "layer 'lines'", "holds lines, not polygons"},
    {"LineAmongPolygons", "mixed_line.geojson", "feature 1 (code 35002)",
     "geometry is a LINESTRING, not a polygon"},
    {"MissingCodeFieldListsTheFields", "no_code_field.geojson", "layer 'no_code_field'",
     "no code field 'code' (fields: insee, nom)"},
    {"EmptyCode", "empty_code.geojson", "feature 1", "empty code in field 'code'"},
    {"OneCodeTwoNames", "duplicate_code.geojson", "feature 1 (code 35001)",
     "code also used with another name ('Another name' here, 'Fine' in"},
    // GDAL accepts the ring (warning that it closes it); GEOS could not build it.
    {"RingOfTwoPoints", "ring_two_points.geojson", "feature 1 (code 35002)",
     "broken geometry: ring 1 has 2 distinct point(s); a polygon ring needs at least 3"},
    // GDAL complains while opening the file and hands the feature over without geometry: that
    // must not pass for an empty feature.
    {"NonNumericCoordinate", "non_numeric_coordinate.geojson", "feature 1 (code 35002)",
     "broken geometry, GDAL could not read it: Invalid 'x' coordinate"},
    // GDAL reads NaN as a number.
    {"NanCoordinate", "nan_coordinate.geojson", "feature 1 (code 35002)", "not a finite number"},
    // GDAL refuses the whole file.
    {"TruncatedJsonSaysWhereTheParserStopped", "truncated.geojson", "",
     "cannot read the file: At line 6, character 1: Unterminated object"},
    {"EmptyLayer", "empty_layer.geojson", "layer 'empty_layer'", "the layer is empty"},
    {"PointOutsideTheProjection", "out_of_domain.geojson", "feature 0 (code 35002)",
     "cannot be transformed from WGS 84 (EPSG:4326) to EPSG:2154"},
};

INSTANTIATE_TEST_SUITE_P(LoadTerritoryErrors, BadFiles, ::testing::ValuesIn(kBadFiles),
                         [](const ::testing::TestParamInfo<BadFile>& p) {
                           return std::string(p.param.name);
                         });

TEST(LoadTerritoryErrors, MissingPopulationField) {
  LoadOptions o = options_for(good("mini.geojson"));
  o.population_field = "pmun";
  expect_names(load_error(o), "mini.geojson", "layer 'mini'",
               "no population field 'pmun' (fields: code, nom, pop, dep)");
}

TEST(LoadTerritoryErrors, PopulationNotANumber) {
  LoadOptions o = options_for(bad("bad_population.geojson"));
  o.population_field = "pop";
  expect_names(load_error(o), "bad_population.geojson", "feature 1 (code 35002)",
               "field 'pop': 'many' is not a non-negative number");
}

TEST(LoadTerritoryErrors, NoTransformationBetweenTheCrs) {
  test::ScratchDir dir;
  test::write_layer(dir / "local.shp", "ESRI Shapefile", "local", "",
                    {{{{"code", "A"}, {"nom", "A"}}, "POLYGON ((0 0,1 0,1 1,0 1,0 0))"}});
  LoadOptions o = options_for(dir / "local.shp");
  o.source_crs = R"(LOCAL_CS["site grid",UNIT["metre",1]])";
  expect_names(load_error(o), "local.shp", "layer 'local'",
               "cannot transform coordinates from site grid to EPSG:2154");
}

TEST(LoadTerritoryErrors, UnknownCrs) {
  LoadOptions o = options_for(good("mini.geojson"));
  o.target_crs = "EPSG:999999";
  expect_names(load_error(o), "target CRS", "crs", "unknown coordinate reference system");
}

TEST(LoadTerritoryErrors, GeographicTargetCrs) {
  LoadOptions o = options_for(good("mini.geojson"));
  o.target_crs = "EPSG:4326";
  expect_names(load_error(o), "target CRS", "EPSG:4326", "must be a projected CRS in metres");
}

TEST(LoadTerritoryErrors, TargetCrsInFeet) {
  LoadOptions o = options_for(good("mini.geojson"));
  o.target_crs = "EPSG:2229";  // California zone 5, US survey feet
  expect_names(load_error(o), "target CRS", "EPSG:2229", "not metres");
}

TEST(LoadTerritoryErrors, MappingToACodeThatIsNotCurrent) {
  LoadOptions o = options_for(good("mini.geojson"));
  o.cog = CogOptions{};
  o.cog->dir = good("cog-mini");
  o.code_mapping = bad("mapping_not_current.csv");
  expect_names(load_error(o), "mapping_not_current.csv", "line 2",
               "new code 35999 is not a current commune in the COG (unknown code)");
}

TEST(LoadTerritoryErrors, MappingGivesACodeTwice) {
  LoadOptions o = options_for(good("mini.geojson"));
  o.code_mapping = bad("mapping_twice.csv");
  expect_names(load_error(o), "mapping_twice.csv", "line 3",
               "old code 35006 is already mapped (line 2)");
}

// mini.geojson joined with one attribute table.
LoadOptions with_table(const std::filesystem::path& table, const std::string& code_field) {
  LoadOptions o = options_for(good("mini.geojson"));
  AttributeTableOptions t;
  t.path = table;
  t.code_field = code_field;
  t.population_field = "pmun";
  o.tables = {t};
  return o;
}

TEST(LoadTerritoryErrors, TableWithACodeTwice) {
  expect_names(load_error(with_table(bad("table_duplicate.csv"), "code")), "table_duplicate.csv",
               "line 3", "code 35001 already given on line 2");
}

TEST(LoadTerritoryErrors, TableWithADecimalComma) {
  expect_names(load_error(with_table(bad("table_bad_number.csv"), "code")), "table_bad_number.csv",
               "line 3", "population column 'pmun': '1,5' is not a non-negative number");
}

TEST(LoadTerritoryErrors, TableWithoutTheCodeColumn) {
  expect_names(load_error(with_table(good("table.csv"), "insee")), "table.csv", "layer 'table'",
               "no code column 'insee' (fields: code, pmun, qpv, bassin, bassin_nom)");
}

}  // namespace
}  // namespace covsim::geo
