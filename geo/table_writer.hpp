// Tables as covsim writes them, the one place for both text forms: CSV a planner opens in a
// spreadsheet, QGIS or pandas (RFC 4180 quoting and CRLF line ends, UTF-8, '.' as decimal point
// whatever the locale, columns in the order given, NaN as an empty cell; files appear whole or
// not at all), and the same columns as JSON. Both round reals to the column's precision
// (decimals_of in geo/field_column.hpp).
//
//   write_csv("coverage.csv", {FieldColumn::text("code", t.code),
//                              FieldColumn::real("minutes", minutes, "", "min")});
//   nlohmann::json j = table_json("communes", columns);
#pragma once

#include <filesystem>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>

#include "geo/field_column.hpp"

namespace covsim::geo {

struct CsvOptions {
  bool overwrite = false;  // replace an existing file; otherwise OutputError
  // Starts the file with a UTF-8 byte order mark: without it, Excel reads accented commune names
  // as Latin-1. Off by default because some tools keep the mark in the first header.
  bool utf8_bom = false;
};

// Header row of column names, then one row per value. Reals are rounded to decimals_of(column),
// then written in the shortest text that reads back to the rounded double; booleans are
// "true"/"false". Throws InputError on inconsistent columns (see check_columns) before creating
// anything, and OutputError naming the path when it cannot be written or exists without
// options.overwrite.
void write_csv(const std::filesystem::path& path, std::span<const FieldColumn> columns,
               const CsvOptions& options = {});

// The same table on a stream (no checks beyond the columns', no atomicity).
void write_csv(std::ostream& out, std::span<const FieldColumn> columns);

// {"name", "rows", "columns": [{"name", "type" (to_string(FieldKind)), "unit", "description",
// "values": [...]}]}: reals rounded as in CSV, NaN as null, booleans as JSON booleans.
nlohmann::json table_json(std::string_view name, std::span<const FieldColumn> columns);

// One CSV field: quoted when it holds a comma, a quote, CR or LF, or begins or ends with a space
// (spreadsheets trim those), with inner quotes doubled.
std::string csv_field(std::string_view text);

// Decimal text of a double with '.' and no locale: the shortest that reads back exactly; NaN
// gives "" and infinities "inf" / "-inf".
std::string format_real(double value);

}  // namespace covsim::geo
