// Small text inputs (a scenario, a posts table, the COG's JSON, a saved result) read whole, but
// never without bounds: only regular files (a device such as /dev/zero, a pipe or a directory
// is refused before a byte is read), at most `max_bytes`, and UTF-8, so a runaway file or a
// Latin-1 export is refused with a message naming the file, line and column.
//
//   std::string yaml = read_text_input("scenario.yaml", "scenario file", kScenarioMaxBytes);
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace covsim::geo {

// Bounds of the text inputs, documented in README.md: far above any real file, far below what
// would exhaust memory.
inline constexpr std::uintmax_t kScenarioMaxBytes = 4u << 20;  // hundreds of inline posts
inline constexpr std::uintmax_t kTableMaxBytes = 64u << 20;    // posts of a whole country
inline constexpr std::uintmax_t kDataMaxBytes = 512u << 20;    // COG, result.json of France

// Throws InputError naming `path` and the `what` ("scenario file") when the file cannot be
// opened, is not a regular file, is larger than `max_bytes`, or (with `utf8`) is not UTF-8
// (where: "line L, column C"). `utf8` false leaves the check to a caller that names positions
// its own way (YAML's file:line:column).
std::string read_text_input(const std::filesystem::path& path, const std::string& what,
                            std::uintmax_t max_bytes, bool utf8 = true);

}  // namespace covsim::geo
