#include "geo/detail/area_of_use.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace covsim::geo::detail {

namespace {
std::string degrees(double lon, double lat) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f°%c %.3f°%c", std::fabs(lon), lon < 0 ? 'W' : 'E',
                std::fabs(lat), lat < 0 ? 'S' : 'N');
  return buf;
}
}  // namespace

AreaOfUse::AreaOfUse(OGRSpatialReferenceH source, OGRSpatialReferenceH target,
                     std::string target_name)
    : target_name_(std::move(target_name)) {
  const char* name = nullptr;
  if (!OSRGetAreaOfUse(target, &west_, &south_, &east_, &north_, &name)) return;
  if (west_ < -1000) return;  // PROJ's "unknown" bounds
  area_name_ = name ? name : "";
  while (!area_name_.empty() && area_name_.back() == '.') area_name_.pop_back();
  if (const char* code = OSRGetAuthorityCode(target, nullptr)) target_epsg_ = std::atoi(code);
  source_geographic_ = OSRIsGeographic(source) != 0;
  SrsPtr lonlat(OSRNewSpatialReference(nullptr));
  if (OSRSetFromUserInput(lonlat.get(), "EPSG:4326") != OGRERR_NONE) return;
  OSRSetAxisMappingStrategy(lonlat.get(), OAMS_TRADITIONAL_GIS_ORDER);
  CPLErrorReset();
  to_lonlat_.reset(OCTNewCoordinateTransformation(source, lonlat.get()));
  CPLErrorReset();
  known_ = to_lonlat_ != nullptr;
}

bool AreaOfUse::inside(double lon, double lat) const {
  const double m = kMarginDegrees;
  if (!(lat >= south_ - m && lat <= north_ + m)) return false;
  if (west_ <= east_) return lon >= west_ - m && lon <= east_ + m;
  return lon >= west_ - m || lon <= east_ + m;  // an area across the antimeridian
}

std::optional<std::string> AreaOfUse::outside(const MultiPolygon& shape) const {
  if (!known_ || shape.empty()) return std::nullopt;
  const Box b = shape.bounds();
  double lon = (b.min_x + b.max_x) / 2, lat = (b.min_y + b.max_y) / 2, z = 0;
  if (source_geographic_ && !(std::fabs(lon) <= 360 && std::fabs(lat) <= 90)) return std::nullopt;
  int ok = 0;
  if (!OCTTransformEx(to_lonlat_.get(), 1, &lon, &lat, &z, &ok) || !ok || !std::isfinite(lon) ||
      !std::isfinite(lat))
    return std::nullopt;
  if (inside(lon, lat)) return std::nullopt;
  std::string why;
  if (source_geographic_ && inside(lat, lon))
    why = "latitude and longitude look swapped (the file writes them in the other order)";
  else if (target_epsg_ == 2154)
    why =
        "is the layer's CRS right? Overseas communes need their own territory.crs (EPSG:2975 "
        "La Réunion, EPSG:5490 Guadeloupe and Martinique, EPSG:2972 Guyane, EPSG:4471 Mayotte)";
  else
    why = "is the layer's CRS right, and is territory.crs the CRS of this region?";
  return "lies at " + degrees(lon, lat) + ", outside the area of use of " + target_name_ +
         (area_name_.empty() ? "" : " (" + area_name_ + ")") + ": " + why;
}

}  // namespace covsim::geo::detail
