// Helpers for tests on ../shared/data: the COG read plainly (independently of cog_join), codes
// and GDAL-computed areas of a GeoJSON, the options of a real load.
#pragma once

#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "geo/territory_loader.hpp"
#include "tests/geo/geometry_checks.hpp"
#include "tests/test_data.hpp"

namespace covsim::test {

using geo::CogOptions;
using geo::LoadOptions;

inline const char* const kIlle = "communes-2018/35-ille-et-vilaine.geojson";

inline std::filesystem::path shared(const std::string& relative) {
  return shared_data() / relative;
}

inline nlohmann::json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// The COG read plainly: code -> current commune, and the population of current communes.
struct PlainCog {
  std::map<std::string, std::string> current_of;
  std::map<std::string, double> population;
  std::map<std::string, std::string> department;
  std::map<std::string, std::string> former_of;  // anciensCodes only

  PlainCog() {
    const nlohmann::json communes = read_json(shared("cog-2026/communes.json"));
    for (const auto& c : communes) {
      const std::string code = c["code"], type = c["type"];
      if (type != "commune-actuelle") continue;
      current_of[code] = code;
      population[code] = c.value("population", 0.0);
      department[code] = c["departement"];
    }
    for (const auto& c : communes) {
      const std::string code = c["code"], type = c["type"];
      if (type == "commune-deleguee" || type == "commune-associee")
        current_of.emplace(code, c["chefLieu"].get<std::string>());
      if (type == "arrondissement-municipal")
        current_of.emplace(code, c["commune"].get<std::string>());
    }
    for (const auto& c : communes)
      for (const auto& old : c.value("anciensCodes", nlohmann::json::array())) {
        current_of.emplace(old.get<std::string>(), c["code"].get<std::string>());
        former_of.emplace(old.get<std::string>(), c["code"].get<std::string>());
      }
  }
};

inline std::vector<std::string> codes_in(const std::filesystem::path& geojson) {
  std::vector<std::string> codes;
  const nlohmann::json collection = read_json(geojson);  // named: a temporary would dangle
  for (const auto& f : collection["features"]) codes.push_back(f["properties"]["code"]);
  return codes;
}

// Sum of feature areas in Lambert-93, by GDAL (not the loader's shoelace nor GEOS), in km2.
inline double gdal_area_km2(const std::filesystem::path& path) {
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
  OGRSpatialReferenceH l93 = OSRNewSpatialReference(nullptr);
  OSRImportFromEPSG(l93, 2154);
  OSRSetAxisMappingStrategy(l93, OAMS_TRADITIONAL_GIS_ORDER);
  double total = 0;
  while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    OGR_G_TransformTo(g, l93);
    total += OGR_G_Area(g);
    OGR_F_Destroy(f);
  }
  OSRRelease(l93);
  GDALClose(ds);
  return total / 1e6;
}

inline LoadOptions real_options(std::vector<std::filesystem::path> inputs) {
  LoadOptions o;
  o.inputs = std::move(inputs);
  o.cog = CogOptions{};
  o.cog->dir = shared("cog-2026");
  return o;
}

inline void expect_demand_points_inside(const geo::Territory& t) {
  std::size_t outside = 0;
  for (geo::CommuneId c = 0; c < t.size(); ++c)
    if (!inside(t.shape[c], t.demand[c])) {
      if (++outside <= 5) ADD_FAILURE() << t.code[c] << " demand point outside its polygon";
    }
  EXPECT_EQ(outside, 0u);
}

}  // namespace covsim::test
