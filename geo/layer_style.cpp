#include "geo/layer_style.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "geo/detail/markup.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

namespace {
constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kLowest = std::numeric_limits<double>::lowest();
constexpr double kPxPerMm = 1 / 0.28;  // Symbology Encoding 1.1 defines a pixel as 0.28 mm
constexpr double kLineWidthMm = 0.6;
constexpr double kMarkerMm = 2.4;

std::string xml(std::string_view s) { return detail::escape_markup(s); }

// Shortest text that reads back to the same double: QGIS parses it exactly, so the class
// bounds below survive to the last bit.
std::string number(double v) {
  char buffer[32];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, v).ptr);
}

int channel(double x) { return static_cast<int>(std::lround(std::clamp(x, 0.0, 1.0) * 255)); }

// A QGIS field reference inside an expression: "name" with inner quotes doubled.
std::string field_expression(std::string_view field) {
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

struct Property {
  std::string key;
  std::string value;
};

std::vector<Property> symbol_layer_properties(SymbolKind kind, Rgb fill, const GraduatedStyle& s) {
  const std::string width = number(s.outline_width_mm);
  switch (kind) {
    case SymbolKind::fill:
      return {{"color", qgis_color(fill)},
              {"joinstyle", "bevel"},
              {"outline_color", qgis_color(s.outline)},
              {"outline_style", "solid"},
              {"outline_width", width},
              {"outline_width_unit", "MM"},
              {"style", "solid"}};
    case SymbolKind::line:
      return {{"capstyle", "round"},
              {"joinstyle", "round"},
              {"line_color", qgis_color(fill)},
              {"line_style", "solid"},
              {"line_width", number(kLineWidthMm)},
              {"line_width_unit", "MM"}};
    case SymbolKind::marker:
      return {{"color", qgis_color(fill)},
              {"name", "circle"},
              {"outline_color", qgis_color(s.outline)},
              {"outline_style", "solid"},
              {"outline_width", width},
              {"outline_width_unit", "MM"},
              {"size", number(kMarkerMm)},
              {"size_unit", "MM"}};
  }
  return {};
}

void append_symbol(std::string& out, SymbolKind kind, std::size_t index, Rgb fill,
                   const GraduatedStyle& s) {
  static constexpr const char* kType[] = {"fill", "line", "marker"};
  static constexpr const char* kClass[] = {"SimpleFill", "SimpleLine", "SimpleMarker"};
  const auto k = static_cast<std::size_t>(kind);
  out += "      <symbol type=\"" + std::string(kType[k]) + "\" name=\"" + std::to_string(index) +
         "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n";
  out += "        <layer class=\"" + std::string(kClass[k]) +
         "\" enabled=\"1\" locked=\"0\" pass=\"0\">\n";
  const std::vector<Property> props = symbol_layer_properties(kind, fill, s);
  // QGIS 3.26 and later read the Option map; earlier 3.x releases read the prop elements.
  out += "          <Option type=\"Map\">\n";
  for (const Property& p : props)
    out += "            <Option name=\"" + p.key + "\" type=\"QString\" value=\"" + xml(p.value) +
           "\"/>\n";
  out += "          </Option>\n";
  for (const Property& p : props)
    out += "          <prop k=\"" + p.key + "\" v=\"" + xml(p.value) + "\"/>\n";
  out += "        </layer>\n      </symbol>\n";
}

// QGIS draws a feature with the first range where lower <= v <= upper. Covsim's classes are
// half-open (lower <= v < upper, as on the rendered maps), so every upper bound but the last is
// written as the double just below it: a commune at exactly 15 min lands in "15 – 30", as on
// the PNG. NULL values are mapped by coalesce() to the largest double, a value no finite class
// reaches, which the extra "no data" range catches.
struct QgisRange {
  double lower;
  double upper;
};

std::vector<QgisRange> qgis_ranges(const GraduatedStyle& s) {
  const bool no_data = !s.no_data_label.empty();
  const double top = no_data ? std::nextafter(kMax, 0.0) : kMax;
  std::vector<QgisRange> out;
  for (std::size_t i = 0; i < s.classes.size(); ++i) {
    const StyleClass& c = s.classes[i];
    const bool last = i + 1 == s.classes.size();
    const double lower = std::max(c.lower, kLowest);
    const double upper = std::min(last ? c.upper : std::nextafter(c.upper, kLowest), top);
    out.push_back({lower, std::max(lower, upper)});
  }
  if (no_data) out.push_back({kMax, kMax});
  return out;
}

void append_sld_symbolizer(std::string& out, SymbolKind kind, Rgb fill, const GraduatedStyle& s) {
  auto param = [](std::string_view name, const std::string& value) {
    return "<se:SvgParameter name=\"" + std::string(name) + "\">" + xml(value) +
           "</se:SvgParameter>";
  };
  const std::string stroke = "<se:Stroke>" + param("stroke", hex_color(s.outline)) +
                             param("stroke-width", number(s.outline_width_mm * kPxPerMm)) +
                             "</se:Stroke>";
  switch (kind) {
    case SymbolKind::fill:
      out += "          <se:PolygonSymbolizer><se:Fill>" + param("fill", hex_color(fill)) +
             "</se:Fill>" + stroke + "</se:PolygonSymbolizer>\n";
      break;
    case SymbolKind::line:
      out += "          <se:LineSymbolizer><se:Stroke>" + param("stroke", hex_color(fill)) +
             param("stroke-width", number(kLineWidthMm * kPxPerMm)) +
             "</se:Stroke></se:LineSymbolizer>\n";
      break;
    case SymbolKind::marker:
      out +=
          "          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle"
          "</se:WellKnownName><se:Fill>" +
          param("fill", hex_color(fill)) + "</se:Fill>" + stroke + "</se:Mark><se:Size>" +
          number(kMarkerMm * kPxPerMm) + "</se:Size></se:Graphic></se:PointSymbolizer>\n";
      break;
  }
}

std::string sld_comparison(std::string_view op, std::string_view field, double value) {
  return "<ogc:" + std::string(op) + "><ogc:PropertyName>" + xml(field) +
         "</ogc:PropertyName><ogc:Literal>" + number(value) +
         "</ogc:Literal></ogc:" + std::string(op) + ">";
}

std::string sld_filter(const GraduatedStyle& s, std::size_t i) {
  const StyleClass& c = s.classes[i];
  const bool last = i + 1 == s.classes.size();
  std::vector<std::string> terms;
  if (std::isfinite(c.lower))
    terms.push_back(sld_comparison("PropertyIsGreaterThanOrEqualTo", s.field, c.lower));
  if (std::isfinite(c.upper))
    terms.push_back(sld_comparison(last ? "PropertyIsLessThanOrEqualTo" : "PropertyIsLessThan",
                                   s.field, c.upper));
  if (terms.empty())
    return "<ogc:Not><ogc:PropertyIsNull><ogc:PropertyName>" + xml(s.field) +
           "</ogc:PropertyName></ogc:PropertyIsNull></ogc:Not>";
  if (terms.size() == 1) return terms[0];
  return "<ogc:And>" + terms[0] + terms[1] + "</ogc:And>";
}

void append_sld_rule(std::string& out, const std::string& label, const std::string& filter,
                     SymbolKind kind, Rgb fill, const GraduatedStyle& s) {
  out += "        <se:Rule>\n          <se:Name>" + xml(label) +
         "</se:Name>\n          <se:Description><se:Title>" + xml(label) +
         "</se:Title></se:Description>\n          <ogc:Filter "
         "xmlns:ogc=\"http://www.opengis.net/ogc\">" +
         filter + "</ogc:Filter>\n";
  append_sld_symbolizer(out, kind, fill, s);
  out += "        </se:Rule>\n";
}
}  // namespace

std::string hex_color(Rgb c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", channel(c.r), channel(c.g), channel(c.b));
  return buffer;
}

std::string qgis_color(Rgb c) {
  return std::to_string(channel(c.r)) + "," + std::to_string(channel(c.g)) + "," +
         std::to_string(channel(c.b)) + ",255";
}

GraduatedStyle graduated_style(std::string field, const Classes& classes, std::string_view units,
                               int decimals) {
  if (classes.size() == 0)
    throw InputError("style", "field '" + field + "'",
                     "no classes: the field has no value to class");
  const std::vector<std::string> labels = classes.labels(units, decimals);
  GraduatedStyle s;
  s.field = std::move(field);
  for (std::size_t i = 0; i < classes.size(); ++i)
    s.classes.push_back({classes.edges[i], classes.edges[i + 1], classes.colors[i], labels[i]});
  return s;
}

GraduatedStyle categorized_style(std::string field, std::vector<StyleCategory> categories) {
  GraduatedStyle s;
  s.field = std::move(field);
  s.categories = std::move(categories);
  s.no_data_label = "Other";
  return s;
}

void check_style(const GraduatedStyle& s, const std::string& what) {
  if (s.field.empty()) throw InputError(what, "style", "no field to class");
  if (!s.categories.empty()) {
    for (std::size_t i = 0; i < s.categories.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (s.categories[i].value == s.categories[j].value)
          throw InputError(what, "style of '" + s.field + "'",
                           "lists the value '" + s.categories[i].value + "' twice");
    return;
  }
  if (s.classes.empty()) throw InputError(what, "style of '" + s.field + "'", "no classes");
  for (std::size_t i = 0; i < s.classes.size(); ++i) {
    const StyleClass& c = s.classes[i];
    const std::string where = "style of '" + s.field + "', class " + std::to_string(i + 1);
    const bool last = i + 1 == s.classes.size();
    if (std::isnan(c.lower) || std::isnan(c.upper)) throw InputError(what, where, "bound is NaN");
    if (!(c.lower < c.upper) && !(last && c.lower == c.upper))
      throw InputError(
          what, where,
          "lower bound " + number(c.lower) + " is not below upper bound " + number(c.upper));
    if (!last && s.classes[i + 1].lower != c.upper)
      throw InputError(what, where,
                       "ends at " + number(c.upper) + " but the next class starts at " +
                           number(s.classes[i + 1].lower) + " (classes must be contiguous)");
  }
}

std::string style_qml(const std::optional<GraduatedStyle>& style, SymbolKind symbol,
                      std::span<const FieldAlias> aliases) {
  std::string out = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
  // Declaring the categories makes QGIS apply only these parts of the style.
  out += "<qgis version=\"3.22.0\" styleCategories=\"";
  out += style ? "Symbology|Fields" : "Fields";
  out += "\">\n";
  if (style && !style->categories.empty()) {
    const GraduatedStyle& s = *style;
    out += "  <renderer-v2 type=\"categorizedSymbol\" attr=\"" + xml(s.field) +
           "\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\" "
           "referencescale=\"-1\">\n    <categories>\n";
    for (std::size_t i = 0; i < s.categories.size(); ++i)
      out += "      <category value=\"" + xml(s.categories[i].value) + "\" symbol=\"" +
             std::to_string(i) + "\" label=\"" + xml(s.categories[i].label) +
             "\" render=\"true\"/>\n";
    // An empty value is QGIS's "all other values" category.
    if (!s.no_data_label.empty())
      out += "      <category value=\"\" symbol=\"" + std::to_string(s.categories.size()) +
             "\" label=\"" + xml(s.no_data_label) + "\" render=\"true\"/>\n";
    out += "    </categories>\n    <symbols>\n";
    for (std::size_t i = 0; i < s.categories.size(); ++i)
      append_symbol(out, symbol, i, s.categories[i].color, s);
    if (!s.no_data_label.empty())
      append_symbol(out, symbol, s.categories.size(), s.no_data_color, s);
    out += "    </symbols>\n  </renderer-v2>\n";
  } else if (style) {
    const GraduatedStyle& s = *style;
    const bool no_data = !s.no_data_label.empty();
    const std::string attr =
        no_data ? "coalesce(" + field_expression(s.field) + ", " + number(kMax) + ")" : s.field;
    out += "  <renderer-v2 type=\"graduatedSymbol\" attr=\"" + xml(attr) +
           "\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" forceraster=\"0\" "
           "enableorderby=\"0\" referencescale=\"-1\">\n    <ranges>\n";
    const std::vector<QgisRange> ranges = qgis_ranges(s);
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      const std::string& label = i < s.classes.size() ? s.classes[i].label : s.no_data_label;
      out += "      <range lower=\"" + number(ranges[i].lower) + "\" upper=\"" +
             number(ranges[i].upper) + "\" symbol=\"" + std::to_string(i) + "\" label=\"" +
             xml(label) + "\" render=\"true\"/>\n";
    }
    out += "    </ranges>\n    <symbols>\n";
    for (std::size_t i = 0; i < ranges.size(); ++i)
      append_symbol(out, symbol, i, i < s.classes.size() ? s.classes[i].color : s.no_data_color, s);
    out += "    </symbols>\n";
    // "Custom" keeps QGIS from recomputing the breaks. No legacy <mode> element: QGIS would
    // prefer it and find no method for a manual mode.
    out += "    <classificationMethod id=\"Custom\"/>\n";
    out += "  </renderer-v2>\n";
  }
  if (!aliases.empty()) {
    out += "  <aliases>\n";
    for (const FieldAlias& a : aliases)
      out += "    <alias field=\"" + xml(a.field) + "\" name=\"" + xml(a.alias) + "\"/>\n";
    out += "  </aliases>\n";
  }
  out += "</qgis>\n";
  return out;
}

std::string style_sld(const GraduatedStyle& s, SymbolKind symbol, std::string_view layer_name) {
  const std::string name = s.name.empty() ? std::string(layer_name) : s.name;
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" "
      "xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:se=\"http://www.opengis.net/se\" "
      "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"1.1.0\" "
      "xsi:schemaLocation=\"http://www.opengis.net/sld "
      "http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\">\n";
  out += "  <NamedLayer>\n    <se:Name>" + xml(layer_name) + "</se:Name>\n    <UserStyle>\n";
  out += "      <se:Name>" + xml(name) + "</se:Name>\n      <se:FeatureTypeStyle>\n";
  for (std::size_t i = 0; i < s.classes.size() && s.categories.empty(); ++i)
    append_sld_rule(out, s.classes[i].label, sld_filter(s, i), symbol, s.classes[i].color, s);
  for (const StyleCategory& c : s.categories)
    append_sld_rule(out, c.label,
                    "<ogc:PropertyIsEqualTo><ogc:PropertyName>" + xml(s.field) +
                        "</ogc:PropertyName><ogc:Literal>" + xml(c.value) +
                        "</ogc:Literal></ogc:PropertyIsEqualTo>",
                    symbol, c.color, s);
  if (!s.no_data_label.empty() && s.categories.empty())
    append_sld_rule(out, s.no_data_label,
                    "<ogc:PropertyIsNull><ogc:PropertyName>" + xml(s.field) +
                        "</ogc:PropertyName></ogc:PropertyIsNull>",
                    symbol, s.no_data_color, s);
  out += "      </se:FeatureTypeStyle>\n    </UserStyle>\n  </NamedLayer>\n";
  out += "</StyledLayerDescriptor>\n";
  return out;
}

}  // namespace covsim::geo
