#include "geo/map_render.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "geo/detail/atomic_file.hpp"
#include "geo/detail/label_placement.hpp"
#include "geo/detail/map_draw.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

namespace {

using detail::ContextPtr;
using detail::SurfacePtr;

constexpr Rgb kInk{0.15, 0.15, 0.15};
constexpr Rgb kMuted{0.4, 0.4, 0.4};
constexpr Rgb kOutline{0.2, 0.2, 0.25};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Page geometry shared by page_layout() and the renderers, in page pixels. Everything scales
// with `font`, so a poster and a thumbnail have the same proportions.
struct Page {
  double font = 0;
  double margin = 0;
  double title_y = 0, subtitle_y = 0, credits_y = 0;  // baselines
  double caption_y = 0;  // baseline of panel captions above the frames, 0 if none
  Box legend;            // the legend: a column on the right, or a band under the maps
  int legend_columns = 1;
  std::vector<MapTransform> maps;  // one per panel, left to right
};

Box make_box(double x0, double y0, double x1, double y1) { return {x0, y0, x1, y1}; }

std::vector<const MapPanel*> panels_of(const MapSpec& spec, const MapPanel* second) {
  std::vector<const MapPanel*> panels{&spec.map};
  if (second) panels.push_back(second);
  return panels;
}

bool has_captions(const std::vector<const MapPanel*>& panels) {
  return std::any_of(panels.begin(), panels.end(), [](auto* p) { return !p->caption.empty(); });
}

// What the maps show, in metres, with a margin that keeps outlines, symbols and the scale bar
// off the frame; a lone point still gets a 1 km wide view.
Box world_of(const MapSpec& spec, const std::vector<const MapPanel*>& panels) {
  Box world = spec.extent;
  if (world.empty()) {
    for (const MultiPolygon& m : spec.polygons) world.expand(m.bounds());
  }
  for (const MapPanel* panel : panels) {
    if (!spec.extent.empty()) break;
    for (const PointSymbol& s : panel->points) world.expand(s.at);
    for (const Polyline& l : panel->lines)
      for (const Point& q : l.points) world.expand(q);
  }
  if (world.empty())
    throw InputError("map spec", spec.title, "nothing to draw: no polygon, point or line");
  const double pad = std::max(0.04 * std::max(world.width(), world.height()), 500.0);
  return make_box(world.min_x - pad, world.min_y - pad, world.max_x + pad, world.max_y + pad);
}

// Maps side by side in the area, as large as the area allows, top-aligned (the captions sit
// right above them) and centred across.
std::vector<MapTransform> fit_maps(Box world, const Box& area, std::size_t panels, double gap,
                                   bool fill) {
  const double n = static_cast<double>(panels);
  const double width = (area.width() - gap * (n - 1)) / n;
  if (fill && width > 0 && area.height() > 0) {
    // A chosen extent is the least to show: widen it to the frame's shape, so the study area
    // is as large as the page allows and its surroundings fill the rest.
    const double ratio = width / area.height();
    const double cx = (world.min_x + world.max_x) / 2, cy = (world.min_y + world.max_y) / 2;
    const double w = std::max(world.width(), world.height() * ratio);
    const double h = std::max(world.height(), world.width() / ratio);
    world = make_box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
  }
  const double scale = std::min(width / world.width(), area.height() / world.height());
  const double used = world.width() * scale * n + gap * (n - 1);
  std::vector<MapTransform> out;
  for (std::size_t i = 0; i < panels; ++i) {
    MapTransform t;
    t.world = world;
    t.scale = scale;
    t.origin_x = area.min_x + (area.width() - used) / 2 +
                 static_cast<double>(i) * (world.width() * scale + gap);
    t.origin_y = area.min_y;
    t.frame = make_box(t.origin_x, t.origin_y, t.origin_x + world.width() * scale,
                       t.origin_y + world.height() * scale);
    out.push_back(t);
  }
  return out;
}

// The legend goes in a right-hand column or in a band of columns under the maps, whichever
// leaves the maps larger: a single map usually takes the column, a pair the band.
Page page_geometry(const MapSpec& spec, const std::vector<const MapPanel*>& panels,
                   std::size_t legend_rows, const Box& world) {
  const double w = spec.width_px, h = spec.height_px;
  Page p;
  p.font = std::clamp(std::min(w, h * 4 / 3) / 75, 7.0, 48.0);
  const double f = p.font;
  p.margin = 1.6 * f;
  double top = p.margin;
  if (!spec.title.empty()) p.title_y = top + 1.45 * f, top = p.title_y + 0.45 * f;
  if (!spec.subtitle.empty()) p.subtitle_y = top + 1.1 * f, top = p.subtitle_y + 0.4 * f;
  top += 0.9 * f;
  double bottom = h - p.margin;
  if (!spec.credits.empty()) p.credits_y = bottom, bottom -= 1.6 * f;
  const double legend_top = top;
  if (has_captions(panels)) p.caption_y = top + 1.3 * f, top += 1.9 * f;
  const double gap = 1.5 * f;

  Page column = p;
  const double column_width = std::clamp(0.22 * w, 12 * f, 22 * f);
  column.legend = make_box(w - p.margin - column_width, legend_top, w - p.margin, bottom);
  const bool fill = !spec.extent.empty();
  column.maps = fit_maps(world, make_box(p.margin, top, column.legend.min_x - gap, bottom),
                         panels.size(), gap, fill);

  Page band = p;
  band.legend_columns = std::max(1, static_cast<int>((w - 2 * p.margin - 1.6 * f) / (16 * f)));
  const auto per_column = (legend_rows + static_cast<std::size_t>(band.legend_columns) - 1) /
                          static_cast<std::size_t>(band.legend_columns);
  const double band_height = 1.6 * f + (spec.legend_title.empty() ? 0 : 1.75 * f) +
                             static_cast<double>(per_column) * 1.55 * f;
  band.legend = make_box(p.margin, bottom - band_height, w - p.margin, bottom);
  band.maps = fit_maps(world, make_box(p.margin, top, w - p.margin, band.legend.min_y - gap),
                       panels.size(), gap, fill);
  if (band.maps.front().scale > 1.05 * column.maps.front().scale) {
    // Under the maps rather than at the page's foot, so the eye need not jump.
    const double lift = band.legend.min_y - gap - band.maps.front().frame.max_y;
    band.legend = make_box(band.legend.min_x, band.legend.min_y - lift, band.legend.max_x,
                           band.legend.max_y - lift);
    return band;
  }
  return column;
}

void validate(const MapSpec& spec, const std::vector<const MapPanel*>& panels) {
  if (spec.width_px < 200 || spec.height_px < 150 || spec.width_px > 20000 ||
      spec.height_px > 20000)
    throw InputError("map spec", "page size",
                     std::to_string(spec.width_px) + "x" + std::to_string(spec.height_px) +
                         " is outside 200x150 .. 20000x20000");
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const MapPanel& p = *panels[i];
    const std::string where =
        "panel " + std::to_string(i + 1) + (p.caption.empty() ? "" : " (" + p.caption + ")");
    if (!p.values.empty() && p.values.size() != spec.polygons.size())
      throw InputError("map spec", where,
                       std::to_string(p.values.size()) + " values for " +
                           std::to_string(spec.polygons.size()) + " polygons");
    for (std::uint32_t h : p.highlighted)
      if (h >= spec.polygons.size())
        throw InputError("map spec", where,
                         "highlighted polygon " + std::to_string(h) + " does not exist (" +
                             std::to_string(spec.polygons.size()) + " polygons)");
  }
}

enum class Format { png, svg, pdf };

Format format_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".png") return Format::png;
  if (ext == ".svg") return Format::svg;
  if (ext == ".pdf") return Format::pdf;
  throw OutputError(path + ": unsupported map format \"" + ext + "\" (use .png, .svg or .pdf)");
}

// ---- drawing ---------------------------------------------------------------------------------

double value_of(const MapPanel& panel, std::size_t i) {
  return panel.values.empty() ? kNaN : panel.values[i];
}

bool lacks_values(const MapSpec& spec, const std::vector<const MapPanel*>& panels) {
  for (const MapPanel* p : panels)
    for (std::size_t i = 0; i < spec.polygons.size(); ++i)
      if (!spec.polygons[i].empty() && std::isnan(value_of(*p, i))) return true;
  return false;
}

// Labels go right of their symbol, else left, above or below: the first spot that hides no
// other label or symbol, or the one hiding least. `taken` holds what is already on the frame
// and receives the labels placed.
void draw_point_labels(cairo_t* cr, const MapPanel& panel, const MapTransform& t, double font,
                       std::vector<Box>& taken) {
  detail::set_font(cr, font * 0.8);
  cairo_font_extents_t fe;
  cairo_font_extents(cr, &fe);
  for (const PointSymbol& s : panel.points) {
    if (s.label.empty()) continue;
    const Point c = t.to_page(s.at);
    const double w = detail::text_width(cr, s.label), r = s.size_px / 2 + font * 0.25;
    const double asc = fe.ascent, mid = (fe.ascent - fe.descent) / 2;
    const Point spots[] = {{c.x + r, c.y + mid},
                           {c.x - r - w, c.y + mid},
                           {c.x - w / 2, c.y - r - fe.descent},
                           {c.x - w / 2, c.y + r + asc}};
    Box best_box;
    Point best{};
    double best_cost = std::numeric_limits<double>::infinity();
    for (const Point& at : spots) {
      const Box b = make_box(at.x, at.y - asc, at.x + w, at.y + fe.descent);
      double cost = 0;
      for (const Box& o : taken) cost += detail::overlap_area(b, o);
      if (b.min_x < t.frame.min_x || b.max_x > t.frame.max_x) cost += w * asc;
      if (cost < best_cost) best_cost = cost, best = at, best_box = b;
      if (cost == 0) break;
    }
    taken.push_back(best_box);
    detail::draw_text(cr, best, s.label, kInk, true);
  }
}

// Place names where they hide nothing (geo/detail/label_placement.hpp), with a dot on the
// place where no symbol marks it already.
void draw_place_labels(cairo_t* cr, const std::vector<PlaceLabel>& labels, const MapTransform& t,
                       double font, std::vector<Box>& taken) {
  auto set_label_font = [&](const PlaceLabel& l) {
    detail::set_font(cr, font * (l.bold ? 0.85 : 0.75), l.bold);
  };
  std::vector<detail::LabelBox> boxes;
  for (const PlaceLabel& l : labels) {
    set_label_font(l);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    boxes.push_back({t.to_page(l.at), detail::text_width(cr, l.text), fe.ascent, fe.descent,
                     font * 0.3, l.priority});
  }
  const std::size_t symbols = taken.size();
  const auto at = detail::place_labels(boxes, t.frame, taken);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (!at[i]) continue;
    set_label_font(labels[i]);
    detail::draw_text(cr, *at[i], labels[i].text, kInk, true);
    const Point c = boxes[i].anchor;
    const bool on_symbol = std::any_of(
        taken.begin(), taken.begin() + static_cast<std::ptrdiff_t>(symbols), [&](const Box& o) {
          return c.x >= o.min_x && c.x <= o.max_x && c.y >= o.min_y && c.y <= o.max_y;
        });
    if (on_symbol) continue;
    cairo_arc(cr, c.x, c.y, std::max(1.5, font * 0.12), 0, 2 * M_PI);
    detail::set_color(cr, kInk);
    cairo_fill(cr);
  }
}

void stroke_line(cairo_t* cr, const Polyline& line, const MapTransform& t) {
  if (line.points.size() < 2) return;
  for (std::size_t i = 0; i < line.points.size(); ++i) {
    const Point p = t.to_page(line.points[i]);
    i == 0 ? cairo_move_to(cr, p.x, p.y) : cairo_line_to(cr, p.x, p.y);
  }
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  // A white casing under the line keeps it visible across dark classes.
  detail::set_color(cr, {1, 1, 1}, 0.85);
  cairo_set_line_width(cr, line.width_px + 2.5);
  cairo_stroke_preserve(cr);
  if (line.dashed) {
    const double dash[] = {line.width_px * 3, line.width_px * 2};
    cairo_set_dash(cr, dash, 2, 0);
  }
  detail::set_color(cr, line.color);
  cairo_set_line_width(cr, line.width_px);
  cairo_stroke(cr);
  cairo_set_dash(cr, nullptr, 0, 0);
}

void draw_panel(cairo_t* cr, const MapSpec& spec, const MapPanel& panel, const Classes& classes,
                const MapTransform& t, double font) {
  const Box& neat = t.frame;
  cairo_save(cr);
  cairo_rectangle(cr, neat.min_x, neat.min_y, neat.width(), neat.height());
  cairo_clip(cr);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  // Polygons off the frame are not drawn at all: with an extent on one agglomeration, an SVG
  // or PDF of a whole department would otherwise carry every commune, clipped but present.
  auto off_frame = [&](const MultiPolygon& m) {
    const Box b = m.bounds();
    return b.max_x < t.world.min_x || b.min_x > t.world.max_x || b.max_y < t.world.min_y ||
           b.min_y > t.world.max_y;
  };
  for (std::size_t i = 0; i < spec.polygons.size(); ++i) {
    if (spec.polygons[i].empty() || off_frame(spec.polygons[i])) continue;
    detail::append_polygon(cr, spec.polygons[i], t);
    if (const auto k = classes.class_of(value_of(panel, i))) {
      detail::set_color(cr, classes.colors[*k]);
      cairo_fill(cr);
    } else {
      detail::fill_hatched(cr, font * 0.4);
    }
  }
  // Thin borders: visible between communes, quiet enough not to darken small ones. Polygons a
  // few pixels across get none: at country scale borders would bury the colours.
  for (const MultiPolygon& m : spec.polygons) {
    const Box b = m.bounds();
    if (!m.empty() && !off_frame(m) && std::max(b.width(), b.height()) * t.scale >= 6)
      detail::append_polygon(cr, m, t);
  }
  detail::set_color(cr, {0.3, 0.3, 0.3}, 0.55);
  cairo_set_line_width(cr, 0.6);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke(cr);
  for (const MultiPolygon& m : spec.outlines)
    if (!off_frame(m)) detail::append_polygon(cr, m, t);
  detail::set_color(cr, kOutline);
  cairo_set_line_width(cr, std::max(1.5, font * 0.11));
  cairo_stroke(cr);
  for (std::uint32_t h : panel.highlighted) detail::append_polygon(cr, spec.polygons[h], t);
  detail::set_color(cr, spec.highlight_color);
  cairo_set_line_width(cr, std::max(2.0, font * 0.13));
  cairo_stroke(cr);
  for (const Polyline& line : panel.lines) stroke_line(cr, line, t);
  std::vector<Box> taken;
  for (const PointSymbol& s : panel.points) {
    const Point c = t.to_page(s.at);
    const double r = s.size_px / 2;
    detail::draw_symbol(cr, s.kind, c, s.size_px, s.fill);
    taken.push_back(make_box(c.x - r, c.y - r, c.x + r, c.y + r));
  }
  // The scale bar and the north arrow, so that no name runs under them.
  taken.push_back(make_box(neat.min_x, neat.max_y - 2.6 * font,
                           neat.min_x + neat.width() * 0.3 + 3 * font, neat.max_y));
  taken.push_back(
      make_box(neat.max_x - 3.5 * font, neat.min_y, neat.max_x, neat.min_y + 5.2 * font));
  draw_point_labels(cr, panel, t, font, taken);
  draw_place_labels(cr, spec.labels, t, font, taken);
  cairo_restore(cr);

  detail::set_color(cr, {0.6, 0.6, 0.6});
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, neat.min_x + 0.5, neat.min_y + 0.5, neat.width() - 1, neat.height() - 1);
  cairo_stroke(cr);
  detail::draw_scale_bar(cr, t, {neat.min_x + font, neat.max_y - font * 0.9}, neat.width() * 0.28,
                         font);
  detail::draw_north_arrow(cr, {neat.max_x - font * 1.5, neat.min_y + font * 0.8}, font * 2.2,
                           font * 0.85);
}

// ---- legend ------------------------------------------------------------------------------

struct LegendRow {
  enum Kind { fill, no_data, outline, marker, line } kind;
  std::string label;
  Rgb color;
  Symbol symbol = Symbol::circle;
  bool dashed = false;
  double width = 0;
};

std::vector<LegendRow> legend_rows(const MapSpec& spec, const std::vector<const MapPanel*>& panels,
                                   const Classes& classes, std::size_t& first_extra) {
  std::vector<LegendRow> rows;
  const auto labels = classes.labels(spec.units, spec.decimals);
  for (std::size_t k = 0; k < classes.size(); ++k)
    rows.push_back({LegendRow::fill, labels[k], classes.colors[k]});
  if (lacks_values(spec, panels)) rows.push_back({LegendRow::no_data, "No data", {}});
  first_extra = rows.size();
  auto listed = [&](LegendRow::Kind kind, const std::string& label, Rgb color, Symbol symbol) {
    return std::any_of(rows.begin(), rows.end(), [&](const LegendRow& r) {
      return r.kind == kind && r.label == label && r.color == color && r.symbol == symbol;
    });
  };
  bool highlighted = false;
  for (const MapPanel* p : panels) highlighted = highlighted || !p->highlighted.empty();
  if (!spec.outlines.empty() && !spec.outline_label.empty())
    rows.push_back({LegendRow::outline, spec.outline_label, kOutline});
  if (highlighted) rows.push_back({LegendRow::outline, spec.highlight_label, spec.highlight_color});
  for (const MapPanel* p : panels) {
    for (const PointSymbol& s : p->points)
      if (!s.legend.empty() && !listed(LegendRow::marker, s.legend, s.fill, s.kind))
        rows.push_back({LegendRow::marker, s.legend, s.fill, s.kind});
    for (const Polyline& l : p->lines)
      if (!l.legend.empty() && !listed(LegendRow::line, l.legend, l.color, Symbol::circle))
        rows.push_back({LegendRow::line, l.legend, l.color, Symbol::circle, l.dashed, l.width_px});
  }
  return rows;
}

// Everything a render needs, computed once: page_layout() and map_classes() show exactly what
// the renderers draw.
struct Layout {
  std::vector<const MapPanel*> panels;
  Classes classes;
  std::vector<LegendRow> rows;
  std::size_t first_extra = 0;  // rows before it are classes (and "no data")
  Page page;
};

Layout layout(const MapSpec& spec, const MapPanel* second) {
  Layout l;
  l.panels = panels_of(spec, second);
  validate(spec, l.panels);
  l.classes = map_classes(spec, second);
  l.rows = legend_rows(spec, l.panels, l.classes, l.first_extra);
  l.page = page_geometry(spec, l.panels, l.rows.size(), world_of(spec, l.panels));
  return l;
}

void draw_swatch(cairo_t* cr, const LegendRow& r, double x, double y, double w, double h,
                 double font) {
  switch (r.kind) {
    case LegendRow::fill:
    case LegendRow::no_data:
      cairo_rectangle(cr, x, y, w, h);
      if (r.kind == LegendRow::fill) {
        detail::set_color(cr, r.color);
        cairo_fill(cr);
      } else {
        detail::fill_hatched(cr, font * 0.4);
      }
      cairo_rectangle(cr, x, y, w, h);
      detail::set_color(cr, {0.3, 0.3, 0.3}, 0.55);
      cairo_set_line_width(cr, 0.8);
      cairo_stroke(cr);
      break;
    case LegendRow::outline:
      cairo_rectangle(cr, x + 1, y + 1, w - 2, h - 2);
      detail::set_color(cr, r.color);
      cairo_set_line_width(cr, std::max(2.0, font * 0.13));
      cairo_stroke(cr);
      break;
    case LegendRow::marker:
      detail::draw_symbol(cr, r.symbol, {x + w / 2, y + h / 2}, h, r.color);
      break;
    case LegendRow::line: {
      MapTransform unit;  // the segment (0,0)-(1,0) across the swatch
      unit.world = make_box(0, 0, 1, 0);
      unit.scale = w - 4;
      unit.origin_x = x + 2;
      unit.origin_y = y + h / 2;
      stroke_line(cr, {{{0, 0}, {1, 0}}, r.color, r.width, r.dashed, {}}, unit);
      break;
    }
  }
}

// Rows run down the column; in a band they fill columns left to right.
void draw_legend(cairo_t* cr, const MapSpec& spec, const Layout& l) {
  const Page& page = l.page;
  const double f = page.font, pad = 0.8 * f, row_h = 1.55 * f;
  const double sw = 1.9 * f, sh = 1.15 * f;
  const Box& box = page.legend;
  const bool column = page.legend_columns == 1;
  detail::set_font(cr, 0.95 * f, true);
  const auto title = spec.legend_title.empty()
                         ? std::vector<std::string>{}
                         : detail::wrap_text(cr, spec.legend_title, box.width() - 2 * pad);
  const double title_h =
      static_cast<double>(title.size()) * 1.25 * f + (title.empty() ? 0 : 0.5 * f);
  const std::size_t n = l.rows.size();
  const bool separated = column && l.first_extra > 0 && l.first_extra < n;
  const double gap = separated ? 0.7 * f : 0;
  const auto columns = static_cast<std::size_t>(page.legend_columns);
  const std::size_t per_column = column ? n : (n + columns - 1) / columns;
  const double height =
      column ? 2 * pad + title_h + static_cast<double>(n) * row_h + gap : box.height();

  detail::set_color(cr, {1, 1, 1});
  cairo_rectangle(cr, box.min_x, box.min_y, box.width(), height);
  cairo_fill_preserve(cr);
  detail::set_color(cr, {0.7, 0.7, 0.7});
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);

  double y = box.min_y + pad;
  for (const std::string& line : title) {
    y += 1.25 * f;
    detail::draw_text(cr, {box.min_x + pad, y - 0.3 * f}, line, kInk);
  }
  const double rows_top = y + (title.empty() ? 0 : 0.5 * f);
  const double column_w = (box.width() - 2 * pad) / static_cast<double>(columns);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = per_column ? i / per_column : 0, r = per_column ? i % per_column : 0;
    const double x = box.min_x + pad + static_cast<double>(c) * column_w;
    double ry = rows_top + static_cast<double>(r) * row_h;
    if (separated && i >= l.first_extra) {
      if (i == l.first_extra) {
        detail::set_color(cr, {0.8, 0.8, 0.8});
        cairo_set_line_width(cr, 1);
        cairo_move_to(cr, x, ry + gap / 2);
        cairo_line_to(cr, box.max_x - pad, ry + gap / 2);
        cairo_stroke(cr);
      }
      ry += gap;
    }
    draw_swatch(cr, l.rows[i], x, ry + (row_h - sh) / 2, sw, sh, f);
    detail::set_font(cr, 0.85 * f);
    detail::draw_text(cr, {x + sw + 0.6 * f, ry + row_h / 2 + 0.3 * f}, l.rows[i].label, kInk);
  }
}

void draw_page(cairo_t* cr, const MapSpec& spec, const Layout& l) {
  const Page& page = l.page;
  const double f = page.font;
  detail::set_color(cr, {1, 1, 1});
  cairo_paint(cr);
  if (!spec.title.empty()) {
    detail::set_font(cr, 1.6 * f, true);
    detail::draw_text(cr, {page.margin, page.title_y}, spec.title, kInk);
  }
  if (!spec.subtitle.empty()) {
    detail::set_font(cr, 1.0 * f);
    detail::draw_text(cr, {page.margin, page.subtitle_y}, spec.subtitle, kMuted);
  }
  for (std::size_t i = 0; i < l.panels.size(); ++i) {
    const MapTransform& t = page.maps[i];
    draw_panel(cr, spec, *l.panels[i], l.classes, t, f);
    if (page.caption_y > 0 && !l.panels[i]->caption.empty()) {
      detail::set_font(cr, 1.15 * f, true);
      detail::draw_text(cr, {t.frame.min_x, t.frame.min_y - 0.6 * f}, l.panels[i]->caption, kInk);
    }
  }
  draw_legend(cr, spec, l);
  if (!spec.credits.empty()) {
    detail::set_font(cr, 0.75 * f);
    detail::draw_text(cr, {page.margin, page.credits_y}, spec.credits, kMuted);
  }
}

void check(cairo_status_t status, const std::string& path, const char* what) {
  if (status != CAIRO_STATUS_SUCCESS)
    throw OutputError(path + ": " + what + ": " + cairo_status_to_string(status));
}

void render(const MapSpec& spec, const MapPanel* second, const std::string& path) {
  const Format format = format_of(path);
  const Layout l = layout(spec, second);
  // Declared before the surface, so the surface (which holds the file open) goes first.
  detail::AtomicFile file(path, spec.overwrite);
  const std::string temp = file.temp_path().string();
  const double w = spec.width_px, h = spec.height_px;
  SurfacePtr surface(format == Format::png ? cairo_image_surface_create(
                                                 CAIRO_FORMAT_ARGB32, spec.width_px, spec.height_px)
                     : format == Format::svg ? cairo_svg_surface_create(temp.c_str(), w, h)
                                             : cairo_pdf_surface_create(temp.c_str(), w, h));
  check(cairo_surface_status(surface.get()), path, "cannot create the drawing surface");
  if (format == Format::pdf) {
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, spec.title.c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "covsim");
    // No creation date: the same scenario gives the same bytes, so reruns and merged sweep
    // shards compare equal (cairo leaves the date out when it is not an ISO 8601 date).
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, "");
  }
  {
    ContextPtr cr(cairo_create(surface.get()));
    draw_page(cr.get(), spec, l);
    check(cairo_status(cr.get()), path, "drawing failed");
  }
  if (format == Format::png)
    check(cairo_surface_write_to_png(surface.get(), temp.c_str()), path, "cannot write PNG");
  cairo_surface_finish(surface.get());
  check(cairo_surface_status(surface.get()), path, "cannot write");
  surface.reset();
  file.commit();
}

// Cairo's SVG surface writes through this callback into a string.
cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Prefixes every id and every reference to one, so maps inlined in one page keep their own
// glyphs and clips.
std::string prefix_ids(const std::string& svg, const std::string& prefix) {
  std::string out;
  out.reserve(svg.size() + svg.size() / 16);
  const std::string marks[] = {" id=\"", "href=\"#", "url(#"};
  for (std::size_t i = 0; i < svg.size();) {
    bool hit = false;
    for (const std::string& m : marks)
      if (svg.compare(i, m.size(), m) == 0) {
        out += m;
        out += prefix;
        i += m.size();
        hit = true;
        break;
      }
    if (!hit) out += svg[i++];
  }
  return out;
}

}  // namespace

namespace detail {

void draw_map(cairo_t* cr, const MapSpec& spec, const MapPanel* second) {
  draw_page(cr, spec, layout(spec, second));
}

}  // namespace detail

std::string map_svg(const MapSpec& spec, const MapPanel* after, const std::string& id_prefix) {
  const Layout l = layout(spec, after);
  std::string svg;
  {
    SurfacePtr surface(
        cairo_svg_surface_create_for_stream(append_to_string, &svg, spec.width_px, spec.height_px));
    check(cairo_surface_status(surface.get()), "inline SVG map", "cannot create the surface");
    {
      ContextPtr cr(cairo_create(surface.get()));
      draw_page(cr.get(), spec, l);
      check(cairo_status(cr.get()), "inline SVG map", "drawing failed");
    }
    cairo_surface_finish(surface.get());
    check(cairo_surface_status(surface.get()), "inline SVG map", "cannot write");
  }
  if (svg.rfind("<?xml", 0) == 0) svg.erase(0, svg.find("?>") + 2);
  // Sized by the page it sits in rather than in points.
  const std::size_t root = svg.find("<svg");
  for (const char* attribute : {" width=\"", " height=\""}) {
    const std::size_t a = svg.find(attribute, root);
    if (a != std::string::npos && a < svg.find('>', root))
      svg.erase(a, svg.find('"', a + std::strlen(attribute)) + 1 - a);
  }
  return prefix_ids(svg, id_prefix);
}

std::vector<MapTransform> page_layout(const MapSpec& spec, const MapPanel* second) {
  return layout(spec, second).page.maps;
}

Classes map_classes(const MapSpec& spec, const MapPanel* second) {
  std::vector<double> all;
  for (const MapPanel* p : panels_of(spec, second))
    all.insert(all.end(), p->values.begin(), p->values.end());
  return classify(all, spec.classes);
}

void render_map(const MapSpec& spec, const std::string& path) { render(spec, nullptr, path); }

void render_map_pair(const MapSpec& spec, const MapPanel& after, const std::string& path) {
  render(spec, &after, path);
}

}  // namespace covsim::geo
