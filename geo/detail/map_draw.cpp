#include "geo/detail/map_draw.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "geo/detail/number_format.hpp"

namespace covsim::geo::detail {

namespace {
constexpr Rgb kInk{0.15, 0.15, 0.15};
constexpr Rgb kWhite{1, 1, 1};

void regular_polygon(cairo_t* cr, Point c, double radius, int sides, double rotation) {
  for (int i = 0; i < sides; ++i) {
    const double a = rotation + 2 * std::numbers::pi * i / sides;
    const double x = c.x + radius * std::cos(a), y = c.y + radius * std::sin(a);
    i == 0 ? cairo_move_to(cr, x, y) : cairo_line_to(cr, x, y);
  }
  cairo_close_path(cr);
}
}  // namespace

void set_color(cairo_t* cr, Rgb c, double alpha) {
  if (alpha >= 1)
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
  else
    cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

void append_polygon(cairo_t* cr, const MultiPolygon& m, const MapTransform& t) {
  // Vertices closer than a third of a pixel to the last one kept change nothing visible but
  // cost time and bytes: a map of France's 35,000 communes holds millions of them.
  constexpr double kMinStep = 1.0 / 3;
  for (std::size_t r = 0; r < m.ring_count(); ++r) {
    const auto ring = m.ring(r);
    if (ring.empty()) continue;
    Point last = t.to_page(ring.front());
    cairo_move_to(cr, last.x, last.y);
    for (std::size_t i = 1; i < ring.size(); ++i) {
      const Point p = t.to_page(ring[i]);
      if (i + 1 < ring.size() && std::abs(p.x - last.x) + std::abs(p.y - last.y) < kMinStep)
        continue;
      cairo_line_to(cr, p.x, p.y);
      last = p;
    }
    cairo_close_path(cr);
  }
}

void fill_hatched(cairo_t* cr, double spacing) {
  cairo_save(cr);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  set_color(cr, {0.9, 0.9, 0.9});
  cairo_fill_preserve(cr);
  cairo_clip(cr);
  double x0, y0, x1, y1;
  cairo_clip_extents(cr, &x0, &y0, &x1, &y1);
  const double h = y1 - y0;
  // Lines anchored to the page grid, so hatching lines up across neighbouring polygons.
  const double start = std::floor((x0 - h) / spacing) * spacing;
  for (double x = start; x <= x1; x += spacing) {
    cairo_move_to(cr, x, y1);
    cairo_line_to(cr, x + h, y0);
  }
  set_color(cr, {0.55, 0.55, 0.55});
  cairo_set_line_width(cr, std::max(0.6, spacing / 6));
  cairo_stroke(cr);
  cairo_restore(cr);
}

void draw_symbol(cairo_t* cr, Symbol kind, Point c, double size, Rgb fill) {
  const double r = size / 2;
  const double up = -std::numbers::pi / 2;
  switch (kind) {
    case Symbol::circle:
      cairo_new_sub_path(cr);
      cairo_arc(cr, c.x, c.y, r, 0, 2 * std::numbers::pi);
      break;
    case Symbol::square:
      regular_polygon(cr, c, r, 4, std::numbers::pi / 4);
      break;
    case Symbol::triangle:
      regular_polygon(cr, {c.x, c.y + r * 0.15}, r * 1.1, 3, up);
      break;
    case Symbol::diamond:
      regular_polygon(cr, c, r, 4, 0);
      break;
    case Symbol::star:
      for (int i = 0; i < 10; ++i) {
        const double a = up + std::numbers::pi * i / 5, rr = i % 2 ? r * 0.45 : r * 1.1;
        const double x = c.x + rr * std::cos(a), y = c.y + rr * std::sin(a);
        i == 0 ? cairo_move_to(cr, x, y) : cairo_line_to(cr, x, y);
      }
      cairo_close_path(cr);
      break;
  }
  set_color(cr, fill);
  cairo_fill_preserve(cr);
  set_color(cr, kWhite);
  cairo_set_line_width(cr, std::max(1.0, size / 9));
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke(cr);
}

void set_font(cairo_t* cr, double size, bool bold) {
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

double text_width(cairo_t* cr, const std::string& text) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, text.c_str(), &e);
  return e.x_advance;
}

void draw_text(cairo_t* cr, Point at, const std::string& text, Rgb color, bool halo) {
  cairo_move_to(cr, at.x, at.y);
  if (halo) {
    cairo_text_path(cr, text.c_str());
    set_color(cr, kWhite, 0.9);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    cairo_set_line_width(cr, std::max(2.0, fe.ascent / 4));
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    cairo_move_to(cr, at.x, at.y);
  }
  set_color(cr, color);
  cairo_show_text(cr, text.c_str());
  cairo_new_path(cr);
}

std::vector<std::string> wrap_text(cairo_t* cr, const std::string& text, double width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t j = std::min(text.find(' ', i), text.size());
    const std::string word = text.substr(i, j - i);
    const std::string candidate = line.empty() ? word : line + " " + word;
    if (!line.empty() && text_width(cr, candidate) > width) {
      lines.push_back(line);
      line = word;
    } else {
      line = candidate;
    }
    i = j + 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

double nice_length(double limit) {
  const double decade = std::pow(10.0, std::floor(std::log10(limit)));
  for (double m : {5.0, 2.0, 1.0})
    if (m * decade <= limit) return m * decade;
  return decade;
}

void draw_scale_bar(cairo_t* cr, const MapTransform& t, Point at, double max_px, double font) {
  const double metres = nice_length(max_px / t.scale);
  const double length = metres * t.scale, h = font * 0.45;
  const bool km = metres >= 1000;
  auto label = [&](double m) {
    const double v = km ? m / 1000 : m;
    return grouped(v, v == std::floor(v) ? 0 : 1);
  };
  // Halves in alternating black and white, the usual cartographic bar.
  set_color(cr, kInk);
  cairo_rectangle(cr, at.x, at.y - h, length / 2, h);
  cairo_fill(cr);
  set_color(cr, kWhite);
  cairo_rectangle(cr, at.x + length / 2, at.y - h, length / 2, h);
  cairo_fill(cr);
  set_color(cr, kInk);
  cairo_set_line_width(cr, 1);
  cairo_rectangle(cr, at.x, at.y - h, length, h);
  cairo_stroke(cr);
  set_font(cr, font * 0.75);
  const double y = at.y - h - font * 0.35;
  draw_text(cr, {at.x - text_width(cr, "0") / 2, y}, "0", kInk, true);
  const std::string mid = label(metres / 2);
  draw_text(cr, {at.x + length / 2 - text_width(cr, mid) / 2, y}, mid, kInk, true);
  const std::string end = label(metres) + (km ? " km" : " m");
  draw_text(cr, {at.x + length - text_width(cr, label(metres)) / 2, y}, end, kInk, true);
}

void draw_north_arrow(cairo_t* cr, Point tip, double height, double font) {
  const double w = height * 0.32;
  const Point base{tip.x, tip.y + height};
  const Point notch{tip.x, tip.y + height * 0.72};
  // Left half dark, right half light: the classic two-tone arrow, legible at any size.
  cairo_move_to(cr, tip.x, tip.y);
  cairo_line_to(cr, base.x - w, base.y);
  cairo_line_to(cr, notch.x, notch.y);
  cairo_close_path(cr);
  set_color(cr, kInk);
  cairo_fill(cr);
  cairo_move_to(cr, tip.x, tip.y);
  cairo_line_to(cr, base.x + w, base.y);
  cairo_line_to(cr, notch.x, notch.y);
  cairo_close_path(cr);
  set_color(cr, kWhite);
  cairo_fill_preserve(cr);
  set_color(cr, kInk);
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);
  set_font(cr, font, true);
  draw_text(cr, {tip.x - text_width(cr, "N") / 2, base.y + font * 1.05}, "N", kInk, true);
}

}  // namespace covsim::geo::detail
