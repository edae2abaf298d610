#include "sim/run_result.hpp"

#include <charconv>
#include <cmath>

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
  add_numbers(table, "population", geo::FieldKind::real, "inhabitants", "Population.",
              t.population);
  add_numbers(table, "priority_population", geo::FieldKind::real, "inhabitants",
              "Inhabitants of priority areas (QPV, ZRR).", t.priority_population);
  std::vector<std::string> basin(t.size());
  for (geo::CommuneId c = 0; c < t.size() && c < d.basin_post.size(); ++c)
    if (d.basin_post[c] != kNoPost) basin[c] = posts.posts[d.basin_post[c]].id;
  add_texts(table, "basin_post",
            "Post whose basin holds the commune in its team's plan; empty outside every team.",
            std::move(basin));
  add_numbers(table, "nearest_minutes", geo::FieldKind::real, "min",
              "Travel minutes to the nearest permanence counting as reach (a fixed site, or a "
              "roaming stop held often enough); empty beyond the travel table's cut-off.",
              as_doubles(cc.nearest_minutes));
  std::vector<std::string> site(t.size());
  for (geo::CommuneId c = 0; c < t.size(); ++c) site[c] = code_or_empty(t, cc.nearest_site[c]);
  add_texts(table, "nearest_site", "Commune code of that permanence.", std::move(site));
  const std::vector<float>& th = model.options().thresholds_minutes;
  for (std::size_t k = 0; k < th.size(); ++k) {
    std::vector<double> reached(t.size());
    for (geo::CommuneId c = 0; c < t.size(); ++c) reached[c] = cc.reached_within(c, k);
    add_numbers(
        table, "reached_" + minutes_label(th[k]) + "_min", geo::FieldKind::boolean, "",
        "1 when a permanence counting as reach is within " + minutes_label(th[k]) + " minutes.",
        std::move(reached));
  }
  add_numbers(table, "access", geo::FieldKind::real, "h/week per 10,000 inhabitants",
              "Advisor-hours accessible (E2SFCA, Gaussian decay over " +
                  minutes_label(model.catchment_minutes()) + " min; sites and roaming stops).",
              cc.access);
  add_numbers(table, "visits_per_month", geo::FieldKind::real, "days/month",
              "Days a month roaming advisors hold a stop in the commune.", cc.visits_per_month);
  add_numbers(table, "presence_hours_per_month", geo::FieldKind::real, "h/month",
              "Hours a month advisors hold a permanence in the commune (fixed sites and "
              "roaming stops).",
              cc.presence_hours_per_month);
  add_numbers(table, "has_permanence", geo::FieldKind::boolean, "",
              "1 when an advisor holds a permanence in the commune.",
              as_doubles(cc.has_permanence));
  add_numbers(table, "gap", geo::FieldKind::boolean, "",
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
  add_numbers(table, "communes", geo::FieldKind::integer, "communes", "Communes.",
              as_doubles(gc.communes));
  add_numbers(table, "population", geo::FieldKind::real, "inhabitants", "Population.",
              gc.population);
  const std::vector<float>& th = model.options().thresholds_minutes;
  auto per_threshold = [&](const std::string& prefix, const std::string& what,
                           const std::vector<double>& flat) {
    for (std::size_t k = 0; k < th.size(); ++k) {
      std::vector<double> values(gc.rows());
      for (std::size_t r = 0; r < gc.rows(); ++r) values[r] = flat[r * gc.thresholds + k];
      add_numbers(table, prefix + minutes_label(th[k]) + "_min", geo::FieldKind::real,
                  "inhabitants", what + " within " + minutes_label(th[k]) + " min.",
                  std::move(values));
    }
  };
  per_threshold("reached_", "Population reached", gc.reached);
  add_numbers(table, "gap_population", geo::FieldKind::real, "inhabitants", "Population in gaps.",
              gc.gap_population);
  add_numbers(table, "priority_population", geo::FieldKind::real, "inhabitants",
              "Priority-area population.", gc.priority_population);
  per_threshold("priority_reached_", "Priority-area population reached", gc.priority_reached);
  add_numbers(table, "priority_gap_population", geo::FieldKind::real, "inhabitants",
              "Priority-area population in gaps.", gc.priority_gap_population);
  add_numbers(table, "communes_no_reach", geo::FieldKind::integer, "communes",
              "Communes reached within no threshold.", as_doubles(gc.communes_no_reach));
  add_numbers(table, "communes_with_permanence", geo::FieldKind::integer, "communes",
              "Communes where an advisor holds a permanence.",
              as_doubles(gc.communes_with_permanence));
  add_numbers(table, "population_with_permanence", geo::FieldKind::real, "inhabitants",
              "Population of those communes.", gc.population_with_permanence);
  add_numbers(table, "mean_access", geo::FieldKind::real, "h/week per 10,000 inhabitants",
              "Population-weighted mean access.", gc.mean_access);
  add_numbers(table, "gini_access", geo::FieldKind::real, "",
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
  add_numbers(table, "weekly_hours", geo::FieldKind::real, "h/week",
              "Hours the post works at this site.", d.site_weekly_hours);
  return table;
}

// The roaming post and the kind of its round, for rows of circuits circuit_of_row.
void add_round_columns(Table& table, const PostTable& posts, const Deployment& d,
                       const std::vector<CircuitId>& circuit_of_row) {
  std::vector<std::string> post, round;
  for (const CircuitId c : circuit_of_row) {
    post.push_back(posts.posts[d.circuit_post[c]].id);
    round.emplace_back(name(d.circuit_round[c]));
  }
  add_texts(table, "post", "Roaming post id.", std::move(post));
  add_texts(table, "round", "weekly, fortnightly, monthly rotation, or campaigns.",
            std::move(round));
}

Table stop_table(const geo::Territory& t, const PostTable& posts, const Deployment& d) {
  Table table;
  table.name = "stops";
  std::vector<CircuitId> circuit;
  std::vector<std::string> commune, cname;
  std::vector<double> order, period, cycle;
  for (CircuitId c = 0; c < d.circuits(); ++c)
    for (std::uint32_t k = d.circuit_first[c]; k < d.circuit_first[c + 1]; ++k) {
      circuit.push_back(c);
      commune.push_back(t.code[d.stop_commune[k]]);
      cname.push_back(t.name[d.stop_commune[k]]);
      order.push_back(k - d.circuit_first[c] + 1);
      period.push_back(d.circuit_period_weeks[c]);
      cycle.push_back(d.circuit_cycle_minutes[c]);
    }
  add_round_columns(table, posts, d, circuit);
  add_numbers(table, "order", geo::FieldKind::integer, "", "Position in the round (1 first).",
              order);
  add_texts(table, "commune", "Commune code of the stop.", std::move(commune));
  add_texts(table, "commune_name", "Commune of the stop.", std::move(cname));
  add_numbers(table, "period_weeks", geo::FieldKind::real, "weeks",
              "Weeks of one round (campaigns: of the whole cycle).", period);
  add_numbers(table, "cycle_minutes", geo::FieldKind::real, "min",
              "Driving minutes of one round (campaigns: of the cycle).", cycle);
  add_numbers(table, "sessions", geo::FieldKind::real, "sessions",
              "Half-day sessions held at the stop per round (campaigns: per campaign).",
              d.stop_sessions);
  add_numbers(table, "visits_per_month", geo::FieldKind::real, "days/month",
              "Days a month the stop is held (campaigns: on average over the cycle).",
              d.stop_visits_per_month);
  add_numbers(table, "presence_hours_per_month", geo::FieldKind::real, "h/month",
              "Hours a month the stop is held (campaigns: on average over the cycle).",
              d.stop_presence_hours_per_month);
  return table;
}

Table circuit_table(const PostTable& posts, const Deployment& d) {
  Table table;
  table.name = "circuits";
  std::vector<CircuitId> circuit;
  std::vector<double> stops, cycle, rounds;
  for (CircuitId c = 0; c < d.circuits(); ++c) {
    circuit.push_back(c);
    stops.push_back(static_cast<double>(d.stops(c).size()));
    cycle.push_back(d.circuit_cycle_minutes[c]);
    rounds.push_back(d.circuit_rounds_per_month[c]);
  }
  add_round_columns(table, posts, d, circuit);
  add_numbers(table, "stops", geo::FieldKind::integer, "communes", "Communes on the circuit.",
              std::move(stops));
  add_numbers(table, "cycle_minutes", geo::FieldKind::real, "min", "Driving minutes of one round.",
              std::move(cycle));
  add_numbers(table, "rounds_per_month", geo::FieldKind::real, "", "Rounds driven per month.",
              std::move(rounds));
  return table;
}

}  // namespace

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
  r.circuits = circuit_table(posts, deployment);
  r.notes = deployment.notes;
  for (std::string& n : model.rare_stop_notes(deployment, posts)) r.notes.push_back(std::move(n));
  return r;
}

}  // namespace covsim::sim
