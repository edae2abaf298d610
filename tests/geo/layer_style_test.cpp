#include "geo/layer_style.hpp"

#include <cpl_minixml.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <vector>

#include "geo/error.hpp"

namespace covsim::geo {
namespace {

constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct XmlDeleter {
  void operator()(CPLXMLNode* n) const { CPLDestroyXMLNode(n); }
};
using Xml = std::unique_ptr<CPLXMLNode, XmlDeleter>;

Xml parse(const std::string& text) {
  Xml doc(CPLParseXMLString(text.c_str()));
  EXPECT_TRUE(doc) << "not well-formed XML:\n" << text;
  return doc;
}

std::vector<const CPLXMLNode*> children(const CPLXMLNode* node, std::string_view name) {
  std::vector<const CPLXMLNode*> out;
  for (const CPLXMLNode* c = node ? node->psChild : nullptr; c; c = c->psNext)
    if (c->eType == CXT_Element && name == c->pszValue) out.push_back(c);
  return out;
}

std::string attr(const CPLXMLNode* node, const char* name) {
  return CPLGetXMLValue(node, name, "<missing>");
}

double number(const CPLXMLNode* node, const char* name) {
  return std::strtod(attr(node, name).c_str(), nullptr);
}

// Minutes classed by hand: < 15, 15 – 30, ≥ 30.
GraduatedStyle minutes_style() {
  Classes k;
  k.edges = {-kInf, 15, 30, kInf};
  k.colors = {{1, 1, 0.8}, {0.99, 0.55, 0.24}, {0.5, 0, 0.15}};
  return graduated_style("minutes", k, "min", 0);
}

// QGIS's graduated renderer: the first range with lower <= v <= upper.
int qgis_range_of(const std::vector<const CPLXMLNode*>& ranges, double v) {
  for (std::size_t i = 0; i < ranges.size(); ++i)
    if (number(ranges[i], "lower") <= v && v <= number(ranges[i], "upper"))
      return static_cast<int>(i);
  return -1;
}

TEST(LayerStyle, FromMapClasses) {
  const GraduatedStyle s = minutes_style();
  ASSERT_EQ(s.classes.size(), 3u);
  EXPECT_EQ(s.field, "minutes");
  EXPECT_EQ(s.classes[0].label, "< 15 min");
  EXPECT_EQ(s.classes[1].label, "15 – 30 min");
  EXPECT_EQ(s.classes[2].label, "≥ 30 min");
  EXPECT_EQ(s.classes[1].lower, 15);
  EXPECT_EQ(s.classes[1].upper, 30);
  EXPECT_EQ(s.classes[2].upper, kInf);
  EXPECT_EQ(s.classes[2].color, (Rgb{0.5, 0, 0.15}));
  EXPECT_THROW(graduated_style("minutes", Classes{}, "min"), InputError);
}

// Sites by fate: a categorized renderer whose categories carry the words of the legend, other
// values in a catch-all category, and an SLD rule per value.
TEST(LayerStyle, CategoriesGiveEachValueItsColourAndLabel) {
  const GraduatedStyle s = categorized_style(
      "fate", {{"kept", {0, 0.5, 0}, "Kept after renewal"}, {"lost", {1, 0, 0}, "Lost"}});
  const Xml doc = parse(style_qml(s, SymbolKind::marker, {}));
  const CPLXMLNode* renderer = CPLGetXMLNode(CPLSearchXMLNode(doc.get(), "=qgis"), "renderer-v2");
  ASSERT_NE(renderer, nullptr);
  EXPECT_EQ(attr(renderer, "type"), "categorizedSymbol");
  EXPECT_EQ(attr(renderer, "attr"), "fate");
  const auto categories = children(CPLGetXMLNode(renderer, "categories"), "category");
  ASSERT_EQ(categories.size(), 3u);
  EXPECT_EQ(attr(categories[0], "value"), "kept");
  EXPECT_EQ(attr(categories[0], "label"), "Kept after renewal");
  EXPECT_EQ(attr(categories[1], "symbol"), "1");
  EXPECT_EQ(attr(categories[2], "value"), "") << "QGIS's 'all other values'";
  EXPECT_EQ(children(CPLGetXMLNode(renderer, "symbols"), "symbol").size(), 3u);
  const std::string sld = style_sld(s, SymbolKind::marker, "sites");
  EXPECT_NE(sld.find("<ogc:Literal>lost</ogc:Literal>"), std::string::npos) << sld;
  EXPECT_NE(sld.find("<se:Name>Kept after renewal</se:Name>"), std::string::npos);
  GraduatedStyle twice = s;
  twice.categories.push_back(twice.categories[0]);
  EXPECT_THROW(check_style(twice, "x.gpkg"), InputError);
}

TEST(LayerStyle, QmlRangesKeepHalfOpenClassesAndNoData) {
  const GraduatedStyle s = minutes_style();
  const Xml doc = parse(style_qml(s, SymbolKind::fill, {}));
  const CPLXMLNode* qgis = CPLSearchXMLNode(doc.get(), "=qgis");
  ASSERT_NE(qgis, nullptr);
  EXPECT_EQ(attr(qgis, "styleCategories"), "Symbology|Fields");
  const CPLXMLNode* renderer = CPLGetXMLNode(qgis, "renderer-v2");
  ASSERT_NE(renderer, nullptr);
  EXPECT_EQ(attr(renderer, "type"), "graduatedSymbol");
  EXPECT_EQ(attr(renderer, "graduatedMethod"), "GraduatedColor");
  EXPECT_EQ(attr(renderer, "attr"), "coalesce(\"minutes\", 1.7976931348623157e+308)");
  EXPECT_EQ(attr(CPLGetXMLNode(renderer, "classificationMethod"), "id"), "Custom");
  EXPECT_EQ(CPLGetXMLNode(renderer, "mode"), nullptr);

  const auto ranges = children(CPLGetXMLNode(renderer, "ranges"), "range");
  ASSERT_EQ(ranges.size(), 4u);
  EXPECT_EQ(number(ranges[0], "lower"), std::numeric_limits<double>::lowest());
  EXPECT_EQ(number(ranges[0], "upper"), std::nextafter(15.0, 0.0));
  EXPECT_EQ(number(ranges[1], "lower"), 15.0);
  EXPECT_EQ(number(ranges[1], "upper"), std::nextafter(30.0, 0.0));
  EXPECT_EQ(number(ranges[2], "lower"), 30.0);
  EXPECT_EQ(number(ranges[3], "lower"), kMax);
  EXPECT_EQ(number(ranges[3], "upper"), kMax);
  EXPECT_EQ(attr(ranges[1], "label"), "15 – 30 min");
  EXPECT_EQ(attr(ranges[3], "label"), "No data");
  // Values land where classify() puts them on the rendered maps; NULL (coalesced) in no data.
  EXPECT_EQ(qgis_range_of(ranges, 0.0), 0);
  EXPECT_EQ(qgis_range_of(ranges, 14.99), 0);
  EXPECT_EQ(qgis_range_of(ranges, 15.0), 1);
  EXPECT_EQ(qgis_range_of(ranges, 29.999), 1);
  EXPECT_EQ(qgis_range_of(ranges, 30.0), 2);
  EXPECT_EQ(qgis_range_of(ranges, 1e12), 2);
  EXPECT_EQ(qgis_range_of(ranges, kMax), 3);

  const auto symbols = children(CPLGetXMLNode(renderer, "symbols"), "symbol");
  ASSERT_EQ(symbols.size(), 4u);
  const std::vector<std::string> colors{"255,255,204,255", "252,140,61,255", "128,0,38,255",
                                        "199,199,199,255"};
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    EXPECT_EQ(attr(symbols[i], "name"), std::to_string(i));
    EXPECT_EQ(attr(symbols[i], "type"), "fill");
    const CPLXMLNode* layer = CPLGetXMLNode(symbols[i], "layer");
    EXPECT_EQ(attr(layer, "class"), "SimpleFill");
    std::string option_color, prop_color;
    for (const CPLXMLNode* o : children(CPLGetXMLNode(layer, "Option"), "Option"))
      if (attr(o, "name") == "color") option_color = attr(o, "value");
    for (const CPLXMLNode* p : children(layer, "prop"))
      if (attr(p, "k") == "color") prop_color = attr(p, "v");
    EXPECT_EQ(option_color, colors[i]);
    EXPECT_EQ(prop_color, colors[i]);  // read by QGIS releases before 3.26
  }
}

TEST(LayerStyle, WithoutNoDataTheFieldIsUsedAsIs) {
  GraduatedStyle s = minutes_style();
  s.no_data_label.clear();
  const Xml doc = parse(style_qml(s, SymbolKind::marker, {}));
  const CPLXMLNode* renderer = CPLSearchXMLNode(doc.get(), "=renderer-v2");
  EXPECT_EQ(attr(renderer, "attr"), "minutes");
  const auto ranges = children(CPLGetXMLNode(renderer, "ranges"), "range");
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(number(ranges[2], "upper"), kMax);
  const auto symbols = children(CPLGetXMLNode(renderer, "symbols"), "symbol");
  EXPECT_EQ(attr(symbols[0], "type"), "marker");
  EXPECT_EQ(attr(CPLGetXMLNode(symbols[0], "layer"), "class"), "SimpleMarker");
}

TEST(LayerStyle, AliasesAloneDeclareOnlyFields) {
  const std::vector<FieldAlias> aliases{{"populati_1", "population_prioritaire"},
                                        {"minutes", "Minutes to the <nearest> site & \"more\""}};
  const Xml doc = parse(style_qml(std::nullopt, SymbolKind::line, aliases));
  const CPLXMLNode* qgis = CPLSearchXMLNode(doc.get(), "=qgis");
  EXPECT_EQ(attr(qgis, "styleCategories"), "Fields");
  EXPECT_EQ(CPLGetXMLNode(qgis, "renderer-v2"), nullptr);
  const auto alias = children(CPLGetXMLNode(qgis, "aliases"), "alias");
  ASSERT_EQ(alias.size(), 2u);
  EXPECT_EQ(attr(alias[0], "field"), "populati_1");
  EXPECT_EQ(attr(alias[0], "name"), "population_prioritaire");
  EXPECT_EQ(attr(alias[1], "name"), "Minutes to the <nearest> site & \"more\"");
}

TEST(LayerStyle, FieldNamesAreQuotedInTheExpression) {
  GraduatedStyle s = minutes_style();
  s.field = "temps \"porte\" & co";
  const Xml doc = parse(style_qml(s, SymbolKind::fill, {}));
  EXPECT_EQ(attr(CPLSearchXMLNode(doc.get(), "=renderer-v2"), "attr"),
            "coalesce(\"temps \"\"porte\"\" & co\", 1.7976931348623157e+308)");
}

TEST(LayerStyle, SldHasOneExactRulePerClassAndNoData) {
  const Xml doc = parse(style_sld(minutes_style(), SymbolKind::fill, "communes"));
  const CPLXMLNode* sld = CPLSearchXMLNode(doc.get(), "=StyledLayerDescriptor");
  ASSERT_NE(sld, nullptr);
  EXPECT_EQ(std::string(CPLGetXMLValue(sld, "NamedLayer.se:Name", "")), "communes");
  const auto rules =
      children(CPLGetXMLNode(sld, "NamedLayer.UserStyle.se:FeatureTypeStyle"), "se:Rule");
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(std::string(CPLGetXMLValue(rules[0], "se:Name", "")), "< 15 min");
  EXPECT_EQ(
      std::string(CPLGetXMLValue(rules[0], "ogc:Filter.ogc:PropertyIsLessThan.ogc:Literal", "")),
      "15");
  EXPECT_EQ(std::string(CPLGetXMLValue(
                rules[1], "ogc:Filter.ogc:And.ogc:PropertyIsGreaterThanOrEqualTo.ogc:Literal", "")),
            "15");
  EXPECT_EQ(std::string(CPLGetXMLValue(
                rules[1], "ogc:Filter.ogc:And.ogc:PropertyIsLessThan.ogc:Literal", "")),
            "30");
  EXPECT_EQ(std::string(CPLGetXMLValue(
                rules[2], "ogc:Filter.ogc:PropertyIsGreaterThanOrEqualTo.ogc:PropertyName", "")),
            "minutes");
  EXPECT_NE(CPLGetXMLNode(rules[3], "ogc:Filter.ogc:PropertyIsNull"), nullptr);
  const CPLXMLNode* fill = CPLGetXMLNode(rules[2], "se:PolygonSymbolizer.se:Fill.se:SvgParameter");
  ASSERT_NE(fill, nullptr);
  EXPECT_EQ(std::string(CPLGetXMLValue(fill, "", "")), "#800026");
}

TEST(LayerStyle, ChecksClasses) {
  GraduatedStyle s = minutes_style();
  EXPECT_NO_THROW(check_style(s, "out.gpkg"));
  GraduatedStyle gap = s;
  gap.classes[1].lower = 16;
  EXPECT_THROW(check_style(gap, "out.gpkg"), InputError);
  GraduatedStyle reversed = s;
  std::swap(reversed.classes[1].lower, reversed.classes[1].upper);
  EXPECT_THROW(check_style(reversed, "out.gpkg"), InputError);
  GraduatedStyle nan = s;
  nan.classes[0].upper = std::nan("");
  EXPECT_THROW(check_style(nan, "out.gpkg"), InputError);
  GraduatedStyle no_field = s;
  no_field.field.clear();
  EXPECT_THROW(check_style(no_field, "out.gpkg"), InputError);
  // A single-value class (all values equal) is allowed at the end.
  GraduatedStyle single;
  single.field = "x";
  single.classes = {{5, 5, {}, "5"}};
  EXPECT_NO_THROW(check_style(single, "out.gpkg"));
}

TEST(LayerStyle, ColourTexts) {
  EXPECT_EQ(hex_color({1, 0.5, 0}), "#ff8000");
  EXPECT_EQ(qgis_color({1, 0.5, 0}), "255,128,0,255");
  EXPECT_EQ(hex_color({-1, 2, 0.2}), "#00ff33");  // clamped
}

}  // namespace
}  // namespace covsim::geo
