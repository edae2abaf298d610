// One named attribute column (integer, real, text or boolean) with a description and a unit: the
// common currency of every table and layer covsim writes, so that a per-commune result becomes
// a CSV, a GeoPackage layer or a Shapefile with one conversion.
//
//   std::vector<FieldColumn> cols{FieldColumn::text("code", t.code),
//                                 FieldColumn::real("minutes", m, "Minutes to the nearest site",
//                                 "min")};
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace covsim::geo {

// The order matches the alternatives of FieldColumn::Values.
enum class FieldKind { integer, real, text, boolean };

std::string_view to_string(FieldKind kind);

struct FieldColumn {
  using Values = std::variant<std::vector<std::int64_t>, std::vector<double>,
                              std::vector<std::string>, std::vector<bool>>;

  std::string name;  // as written: CSV header, GeoPackage/GeoJSON field (Shapefile may shorten it)
  // Real values: NaN means "no value" (an empty CSV cell, a NULL field). Text must be UTF-8.
  Values values;
  std::string description;  // for people: "Minutes to the nearest advisor"
  std::string unit;         // "min", "inhabitants", "km²"; empty when none

  FieldKind kind() const { return static_cast<FieldKind>(values.index()); }
  std::size_t size() const;

  static FieldColumn integer(std::string name, std::vector<std::int64_t> values,
                             std::string description = {}, std::string unit = {});
  static FieldColumn real(std::string name, std::vector<double> values,
                          std::string description = {}, std::string unit = {});
  static FieldColumn text(std::string name, std::vector<std::string> values,
                          std::string description = {}, std::string unit = {});
  static FieldColumn boolean(std::string name, std::vector<bool> values,
                             std::string description = {}, std::string unit = {});
};

// Checks what every writer relies on: `rows` values per column, names non-empty and distinct
// without regard to case (SQLite, DBF and most spreadsheets ignore it), text valid UTF-8.
// Throws InputError(file, "<where>column <name>[, row r]", problem).
void check_columns(std::span<const FieldColumn> columns, std::size_t rows, const std::string& file,
                   const std::string& where = {});

}  // namespace covsim::geo
