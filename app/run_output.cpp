#include "app/run_output.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "app/report.hpp"
#include "app/run_maps.hpp"
#include "app/territory_label.hpp"
#include "app/wording.hpp"
#include "geo/catchment.hpp"
#include "geo/error.hpp"
#include "geo/map_render.hpp"
#include "geo/table_writer.hpp"
#include "geo/text_file.hpp"
#include "geo/vector_export.hpp"

namespace covsim::app {

namespace fs = std::filesystem;

namespace {

std::string vector_extension(const std::string& format) {
  return format == "gpkg" ? ".gpkg" : format == "geojson" ? ".geojson" : ".shp";
}

// The layers of coverage.<format>, in the order written.
std::vector<std::string> vector_layer_names(bool renewal) {
  std::vector<std::string> names = {"communes", "sites", "circuits", "catchments"};
  if (renewal) names.emplace_back("losing_reach");
  return names;
}

std::vector<std::string> csv_names(bool renewal, bool sweep) {
  std::vector<std::string> names = {"communes.csv", "groups.csv", "sites.csv", "stops.csv"};
  if (renewal)
    for (const char* n :
         {"renewal_posts.csv", "renewal_losses.csv", "renewal_groups.csv", "renewal_absorbed.csv"})
      names.emplace_back(n);
  if (sweep)
    for (const char* n :
         {"sweep_cells.csv", "sweep_figures.csv", "sweep_groups.csv", "sweep_communes.csv"})
      names.emplace_back(n);
  return names;
}

std::vector<geo::LineString> circuit_geometries(const geo::Territory& t, const sim::Deployment& d) {
  std::vector<geo::LineString> out;
  for (sim::CircuitId c = 0; c < d.circuits(); ++c) {
    geo::LineString line;
    for (geo::CommuneId s : d.stops(c)) line.points.push_back(t.demand[s]);
    // A closed round; a single stop is drawn as a zero-length line at the commune.
    line.points.push_back(line.points.empty() ? geo::Point{} : line.points.front());
    if (line.points.size() < 2) line.points.push_back(line.points.front());
    out.push_back(std::move(line));
  }
  return out;
}

// The sweep cell the per-commune outputs show: the harshest rate of the grid, at the renewal
// round's threshold and policy when the grid has them (the largest threshold would often show
// no loss at all), else the last cell.
std::size_t shown_cell(const RunOutputs& o) {
  const std::vector<sim::CellResult>& cells = o.sweep->cells;
  if (o.renewal) {
    const sim::RenewalImpact& im = o.renewal->impact;
    const float minutes = o.scenario.coverage.thresholds_minutes[im.threshold];
    for (std::size_t k = cells.size(); k-- > 0;)
      if (cells[k].cell.threshold_minutes == minutes && cells[k].cell.policy == im.options.policy)
        return k;
  }
  return cells.size() - 1;
}

std::string cell_label(const sim::SweepCell& c) {
  std::string rate = c.non_renewal_rate ? number(100 * *c.non_renewal_rate, 0) + " % non-renewal"
                                        : "posts' own probabilities";
  return rate + ", " + minutes_label(c.threshold_minutes) + " min, " +
         std::string(sim::name(c.policy));
}

// The run's commune table plus the renewal's and the sweep's columns, when they ran. The
// communes layer, communes.csv and result.json all come from it, so `covsim export` can map
// any figure the layer shows.
sim::Table commune_table(const RunOutputs& o) {
  const geo::Territory& t = o.prepared.territory;
  sim::Table table = o.baseline.result.communes;
  if (o.renewal) {
    const sim::RenewalImpact& im = o.renewal->impact;
    std::vector<double> after(t.size()), loses(t.size()), presence(t.size()),
        has_permanence(t.size()), loses_permanence(t.size());
    for (geo::CommuneId c = 0; c < t.size(); ++c) {
      after[c] = std::isfinite(im.after.nearest_minutes[c]) ? im.after.nearest_minutes[c] : NAN;
      loses[c] = sim::loses_reach(im.before, im.after, c, im.threshold);
      presence[c] = im.after.presence_hours_per_month[c];
      has_permanence[c] = im.after.has_permanence[c];
      loses_permanence[c] = sim::loses_permanence(im.before, im.after, c);
    }
    sim::add_numbers(table, "after_nearest_minutes", sim::ColumnType::real, "min",
                     "Minutes to the nearest active site after renewal (empty beyond the cut-off).",
                     std::move(after));
    sim::add_numbers(table, "loses_reach", sim::ColumnType::flag, "",
                     "Reached within " +
                         minutes_label(o.scenario.coverage.thresholds_minutes[im.threshold]) +
                         " min before renewal, not after.",
                     std::move(loses));
    sim::add_numbers(table, "after_presence_hours_per_month", sim::ColumnType::real, "h/month",
                     "Hours a month advisors hold a permanence in the commune after renewal.",
                     std::move(presence));
    sim::add_numbers(table, "after_has_permanence", sim::ColumnType::flag, "",
                     "1 when an advisor still holds a permanence in the commune after renewal.",
                     std::move(has_permanence));
    sim::add_numbers(table, "loses_permanence", sim::ColumnType::flag, "",
                     "1 when the commune had a permanence before renewal and none after.",
                     std::move(loses_permanence));
  }
  if (o.sweep && !o.sweep->cells.empty()) {
    const sim::CellResult& cell = o.sweep->cells[shown_cell(o)];
    sim::add_numbers(
        table, "loss_probability", sim::ColumnType::real, "",
        "Share of sweep draws (" + cell_label(cell.cell) + ") in which the commune loses reach.",
        cell.loss_probability);
    sim::add_numbers(table, "permanence_loss_probability", sim::ColumnType::real, "",
                     "Share of sweep draws (" + cell_label(cell.cell) +
                         ") in which the commune loses its permanence.",
                     cell.permanence_loss_probability);
  }
  return table;
}

void write_vectors(const RunOutputs& o, const fs::path& dir, std::vector<fs::path>& files,
                   Progress& progress) {
  const geo::Territory& t = o.prepared.territory;
  const sim::Deployment& d = o.baseline.deployment;
  const sim::RunResult& r = o.baseline.result;

  std::vector<geo::FieldColumn> commune_cols = sim::field_columns(commune_table(o));
  geo::VectorLayer communes;
  communes.name = "communes";
  communes.description = "Coverage per commune";
  communes.geometry = std::span<const geo::MultiPolygon>(t.shape);
  communes.columns = std::move(commune_cols);
  const std::vector<double> minutes =
      map_minutes(o.baseline.communes, o.prepared.table.cutoff_minutes);
  const geo::Classes classes = geo::classify(minutes, minutes_scheme(o.scenario));
  if (classes.size() > 0) communes.style = geo::graduated_style("nearest_minutes", classes, "min");

  std::vector<geo::Point> site_points;
  for (geo::CommuneId c : d.site_commune) site_points.push_back(t.demand[c]);
  geo::VectorLayer sites;
  sites.name = "sites";
  sites.description = "Advisor sites (one per post and site)";
  sites.geometry = std::span<const geo::Point>(site_points);
  sites.columns = sim::field_columns(r.sites);

  const std::vector<geo::LineString> lines = circuit_geometries(t, d);
  geo::VectorLayer circuits;
  circuits.name = "circuits";
  circuits.description = "Roaming advisors' circuits";
  circuits.geometry = std::span<const geo::LineString>(lines);
  {
    std::vector<std::string> post;
    std::vector<double> cycle, rounds;
    std::vector<std::int64_t> stops;
    for (sim::CircuitId c = 0; c < d.circuits(); ++c) {
      post.push_back(o.baseline.posts.posts[d.circuit_post[c]].id);
      cycle.push_back(d.circuit_cycle_minutes[c]);
      rounds.push_back(d.circuit_rounds_per_month[c]);
      stops.push_back(static_cast<std::int64_t>(d.stops(c).size()));
    }
    circuits.columns = {
        geo::FieldColumn::text("post", std::move(post), "Roaming post id."),
        geo::FieldColumn::integer("stops", std::move(stops), "Communes on the circuit."),
        geo::FieldColumn::real("cycle_minutes", std::move(cycle), "Driving minutes of one round.",
                               "min"),
        geo::FieldColumn::real("rounds_per_month", std::move(rounds), "Rounds driven per month.")};
  }

  // Catchments: communes dissolved by the site they reach first.
  std::vector<geo::CommuneId> site_of_group;
  std::map<geo::CommuneId, geo::GroupId> group_of_site;
  std::vector<geo::GroupId> group_of(t.size(), geo::kNoGroup);
  for (geo::CommuneId c = 0; c < t.size(); ++c) {
    const geo::CommuneId s = o.baseline.communes.nearest_site[c];
    if (s == sim::kNoCommune) continue;
    auto [it, added] = group_of_site.emplace(s, static_cast<geo::GroupId>(site_of_group.size()));
    if (added) site_of_group.push_back(s);
    group_of[c] = it->second;
  }
  const geo::Catchments catchments = geo::dissolve(t.shape, group_of, site_of_group.size());
  geo::VectorLayer catchment_layer;
  catchment_layer.name = "catchments";
  catchment_layer.description = "Communes dissolved by their nearest site";
  catchment_layer.geometry = std::span<const geo::MultiPolygon>(catchments.shape);
  {
    std::vector<std::string> code, name;
    std::vector<double> population(site_of_group.size(), 0);
    for (geo::CommuneId c = 0; c < t.size(); ++c)
      if (group_of[c] != geo::kNoGroup) population[group_of[c]] += t.population[c];
    for (geo::CommuneId s : site_of_group) {
      code.push_back(t.code[s]);
      name.push_back(t.name[s]);
    }
    std::vector<std::int64_t> members(catchments.members.begin(), catchments.members.end());
    catchment_layer.columns = {
        geo::FieldColumn::text("site", std::move(code), "Commune code of the site."),
        geo::FieldColumn::text("site_name", std::move(name), "Commune of the site."),
        geo::FieldColumn::integer("communes", std::move(members), "Communes served first by it."),
        geo::FieldColumn::real("population", std::move(population), "Population of the catchment.",
                               "inhabitants")};
  }

  std::vector<geo::VectorLayer> layers;
  layers.push_back(std::move(communes));
  layers.push_back(std::move(sites));
  layers.push_back(std::move(circuits));
  layers.push_back(std::move(catchment_layer));

  std::vector<geo::MultiPolygon> losing_shapes;
  if (o.renewal) {
    const std::vector<geo::CommuneId> losing = sim::communes_losing_reach(o.renewal->impact);
    std::vector<std::string> code, name;
    std::vector<double> population, priority;
    for (geo::CommuneId c : losing) {
      losing_shapes.push_back(t.shape[c]);
      code.push_back(t.code[c]);
      name.push_back(t.name[c]);
      population.push_back(t.population[c]);
      priority.push_back(t.priority_population[c]);
    }
    geo::VectorLayer layer;
    layer.name = "losing_reach";
    layer.description = "Communes that lose reach after renewal";
    layer.geometry = std::span<const geo::MultiPolygon>(losing_shapes);
    layer.columns = {
        geo::FieldColumn::text("code", std::move(code), "Commune code."),
        geo::FieldColumn::text("name", std::move(name), "Commune name."),
        geo::FieldColumn::real("population", std::move(population), "Population.", "inhabitants"),
        geo::FieldColumn::real("priority_population", std::move(priority),
                               "Population in priority areas.", "inhabitants")};
    layers.push_back(std::move(layer));
  }

  for (const std::string& format : o.scenario.output.vector_formats) {
    geo::VectorExportOptions options;
    options.epsg = t.epsg;  // written into an empty staging directory: nothing to overwrite
    const geo::VectorExportReport rep =
        geo::write_vector(dir / ("coverage" + vector_extension(format)), layers, options, progress);
    files.insert(files.end(), rep.files.begin(), rep.files.end());
  }
}

void write_maps(const RunOutputs& o, const fs::path& dir, std::vector<fs::path>& files) {
  if (o.scenario.output.map_formats.empty()) return;
  const RunMaps maps = run_maps(o);
  for (const std::string& ext : o.scenario.output.map_formats) {
    files.push_back(dir / ("coverage." + ext));
    geo::render_map(maps.coverage, files.back().string());
    if (!maps.renewal) continue;
    files.push_back(dir / ("renewal." + ext));
    geo::render_map_pair(*maps.renewal, *maps.after, files.back().string());
  }
}

void write_tables(const RunOutputs& o, const fs::path& dir, std::vector<fs::path>& files) {
  geo::CsvOptions options;
  auto csv = [&](const std::string& name, const sim::Table& table) {
    geo::write_csv(dir / name, sim::field_columns(table), options);
    files.push_back(dir / name);
  };
  const sim::RunResult& r = o.baseline.result;
  const sim::Table communes = commune_table(o);
  csv("communes.csv", communes);
  csv("groups.csv", r.groups);
  csv("sites.csv", r.sites);
  csv("stops.csv", r.stops);
  nlohmann::json json = {{"scenario", o.scenario.name}, {"result", sim::to_json(r)}};
  json["result"]["tables"]["communes"] = sim::to_json(communes);
  if (o.renewal) {
    const RenewalOutcome& rn = *o.renewal;
    csv("renewal_posts.csv", sim::impact_posts_table(rn.impact, rn.plan, o.baseline.posts));
    csv("renewal_losses.csv", sim::impact_losses_table(rn.impact, *rn.reallocator));
    csv("renewal_groups.csv", sim::impact_groups_table(rn.impact, *rn.reallocator));
    csv("renewal_absorbed.csv", sim::impact_absorbed_table(rn.impact, *rn.reallocator));
    json["renewal"] = sim::to_json(rn.impact, rn.plan, *rn.reallocator);
  }
  if (o.sweep) {
    const sim::SweepResult& sw = *o.sweep;
    csv("sweep_cells.csv", sim::sweep_cells_table(sw));
    csv("sweep_figures.csv", sim::sweep_figures_table(sw));
    // Groups and communes of one cell, the one the communes layer shows.
    csv("sweep_groups.csv", sim::sweep_groups_table(sw, shown_cell(o)));
    csv("sweep_communes.csv", sim::sweep_communes_table(sw, o.prepared.territory, shown_cell(o)));
    json["sweep"] = sim::to_json(sw, o.prepared.territory);
  }
  geo::write_text_file(dir / "result.json", json.dump(1), false);
  files.push_back(dir / "result.json");
  geo::write_text_file(dir / "summary.md", summary_markdown(o), false);
  files.push_back(dir / "summary.md");
}

}  // namespace

std::vector<PlannedOutput> planned_outputs(const Scenario& s, bool renewal, bool sweep) {
  std::vector<PlannedOutput> out;
  std::map<std::string, std::string> writer_of;  // name -> writer, to find two wanting one name
  auto add = [&](const std::string& name, const std::string& writer, bool always,
                 const std::string& key) {
    const auto [it, added] = writer_of.emplace(name, writer);
    if (!added)
      throw InputError(s.where(key), key,
                       it->second == writer
                           ? "lists '" + writer.substr(writer.find(':') + 1) + "' twice"
                           : name + " would be written by both " + it->second + " and " + writer +
                                 " (QGIS reads one style per file name): keep one of them, or "
                                 "run again into another directory");
    out.push_back({name, writer, always});
  };
  const std::vector<std::string> layers = vector_layer_names(renewal);
  for (const std::string& f : s.output.vector_formats)
    for (const geo::PlannedFile& p :
         geo::vector_output_files("coverage" + vector_extension(f), layers))
      add(p.name, "vector:" + f, p.always, "output.vector");
  for (const std::string& ext : s.output.map_formats) {
    add("coverage." + ext, "map:" + ext, true, "output.maps");
    if (renewal) add("renewal." + ext, "map:" + ext, true, "output.maps");
  }
  if (s.output.tables) {
    for (const std::string& n : csv_names(renewal, sweep)) add(n, "table", true, "output.tables");
    add("result.json", "json", true, "output.tables");
    add("summary.md", "summary", true, "output.tables");
  }
  if (s.output.report) {
    add("report.html", "report", true, "output.report");
    add("report.pdf", "report", true, "output.report");
  }
  return out;
}

std::unique_ptr<geo::OutputTransaction> begin_outputs(const Scenario& s, bool renewal, bool sweep) {
  std::vector<geo::PlannedFile> files;
  for (const PlannedOutput& p : planned_outputs(s, renewal, sweep))
    files.push_back({p.name, p.always});
  return std::make_unique<geo::OutputTransaction>(
      s.output.dir, std::move(files),
      geo::TransactionOptions{s.output.overwrite,
                              "set output.overwrite: true in the scenario or pass --overwrite"});
}

std::vector<fs::path> write_run_outputs(const RunOutputs& o, geo::OutputTransaction& out,
                                        Progress& progress) {
  const fs::path& dir = out.staging();
  std::vector<fs::path> staged;
  if (!o.scenario.output.vector_formats.empty()) write_vectors(o, dir, staged, progress);
  write_maps(o, dir, staged);
  if (o.scenario.output.tables) write_tables(o, dir, staged);
  if (o.scenario.output.report) write_report(o, dir, staged);
  return out.commit();
}

std::string summary_markdown(const RunOutputs& o) {
  const geo::Territory& t = o.prepared.territory;
  const sim::GroupCoverage& g = o.baseline.groups;
  const std::vector<float>& th = o.scenario.coverage.thresholds_minutes;
  std::ostringstream md;
  md << "# " << o.scenario.name << "\n\n";
  if (!o.scenario.description.empty()) md << o.scenario.description << "\n\n";
  md << "Territory: " << territory_label(t) << ", " << number(g.population[0]) << " inhabitants ("
     << number(g.priority_population[0])
     << " in priority areas). Travel: " << o.prepared.graph.model << " model, tables to "
     << minutes_label(o.prepared.table.cutoff_minutes) << " min.\n\n";

  std::map<std::string, int> by_strategy;
  double hours = 0;
  for (const sim::Post& p : o.baseline.posts.posts) {
    ++by_strategy[std::string(sim::name(p.strategy))];
    hours += p.weekly_hours;
  }
  md << "Posts: " << o.baseline.posts.size() << " (";
  bool first = true;
  for (const auto& [s, n] : by_strategy) {
    md << (first ? "" : ", ") << n << " " << s;
    first = false;
  }
  // A site shared by several posts (a multi-centre team) is one place for the public.
  const std::set<geo::CommuneId> places(o.baseline.deployment.site_commune.begin(),
                                        o.baseline.deployment.site_commune.end());
  md << "), " << number(hours) << " advisor-hours a week; fixed sites in " << places.size()
     << " communes (" << o.baseline.deployment.sites() << " post–site assignments), "
     << o.baseline.deployment.circuits() << " roaming round(s) holding "
     << o.baseline.deployment.stop_commune.size() << " stops.\n\n";

  md << "## Coverage with every post active\n\n| Threshold | Population reached | Share |"
        " Priority-area population reached |\n|---|---:|---:|---:|\n";
  for (std::size_t k = 0; k < th.size(); ++k)
    md << "| " << minutes_label(th[k]) << " min | " << number(g.reached_at(0, k)) << " | "
       << percent(g.reached_at(0, k), g.population[0]) << " | "
       << number(g.priority_reached_at(0, k)) << " |\n";
  md << "\nPopulation in gaps (not reached within "
     << minutes_label(o.baseline.model->catchment_minutes())
     << " min): " << number(g.gap_population[0]) << " ("
     << percent(g.gap_population[0], g.population[0])
     << "); communes with no reach: " << g.communes_no_reach[0] << "; mean access "
     << number(g.mean_access[0], 2) << " advisor-hours a week per 10,000 inhabitants (Gini "
     << number(g.gini_access[0], 2)
     << "). Communes where an advisor holds a permanence: " << g.communes_with_permanence[0] << " ("
     << number(g.population_with_permanence[0]) << " inhabitants).\n\n";

  const sim::GroupRows& rows = o.baseline.model->group_rows();
  md << "### Per EPCI\n\n| EPCI | Population | Reached within " << minutes_label(th.back())
     << " min | In gaps | Mean access | Communes with a permanence |\n"
        "|---|---:|---:|---:|---:|---:|\n";
  for (std::size_t r = 0; r < g.rows(); ++r) {
    if (rows.grouping[r] != "epci") continue;
    md << "| " << rows.name[r] << " (" << rows.code[r] << ") | " << number(g.population[r]) << " | "
       << percent(g.reached_at(r, th.size() - 1), g.population[r]) << " | "
       << number(g.gap_population[r]) << " | " << number(g.mean_access[r], 2) << " | "
       << g.communes_with_permanence[r] << " of " << g.communes[r] << " |\n";
  }

  if (o.renewal) {
    const sim::RenewalImpact& im = o.renewal->impact;
    std::size_t lost = 0;
    double hours_lost = 0;
    for (sim::PostId p = 0; p < im.active.size(); ++p)
      if (!im.active[p]) {
        ++lost;
        hours_lost += o.baseline.posts.posts[p].weekly_hours;
      }
    const std::size_t nt = th.size();
    md << "\n## Renewal scenario\n\nPosts lost: " << lost << " of " << im.active.size() << " ("
       << number(hours_lost) << " advisor-hours a week); " << im.random_posts
       << " undecided or random post(s) read as " << (im.options.random_kept ? "renewed" : "lost")
       << ". Reallocation: " << sim::name(im.options.policy) << " (" << im.absorbed.size()
       << " communes absorbed, " << number(im.hours_moved, 1) << " h/week moved, "
       << im.groups_replanned
       << " group(s) re-planned).\n\n| Threshold | Reached before | Reached after |"
          " Population losing reach | Priority-area population losing reach | Communes |\n"
          "|---|---:|---:|---:|---:|---:|\n";
    for (std::size_t k = 0; k < nt; ++k)
      md << "| " << minutes_label(th[k]) << " min | " << number(im.before_groups.reached_at(0, k))
         << " | " << number(im.after_groups.reached_at(0, k)) << " | "
         << number(im.population_losing[k]) << " | " << number(im.priority_population_losing[k])
         << " | " << im.communes_losing[k] << " |\n";
    // Where posts go but every commune stays within reach (a dense metropole), the loss is in
    // capacity: advisor-hours per inhabitant and the population in gaps say it.
    const sim::GroupCoverage& gb = im.before_groups;
    const sim::GroupCoverage& ga = im.after_groups;
    md << "\nAccess (weekly advisor-hours per 10,000 inhabitants, population-weighted mean): "
       << number(gb.mean_access[0], 2) << " before, " << number(ga.mean_access[0], 2) << " after ("
       << signed_percent(ga.mean_access[0], gb.mean_access[0])
       << "). Population in gaps: " << number(gb.gap_population[0]) << " before, "
       << number(ga.gap_population[0]) << " after.\n";
    md << "\nCommunes losing their permanence (no advisor holds one there any more): "
       << im.communes_losing_permanence[0] << " (" << number(im.population_losing_permanence[0])
       << " inhabitants); communes with a permanence: " << gb.communes_with_permanence[0]
       << " before, " << ga.communes_with_permanence[0] << " after.\n";
    std::ostringstream per_epci;
    for (std::size_t r = 0; r < ga.rows(); ++r) {
      if (rows.grouping[r] != "epci") continue;
      if (gb.mean_access[r] == ga.mean_access[r] && gb.gap_population[r] == ga.gap_population[r] &&
          im.communes_losing_permanence[r] == 0)
        continue;
      per_epci << "| " << rows.name[r] << " (" << rows.code[r] << ") | "
               << number(gb.mean_access[r], 2) << " | " << number(ga.mean_access[r], 2) << " | "
               << signed_percent(ga.mean_access[r], gb.mean_access[r]) << " | "
               << number(gb.gap_population[r]) << " | " << number(ga.gap_population[r]) << " | "
               << im.communes_losing_permanence[r] << " |\n";
    }
    if (!per_epci.str().empty())
      md << "\n| EPCI where it changes | Access before | Access after | Change | In gaps before |"
            " In gaps after | Communes losing their permanence |\n"
            "|---|---:|---:|---:|---:|---:|---:|\n"
         << per_epci.str();
    auto list = [&](const std::string& what, std::vector<geo::CommuneId> communes) {
      if (communes.empty()) return;
      by_population(t, communes);
      md << "\n" << what << " (" << communes.size() << ", largest first): ";
      for (std::size_t i = 0; i < communes.size(); ++i)
        md << (i ? ", " : "") << t.name[communes[i]] << " (" << number(t.population[communes[i]])
           << ")";
      md << ".\n";
    };
    list("Communes losing reach within " + minutes_label(th[im.threshold]) + " min",
         sim::communes_losing_reach(im));
    list("Communes losing their permanence", sim::communes_losing_permanence(im));
  }

  if (o.sweep) {
    const sim::SweepResult& sw = *o.sweep;
    const auto& figures = sim::sweep_figures();
    std::size_t losing_fig = 0, lost_fig = 0;
    for (std::size_t f = 0; f < figures.size(); ++f) {
      if (figures[f].name == "population_losing_reach") losing_fig = f;
      if (figures[f].name == "posts_lost") lost_fig = f;
    }
    std::size_t permanence_fig = 0;
    for (std::size_t f = 0; f < figures.size(); ++f)
      if (figures[f].name == "communes_losing_permanence") permanence_fig = f;
    md << "\n## Sweep: " << sw.draws << " draws per cell, seed " << sw.seed << "\n\n";
    if (o.renewal)
      if (const auto flat = sim::sweep_without_randomness(sw, o.renewal->plan))
        md << "Note: " << *flat << ".\n\n";
    md << "| Non-renewal rate | Threshold | Policy | Posts lost (mean) |"
          " Population losing reach: mean | P5 | P50 | P95 | Communes losing their permanence "
          "(mean) |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n";
    for (const sim::CellResult& c : sw.cells) {
      const sim::Summary& s = c.figures[losing_fig];
      md << "| " << (c.cell.non_renewal_rate ? percent(*c.cell.non_renewal_rate, 1) : "per post")
         << " | " << minutes_label(c.cell.threshold_minutes) << " min | "
         << sim::name(c.cell.policy) << " | " << number(c.figures[lost_fig].mean, 1) << " | "
         << number(s.mean) << " | " << number(s.p5) << " | " << number(s.p50) << " | "
         << number(s.p95) << " | " << number(c.figures[permanence_fig].mean, 1) << " |\n";
    }
  }
  if (!o.baseline.result.notes.empty()) {
    md << "\n## Notes\n\n";
    for (const std::string& n : o.baseline.result.notes) md << "- " << n << "\n";
  }
  return md.str();
}

}  // namespace covsim::app
