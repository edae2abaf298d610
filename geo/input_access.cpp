#include "geo/input_access.hpp"

#include <filesystem>

#include "geo/error.hpp"

namespace covsim::geo {

namespace {
// GDAL's network file systems (cpl_vsil_curl.cpp and friends) and URL schemes its drivers open.
constexpr std::string_view kNetwork[] = {
    "/vsicurl", "/vsis3",      "/vsigs",  "/vsiaz",   "/vsiadls", "/vsioss", "/vsiswift",
    "/vsihdfs", "/vsiwebhdfs", "http://", "https://", "ftp://",   "ftps://"};

// Formats planners have, whose drivers read the named local files and nothing else. Left out:
// VRT (points at other files, even remote ones), GML and LIBKML (may fetch schemas and network
// links), SQLite (extensions), and the drivers that talk to servers.
constexpr const char* kLocalDrivers[] = {"GPKG",       "GeoJSON", "GeoJSONSeq",   "ESRI Shapefile",
                                         "FlatGeobuf", "CSV",     "MapInfo File", "ODS",
                                         "XLSX",       "OSM",     "KML",          "OpenFileGDB",
                                         "TopoJSON",   "Parquet", "Arrow",        nullptr};
}  // namespace

bool is_network_path(std::string_view path) {
  for (std::string_view prefix : kNetwork)
    if (path.find(prefix) != std::string_view::npos) return true;
  return false;
}

bool is_virtual_path(std::string_view path) {
  return path.rfind("/vsi", 0) == 0 || path.find("/vsi") != std::string_view::npos;
}

void check_input_path(const std::string& path, const InputAccess& access,
                      const std::string& where) {
  if (is_network_path(path)) {
    if (!access.network)
      throw InputError(path, where,
                       "network access is off: covsim reads local files unless the scenario "
                       "says `inputs: {network: true}`");
    return;
  }
  if (is_virtual_path(path)) {
    if (!access.virtual_paths && !access.network)
      throw InputError(path, where,
                       "GDAL virtual paths (/vsizip/, /vsigzip/...) are off: unpack the file, or "
                       "allow them with `inputs: {virtual_paths: true}` in the scenario");
    return;
  }
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw InputError(path, where, "file not found");
  if (!std::filesystem::is_regular_file(status) && !std::filesystem::is_directory(status))
    throw InputError(path, where, "not a regular file (a device or a pipe): not a data file");
}

const char* const* local_vector_drivers() { return kLocalDrivers; }

}  // namespace covsim::geo
