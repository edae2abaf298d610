// QGIS styles for exported layers, so every layer opens readable: a graduated renderer on one
// numeric field with the classes and colours of the rendered maps and a "no data" class, or a
// categorized renderer on one field's values (a site's host type or fate), each with a legend
// label a council reads; and field
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

// One value of a categorized style: features whose field equals `value` (its text; a number's
// shortest text) are drawn in `color`.
struct StyleCategory {
  std::string value;
  Rgb color;
  std::string label;  // legend text
};

struct GraduatedStyle {
  std::string name;                 // style name shown by QGIS; the layer name when empty
  std::string field;                // numeric field the colours follow (any field: categories)
  std::vector<StyleClass> classes;  // increasing and contiguous
  // When not empty, the style is categorized on `field` instead and `classes` is unused;
  // features of another value are drawn in the no-data colour under no_data_label.
  std::vector<StyleCategory> categories;
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

// A categorized style on `field`, one category per (value, label, colour) in order.
GraduatedStyle categorized_style(std::string field, std::vector<StyleCategory> categories);

// Throws InputError(what, "style", problem) on an empty field name, no classes (or categories),
// NaN or non-increasing bounds, classes that leave a gap or overlap, or a category listed twice.
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
