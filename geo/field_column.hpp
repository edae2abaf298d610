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

// Decimals a table keeps of a real column (CSV and JSON, geo/table_writer.hpp): by default the
// meaningful precision of its unit (decimals_of), so a planner reads 12.5 min, not
// 12.499999999999998. kExact keeps the shortest text that reads back to the same double, for
// files another program reads back (an OD matrix).
inline constexpr int kDecimalsOfUnit = -1;
inline constexpr int kExact = -2;

struct FieldColumn {
  using Values = std::variant<std::vector<std::int64_t>, std::vector<double>,
                              std::vector<std::string>, std::vector<bool>>;

  std::string name;  // as written: CSV header, GeoPackage/GeoJSON field (Shapefile may shorten it)
  // Real values: NaN means "no value" (an empty CSV cell, a NULL field). Text must be UTF-8.
  Values values;
  std::string description;         // for people: "Minutes to the nearest advisor"
  std::string unit;                // "min", "inhabitants", "km²"; empty when none
  int decimals = kDecimalsOfUnit;  // of a real column: >= 0, kDecimalsOfUnit or kExact

  FieldKind kind() const { return static_cast<FieldKind>(values.index()); }
  std::size_t size() const;
  // The values of one kind; std::bad_variant_access for another.
  const std::vector<std::int64_t>& integers() const { return std::get<0>(values); }
  const std::vector<double>& reals() const { return std::get<1>(values); }
  const std::vector<std::string>& texts() const { return std::get<2>(values); }
  const std::vector<bool>& booleans() const { return std::get<3>(values); }

  static FieldColumn integer(std::string name, std::vector<std::int64_t> values,
                             std::string description = {}, std::string unit = {});
  static FieldColumn real(std::string name, std::vector<double> values,
                          std::string description = {}, std::string unit = {});
  static FieldColumn text(std::string name, std::vector<std::string> values,
                          std::string description = {}, std::string unit = {});
  static FieldColumn boolean(std::string name, std::vector<bool> values,
                             std::string description = {}, std::string unit = {});
};

// The decimals CSV and JSON keep of a real column: `decimals` when set (-1 for kExact), else by
// unit: minutes 1; hours (h/week, h/month, access in h/week per 10,000 inhabitants), days,
// weeks, sessions and km² 2; inhabitants 0 (whole people); any other unit or none (shares,
// probabilities, ratios, Gini) 3.
int decimals_of(const FieldColumn& column);

// `value` rounded to `decimals` (-1: unchanged); never -0.
double rounded(double value, int decimals);

// Checks what every writer relies on: `rows` values per column, names non-empty and distinct
// without regard to case (SQLite, DBF and most spreadsheets ignore it), text valid UTF-8.
// Throws InputError(file, "<where>column <name>[, row r]", problem).
void check_columns(std::span<const FieldColumn> columns, std::size_t rows, const std::string& file,
                   const std::string& where = {});

}  // namespace covsim::geo
