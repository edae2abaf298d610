// The result of one run as named, typed, documented columns, so that any exporter (CSV, JSON,
// GeoPackage attributes, map legends, sweeps) writes them without knowing what they mean. The
// commune table's row r is CommuneId r, so a map exporter joins it to geometries by index; its
// field_columns() are what geo's writers (CSV, vector layers) take.
//
//   RunResult r = make_run_result(territory, posts, deployment, model, communes, groups);
//   write_csv(r.communes, std::cout);  std::string j = to_json(r).dump();
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "geo/field_column.hpp"
#include "geo/territory.hpp"
#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/post_table.hpp"

namespace covsim::sim {

enum class ColumnType : std::uint8_t {
  text,     // texts
  integer,  // numbers holding whole values (counts)
  real,     // numbers
  flag,     // numbers holding 0 or 1
};
std::string_view name(ColumnType t);  // "text", "integer", "real", "flag"

// One column. Numbers that are NaN or infinite mean "no value" (beyond the cut-off, undefined
// Gini): CSV writes an empty cell, JSON a null.
struct Column {
  std::string name;         // snake_case, stable: exporters use it as the field name
  std::string unit;         // "min", "inhabitants", "h/week per 10,000 inhabitants", "" if none
  std::string description;  // one sentence, for data dictionaries and legends
  ColumnType type = ColumnType::real;
  std::vector<double> numbers;     // every type but text
  std::vector<std::string> texts;  // text

  std::size_t size() const { return type == ColumnType::text ? texts.size() : numbers.size(); }
};

struct Table {
  std::string name;
  std::vector<Column> columns;

  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  const Column* find(std::string_view column) const;
  // Appends an empty column and returns it (the reference lasts until the next add).
  Column& add(std::string column, ColumnType type, std::string unit, std::string description);
};

// Appends a filled column (no reference to a column is kept across additions).
void add_texts(Table& table, std::string column, std::string description,
               std::vector<std::string> values);
void add_numbers(Table& table, std::string column, ColumnType type, std::string unit,
                 std::string description, std::vector<double> values);

struct RunResult {
  std::vector<float> thresholds_minutes;
  float catchment_minutes = 0;
  double min_visits_per_month = 0;
  Table communes;                  // row = CommuneId
  Table groups;                    // row 0: the whole territory; then each group of each grouping
  Table sites;                     // one row per (post, fixed site)
  Table stops;                     // one row per roaming stop, circuits in order
  std::vector<std::string> notes;  // from the deployment
};

RunResult make_run_result(const geo::Territory& territory, const PostTable& posts,
                          const Deployment& deployment, const CoverageModel& model,
                          const CommuneCoverage& communes, const GroupCoverage& groups);

// The columns as geo::FieldColumns: text -> text, integer -> integer, real -> real with every
// "no value" (NaN or ±infinity) as NaN, flag -> boolean. Throws covsim::Error when an integer or
// flag column holds a non-finite value (a bug: those columns always have one).
std::vector<geo::FieldColumn> field_columns(const Table& table);

// geo::write_csv of field_columns(table): header of column names, one line per row, RFC 4180
// (CRLF, quoting), reals in their shortest exact form, flags "true"/"false", no value empty.
void write_csv(const Table& table, std::ostream& out);

// {"name": ..., "rows": n, "columns": [{"name", "type", "unit", "description", "values": [...]}]}
// Flags are JSON booleans, integers JSON integers, no value null.
nlohmann::json to_json(const Table& table);
// {"thresholds_minutes", "catchment_minutes", "min_visits_per_month", "notes",
//  "tables": {"communes": ..., "groups": ..., "sites": ..., "stops": ...}}
nlohmann::json to_json(const RunResult& result);

}  // namespace covsim::sim
