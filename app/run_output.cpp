#include "app/run_output.hpp"

#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
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

// ---- What every writer reads ----------------------------------------------------------------

// Which runs an output belongs to.
enum class Needs : std::uint8_t { run, renewal, sweep };

bool wanted(Needs n, bool renewal, bool sweep) {
  return n == Needs::run || (n == Needs::renewal && renewal) || (n == Needs::sweep && sweep);
}

// The layers of every vector format, built once; their geometries live here.
struct LayerSet {
  std::deque<std::vector<geo::Point>> points;
  std::deque<std::vector<geo::LineString>> lines;
  std::deque<std::vector<geo::MultiPolygon>> polygons;
  std::vector<geo::VectorLayer> layers;
};

struct Context {
  const RunOutputs& o;
  const RunTables& tables;
  const LayerSet& layers;
  const RunMaps* maps;  // when a map or the report is written (app/run_maps.hpp)
  Progress& progress;
};

// ---- Layers ---------------------------------------------------------------------------------

using Style = std::optional<geo::GraduatedStyle>;

geo::VectorLayer layer(std::string name, std::string description, const sim::Table& table,
                       Style style) {
  geo::VectorLayer l;
  l.name = std::move(name);
  l.description = std::move(description);
  l.columns = table.columns;
  l.style = std::move(style);
  return l;
}

std::span<const geo::Point> points_at(LayerSet& set, const geo::Territory& t,
                                      std::span<const geo::CommuneId> communes) {
  std::vector<geo::Point>& out = set.points.emplace_back();
  for (const geo::CommuneId c : communes) out.push_back(t.demand[c]);
  return out;
}

Style graduated(const std::string& field, std::span<const double> values,
                const geo::ClassScheme& scheme, std::string_view units) {
  const geo::Classes classes = geo::classify(values, scheme);
  if (classes.size() == 0) return std::nullopt;  // no value to class: QGIS's default symbol
  return geo::graduated_style(field, classes, units, 0);
}

Style population_style(std::span<const double> population) {
  geo::ClassScheme scheme;
  scheme.classes = 4;
  scheme.ramp = geo::Ramp::purples;
  return graduated("population", population, scheme, "inhabitants");
}

// Legend labels a council reads, in the order of sim's enums.
Style host_type_style() {
  static constexpr const char* kLabels[] = {"Commune",         "EPCI",        "Department",
                                            "Metropole",       "Association", "Social centre",
                                            "France Services", "Other host"};
  static constexpr geo::Rgb kColors[] = {{0.12, 0.47, 0.71}, {0.17, 0.63, 0.17}, {0.84, 0.15, 0.16},
                                         {0.58, 0.40, 0.74}, {1.00, 0.50, 0.05}, {0.55, 0.34, 0.29},
                                         {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50}};
  std::vector<geo::StyleCategory> categories;
  for (std::size_t k = 0; k < std::size(kLabels); ++k)
    categories.push_back({std::string(sim::name(static_cast<sim::HostType>(k))), kColors[k],
                          "Hosted by: " + std::string(kLabels[k])});
  return geo::categorized_style("host_type", std::move(categories));
}

Style fate_style() {
  return geo::categorized_style("fate", {{"kept", {0.1, 0.55, 0.2}, "Kept after renewal"},
                                         {"lost", {0.85, 0.1, 0.1}, "Lost in the renewal round"}});
}

Style round_style() {
  static constexpr const char* kLabels[] = {"Weekly round", "Fortnightly round", "Monthly round",
                                            "Workshop campaigns"};
  static constexpr geo::Rgb kColors[] = {
      {0.45, 0.05, 0.45}, {0.65, 0.3, 0.65}, {0.8, 0.55, 0.8}, {0.2, 0.4, 0.7}};
  std::vector<geo::StyleCategory> categories;
  for (std::size_t k = 0; k < std::size(kLabels); ++k)
    categories.push_back(
        {std::string(sim::name(static_cast<sim::RoundKind>(k))), kColors[k], kLabels[k]});
  return geo::categorized_style("round", std::move(categories));
}

// Sites, stops and circuits of one deployment with their tables; `fate` colours the sites by
// kept or lost (the base deployment of a renewal run) rather than by host.
void add_deployment_layers(const Context& c, LayerSet& set, const std::string& prefix,
                           const std::string& when, const sim::Deployment& d,
                           const sim::RunResult& r, bool fate) {
  const geo::Territory& t = c.o.prepared.territory;
  geo::VectorLayer sites = layer(prefix + "sites", "Advisor sites (one per post and site)" + when,
                                 r.sites, fate ? fate_style() : host_type_style());
  sites.geometry = points_at(set, t, d.site_commune);
  set.layers.push_back(std::move(sites));
  geo::VectorLayer stops = layer(prefix + "stops", "Roaming advisors' stops" + when, r.stops,
                                 fate ? fate_style() : round_style());
  stops.geometry = points_at(set, t, d.stop_commune);
  set.layers.push_back(std::move(stops));
  geo::VectorLayer circuits = layer(prefix + "circuits", "Roaming advisors' circuits" + when,
                                    r.circuits, fate ? fate_style() : round_style());
  circuits.geometry =
      std::span<const geo::LineString>(set.lines.emplace_back(circuit_geometries(t, d)));
  set.layers.push_back(std::move(circuits));
}

void add_base_layers(const Context& c, LayerSet& set) {
  const geo::Territory& t = c.o.prepared.territory;
  geo::VectorLayer communes =
      layer("communes", "Coverage per commune", c.tables.run.communes,
            graduated("nearest_minutes",
                      map_minutes(c.o.baseline.communes, c.o.prepared.table.cutoff_minutes),
                      minutes_scheme(c.o.scenario), "min"));
  communes.geometry = std::span<const geo::MultiPolygon>(t.shape);
  set.layers.push_back(std::move(communes));
  add_deployment_layers(c, set, "", "", c.o.baseline.deployment, c.tables.run,
                        c.o.renewal != nullptr);
}

// Catchments: communes dissolved by the site they reach first.
void add_catchment_layer(const Context& c, LayerSet& set) {
  const geo::Territory& t = c.o.prepared.territory;
  std::vector<geo::CommuneId> site_of_group;
  std::map<geo::CommuneId, geo::GroupId> group_of_site;
  std::vector<geo::GroupId> group_of(t.size(), geo::kNoGroup);
  for (geo::CommuneId k = 0; k < t.size(); ++k) {
    const geo::CommuneId s = c.o.baseline.communes.nearest_site[k];
    if (s == sim::kNoCommune) continue;
    auto [it, added] = group_of_site.emplace(s, static_cast<geo::GroupId>(site_of_group.size()));
    if (added) site_of_group.push_back(s);
    group_of[k] = it->second;
  }
  geo::Catchments catchments = geo::dissolve(t.shape, group_of, site_of_group.size());
  sim::Table table{.name = "catchments", .columns = {}};
  std::vector<std::string> code, name;
  std::vector<double> population(site_of_group.size(), 0);
  for (geo::CommuneId k = 0; k < t.size(); ++k)
    if (group_of[k] != geo::kNoGroup) population[group_of[k]] += t.population[k];
  for (geo::CommuneId s : site_of_group) {
    code.push_back(t.code[s]);
    name.push_back(t.name[s]);
  }
  sim::add_texts(table, "site", "Commune code of the site.", std::move(code));
  sim::add_texts(table, "site_name", "Commune of the site.", std::move(name));
  sim::add_numbers(table, "communes", geo::FieldKind::integer, "communes",
                   "Communes served first by it.",
                   std::vector<double>(catchments.members.begin(), catchments.members.end()));
  Style style = population_style(population);
  sim::add_numbers(table, "population", geo::FieldKind::real, "inhabitants",
                   "Population of the catchment.", std::move(population));
  geo::VectorLayer l =
      layer("catchments", "Communes dissolved by their nearest site", table, std::move(style));
  l.geometry =
      std::span<const geo::MultiPolygon>(set.polygons.emplace_back(std::move(catchments.shape)));
  set.layers.push_back(std::move(l));
}

void add_renewal_layers(const Context& c, LayerSet& set) {
  const geo::Territory& t = c.o.prepared.territory;
  const sim::RenewalImpact& im = c.o.renewal->impact;
  std::vector<geo::MultiPolygon>& shapes = set.polygons.emplace_back();
  std::vector<std::string> code, name;
  std::vector<double> population, priority;
  for (const geo::CommuneId k : im.loss.losing_reach(im.threshold)) {
    shapes.push_back(t.shape[k]);
    code.push_back(t.code[k]);
    name.push_back(t.name[k]);
    population.push_back(t.population[k]);
    priority.push_back(t.priority_population[k]);
  }
  sim::Table table{.name = "losing_reach", .columns = {}};
  sim::add_texts(table, "code", "Commune code.", std::move(code));
  sim::add_texts(table, "name", "Commune name.", std::move(name));
  Style style = population_style(population);
  sim::add_numbers(table, "population", geo::FieldKind::real, "inhabitants", "Population.",
                   std::move(population));
  sim::add_numbers(table, "priority_population", geo::FieldKind::real, "inhabitants",
                   "Population in priority areas.", std::move(priority));
  geo::VectorLayer l =
      layer("losing_reach",
            "Communes that lose reach within " +
                minutes_label(c.o.scenario.coverage.thresholds_minutes[im.threshold]) +
                " min after renewal",
            table, std::move(style));
  l.geometry = std::span<const geo::MultiPolygon>(shapes);
  set.layers.push_back(std::move(l));
  add_deployment_layers(c, set, "after_", " after renewal", im.after_deployment, *c.tables.after,
                        false);
}

// The layers of coverage.<format>, in the order written: adding a layer is one line here.
struct LayerOutput {
  std::vector<const char*> names;
  Needs needs;
  void (*add)(const Context&, LayerSet&);
};
const LayerOutput kLayers[] = {
    {{"communes", "sites", "stops", "circuits"}, Needs::run, add_base_layers},
    {{"catchments"}, Needs::run, add_catchment_layer},
    {{"losing_reach", "after_sites", "after_stops", "after_circuits"},
     Needs::renewal,
     add_renewal_layers},
};

std::vector<std::string> layer_names(bool renewal, bool sweep) {
  std::vector<std::string> out;
  for (const LayerOutput& l : kLayers)
    if (wanted(l.needs, renewal, sweep)) out.insert(out.end(), l.names.begin(), l.names.end());
  return out;
}

void build_layers(const Context& c, LayerSet& set) {
  for (const LayerOutput& l : kLayers)
    if (wanted(l.needs, c.o.renewal != nullptr, c.o.sweep != nullptr)) l.add(c, set);
}

void write_vector(const Context& c, const fs::path& path) {
  geo::VectorExportOptions options;
  options.epsg = c.o.prepared.territory.epsg;  // an empty staging directory: nothing to overwrite
  geo::write_vector(path, c.layers.layers, options, c.progress);
}

// ---- Maps -----------------------------------------------------------------------------------

void write_coverage_map(const Context& c, const fs::path& path) {
  geo::render_map(c.maps->coverage, path.string());
}

void write_renewal_map(const Context& c, const fs::path& path) {
  geo::render_map_pair(*c.maps->renewal, *c.maps->after, path.string());
}

// ---- Report ---------------------------------------------------------------------------------

void report_html_writer(const Context& c, const fs::path& path) {
  write_report_html(c.o, *c.maps, path);
}

void report_pdf_writer(const Context& c, const fs::path& path) {
  write_report_pdf(c.o, *c.maps, path);
}

// ---- Tables ---------------------------------------------------------------------------------

// The CSV files, each one table of RunTables: adding a file is one line here.
struct TableOutput {
  const char* file;
  Needs needs;
  const sim::Table& (*table)(const RunTables&);
};
const TableOutput kTables[] = {
    {"communes.csv", Needs::run, [](const RunTables& r) -> auto& {return r.run.communes;
}  // namespace
}  // namespace covsim::app
, {"groups.csv", Needs::run, [](const RunTables& r) -> auto& {return r.run.groups;
}
}
, {"sites.csv", Needs::run, [](const RunTables& r) -> auto& {return r.run.sites;
}
}
, {"stops.csv", Needs::run, [](const RunTables& r) -> auto& {return r.run.stops;
}
}
, {"circuits.csv", Needs::run, [](const RunTables& r) -> auto& {return r.run.circuits;
}
}
, {"renewal_posts.csv", Needs::renewal, [](const RunTables& r) -> auto& {return r.renewal_posts;
}
}
, {"renewal_losses.csv", Needs::renewal, [](const RunTables& r) -> auto& {return r.renewal_losses;
}
}
, {"renewal_groups.csv", Needs::renewal, [](const RunTables& r) -> auto& {return r.renewal_groups;
}
}
, {"renewal_absorbed.csv", Needs::renewal,
   [](const RunTables& r) -> auto& {return r.renewal_absorbed;
}
}
, {"sweep_cells.csv", Needs::sweep, [](const RunTables& r) -> auto& {return r.sweep_cells;
}
}
, {"sweep_figures.csv", Needs::sweep, [](const RunTables& r) -> auto& {return r.sweep_figures;
}
}
, {"sweep_groups.csv", Needs::sweep, [](const RunTables& r) -> auto& {return r.sweep_groups;
}
}
, {"sweep_communes.csv", Needs::sweep, [](const RunTables& r) -> auto& {return r.sweep_communes;
}
}
,
}
;

nlohmann::json tables_json(std::initializer_list<const sim::Table*> tables) {
  nlohmann::json out = nlohmann::json::object();
  for (const sim::Table* t : tables) out[t->name] = geo::table_json(t->name, t->columns);
  return out;
}

nlohmann::json run_json(const sim::RunResult& r) {
  return {{"thresholds_minutes", r.thresholds_minutes},
          {"catchment_minutes", r.catchment_minutes},
          {"min_visits_per_month", r.min_visits_per_month},
          {"notes", r.notes},
          {"tables", tables_json({&r.communes, &r.groups, &r.sites, &r.stops, &r.circuits})}};
}

// result.json: every table of RunTables (geo::table_json, rounded as the CSVs) and the settings
// that made them. `covsim export` and `covsim compare` read result.tables.communes and
// renewal.after.tables.communes.
void write_json(const Context& c, const fs::path& path) {
  const RunOutputs& o = c.o;
  const RunTables& r = c.tables;
  nlohmann::json j = {{"scenario", o.scenario.name}, {"result", run_json(r.run)}};
  if (o.renewal) {
    const sim::RenewalImpact& im = o.renewal->impact;
    j["renewal"] = {{"policy", sim::name(im.options.policy)},
                    {"threshold_minutes", o.scenario.coverage.thresholds_minutes[im.threshold]},
                    {"random_posts_read_as", im.options.random_kept ? "renewed" : "lost"},
                    {"random_posts", im.random_posts},
                    {"orphans", im.orphans},
                    {"hours_moved", geo::rounded(im.hours_moved, 2)},
                    {"groups_replanned", im.groups_replanned},
                    {"notes", im.notes},
                    {"after", run_json(*r.after)},
                    {"tables", tables_json({&r.renewal_posts, &r.renewal_losses, &r.renewal_groups,
                                            &r.renewal_absorbed})}};
  }
  if (o.sweep) {
    const sim::SweepResult& sw = *o.sweep;
    nlohmann::json cells = nlohmann::json::array();
    for (std::size_t i = 0; i < sw.cells.size(); ++i) {
      const sim::Table groups = sim::sweep_groups_table(sw, i);
      const sim::Table communes = sim::sweep_communes_table(sw, o.prepared.territory, i);
      cells.push_back(tables_json({&groups, &communes}));
    }
    j["sweep"] = {{"seed", sw.seed},
                  {"draws", sw.draws},
                  {"percentile_method", sim::kPercentileMethod},
                  {"thresholds_minutes", sw.thresholds_minutes},
                  {"cutoff_minutes", sw.cutoff_minutes},
                  {"shown_cell", r.shown_cell},
                  {"tables", tables_json({&r.sweep_cells, &r.sweep_figures})},
                  {"cells", std::move(cells)}};
  }
  geo::write_text_file(path, j.dump(1), false);
}

void write_summary(const Context& c, const fs::path& path) {
  geo::write_text_file(path, summary_markdown(c.o), false);
}

// ---- The list -------------------------------------------------------------------------------

using Writer = std::function<void(const Context&, const fs::path&)>;

// One file of the output set and how it is made; vector datasets name their layers.
struct OutputEntry {
  PlannedOutput file;
  std::string key;                  // scenario key that asks for it, for errors
  std::vector<std::string> layers;  // a vector dataset's layers
  Writer write;
};

std::string vector_extension(const std::string& format) {
  return format == "gpkg" ? ".gpkg" : format == "geojson" ? ".geojson" : ".shp";
}

std::vector<OutputEntry> output_entries(const Scenario& s, bool renewal, bool sweep) {
  std::vector<OutputEntry> out;
  for (const std::string& f : s.output.vector_formats)
    out.push_back({{"coverage" + vector_extension(f), "vector:" + f},
                   "output.vector",
                   layer_names(renewal, sweep),
                   write_vector});
  for (const std::string& ext : s.output.map_formats) {
    out.push_back({{"coverage." + ext, "map:" + ext}, "output.maps", {}, write_coverage_map});
    if (renewal)
      out.push_back({{"renewal." + ext, "map:" + ext}, "output.maps", {}, write_renewal_map});
  }
  if (s.output.report) {
    out.push_back({{"report.html", "report"}, "output.report", {}, report_html_writer});
    out.push_back({{"report.pdf", "report"}, "output.report", {}, report_pdf_writer});
  }
  if (!s.output.tables) return out;
  for (const TableOutput& t : kTables)
    if (wanted(t.needs, renewal, sweep))
      out.push_back(
          {{t.file, "table"}, "output.tables", {}, [t](const Context& c, const fs::path& p) {
             geo::write_csv(p, t.table(c.tables).columns);
           }});
  out.push_back({{"result.json", "json"}, "output.tables", {}, write_json});
  out.push_back({{"summary.md", "summary"}, "output.tables", {}, write_summary});
  return out;
}

}  // namespace

RunTables run_tables(const RunOutputs& o) {
  RunTables r;
  r.run = o.baseline.result;
  if (o.renewal) {
    const RenewalOutcome& rn = *o.renewal;
    const sim::RenewalImpact& im = rn.impact;
    sim::add_renewal_columns(r.run.communes, im, o.baseline.model->options().thresholds_minutes);
    sim::add_fate_columns(r.run, o.baseline.deployment, im);
    r.after =
        sim::make_run_result(o.prepared.territory, rn.reallocator->posts(), im.after_deployment,
                             *o.baseline.model, im.after, im.after_groups);
    r.renewal_posts = sim::impact_posts_table(im, rn.plan, o.baseline.posts);
    r.renewal_losses = sim::impact_losses_table(im, *rn.reallocator);
    r.renewal_groups = sim::impact_groups_table(im, *rn.reallocator);
    r.renewal_absorbed = sim::impact_absorbed_table(im, *rn.reallocator);
  }
  if (o.sweep && !o.sweep->cells.empty()) {
    const sim::SweepResult& sw = *o.sweep;
    r.shown_cell = shown_cell(o);
    sim::add_sweep_columns(r.run.communes, sw, r.shown_cell);
    r.sweep_cells = sim::sweep_cells_table(sw);
    r.sweep_figures = sim::sweep_figures_table(sw);
    r.sweep_groups = sim::sweep_groups_table(sw, r.shown_cell);
    r.sweep_communes = sim::sweep_communes_table(sw, o.prepared.territory, r.shown_cell);
  }
  return r;
}

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
  for (const OutputEntry& e : output_entries(s, renewal, sweep)) {
    if (e.layers.empty()) {
      add(e.file.name, e.file.writer, e.file.always, e.key);
      continue;
    }
    // A vector dataset: every file of every layer, sidecars included (GeoJSON and Shapefile
    // write one file per layer, and QGIS styles beside them).
    for (const geo::PlannedFile& p : geo::vector_output_files(e.file.name, e.layers))
      add(p.name, e.file.writer, p.always, e.key);
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
  const RunTables tables = run_tables(o);
  LayerSet layers;
  std::optional<RunMaps> maps;
  if (!o.scenario.output.map_formats.empty() || o.scenario.output.report) maps = run_maps(o);
  Context context{o, tables, layers, maps ? &*maps : nullptr, progress};
  if (!o.scenario.output.vector_formats.empty()) build_layers(context, layers);
  for (const OutputEntry& e : output_entries(o.scenario, o.renewal != nullptr, o.sweep != nullptr))
    e.write(context, out.staging() / e.file.name);
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
     << counted(static_cast<double>(o.baseline.deployment.circuits()), "roaming round")
     << " holding "
     << counted(static_cast<double>(o.baseline.deployment.stop_commune.size()), "stop") << ".\n\n";

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
       << number(hours_lost) << " advisor-hours a week); "
       << counted(static_cast<double>(im.random_posts), "undecided or random post") << " read as "
       << (im.options.random_kept ? "renewed" : "lost")
       << ". Reallocation: " << sim::name(im.options.policy) << " ("
       << counted(static_cast<double>(im.absorbed.size()), "commune") << " absorbed, "
       << number(im.hours_moved, 1) << " h/week moved, "
       << counted(static_cast<double>(im.groups_replanned), "group")
       << " re-planned).\n\n| Threshold | Reached before | Reached after |"
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
         im.loss.losing_reach(im.threshold));
    list("Communes losing their permanence", im.loss.losing_permanence());
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
