#include "geo/document_html.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "geo/detail/markup.hpp"
#include "geo/detail/number_format.hpp"

namespace covsim::geo {

namespace {

// Print-friendly and readable on a laptop: one column, tables that fit, maps at full width.
constexpr const char* kStyle = R"(
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#222;background:#fff;margin:0}
main{max-width:1100px;margin:0 auto;padding:24px 32px 48px}
h1{font-size:1.8em;margin:0 0 .2em}
.subtitle{color:#555;font-size:1.1em;margin:0 0 1.2em}
h2{font-size:1.35em;border-bottom:2px solid #c33;padding-bottom:.2em;margin-top:1.6em}
h3{font-size:1.1em;margin-top:1.3em}
p.headline{font-size:1.35em;font-weight:bold;background:#fbeaea;border-left:6px solid #c33;
  padding:.6em .9em}
p.muted{color:#666;font-size:.92em}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}
caption{text-align:left;font-weight:bold;padding:.3em 0}
th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f2f2f2}
td.n,th.n{text-align:right;white-space:nowrap}
td:first-child{min-width:11em}
tr.marked td{background:#fff4d6}
figure{margin:1em 0}
figure svg{width:100%;height:auto;display:block;border:1px solid #ddd}
aside{border:1px solid #bbb;background:#f7f7f7;padding:.5em 1em;margin:1.2em 0}
aside h3{margin:.3em 0}
aside ul{margin:.3em 0;padding-left:1.2em}
footer{color:#777;font-size:.85em;border-top:1px solid #ddd;margin-top:2em;padding-top:.5em}
@media print{main{max-width:none;padding:0}h2{break-after:avoid}figure,tr{break-inside:avoid}}
)";

std::string number(double v) {
  const double a = std::fabs(v);
  return detail::grouped(v, a >= 100 || v == std::floor(v) ? 0 : a >= 10 ? 1 : 2);
}

void write(std::ostream& out, const Heading& h) {
  const char* tag = h.level <= 1 ? "h2" : "h3";
  out << "<" << tag << ">" << html_escape(h.text) << "</" << tag << ">\n";
}

void write(std::ostream& out, const Paragraph& p) {
  out << "<p"
      << (p.emphasis == Emphasis::headline ? " class=\"headline\""
          : p.emphasis == Emphasis::muted  ? " class=\"muted\""
                                           : "")
      << ">" << html_escape(p.text) << "</p>\n";
}

void write(std::ostream& out, const DocTable& t) {
  out << "<table>";
  if (!t.caption.empty()) out << "<caption>" << html_escape(t.caption) << "</caption>";
  out << "<thead><tr>";
  for (const TableColumn& c : t.columns)
    out << "<th" << (c.numeric ? " class=\"n\"" : "") << ">" << html_escape(c.title) << "</th>";
  out << "</tr></thead><tbody>\n";
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const bool marked = r < t.marked.size() && t.marked[r];
    out << (marked ? "<tr class=\"marked\">" : "<tr>");
    for (std::size_t c = 0; c < t.rows[r].size(); ++c)
      out << "<td" << (c < t.columns.size() && t.columns[c].numeric ? " class=\"n\"" : "") << ">"
          << html_escape(t.rows[r][c]) << "</td>";
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
  if (!t.marked_note.empty())
    out << "<p class=\"muted\">" << html_escape(t.marked_note) << "</p>\n";
}

void write(std::ostream& out, const Figure& f, int index) {
  out << "<figure>"
      << map_svg(f.spec, f.after ? &*f.after : nullptr, "m" + std::to_string(index) + "-")
      << "</figure>\n";
}

// The chart drawn by hand: a few rectangles and lines need no library.
void write(std::ostream& out, const RangeChart& c) {
  const ChartAxis axis = chart_axis(c);
  const double label_w = 300, plot_w = 560, row_h = 30, top = 36;
  const double width = label_w + plot_w + 40;
  const double height = top + row_h * static_cast<double>(c.rows.size()) + 44;
  auto x = [&](double v) { return label_w + plot_w * std::clamp(v / axis.max, 0.0, 1.0); };
  out << "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << width << " "
      << height << "\" role=\"img\" font-family=\"DejaVu Sans,Verdana,sans-serif\" "
      << "font-size=\"13\">\n<title>" << html_escape(c.title) << "</title>\n"
      << "<text x=\"8\" y=\"20\" font-weight=\"bold\">" << html_escape(c.title) << "</text>\n";
  const double bottom = top + row_h * static_cast<double>(c.rows.size());
  for (double v = 0; v <= axis.max + axis.step / 2; v += axis.step) {
    out << "<line x1=\"" << x(v) << "\" y1=\"" << top << "\" x2=\"" << x(v) << "\" y2=\"" << bottom
        << "\" stroke=\"#ddd\"/>"
        << "<text x=\"" << x(v) << "\" y=\"" << bottom + 16 << "\" text-anchor=\"middle\" "
        << "fill=\"#555\">" << html_escape(number(v)) << "</text>\n";
  }
  out << "<text x=\"" << label_w + plot_w / 2 << "\" y=\"" << bottom + 34
      << "\" text-anchor=\"middle\" fill=\"#555\">" << html_escape(c.unit) << "</text>\n";
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const RangeRow& r = c.rows[i];
    const double y = top + row_h * static_cast<double>(i), mid = y + row_h / 2;
    out << "<text x=\"8\" y=\"" << mid + 4 << "\">" << html_escape(r.label) << "</text>"
        << "<line x1=\"" << x(r.min) << "\" y1=\"" << mid << "\" x2=\"" << x(r.max) << "\" y2=\""
        << mid << "\" stroke=\"#888\"/>"
        << "<rect x=\"" << x(r.p5) << "\" y=\"" << y + 6 << "\" width=\""
        << std::max(1.5, x(r.p95) - x(r.p5)) << "\" height=\"" << row_h - 12
        << "\" fill=\"#f4a582\" stroke=\"#b2182b\"/>"
        << "<line x1=\"" << x(r.p50) << "\" y1=\"" << y + 4 << "\" x2=\"" << x(r.p50) << "\" y2=\""
        << y + row_h - 4 << "\" stroke=\"#222\" stroke-width=\"2.5\"/>"
        << "<circle cx=\"" << x(r.mean) << "\" cy=\"" << mid << "\" r=\"4\" fill=\"#fff\" "
        << "stroke=\"#222\"/>\n";
  }
  out << "</svg><figcaption class=\"muted\">Bar: 90 % of the draws (P5 to P95); thick tick: "
         "median; circle: mean; thin line: smallest to largest draw.</figcaption></figure>\n";
}

void write(std::ostream& out, const Aside& a) {
  out << "<aside><h3>" << html_escape(a.title) << "</h3><ul>";
  for (const std::string& line : a.lines) out << "<li>" << html_escape(line) << "</li>";
  out << "</ul></aside>\n";
}

}  // namespace

std::string html_escape(std::string_view text) { return detail::escape_markup(text); }

std::string document_html(const Document& d) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      // Nothing may be fetched: no script, no remote font, image or style.
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << html_escape(d.title) << "</title>\n<style>" << kStyle
      << "</style>\n</head>\n<body>\n<main>\n<h1>" << html_escape(d.title) << "</h1>\n";
  if (!d.subtitle.empty()) out << "<p class=\"subtitle\">" << html_escape(d.subtitle) << "</p>\n";
  int figures = 0;
  for (const Block& b : d.blocks) {
    if (const auto* f = std::get_if<Figure>(&b))
      write(out, *f, ++figures);
    else
      std::visit(
          [&](const auto& block) {
            if constexpr (!std::is_same_v<std::decay_t<decltype(block)>, Figure>) write(out, block);
          },
          b);
  }
  if (!d.footer.empty()) out << "<footer>" << html_escape(d.footer) << "</footer>\n";
  out << "</main>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace covsim::geo
