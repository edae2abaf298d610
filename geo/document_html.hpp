// A Document (geo/document.hpp) as one self-contained HTML page: inline CSS, maps and charts as
// inline SVG, no script, and nothing fetched (a Content-Security-Policy forbids any load), so the
// file opens by double-click, offline, and can be mailed as it is. Every text is escaped.
//
//   geo::write_text_file("report.html", document_html(doc), false);
#pragma once

#include <string>
#include <string_view>

#include "geo/document.hpp"

namespace covsim::geo {

std::string document_html(const Document& document);

// `text` with &, <, >, " and ' as character references.
std::string html_escape(std::string_view text);

}  // namespace covsim::geo
