// Test helpers: write small vector layers with GDAL (GeoPackage, Shapefile...) from WKT, in a
// scratch directory removed at the end of the test, and check InputError messages.
#pragma once

#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "geo/error.hpp"

namespace covsim::test {

// A directory of its own for one test, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() / ("covsim-" + std::to_string(::getpid()) + "-" +
                                                      info->test_suite_name() + "-" + info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct WktFeature {
  std::vector<std::pair<std::string, std::string>> fields;  // name -> text value
  std::string wkt;                                          // empty: no geometry
};

// Writes one layer with text fields. `srs` empty: the layer declares no CRS.
inline void write_layer(const std::filesystem::path& path, const char* driver,
                        const std::string& layer_name, const std::string& srs,
                        const std::vector<WktFeature>& features, bool append_layer = false) {
  GDALAllRegister();
  GDALDatasetH ds =
      append_layer
          ? GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr)
          : GDALCreate(GDALGetDriverByName(driver), path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  ASSERT_NE(ds, nullptr) << path;
  OGRSpatialReferenceH s = nullptr;
  if (!srs.empty()) {
    s = OSRNewSpatialReference(nullptr);
    ASSERT_EQ(OSRSetFromUserInput(s, srs.c_str()), OGRERR_NONE);
  }
  OGRLayerH layer = GDALDatasetCreateLayer(ds, layer_name.c_str(), s, wkbUnknown, nullptr);
  ASSERT_NE(layer, nullptr);
  if (s) OSRRelease(s);
  for (const auto& [name, value] : features.front().fields) {
    OGRFieldDefnH f = OGR_Fld_Create(name.c_str(), OFTString);
    OGR_L_CreateField(layer, f, TRUE);
    OGR_Fld_Destroy(f);
  }
  for (const WktFeature& wf : features) {
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    for (const auto& [name, value] : wf.fields)
      OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, name.c_str()), value.c_str());
    if (!wf.wkt.empty()) {
      OGRGeometryH g = nullptr;
      char* text = const_cast<char*>(wf.wkt.c_str());
      ASSERT_EQ(OGR_G_CreateFromWkt(&text, nullptr, &g), OGRERR_NONE) << wf.wkt;
      OGR_F_SetGeometryDirectly(f, g);
    }
    ASSERT_EQ(OGR_L_CreateFeature(layer, f), OGRERR_NONE);
    OGR_F_Destroy(f);
  }
  GDALClose(ds);
}

// Runs `f`, which must throw InputError; returns it for the caller to inspect.
inline InputError input_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected an InputError, got: " << e.what();
    return InputError("", "", "");
  }
  ADD_FAILURE() << "expected an InputError, nothing was thrown";
  return InputError("", "", "");
}

}  // namespace covsim::test
