// Whole text files (summaries, JSON results) written all-or-nothing like every other covsim
// output: a temporary file beside the target, renamed into place once complete.
//
//   write_text_file("out/summary.md", markdown, /*overwrite=*/false);
#pragma once

#include <filesystem>
#include <string_view>

namespace covsim::geo {

// Throws OutputError naming the path when it exists without `overwrite` or cannot be written.
void write_text_file(const std::filesystem::path& path, std::string_view text, bool overwrite);

}  // namespace covsim::geo
