// Rendered maps for people with no GIS: a classed choropleth of polygons with title, legend
// (units and a "no data" entry), scale bar, north arrow and credits, plus point symbols,
// polylines and highlighted outlines; PNG, SVG or PDF after the file's extension. A before/after
// pair shares one extent, one classification and one legend. Writes are atomic. Place names
// are placed greedily: by priority, each at the first of eight spots around its point that hides
// no symbol, no name already placed and no frame furniture, else left out (see place_labels in
// map_render.cpp for why not Mapnik).
//
//   MapSpec spec{.polygons = territory.shape, .title = "Population", .units = "inhabitants"};
//   spec.map.values = territory.population;  render_map(spec, "population.png");
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "geo/geometry.hpp"
#include "geo/map_classes.hpp"

namespace covsim::geo {

enum class Symbol { circle, square, triangle, diamond, star };

struct PointSymbol {
  Point at;           // in the polygons' CRS
  std::string label;  // drawn beside the symbol; empty for none
  Symbol kind = Symbol::circle;
  double size_px = 12;  // diameter
  Rgb fill{0.13, 0.13, 0.13};
  // Legend entry for this kind of symbol; points sharing a legend text, kind and colour are
  // listed once. Empty: not in the legend.
  std::string legend;
};

struct Polyline {
  std::vector<Point> points;  // e.g. a roaming advisor's circuit
  Rgb color{0.1, 0.3, 0.7};
  double width_px = 2.5;
  bool dashed = false;
  std::string legend;  // as PointSymbol::legend
};

// What one map frame shows. A pair draws two of these over the same polygons.
struct MapPanel {
  std::string caption;         // heading above the frame ("Before", "After"); may be empty
  std::vector<double> values;  // one per polygon, NaN = no data; empty = no data at all
  std::vector<std::uint32_t> highlighted;  // polygon indices outlined in the highlight colour
  std::vector<PointSymbol> points;
  std::vector<Polyline> lines;
};

// A name on the map, drawn on every panel; left out where it would overlap.
struct PlaceLabel {
  Point at;  // in the polygons' CRS
  std::string text;
  double priority = 0;  // higher is placed first
  bool bold = false;
};

struct MapSpec {
  // The polygons, in one metric CRS (metres); usually `territory.shape`. Not owned: they must
  // outlive the render call.
  std::span<const MultiPolygon> polygons;
  MapPanel map;
  ClassScheme classes;
  // Boundaries drawn over the classes on every panel (EPCIs, dissolved), with a legend entry.
  std::vector<MultiPolygon> outlines;
  std::string outline_label;
  std::vector<PlaceLabel> labels;
  // The area shown, in the polygons' CRS; empty: everything drawn. Polygons beyond it are cut.
  Box extent;
  std::string title;
  std::string subtitle;
  std::string credits;       // source line at the bottom ("Source: INSEE 2026, IGN ...")
  std::string legend_title;  // what the colours measure ("Minutes to the nearest advisor")
  std::string units;         // appended to class labels ("min")
  int decimals = -1;         // of class labels; -1 = the fewest that keep breaks distinct
  std::string highlight_label = "Highlighted";
  Rgb highlight_color{0.0, 0.0, 0.0};
  // Page size: pixels for PNG, points (1/72 in) for SVG and PDF, so all three look alike.
  int width_px = 1600;
  int height_px = 1200;
  bool overwrite = false;
};

// Where the polygons' CRS lands on the page: uniform scale, y pointing down.
struct MapTransform {
  Box world;            // extent shown, metres
  Box frame;            // map frame on the page, pixels
  double scale = 1;     // pixels per metre
  double origin_x = 0;  // page position of (world.min_x, world.max_y)
  double origin_y = 0;

  Point to_page(Point p) const {
    return {origin_x + (p.x - world.min_x) * scale, origin_y + (world.max_y - p.y) * scale};
  }
};

// The transform of each map frame, exactly as the renderers use it: one frame for render_map
// (`second` null), two side by side for render_map_pair.
std::vector<MapTransform> page_layout(const MapSpec& spec, const MapPanel* second = nullptr);

// Classes of the map, computed over the values of every panel shown.
Classes map_classes(const MapSpec& spec, const MapPanel* second = nullptr);

// Writes spec.map to `path` (.png, .svg or .pdf, case-insensitive) through a temporary file in
// the same directory. Throws InputError on an inconsistent spec (values not one per polygon,
// highlight index out of range, bad classes) and OutputError when the file cannot be written
// or exists without spec.overwrite; nothing is left behind on failure.
void render_map(const MapSpec& spec, const std::string& path);

// Two frames side by side: spec.map on the left ("before"), `after` on the right, with one
// extent, one classification over both and one legend, so colours compare directly.
void render_map_pair(const MapSpec& spec, const MapPanel& after, const std::string& path);

// The map (a pair when `after` is given) as an SVG document, for inlining in an HTML page: no
// XML declaration, and every id prefixed with `id_prefix` so that several maps in one page do
// not share glyph or clip ids.
std::string map_svg(const MapSpec& spec, const MapPanel* after, const std::string& id_prefix);

}  // namespace covsim::geo
