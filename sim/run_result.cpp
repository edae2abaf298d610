#include "sim/run_result.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "geo/error.hpp"
#include "geo/table_writer.hpp"

namespace covsim::sim {

namespace {

std::string minutes_label(float m) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, m);
  return std::string(buf, end);
}

std::string code_or_empty(const geo::Territory& t, geo::CommuneId c) {
  return c < t.size() ? t.code[c] : std::string();
}

template <typename T>
std::vector<double> as_doubles(const std::vector<T>& values) {
  return std::vector<double>(values.begin(), values.end());
}

Table commune_table(const geo::Territory& t, const PostTable& posts, const Deployment& d,
                    const CoverageModel& model, const CommuneCoverage& cc) {
  Table table;
  table.name = "communes";
  add_texts(table, "code", "Commune code (INSEE).", t.code);
  add_texts(table, "name", "Commune name.", t.name);
  for (const geo::Grouping& g : t.groupings) {
    std::vector<std::string> codes(t.size());
    for (geo::CommuneId c = 0; c < t.size(); ++c)
      if (c < g.of.size() && g.of[c] != geo::kNoGroup) codes[c] = g.codes[g.of[c]];
    add_texts(table, g.key, "Code of the commune's " + g.key + ".", std::move(codes));
  }
  add_numbers(table, "population", ColumnType::real, "inhabitants", "Population.", t.population);
  add_numbers(table, "priority_population", ColumnType::real, "inhabitants",
              "Inhabitants of priority areas (QPV, ZRR).", t.priority_population);
  std::vector<std::string> basin(t.size());
  for (geo::CommuneId c = 0; c < t.size() && c < d.basin_post.size(); ++c)
    if (d.basin_post[c] != kNoPost) basin[c] = posts.posts[d.basin_post[c]].id;
  add_texts(table, "basin_post",
            "Post whose basin holds the commune in its team's plan; empty outside every team.",
            std::move(basin));
  add_numbers(table, "nearest_minutes", ColumnType::real, "min",
              "Travel minutes to the nearest permanence counting as reach (a fixed site, or a "
              "roaming stop held often enough); empty beyond the travel table's cut-off.",
              as_doubles(cc.nearest_minutes));
  std::vector<std::string> site(t.size());
  for (geo::CommuneId c = 0; c < t.size(); ++c) site[c] = code_or_empty(t, cc.nearest_site[c]);
  add_texts(table, "nearest_site", "Commune code of that permanence.", std::move(site));
  const std::vector<float>& th = model.options().thresholds_minutes;
  for (std::size_t k = 0; k < th.size(); ++k) {
    Column& col = table.add(
        "reached_" + minutes_label(th[k]) + "_min", ColumnType::flag, "",
        "1 when a permanence counting as reach is within " + minutes_label(th[k]) + " minutes.");
    col.numbers.resize(t.size());
    for (geo::CommuneId c = 0; c < t.size(); ++c) col.numbers[c] = cc.reached_within(c, k);
  }
  add_numbers(table, "access", ColumnType::real, "h/week per 10,000 inhabitants",
              "Advisor-hours accessible (E2SFCA, Gaussian decay over " +
                  minutes_label(model.catchment_minutes()) + " min; sites and roaming stops).",
              cc.access);
  add_numbers(table, "visits_per_month", ColumnType::real, "days/month",
              "Days a month roaming advisors hold a stop in the commune.", cc.visits_per_month);
  add_numbers(table, "presence_hours_per_month", ColumnType::real, "h/month",
              "Hours a month advisors hold a permanence in the commune (fixed sites and "
              "roaming stops).",
              cc.presence_hours_per_month);
  add_numbers(table, "has_permanence", ColumnType::flag, "",
              "1 when an advisor holds a permanence in the commune.",
              as_doubles(cc.has_permanence));
  add_numbers(table, "gap", ColumnType::flag, "",
              "1 when not reached within " + minutes_label(model.catchment_minutes()) + " minutes.",
              as_doubles(cc.gap));
  return table;
}

Table group_table(const CoverageModel& model, const GroupCoverage& gc) {
  Table table;
  table.name = "groups";
  const GroupRows& rows = model.group_rows();
  add_texts(table, "grouping", "Grouping (\"all\" for the whole territory).", rows.grouping);
  add_texts(table, "code", "Group code.", rows.code);
  add_texts(table, "name", "Group name.", rows.name);
  add_numbers(table, "communes", ColumnType::integer, "communes", "Communes.",
              as_doubles(gc.communes));
  add_numbers(table, "population", ColumnType::real, "inhabitants", "Population.", gc.population);
  const std::vector<float>& th = model.options().thresholds_minutes;
  auto per_threshold = [&](const std::string& prefix, const std::string& what,
                           const std::vector<double>& flat) {
    for (std::size_t k = 0; k < th.size(); ++k) {
      Column& col = table.add(prefix + minutes_label(th[k]) + "_min", ColumnType::real,
                              "inhabitants", what + " within " + minutes_label(th[k]) + " min.");
      col.numbers.resize(gc.rows());
      for (std::size_t r = 0; r < gc.rows(); ++r) col.numbers[r] = flat[r * gc.thresholds + k];
    }
  };
  per_threshold("reached_", "Population reached", gc.reached);
  add_numbers(table, "gap_population", ColumnType::real, "inhabitants", "Population in gaps.",
              gc.gap_population);
  add_numbers(table, "priority_population", ColumnType::real, "inhabitants",
              "Priority-area population.", gc.priority_population);
  per_threshold("priority_reached_", "Priority-area population reached", gc.priority_reached);
  add_numbers(table, "priority_gap_population", ColumnType::real, "inhabitants",
              "Priority-area population in gaps.", gc.priority_gap_population);
  add_numbers(table, "communes_no_reach", ColumnType::integer, "communes",
              "Communes reached within no threshold.", as_doubles(gc.communes_no_reach));
  add_numbers(table, "communes_with_permanence", ColumnType::integer, "communes",
              "Communes where an advisor holds a permanence.",
              as_doubles(gc.communes_with_permanence));
  add_numbers(table, "population_with_permanence", ColumnType::real, "inhabitants",
              "Population of those communes.", gc.population_with_permanence);
  add_numbers(table, "mean_access", ColumnType::real, "h/week per 10,000 inhabitants",
              "Population-weighted mean access.", gc.mean_access);
  add_numbers(table, "gini_access", ColumnType::real, "",
              "Population-weighted Gini of access (0 equal, 1 concentrated).", gc.gini_access);
  return table;
}

Table site_table(const geo::Territory& t, const PostTable& posts, const Deployment& d) {
  Table table;
  table.name = "sites";
  std::vector<std::string> post(d.sites()), commune(d.sites()), cname(d.sites()), host(d.sites()),
      strategy(d.sites());
  for (SiteId s = 0; s < d.sites(); ++s) {
    const Post& p = posts.posts[d.site_post[s]];
    post[s] = p.id;
    commune[s] = t.code[d.site_commune[s]];
    cname[s] = t.name[d.site_commune[s]];
    host[s] = name(p.host_type);
    strategy[s] = name(p.strategy);
  }
  add_texts(table, "post", "Post id.", std::move(post));
  add_texts(table, "commune", "Commune code of the site.", std::move(commune));
  add_texts(table, "commune_name", "Commune of the site.", std::move(cname));
  add_texts(table, "host_type", "Host type of the post.", std::move(host));
  add_texts(table, "strategy", "Strategy of the post.", std::move(strategy));
  add_numbers(table, "weekly_hours", ColumnType::real, "h/week",
              "Hours the post works at this site.", d.site_weekly_hours);
  return table;
}

Table stop_table(const geo::Territory& t, const PostTable& posts, const Deployment& d) {
  Table table;
  table.name = "stops";
  std::vector<std::string> post, round, commune, cname;
  std::vector<double> order, period, cycle;
  for (CircuitId c = 0; c < d.circuits(); ++c)
    for (std::uint32_t k = d.circuit_first[c]; k < d.circuit_first[c + 1]; ++k) {
      post.push_back(posts.posts[d.circuit_post[c]].id);
      round.emplace_back(name(d.circuit_round[c]));
      commune.push_back(t.code[d.stop_commune[k]]);
      cname.push_back(t.name[d.stop_commune[k]]);
      order.push_back(k - d.circuit_first[c] + 1);
      period.push_back(d.circuit_period_weeks[c]);
      cycle.push_back(d.circuit_cycle_minutes[c]);
    }
  add_texts(table, "post", "Roaming post id.", std::move(post));
  add_texts(table, "round", "weekly, fortnightly, monthly rotation, or campaigns.",
            std::move(round));
  add_numbers(table, "order", ColumnType::integer, "", "Position in the round (1 first).", order);
  add_texts(table, "commune", "Commune code of the stop.", std::move(commune));
  add_texts(table, "commune_name", "Commune of the stop.", std::move(cname));
  add_numbers(table, "period_weeks", ColumnType::real, "weeks",
              "Weeks of one round (campaigns: of the whole cycle).", period);
  add_numbers(table, "cycle_minutes", ColumnType::real, "min",
              "Driving minutes of one round (campaigns: of the cycle).", cycle);
  add_numbers(table, "sessions", ColumnType::real, "sessions",
              "Half-day sessions held at the stop per round (campaigns: per campaign).",
              d.stop_sessions);
  add_numbers(table, "visits_per_month", ColumnType::real, "days/month",
              "Days a month the stop is held (campaigns: on average over the cycle).",
              d.stop_visits_per_month);
  add_numbers(table, "presence_hours_per_month", ColumnType::real, "h/month",
              "Hours a month the stop is held (campaigns: on average over the cycle).",
              d.stop_presence_hours_per_month);
  return table;
}

}  // namespace

void add_texts(Table& table, std::string column, std::string description,
               std::vector<std::string> values) {
  table.add(std::move(column), ColumnType::text, "", std::move(description)).texts =
      std::move(values);
}

void add_numbers(Table& table, std::string column, ColumnType type, std::string unit,
                 std::string description, std::vector<double> values) {
  table.add(std::move(column), type, std::move(unit), std::move(description)).numbers =
      std::move(values);
}

std::string_view name(ColumnType t) {
  switch (t) {
    case ColumnType::text:
      return "text";
    case ColumnType::integer:
      return "integer";
    case ColumnType::real:
      return "real";
    case ColumnType::flag:
      return "flag";
  }
  return "real";
}

const Column* Table::find(std::string_view column) const {
  for (const Column& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

Column& Table::add(std::string column, ColumnType type, std::string unit, std::string description) {
  Column& c = columns.emplace_back();
  c.name = std::move(column);
  c.type = type;
  c.unit = std::move(unit);
  c.description = std::move(description);
  return c;
}

RunResult make_run_result(const geo::Territory& territory, const PostTable& posts,
                          const Deployment& deployment, const CoverageModel& model,
                          const CommuneCoverage& communes, const GroupCoverage& groups) {
  RunResult r;
  r.thresholds_minutes = model.options().thresholds_minutes;
  r.catchment_minutes = model.catchment_minutes();
  r.min_visits_per_month = model.options().min_visits_per_month;
  r.communes = commune_table(territory, posts, deployment, model, communes);
  r.groups = group_table(model, groups);
  r.sites = site_table(territory, posts, deployment);
  r.stops = stop_table(territory, posts, deployment);
  r.notes = deployment.notes;
  for (std::string& n : model.rare_stop_notes(deployment, posts)) r.notes.push_back(std::move(n));
  return r;
}

std::vector<geo::FieldColumn> field_columns(const Table& table) {
  std::vector<geo::FieldColumn> out;
  out.reserve(table.columns.size());
  for (const Column& c : table.columns) {
    auto whole = [&](double v) {
      if (!std::isfinite(v))
        throw Error("table " + table.name + ", column " + c.name + ": no value in a " +
                    std::string(name(c.type)) + " column");
      return v;
    };
    switch (c.type) {
      case ColumnType::text:
        out.push_back(geo::FieldColumn::text(c.name, c.texts, c.description, c.unit));
        break;
      case ColumnType::integer: {
        std::vector<std::int64_t> v;
        v.reserve(c.numbers.size());
        for (double x : c.numbers) v.push_back(static_cast<std::int64_t>(whole(x)));
        out.push_back(geo::FieldColumn::integer(c.name, std::move(v), c.description, c.unit));
        break;
      }
      case ColumnType::real: {
        std::vector<double> v(c.numbers);
        for (double& x : v)
          if (!std::isfinite(x)) x = std::numeric_limits<double>::quiet_NaN();
        out.push_back(geo::FieldColumn::real(c.name, std::move(v), c.description, c.unit));
        break;
      }
      case ColumnType::flag: {
        std::vector<bool> v;
        v.reserve(c.numbers.size());
        for (double x : c.numbers) v.push_back(whole(x) != 0);
        out.push_back(geo::FieldColumn::boolean(c.name, std::move(v), c.description, c.unit));
        break;
      }
    }
  }
  return out;
}

void write_csv(const Table& table, std::ostream& out) { geo::write_csv(out, field_columns(table)); }

nlohmann::json to_json(const Table& table) {
  nlohmann::json columns = nlohmann::json::array();
  for (const Column& c : table.columns) {
    nlohmann::json values = nlohmann::json::array();
    if (c.type == ColumnType::text) {
      for (const std::string& s : c.texts) values.push_back(s);
    } else {
      for (double v : c.numbers) {
        if (!std::isfinite(v))
          values.push_back(nullptr);
        else if (c.type == ColumnType::real)
          values.push_back(v);
        else if (c.type == ColumnType::flag)
          values.push_back(v != 0);
        else
          values.push_back(static_cast<std::int64_t>(v));
      }
    }
    columns.push_back({{"name", c.name},
                       {"type", name(c.type)},
                       {"unit", c.unit},
                       {"description", c.description},
                       {"values", std::move(values)}});
  }
  return {{"name", table.name}, {"rows", table.rows()}, {"columns", std::move(columns)}};
}

nlohmann::json to_json(const RunResult& r) {
  return {{"thresholds_minutes", r.thresholds_minutes},
          {"catchment_minutes", r.catchment_minutes},
          {"min_visits_per_month", r.min_visits_per_month},
          {"notes", r.notes},
          {"tables",
           {{"communes", to_json(r.communes)},
            {"groups", to_json(r.groups)},
            {"sites", to_json(r.sites)},
            {"stops", to_json(r.stops)}}}};
}

}  // namespace covsim::sim
