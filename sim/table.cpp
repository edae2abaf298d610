#include "sim/table.hpp"

#include <cmath>
#include <limits>

#include "geo/error.hpp"

namespace covsim::sim {

const geo::FieldColumn* Table::find(std::string_view column) const {
  for (const geo::FieldColumn& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

void add_texts(Table& table, std::string column, std::string description,
               std::vector<std::string> values) {
  table.columns.push_back(
      geo::FieldColumn::text(std::move(column), std::move(values), std::move(description)));
}

void add_numbers(Table& table, std::string column, geo::FieldKind kind, std::string unit,
                 std::string description, std::vector<double> values) {
  auto whole = [&](double v) {
    if (!std::isfinite(v))
      throw Error("table " + table.name + ", column " + column + ": no value in a " +
                  std::string(geo::to_string(kind)) + " column");
    return v;
  };
  switch (kind) {
    case geo::FieldKind::integer: {
      std::vector<std::int64_t> v;
      v.reserve(values.size());
      for (double x : values) v.push_back(static_cast<std::int64_t>(whole(x)));
      table.columns.push_back(geo::FieldColumn::integer(std::move(column), std::move(v),
                                                        std::move(description), std::move(unit)));
      return;
    }
    case geo::FieldKind::boolean: {
      std::vector<bool> v;
      v.reserve(values.size());
      for (double x : values) v.push_back(whole(x) != 0);
      table.columns.push_back(geo::FieldColumn::boolean(std::move(column), std::move(v),
                                                        std::move(description), std::move(unit)));
      return;
    }
    case geo::FieldKind::real:
      for (double& x : values)
        if (!std::isfinite(x)) x = std::numeric_limits<double>::quiet_NaN();
      table.columns.push_back(geo::FieldColumn::real(std::move(column), std::move(values),
                                                     std::move(description), std::move(unit)));
      return;
    case geo::FieldKind::text:
      break;
  }
  throw Error("table " + table.name + ", column " + column + ": add_texts holds text columns");
}

}  // namespace covsim::sim
