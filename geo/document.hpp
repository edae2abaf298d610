// A printable report as a list of blocks (headings, paragraphs, tables, maps, range charts,
// boxed notes) that knows nothing of what it reports: one value, written as a self-contained
// HTML page (geo/document_html.hpp) and as A4 PDF pages (geo/document_pdf.hpp), so both always
// carry the same content. Text is plain UTF-8; writers escape it.
//
//   Document d{.title = "Coverage", .subtitle = "Nièvre (58)"};
//   d.blocks.push_back(Paragraph{"3 200 people lose access within 20 min.", Emphasis::headline});
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "geo/map_render.hpp"

namespace covsim::geo {

struct Heading {
  std::string text;
  int level = 1;  // 1: section, 2: subsection
};

enum class Emphasis { normal, headline, muted };

struct Paragraph {
  std::string text;
  Emphasis emphasis = Emphasis::normal;
};

struct TableColumn {
  std::string title;
  bool numeric = false;  // right-aligned
};

struct DocTable {
  std::string caption;  // may be empty
  std::vector<TableColumn> columns;
  std::vector<std::vector<std::string>> rows;  // each as many cells as columns
  std::vector<bool> marked;  // per row, empty or one per row: drawn shaded (e.g. a partial EPCI)
  std::string marked_note;   // what the shading means, printed under the table
};

// A map, or a before/after pair, drawn by geo/map_render. The spec's polygons must outlive the
// document.
struct Figure {
  MapSpec spec;
  std::optional<MapPanel> after;
};

// One horizontal bar per row from P5 to P95, a tick at P50, a dot at the mean, whiskers to
// min and max: a distribution of draws that reads without statistics.
struct RangeRow {
  std::string label;
  double min = 0, p5 = 0, p50 = 0, p95 = 0, max = 0, mean = 0;
};
struct RangeChart {
  std::string title;
  std::string unit;  // of the axis ("inhabitants")
  std::vector<RangeRow> rows;
};

// The value axis both writers draw: 0 to `max` by `step`, a 1, 2 or 5 × 10^k step giving 4 to
// 10 ticks over the largest value of any row.
struct ChartAxis {
  double max = 1;
  double step = 1;
};
ChartAxis chart_axis(const RangeChart& chart);

// A framed note (methods, assumptions): a title and short lines.
struct Aside {
  std::string title;
  std::vector<std::string> lines;
};

using Block = std::variant<Heading, Paragraph, DocTable, Figure, RangeChart, Aside>;

struct Document {
  std::string title;
  std::string subtitle;
  std::vector<Block> blocks;
  std::string footer;  // credits on every page
};

}  // namespace covsim::geo
