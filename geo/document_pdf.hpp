// A Document (geo/document.hpp) as A4 portrait PDF pages drawn with Cairo: the title on the
// first page, headings kept with what follows, tables split across pages with their header
// repeated, maps as vectors scaled to the text width, the footer and page number on every page.
// The file is written atomically.
//
//   write_document_pdf(doc, "out/report.pdf", /*overwrite=*/false);
#pragma once

#include <filesystem>

#include "geo/document.hpp"

namespace covsim::geo {

// Throws OutputError when the file cannot be written (or exists without overwrite), InputError
// on a map the renderer refuses.
void write_document_pdf(const Document& document, const std::filesystem::path& path,
                        bool overwrite);

}  // namespace covsim::geo
