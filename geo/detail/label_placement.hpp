// Where map names go, as pure geometry on page coordinates, so that "no two names overlap" is
// tested without drawing. Greedy, by priority: each name at the first of eight spots around its
// anchor (right, left, above, below, then the diagonals), beside whatever symbol already sits on
// the anchor, inside the frame and clear of every box taken; a name with no free spot is left
// out rather than drawn over another. This is what Mapnik's placement finder does for points;
// Mapnik (libmapnik-dev) would bring a second renderer, XML styles and datasources for this one
// feature, while the maps are drawn with Cairo, whose text extents these boxes are. Internal to
// geo/.
//
//   std::vector<std::optional<Point>> at = place_labels(labels, frame, taken);  // taken grows
#pragma once

#include <optional>
#include <vector>

#include "geo/geometry.hpp"

namespace covsim::geo::detail {

struct LabelBox {
  Point anchor;   // the place, on the page
  double width;   // text advance
  double ascent;  // above the baseline
  double descent;
  double gap;  // space between the anchor (or the symbol on it) and the text
  double priority;
};

// Baseline origin of each label, nullopt when it is left out; `taken` (symbols, frame
// furniture) receives the boxes of the labels placed. Boxes that only touch do not overlap.
std::vector<std::optional<Point>> place_labels(const std::vector<LabelBox>& labels,
                                               const Box& frame, std::vector<Box>& taken);

// Area shared by two boxes (0 when they only touch or are apart).
double overlap_area(const Box& a, const Box& b);

}  // namespace covsim::geo::detail
