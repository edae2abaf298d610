// A named table of geo::FieldColumns: what every sim result becomes before any output, so that
// CSV, JSON, GeoPackage attributes, map legends and reports take one column type with its unit,
// description and precision. Row r of a per-commune table is CommuneId r, so a layer joins it
// to geometries by index.
//
//   Table t{.name = "communes"};
//   add_texts(t, "code", "Commune code (INSEE).", territory.code);
//   add_numbers(t, "nearest_minutes", geo::FieldKind::real, "min", "Minutes to ...", minutes);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "geo/field_column.hpp"

namespace covsim::sim {

struct Table {
  std::string name;
  std::vector<geo::FieldColumn> columns;

  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  const geo::FieldColumn* find(std::string_view column) const;
};

// Appends a text column.
void add_texts(Table& table, std::string column, std::string description,
               std::vector<std::string> values);

// Appends a number column of `kind` (integer, real or boolean) from doubles, the form sim
// computes in. Real: NaN or ±infinity mean "no value" (an empty CSV cell, a JSON null) and are
// stored as NaN. Integer and boolean columns always hold a value: throws covsim::Error naming
// the table and column on a non-finite one (a bug).
void add_numbers(Table& table, std::string column, geo::FieldKind kind, std::string unit,
                 std::string description, std::vector<double> values);

}  // namespace covsim::sim
