#include "geo/attribute_join.hpp"

#include <unordered_map>

#include "geo/detail/group_interner.hpp"
#include "geo/detail/ogr_layer.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

TableJoinReport join_attributes(Territory& territory, const AttributeTableOptions& o) {
  // Column order in the string table: code, then each optional column that was asked for.
  std::vector<std::string> columns{o.code_field};
  std::vector<std::string> roles{"code column"};
  auto optional_column = [&](const std::string& field, const std::string& role) -> std::size_t {
    if (field.empty()) return 0;
    columns.push_back(field);
    roles.push_back(role);
    return columns.size() - 1;
  };
  const std::size_t pop_col = optional_column(o.population_field, "population column");
  const std::size_t prio_col =
      optional_column(o.priority_population_field, "priority-population column");
  std::vector<std::size_t> group_col, group_name_col;
  for (const GroupField& g : o.groups) {
    if (g.key.empty() || g.field.empty())
      throw InputError(
          o.path.string(), "",
          "a grouping needs a key and a column (key '" + g.key + "', column '" + g.field + "')");
    group_col.push_back(optional_column(g.field, "'" + g.key + "' group column"));
    group_name_col.push_back(optional_column(g.name_field, "'" + g.key + "' group name column"));
  }
  const detail::StringTable t =
      detail::read_string_table(o.path, o.layer, columns, roles, o.access);

  auto quantity = [&](std::size_t row, std::size_t col) {
    return detail::parse_population(t.columns[col][row], t.source, t.where[row],
                                    roles[col] + " '" + columns[col] + "':");
  };

  TableJoinReport report;
  report.file = t.source;
  report.rows = t.rows();
  std::vector<std::string> row_of(territory.size());  // commune -> where its row is
  // Added first, pointed to after: adding a grouping may move the others.
  for (const GroupField& g : o.groups) territory.grouping_or_add(g.key);
  std::vector<Grouping*> groupings;
  std::vector<detail::GroupInterner> interners;
  for (const GroupField& g : o.groups)
    for (Grouping& existing : territory.groupings)
      if (existing.key == g.key) groupings.push_back(&existing);
  for (Grouping* g : groupings) interners.emplace_back(*g);

  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::string& code = t.columns[0][r];
    if (code.empty()) throw InputError(t.source, t.where[r], "empty code");
    const std::optional<CommuneId> c = territory.find(code);
    if (!c) {
      report.rows_without_commune.push_back(t.where[r] + ": code " + code);
      continue;
    }
    if (!row_of[*c].empty())
      throw InputError(t.source, t.where[r], "code " + code + " already given on " + row_of[*c]);
    row_of[*c] = t.where[r];
    ++report.matched;
    if (pop_col) territory.population[*c] = quantity(r, pop_col);
    if (prio_col) territory.priority_population[*c] = quantity(r, prio_col);
    for (std::size_t g = 0; g < o.groups.size(); ++g) {
      const std::string& group = t.columns[group_col[g]][r];
      if (group.empty()) continue;  // an empty cell means "in no group", as kNoGroup does
      const std::string name = group_name_col[g] ? t.columns[group_name_col[g]][r] : std::string();
      groupings[g]->of[*c] = interners[g](group, name);
    }
  }
  for (CommuneId c = 0; c < territory.size(); ++c)
    if (row_of[c].empty()) report.communes_without_row.push_back(territory.code[c]);
  return report;
}

}  // namespace covsim::geo
