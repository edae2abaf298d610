// Joins a table keyed by commune code onto a territory: population, priority-area population
// and groupings that planners bring in their own CSV (or any OGR table: DBF, ODS, XLSX...).
// Unmatched rows and communes are reported, never an error; malformed values are.
//
//   AttributeTableOptions t;  t.path = "pop.csv";  t.population_field = "pmun";
//   TableJoinReport r = join_attributes(territory, t);  // r.communes_without_row...
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "geo/input_access.hpp"
#include "geo/load_report.hpp"
#include "geo/territory.hpp"

namespace covsim::geo {

// A grouping read from columns: `key` names the grouping ("department", "epci"), `field` holds
// the group code and `name_field`, when given, its display name.
struct GroupField {
  std::string key;
  std::string field;
  std::string name_field;
};

struct AttributeTableOptions {
  std::filesystem::path path;
  std::string layer;  // empty: the only layer (a CSV has one)
  std::string code_field = "code";
  std::string population_field;           // empty: populations left as they are
  std::string priority_population_field;  // empty: left as they are
  std::vector<GroupField> groups;
  InputAccess access = {};  // what the path may be (geo/input_access.hpp)
};

// Values of matched rows replace the territory's; a grouping is created when new, and communes
// without a row keep their previous group. `territory` must have its codes indexed
// (index_codes). Throws InputError naming the file and line for a code given twice, an empty
// code, or a population that is not a non-negative number.
TableJoinReport join_attributes(Territory& territory, const AttributeTableOptions& options);

}  // namespace covsim::geo
