// Whether the communes of a layer lie where the computation's CRS is meant to be used. Latitude
// and longitude swapped, a wrong CRS declared, or overseas communes in Lambert-93 all transform
// without error, but land far outside that area, where distances and areas are wrong (a
// swapped EPSG:4326 department measured 11,481 km² instead of 4,921). Internal to geo/: the
// loader refuses a territory lying wholly outside, and warns about the files of one that lies
// partly outside (overseas departments in a national load).
//
//   AreaOfUse area(source_srs, target_srs, "EPSG:2154");
//   if (auto why = area.outside(shape_in_source_crs)) warn(*why);
#pragma once

#include <ogr_srs_api.h>

#include <optional>
#include <string>

#include "geo/detail/ogr.hpp"
#include "geo/geometry.hpp"

namespace covsim::geo::detail {

class AreaOfUse {
 public:
  // An area of use the PROJ database does not know (a custom CRS), or a source CRS that cannot
  // be related to longitude and latitude, leaves every check passing.
  AreaOfUse(OGRSpatialReferenceH source, OGRSpatialReferenceH target, std::string target_name);

  bool known() const { return known_; }
  // What is wrong when the centre of `shape`'s bounding box (source coordinates) lies outside
  // the target's area of use, widened by kMarginDegrees: where it lies and the likely cause
  // (swapped axes, a wrong CRS, an overseas commune). Nothing when it lies inside, or when its
  // position cannot be told (the transformation to the target then says why).
  std::optional<std::string> outside(const MultiPolygon& shape) const;

  // Communes on a border, and the simplified outlines of coastal ones, reach a little beyond
  // the official area.
  static constexpr double kMarginDegrees = 0.25;

 private:
  bool inside(double lon, double lat) const;

  bool known_ = false;
  bool source_geographic_ = false;
  std::string target_name_, area_name_;
  double west_ = 0, south_ = 0, east_ = 0, north_ = 0;
  int target_epsg_ = 0;
  TransformPtr to_lonlat_;
};

}  // namespace covsim::geo::detail
