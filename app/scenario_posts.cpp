#include "app/scenario_posts.hpp"

#include <sstream>

#include "geo/error.hpp"
#include "geo/table_writer.hpp"

namespace covsim::app {

namespace {
// One inline post as a two-line table in the CSV dialect of sim/post_table.hpp.
std::string as_csv(const InlinePost& post) {
  std::string header, row;
  for (const auto& [column, value] : post.cells) {
    header += (header.empty() ? "" : ",") + geo::csv_field(column);
    row += (row.empty() ? "" : ",") + geo::csv_field(value);
  }
  return header + "\n" + row + "\n";
}

// "line 2, column weekly_hours" or "line 2, weekly_hours" -> "weekly_hours".
std::string field_of(const std::string& where) {
  const auto comma = where.find(", ");
  if (comma == std::string::npos) return {};
  std::string field = where.substr(comma + 2);
  if (field.rfind("column ", 0) == 0) field = field.substr(7);
  return field;
}
}  // namespace

sim::PostTable scenario_posts(const Scenario& scenario, const geo::Territory& territory) {
  sim::PostTable table;
  const sim::PostDefaults& defaults = scenario.posts.defaults;
  if (scenario.posts.csv) table = sim::read_posts_csv(*scenario.posts.csv, territory, defaults);
  for (std::size_t i = 0; i < scenario.posts.inline_posts.size(); ++i) {
    const InlinePost& post = scenario.posts.inline_posts[i];
    std::istringstream in(as_csv(post));
    try {
      sim::PostTable one = sim::read_posts_csv(in, scenario.file, territory, defaults);
      table.posts.push_back(std::move(one.posts.front()));
    } catch (const InputError& e) {
      // The parser's "line 2" means nothing to someone reading the YAML: name the entry.
      const std::string field = field_of(e.where());
      throw InputError(post.where,
                       "posts.list[" + std::to_string(i) + "]" + (field.empty() ? "" : "." + field),
                       e.problem());
    }
  }
  if (table.posts.empty())
    throw InputError(scenario.file, "posts",
                     "the scenario has no posts: give posts.file (CSV) or posts.list");
  sim::validate(table.posts, territory, scenario.file);
  return table;
}

}  // namespace covsim::app
