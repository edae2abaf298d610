// report.html and report.pdf: what a run found, for an elected council, in one file to open by
// double-click or print. Built once as a geo::Document (a pure function of the run's computed
// figures), then written as a self-contained HTML page and as A4 PDF pages, so both say the
// same. Contents: the territory named by its departments and EPCIs; a headline (people losing
// access within the renewal's threshold, communes losing their permanence); the maps; the posts
// that go and why; every commune losing reach or its permanence, largest first; a table per
// EPCI with EPCIs cut by the territory's edge flagged; the sweep's distributions as a chart; a
// methods box.
//
//   geo::Document d = report_document(outputs, run_maps(outputs));
//   write_report_html(outputs, maps, "report.html");  write_report_pdf(outputs, maps,
//   "report.pdf");
#pragma once

#include <filesystem>
#include <vector>

#include "app/run_maps.hpp"
#include "app/run_output.hpp"
#include "geo/document.hpp"

namespace covsim::app {

// The report's content. The document's maps refer to `maps`' polygons (the territory's).
geo::Document report_document(const RunOutputs& outputs, const RunMaps& maps);

// The report as one self-contained HTML page, and as A4 PDF pages.
void write_report_html(const RunOutputs& outputs, const RunMaps& maps,
                       const std::filesystem::path& path);
void write_report_pdf(const RunOutputs& outputs, const RunMaps& maps,
                      const std::filesystem::path& path);

}  // namespace covsim::app
