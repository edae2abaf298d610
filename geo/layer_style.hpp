// QGIS styles for exported layers, so the main layer opens readable: a graduated renderer on one
// numeric field with the classes and colours of the rendered maps, a "no data" class, and field
// aliases (full names of shortened Shapefile fields, descriptions with units). Produces the QML
// QGIS loads (a .qml sidecar, or the styleQML column of a GeoPackage's layer_styles table) and
// an equivalent SLD.
//
//   GraduatedStyle s = graduated_style("minutes", classify(minutes, scheme), "min");
//   std::string qml = style_qml(s, SymbolKind::fill, {});
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/map_classes.hpp"

namespace covsim::geo {

enum class SymbolKind { fill, line, marker };  // polygons, lines, points

struct StyleClass {
  // Holds lower <= v < upper; the last class also holds its upper bound. Bounds may be
  // infinite (open-ended classes such as "≥ 30 min").
  double lower = 0;
  double upper = 0;
  Rgb color;
  std::string label;  // legend text
};

struct GraduatedStyle {
  std::string name;                 // style name shown by QGIS; the layer name when empty
  std::string field;                // numeric field the colours follow
  std::vector<StyleClass> classes;  // increasing and contiguous
  // Features whose field is NULL are drawn in this class; QGIS's graduated renderer would
  // otherwise leave them out, and on a coverage map they are the ones that matter (no reach).
  // Empty label: not drawn.
  std::string no_data_label = "No data";
  Rgb no_data_color{0.78, 0.78, 0.78};
  Rgb outline{0.35, 0.35, 0.35};
  double outline_width_mm = 0.15;  // lines: the line width is 0.6 mm; points: 2.4 mm markers
};

// What a field shows as in QGIS's attribute table and forms.
struct FieldAlias {
  std::string field;  // name as stored (possibly shortened)
  std::string alias;
};

// The classes computed for the maps (same edges, same colours) with map_classes labels.
// Throws InputError when `classes` is empty.
GraduatedStyle graduated_style(std::string field, const Classes& classes, std::string_view units,
                               int decimals = -1);

// Throws InputError(what, "style", problem) on an empty field name, no classes, NaN or
// non-increasing bounds, or classes that leave a gap or overlap.
void check_style(const GraduatedStyle& style, const std::string& what);

// A QML document for a layer: the graduated renderer when `style` is set, and the aliases. With
// no style only the "Fields" category is declared, so QGIS keeps its default symbol.
std::string style_qml(const std::optional<GraduatedStyle>& style, SymbolKind symbol,
                      std::span<const FieldAlias> aliases);

// An OGC SLD 1.1 document with one rule per class (exact lower <= v < upper filters) and a
// PropertyIsNull rule for no data.
std::string style_sld(const GraduatedStyle& style, SymbolKind symbol, std::string_view layer_name);

// "#rrggbb" and "r,g,b,255" (QGIS's colour text) of a colour in [0, 1].
std::string hex_color(Rgb c);
std::string qgis_color(Rgb c);

}  // namespace covsim::geo
