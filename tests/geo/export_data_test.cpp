// Real data end to end: Ille-et-Vilaine loaded with the COG, its communes dissolved into their
// EPCI, then communes, EPCI catchments and demand points exported and read back.
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <chrono>
#include <iostream>

#include "geo/catchment.hpp"
#include "geo/detail/geos.hpp"
#include "geo/detail/ogr.hpp"
#include "geo/map_classes.hpp"
#include "geo/vector_export.hpp"
#include "tests/geo/real_data_fixture.hpp"
#include "tests/temp_dir.hpp"

namespace covsim::geo {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool valid(const detail::GeosContext& ctx, const MultiPolygon& m) {
  return GEOSisValid_r(ctx, detail::to_geos(ctx, m).get()) == 1;
}

// Every feature of `table` in `file`: same count, same first column (a code), same area (for
// polygons) or position (for points), valid where the input was, in Lambert-93.
void expect_read_back(const std::string& file, const std::string& table, const VectorLayer& layer) {
  SCOPED_TRACE(file + " / " + table);
  const detail::DatasetPtr ds = detail::open_vector(file);
  OGRLayerH l = GDALDatasetGetLayerByName(ds.get(), table.c_str());
  ASSERT_NE(l, nullptr);
  ASSERT_EQ(OGR_L_GetFeatureCount(l, TRUE), static_cast<GIntBig>(layer.size()));
  // A Shapefile's .prj is ESRI WKT without codes: identify it as PROJ would.
  const detail::SrsPtr srs(OSRClone(OGR_L_GetSpatialRef(l)));
  OSRAutoIdentifyEPSG(srs.get());
  EXPECT_STREQ(OSRGetAuthorityCode(srs.get(), nullptr), "2154");
  const auto& codes = std::get<std::vector<std::string>>(layer.columns[0].values);
  detail::GeosContext ctx;
  OGR_L_ResetReading(l);
  for (std::size_t r = 0; r < layer.size(); ++r) {
    const detail::FeaturePtr f(OGR_L_GetNextFeature(l));
    ASSERT_TRUE(f);
    EXPECT_EQ(OGR_F_GetFieldAsString(f.get(), 0), codes[r]);
    OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
    ASSERT_NE(g, nullptr) << codes[r];
    if (const auto* shapes = std::get_if<std::span<const MultiPolygon>>(&layer.geometry)) {
      EXPECT_NEAR(OGR_G_Area(g), (*shapes)[r].area(), 1e-6 * (*shapes)[r].area()) << codes[r];
      if (valid(ctx, (*shapes)[r])) {
        EXPECT_TRUE(OGR_G_IsValid(g)) << codes[r];
      }
    } else {
      const auto& points = std::get<std::span<const Point>>(layer.geometry);
      EXPECT_EQ(OGR_G_GetX(g, 0), points[r].x);
      EXPECT_EQ(OGR_G_GetY(g, 0), points[r].y);
    }
  }
}

TEST(ExportData, IlleEtVilaineEpciCatchmentsReadBackIntact) {
  COVSIM_REQUIRE_SHARED_DATA(test::kIlle);
  COVSIM_REQUIRE_SHARED_DATA("cog-2026/epci.json");
  const Territory t = load_territory(test::real_options({test::shared(test::kIlle)})).territory;
  const Grouping* epci = t.grouping("epci");
  ASSERT_NE(epci, nullptr);
  ASSERT_GT(t.size(), 300u);

  const auto t0 = std::chrono::steady_clock::now();
  const Catchments c = dissolve(t.shape, epci->of, epci->size());
  std::cout << "[ measured ] dissolved " << t.size() << " communes into " << epci->size()
            << " EPCI in " << seconds_since(t0) << " s (" << c.coverage_unions
            << " coverage unions, " << c.general_unions << " general, " << c.repaired_groups
            << " repaired)\n";
  std::vector<double> member_area(epci->size(), 0);
  std::size_t assigned = 0;
  for (CommuneId i = 0; i < t.size(); ++i)
    if (epci->of[i] != kNoGroup) {
      member_area[epci->of[i]] += t.shape[i].area();
      ++assigned;
    }
  std::size_t members = 0;
  detail::GeosContext ctx;
  for (GroupId g = 0; g < epci->size(); ++g) {
    SCOPED_TRACE("EPCI " + epci->codes[g] + " " + epci->names[g]);
    members += c.members[g];
    EXPECT_GT(c.members[g], 0u);
    EXPECT_TRUE(valid(ctx, c.shape[g]));
    // Dissolving can only lose overlaps, and adds no area: within 0.1 % of its communes.
    EXPECT_LE(c.shape[g].area(), member_area[g] * (1 + 1e-9));
    EXPECT_NEAR(c.shape[g].area(), member_area[g], 1e-3 * member_area[g]);
  }
  EXPECT_EQ(members, assigned);

  VectorLayer communes = territory_layer(t);
  ClassScheme quintiles;
  quintiles.method = Classification::quantiles;
  communes.style = graduated_style("population", classify(t.population, quintiles), "inhabitants");
  VectorLayer catchments;
  catchments.name = "epci_catchments";
  catchments.geometry = std::span<const MultiPolygon>(c.shape);
  catchments.columns = {FieldColumn::text("epci", epci->codes),
                        FieldColumn::text("name", epci->names),
                        FieldColumn::integer("communes", {c.members.begin(), c.members.end()})};
  VectorLayer demand;
  demand.name = "demand_points";
  demand.geometry = std::span<const Point>(t.demand);
  demand.columns = {FieldColumn::text("code", t.code)};
  const std::vector<VectorLayer> layers{communes, catchments, demand};

  test::TempDir dir;
  for (const char* name : {"ille.gpkg", "ille.shp"}) {
    const auto t1 = std::chrono::steady_clock::now();
    const VectorExportReport report = write_vector(dir / name, layers, {.epsg = t.epsg});
    std::cout << "[ measured ] wrote " << report.features << " features to " << name << " in "
              << seconds_since(t1) << " s\n";
    for (const VectorLayer& layer : layers) {
      if (report.format == VectorFormat::geopackage)
        expect_read_back((dir / name).string(), layer.name, layer);
      else
        expect_read_back((dir / ("ille_" + layer.name + ".shp")).string(), "ille_" + layer.name,
                         layer);
    }
  }
}

}  // namespace
}  // namespace covsim::geo
