#include "geo/document_pdf.hpp"

#include <cairo-pdf.h>

#include <algorithm>
#include <cmath>

#include "geo/detail/atomic_file.hpp"
#include "geo/detail/map_draw.hpp"
#include "geo/detail/number_format.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

namespace {

using detail::ContextPtr;
using detail::SurfacePtr;

// A4 in points, with margins wide enough for a binder.
constexpr double kPageW = 595.28, kPageH = 841.89, kMargin = 48;
constexpr double kTextW = kPageW - 2 * kMargin;
constexpr double kBottom = kPageH - kMargin - 18;  // the footer line sits below
constexpr double kBody = 9.5;
constexpr Rgb kInk{0.13, 0.13, 0.13};
constexpr Rgb kMutedInk{0.4, 0.4, 0.4};
constexpr Rgb kAccent{0.8, 0.2, 0.2};

class Writer {
 public:
  Writer(cairo_t* cr, const Document& d) : cr_(cr), doc_(d) {}

  void run() {
    y_ = kMargin;
    detail::set_font(cr_, 20, true);
    lines(doc_.title, 20, true, kInk, kTextW, 1.25);
    if (!doc_.subtitle.empty()) lines(doc_.subtitle, 12, false, kMutedInk, kTextW, 1.3);
    y_ += 6;
    for (std::size_t i = 0; i < doc_.blocks.size(); ++i) {
      // A heading is kept with the start of what follows it.
      if (std::holds_alternative<Heading>(doc_.blocks[i])) ensure(70);
      std::visit([&](const auto& b) { block(b); }, doc_.blocks[i]);
    }
    footer();
  }

 private:
  cairo_t* cr_;
  const Document& doc_;
  double y_ = 0;
  int page_ = 1;

  void footer() {
    detail::set_font(cr_, 7.5);
    const std::string n = std::to_string(page_);
    detail::draw_text(cr_, {kMargin, kPageH - kMargin + 6}, doc_.footer, kMutedInk);
    detail::draw_text(cr_, {kPageW - kMargin - detail::text_width(cr_, n), kPageH - kMargin + 6}, n,
                      kMutedInk);
  }

  void new_page() {
    footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
  }

  void ensure(double height) {
    if (y_ + height > kBottom && y_ > kMargin + 1) new_page();
  }

  // Wrapped text from the left margin (plus `indent`), advancing y_.
  void lines(const std::string& text, double size, bool bold, Rgb color, double width,
             double leading, double indent = 0) {
    detail::set_font(cr_, size, bold);
    for (const std::string& l : detail::wrap_text(cr_, text, width)) {
      ensure(size * leading);
      y_ += size * leading;
      detail::set_font(cr_, size, bold);
      detail::draw_text(cr_, {kMargin + indent, y_ - size * 0.25}, l, color);
    }
  }

  void block(const Heading& h) {
    const double size = h.level <= 1 ? 14 : 11.5;
    y_ += h.level <= 1 ? 10 : 6;
    lines(h.text, size, true, kInk, kTextW, 1.3);
    if (h.level <= 1) {
      detail::set_color(cr_, kAccent);
      cairo_set_line_width(cr_, 1.5);
      cairo_move_to(cr_, kMargin, y_ + 2);
      cairo_line_to(cr_, kPageW - kMargin, y_ + 2);
      cairo_stroke(cr_);
      y_ += 6;
    }
  }

  void block(const Paragraph& p) {
    y_ += 4;
    if (p.emphasis == Emphasis::headline) {
      detail::set_font(cr_, 13, true);
      const auto ls = detail::wrap_text(cr_, p.text, kTextW - 20);
      const double h = static_cast<double>(ls.size()) * 13 * 1.3 + 12;
      ensure(h);
      cairo_rectangle(cr_, kMargin, y_, kTextW, h);
      detail::set_color(cr_, {0.98, 0.92, 0.92});
      cairo_fill(cr_);
      cairo_rectangle(cr_, kMargin, y_, 4, h);
      detail::set_color(cr_, kAccent);
      cairo_fill(cr_);
      y_ += 6;
      lines(p.text, 13, true, kInk, kTextW - 20, 1.3, 12);
      y_ += 6;
      return;
    }
    const bool muted = p.emphasis == Emphasis::muted;
    lines(p.text, muted ? kBody - 1 : kBody, false, muted ? kMutedInk : kInk, kTextW, 1.35);
  }

  // Widest word of `text` at the current font: a column narrower than it would cut a word.
  double widest_word(const std::string& text) {
    double widest = 0;
    for (std::size_t i = 0; i <= text.size();) {
      const std::size_t j = std::min(text.find(' ', i), text.size());
      widest = std::max(widest, detail::text_width(cr_, text.substr(i, j - i)));
      i = j + 1;
    }
    return widest;
  }

  // Each column gets at least its widest word, then a share of the rest of the line in
  // proportion to what its widest cell (capped) would take, so names get the room and no
  // header or figure is cut.
  std::vector<double> widths(const DocTable& t, double size) {
    const std::size_t n = t.columns.size();
    std::vector<double> least(n, 0), natural(n, 0);
    for (std::size_t c = 0; c < n; ++c) {
      detail::set_font(cr_, size, true);
      least[c] = widest_word(t.columns[c].title);
      natural[c] = std::min(detail::text_width(cr_, t.columns[c].title), 90.0);
      detail::set_font(cr_, size);
      for (const auto& row : t.rows) {
        if (c >= row.size()) continue;
        least[c] = std::max(
            least[c], t.columns[c].numeric ? detail::text_width(cr_, row[c]) : widest_word(row[c]));
        natural[c] = std::max(natural[c], std::min(detail::text_width(cr_, row[c]), 200.0));
      }
      least[c] += 8;
      natural[c] = std::max(natural[c] + 8, least[c]);
    }
    double sum_least = 0, sum_natural = 0;
    for (std::size_t c = 0; c < n; ++c) sum_least += least[c], sum_natural += natural[c];
    std::vector<double> w(n);
    if (sum_least >= kTextW) {  // too many columns for the page: shrink them all alike
      for (std::size_t c = 0; c < n; ++c) w[c] = least[c] * kTextW / sum_least;
      return w;
    }
    const double share =
        sum_natural > sum_least ? (kTextW - sum_least) / (sum_natural - sum_least) : 0;
    for (std::size_t c = 0; c < n; ++c) w[c] = least[c] + (natural[c] - least[c]) * share;
    // Whatever is left (every column at its natural width) goes to them in proportion.
    double used = 0;
    for (double v : w) used += v;
    for (double& v : w) v *= kTextW / used;
    return w;
  }

  // One row of wrapped cells at y_; returns its height. Draws nothing when `draw` is false.
  double row(const DocTable& t, const std::vector<std::string>& cells, const std::vector<double>& w,
             double size, bool bold, bool draw, bool shaded) {
    std::vector<std::vector<std::string>> wrapped;
    std::size_t most = 1;
    detail::set_font(cr_, size, bold);
    for (std::size_t c = 0; c < w.size(); ++c) {
      wrapped.push_back(detail::wrap_text(cr_, c < cells.size() ? cells[c] : "", w[c] - 6));
      most = std::max(most, wrapped.back().size());
    }
    const double h = static_cast<double>(most) * size * 1.3 + 4;
    if (!draw) return h;
    if (shaded || bold) {
      cairo_rectangle(cr_, kMargin, y_, kTextW, h);
      detail::set_color(cr_, bold ? Rgb{0.93, 0.93, 0.93} : Rgb{1.0, 0.96, 0.84});
      cairo_fill(cr_);
    }
    double x = kMargin;
    for (std::size_t c = 0; c < w.size(); ++c) {
      double ly = y_ + 2;
      for (const std::string& l : wrapped[c]) {
        ly += size * 1.3;
        const bool right = t.columns[c].numeric;
        const double tx = right ? x + w[c] - 3 - detail::text_width(cr_, l) : x + 3;
        detail::draw_text(cr_, {tx, ly - size * 0.3}, l, kInk);
      }
      x += w[c];
    }
    detail::set_color(cr_, {0.8, 0.8, 0.8});
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kMargin, y_ + h);
    cairo_line_to(cr_, kPageW - kMargin, y_ + h);
    cairo_stroke(cr_);
    return h;
  }

  void block(const DocTable& t) {
    const double size = t.columns.size() > 6 ? 7.5 : 8.5;
    const auto w = widths(t, size);
    std::vector<std::string> header;
    for (const TableColumn& c : t.columns) header.push_back(c.title);
    y_ += 4;
    if (!t.caption.empty()) {
      ensure(40);
      lines(t.caption, kBody, true, kInk, kTextW, 1.35);
    }
    const double header_h = row(t, header, w, size, true, false, false);
    ensure(header_h + 20);
    y_ += row(t, header, w, size, true, true, false);
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      const bool marked = r < t.marked.size() && t.marked[r];
      const double h = row(t, t.rows[r], w, size, false, false, marked);
      if (y_ + h > kBottom) {
        new_page();
        y_ += row(t, header, w, size, true, true, false);
      }
      y_ += row(t, t.rows[r], w, size, false, true, marked);
    }
    if (!t.marked_note.empty()) lines(t.marked_note, kBody - 1, false, kMutedInk, kTextW, 1.35);
  }

  void block(const Figure& f) {
    const double scale = kTextW / f.spec.width_px;
    const double h = f.spec.height_px * scale;
    y_ += 6;
    ensure(h);
    cairo_save(cr_);
    cairo_translate(cr_, kMargin, y_);
    cairo_scale(cr_, scale, scale);
    cairo_rectangle(cr_, 0, 0, f.spec.width_px, f.spec.height_px);
    cairo_clip(cr_);
    detail::draw_map(cr_, f.spec, f.after ? &*f.after : nullptr);
    cairo_restore(cr_);
    detail::set_color(cr_, {0.8, 0.8, 0.8});
    cairo_set_line_width(cr_, 0.5);
    cairo_rectangle(cr_, kMargin, y_, kTextW, h);
    cairo_stroke(cr_);
    y_ += h + 6;
  }

  void block(const RangeChart& c) {
    const ChartAxis axis = chart_axis(c);
    const double row_h = 18, label_w = 170, plot_w = kTextW - label_w - 16;
    const double h = 20 + row_h * static_cast<double>(c.rows.size()) + 34;
    y_ += 6;
    ensure(h);
    lines(c.title, kBody, true, kInk, kTextW, 1.35);
    const double top = y_ + 4, bottom = top + row_h * static_cast<double>(c.rows.size());
    auto x = [&](double v) {
      return kMargin + label_w + plot_w * std::clamp(v / axis.max, 0.0, 1.0);
    };
    detail::set_font(cr_, 7.5);
    for (double v = 0; v <= axis.max + axis.step / 2; v += axis.step) {
      detail::set_color(cr_, {0.87, 0.87, 0.87});
      cairo_set_line_width(cr_, 0.5);
      cairo_move_to(cr_, x(v), top);
      cairo_line_to(cr_, x(v), bottom);
      cairo_stroke(cr_);
      const std::string s = detail::grouped(v, v == std::floor(v) ? 0 : 2);
      detail::draw_text(cr_, {x(v) - detail::text_width(cr_, s) / 2, bottom + 10}, s, kMutedInk);
    }
    detail::draw_text(cr_, {x(axis.max / 2) - detail::text_width(cr_, c.unit) / 2, bottom + 21},
                      c.unit, kMutedInk);
    for (std::size_t i = 0; i < c.rows.size(); ++i) {
      const RangeRow& r = c.rows[i];
      const double y = top + row_h * static_cast<double>(i), mid = y + row_h / 2;
      detail::set_font(cr_, 8);
      detail::draw_text(cr_, {kMargin, mid + 3}, r.label, kInk);
      detail::set_color(cr_, {0.5, 0.5, 0.5});
      cairo_set_line_width(cr_, 0.7);
      cairo_move_to(cr_, x(r.min), mid);
      cairo_line_to(cr_, x(r.max), mid);
      cairo_stroke(cr_);
      cairo_rectangle(cr_, x(r.p5), y + 4, std::max(1.0, x(r.p95) - x(r.p5)), row_h - 8);
      detail::set_color(cr_, {0.96, 0.65, 0.51});
      cairo_fill_preserve(cr_);
      detail::set_color(cr_, {0.7, 0.09, 0.17});
      cairo_stroke(cr_);
      detail::set_color(cr_, kInk);
      cairo_set_line_width(cr_, 1.8);
      cairo_move_to(cr_, x(r.p50), y + 2);
      cairo_line_to(cr_, x(r.p50), y + row_h - 2);
      cairo_stroke(cr_);
      cairo_arc(cr_, x(r.mean), mid, 2.6, 0, 2 * M_PI);
      detail::set_color(cr_, {1, 1, 1});
      cairo_fill_preserve(cr_);
      detail::set_color(cr_, kInk);
      cairo_set_line_width(cr_, 0.8);
      cairo_stroke(cr_);
    }
    y_ = bottom + 26;
    lines(
        "Bar: 90 % of the draws (P5 to P95); thick tick: median; circle: mean; thin line: "
        "smallest to largest draw.",
        kBody - 1.5, false, kMutedInk, kTextW, 1.35);
  }

  void block(const Aside& a) {
    detail::set_font(cr_, kBody);
    double h = 12 + 11 * 1.35 + 8;
    for (const std::string& l : a.lines)
      h += static_cast<double>(detail::wrap_text(cr_, "• " + l, kTextW - 20).size()) * kBody * 1.35;
    y_ += 8;
    ensure(h);
    cairo_rectangle(cr_, kMargin, y_, kTextW, h);
    detail::set_color(cr_, {0.97, 0.97, 0.97});
    cairo_fill_preserve(cr_);
    detail::set_color(cr_, {0.73, 0.73, 0.73});
    cairo_set_line_width(cr_, 0.7);
    cairo_stroke(cr_);
    y_ += 6;
    lines(a.title, 11, true, kInk, kTextW - 20, 1.35, 10);
    for (const std::string& l : a.lines) lines("• " + l, kBody, false, kInk, kTextW - 20, 1.35, 10);
    y_ += 8;
  }
};

}  // namespace

void write_document_pdf(const Document& document, const std::filesystem::path& path,
                        bool overwrite) {
  detail::AtomicFile file(path, overwrite);
  const std::string temp = file.temp_path().string();
  {
    SurfacePtr surface(cairo_pdf_surface_create(temp.c_str(), kPageW, kPageH));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
      throw OutputError(path.string() + ": cannot create the PDF: " +
                        cairo_status_to_string(cairo_surface_status(surface.get())));
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, document.title.c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "covsim");
    // No creation date: the same scenario gives the same bytes, so reruns and merged sweep
    // shards compare equal (cairo leaves the date out when it is not an ISO 8601 date).
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, "");
    {
      ContextPtr cr(cairo_create(surface.get()));
      Writer(cr.get(), document).run();
      if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
        throw OutputError(path.string() +
                          ": drawing failed: " + cairo_status_to_string(cairo_status(cr.get())));
    }
    cairo_surface_finish(surface.get());
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
      throw OutputError(path.string() + ": cannot write: " +
                        cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  file.commit();
}

}  // namespace covsim::geo
