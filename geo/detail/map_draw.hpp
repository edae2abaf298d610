// Cairo drawing primitives for geo/map_render: RAII handles, polygon paths, hatching, point
// symbols, text with a halo, scale bar and north arrow. Internal to geo/.
//
//   SurfacePtr s(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 800, 600));
//   ContextPtr cr(cairo_create(s.get()));  draw_symbol(cr.get(), Symbol::star, {40, 40}, 14, {});
#pragma once

#include <cairo.h>

#include <memory>
#include <string>
#include <vector>

#include "geo/geometry.hpp"
#include "geo/map_render.hpp"

namespace covsim::geo::detail {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;

struct ContextDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

void set_color(cairo_t* cr, Rgb c, double alpha = 1);

// Appends every ring of `m`; fill it with CAIRO_FILL_RULE_EVEN_ODD so that holes stay holes.
void append_polygon(cairo_t* cr, const MultiPolygon& m, const MapTransform& t);

// Fills the current path with light grey and diagonal hatching: "no data", readable in grey
// print and distinct from every ramp colour. Clears the path.
void fill_hatched(cairo_t* cr, double spacing);

// `size` is the diameter of the symbol's circumscribed circle. White rim so that symbols stand
// out on dark classes.
void draw_symbol(cairo_t* cr, Symbol kind, Point centre, double size, Rgb fill);

void set_font(cairo_t* cr, double size, bool bold = false);
double text_width(cairo_t* cr, const std::string& text);
// Draws `text` with its baseline starting at `at`; with a halo, a white outline keeps it
// readable over any colour.
void draw_text(cairo_t* cr, Point at, const std::string& text, Rgb color, bool halo = false);
// Greedy word wrap to `width` at the current font.
std::vector<std::string> wrap_text(cairo_t* cr, const std::string& text, double width);

// The largest 1, 2 or 5 × 10^k not above `limit` (> 0): a scale bar length people read at once.
double nice_length(double limit);

// Scale bar with its lower-left corner at `at`, at most `max_px` long, labelled in km (or m).
void draw_scale_bar(cairo_t* cr, const MapTransform& t, Point at, double max_px, double font);

// North arrow whose tip is at `tip`. Lambert-93 grid north is within a few degrees of true
// north over mainland France, close enough for an arrow.
void draw_north_arrow(cairo_t* cr, Point tip, double height, double font);

// The whole map page of `spec` (a pair with `second`), on a spec.width_px × spec.height_px
// area at the context's origin: how a report embeds a map as vectors in its own pages.
void draw_map(cairo_t* cr, const MapSpec& spec, const MapPanel* second);

}  // namespace covsim::geo::detail
