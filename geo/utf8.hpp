// UTF-8 validation of text read from planners' files. Every text covsim writes (GeoPackage,
// GeoJSON, CSV, JSON, Markdown) is UTF-8, so a Latin-1 name must be refused where it is read,
// naming that file and line, not found later by a writer naming an output.
//
//   if (auto bad = invalid_utf8(text)) throw InputError(file, bad->where(), bad->problem());
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace covsim::geo {

// The first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
struct Utf8Error {
  std::size_t offset = 0;  // bytes from the start
  std::size_t line = 1;    // 1-based
  std::size_t column = 1;  // 1-based, in characters of the line before the bad byte
  unsigned char byte = 0;

  std::string where() const;    // "line 3, column 7"
  std::string problem() const;  // "not UTF-8 text (byte 0xE9): ..."
};

std::optional<Utf8Error> invalid_utf8(std::string_view text);

}  // namespace covsim::geo
