#include "app/scenario.hpp"

#include <algorithm>
#include <fstream>

#include "app/yaml_section.hpp"
#include "geo/error.hpp"

namespace covsim::app {

namespace {

// Columns of the post table (sim/post_table.hpp): inline posts use the same names.
const std::initializer_list<std::string_view> kPostKeys = {
    "id",       "host_type",      "home_commune", "host_name", "weekly_hours",
    "strategy", "sites",          "group_key",    "group",     "site_count",
    "funding",  "priority_bonus", "contract_end", "renewal",   "renewal_probability"};

geo::GroupField group_field(const YamlSection& s) {
  geo::GroupField g;
  g.key = s.required_text("key");
  g.field = s.required_text("field");
  g.name_field = s.text("name_field", "");
  return g;
}

void read_territory(const YamlSection& root, Scenario& out) {
  auto t = root.section("territory", {"synthetic", "layers", "layer", "fields", "groups", "crs",
                                      "source_crs", "repair", "cog", "code_mapping", "tables"});
  if (!t) root.fail("territory", "is required: a 'synthetic' territory or 'layers' to load");
  const bool synthetic = t->has("synthetic");
  const bool layers = t->has("layers");
  if (synthetic == layers)
    t->fail("",
            "give either 'synthetic' (a generated territory) or 'layers' (files to load), "
            "not both and not neither");
  if (synthetic) {
    auto s = t->section("synthetic", {"seed", "communes", "towns", "islands", "departments",
                                      "epcis", "width_km", "height_km"});
    geo::SyntheticOptions o;
    o.seed = static_cast<std::uint64_t>(s->integer("seed", 1, 0, 1LL << 53));
    o.communes = static_cast<int>(s->integer("communes", o.communes, 20, 900));
    o.towns = static_cast<int>(s->integer("towns", o.towns, 3, 5));
    o.islands = static_cast<int>(s->integer("islands", o.islands, 0, 2));
    o.departments = static_cast<int>(s->integer("departments", o.departments, 1, 2));
    o.epcis = static_cast<int>(s->integer("epcis", o.epcis, 3, 12));
    o.width_km = s->positive("width_km", o.width_km);
    o.height_km = s->positive("height_km", o.height_km);
    out.territory.synthetic = o;
    return;
  }
  geo::LoadOptions& l = out.territory.load;
  l.inputs = t->paths("layers");
  if (l.inputs.empty()) t->fail("layers", "must list at least one file");
  l.layer = t->text("layer", "");
  if (auto f = t->section("fields", {"code", "name", "population", "priority_population"})) {
    l.code_field = f->text("code", l.code_field);
    l.name_field = f->text("name", l.name_field);
    l.population_field = f->text("population", "");
    l.priority_population_field = f->text("priority_population", "");
  }
  for (const YamlSection& g : t->list("groups", {"key", "field", "name_field"}))
    l.group_fields.push_back(group_field(g));
  l.target_crs = t->text("crs", l.target_crs);
  l.source_crs = t->text("source_crs", "");
  l.repair = t->choice("repair", "structure", {"structure", "linework"}) == "structure"
                 ? geo::RepairMethod::structure
                 : geo::RepairMethod::linework;
  if (auto c =
          t->section("cog", {"dir", "unknown_codes", "use_former_codes", "border_tolerance_m"})) {
    geo::CogOptions cog;
    auto dir = c->path("dir");
    if (!dir) c->fail("dir", "is required: the folder holding communes.json, epci.json...");
    cog.dir = *dir;
    cog.unknown_codes =
        c->choice("unknown_codes", "merge-neighbour", {"merge-neighbour", "keep"}) == "keep"
            ? geo::UnknownCodePolicy::keep
            : geo::UnknownCodePolicy::merge_neighbour;
    cog.use_former_codes = c->flag("use_former_codes", cog.use_former_codes);
    cog.border_tolerance_m = c->non_negative("border_tolerance_m", cog.border_tolerance_m);
    l.cog = cog;
  }
  if (auto p = t->path("code_mapping")) l.code_mapping = *p;
  for (const YamlSection& s : t->list(
           "tables", {"file", "layer", "code", "population", "priority_population", "groups"})) {
    geo::AttributeTableOptions a;
    auto file = s.path("file");
    if (!file) s.fail("file", "is required");
    a.path = *file;
    a.layer = s.text("layer", "");
    a.code_field = s.text("code", a.code_field);
    a.population_field = s.text("population", "");
    a.priority_population_field = s.text("priority_population", "");
    for (const YamlSection& g : s.list("groups", {"key", "field", "name_field"}))
      a.groups.push_back(group_field(g));
    l.tables.push_back(std::move(a));
  }
}

void read_travel(const YamlSection& root, Scenario& out) {
  TravelSettings& tr = out.travel;
  auto t = root.section("travel", {"model", "cutoff_minutes", "adjacency", "road", "od"});
  if (!t) return;
  tr.model = t->choice("model", tr.model, {"adjacency", "road", "od"});
  tr.cutoff_minutes = static_cast<float>(t->positive("cutoff_minutes", tr.cutoff_minutes));
  if (auto a = t->section(
          "adjacency", {"tolerance_m", "detour_factor", "speed_kmh", "density_speeds", "links"})) {
    tr.tolerance_m = a->non_negative("tolerance_m", tr.tolerance_m);
    tr.detour_factor = a->in_range("detour_factor", tr.detour_factor, 1.0, 5.0);
    tr.speed_kmh = a->positive("speed_kmh", tr.speed_kmh);
    for (const YamlSection& d : a->list("density_speeds", {"min_density", "speed_kmh"}))
      tr.density_speeds.push_back({d.non_negative("min_density", 0), d.positive("speed_kmh", 1)});
    for (const YamlSection& k : a->list("links", {"from", "to", "minutes"}))
      tr.links.push_back(
          {k.required_text("from"), k.required_text("to"), k.positive("minutes", 1), k.where()});
  }
  if (auto r = t->section("road", {"file", "layer", "class_field", "oneway_field", "speeds",
                                   "default_speed_kmh", "access_speed_kmh"})) {
    auto file = r->path("file");
    if (!file) r->fail("file", "is required for the road model");
    tr.road_file = *file;
    tr.road_layer = r->text("layer", "");
    tr.class_field = r->text("class_field", tr.class_field);
    tr.oneway_field = r->text("oneway_field", tr.oneway_field);
    tr.class_speeds_kmh = r->number_map("speeds");
    for (const auto& [cls, kmh] : tr.class_speeds_kmh)
      if (kmh <= 0) r->fail("speeds", "speed of '" + cls + "' must be greater than 0");
    tr.default_speed_kmh = r->non_negative("default_speed_kmh", 0);
    tr.access_speed_kmh = r->positive("access_speed_kmh", tr.access_speed_kmh);
  }
  if (auto o = t->section("od", {"file", "origin", "destination", "minutes"})) {
    auto file = o->path("file");
    if (!file) o->fail("file", "is required for the od model");
    tr.od_file = *file;
    tr.origin_column = o->text("origin", tr.origin_column);
    tr.destination_column = o->text("destination", tr.destination_column);
    tr.minutes_column = o->text("minutes", tr.minutes_column);
  }
  if (tr.model == "road" && tr.road_file.empty())
    t->fail("road", "the road model needs a 'road' section with a 'file'");
  if (tr.model == "od" && tr.od_file.empty())
    t->fail("od", "the od model needs an 'od' section with a 'file'");
}

void read_coverage(const YamlSection& root, Scenario& out) {
  sim::CoverageOptions& c = out.coverage;
  auto s = root.section("coverage", {"thresholds", "catchment_minutes", "min_visits_per_month"});
  if (!s) return;
  std::vector<double> def(c.thresholds_minutes.begin(), c.thresholds_minutes.end());
  std::vector<double> th = s->positives("thresholds", def);
  if (th.size() > 8) s->fail("thresholds", "at most 8 thresholds");
  std::sort(th.begin(), th.end());
  if (std::adjacent_find(th.begin(), th.end()) != th.end())
    s->fail("thresholds", "thresholds must be distinct");
  c.thresholds_minutes.assign(th.begin(), th.end());
  c.catchment_minutes = static_cast<float>(s->non_negative("catchment_minutes", 0));
  c.min_visits_per_month = s->positive("min_visits_per_month", c.min_visits_per_month);
}

void read_deployment(const YamlSection& root, Scenario& out) {
  sim::DeploymentOptions& d = out.deployment;
  auto s = root.section("deployment", {"multi_centre", "roaming"});
  if (!s) return;
  if (auto m = s->section("multi_centre", {"sites_per_post", "objective", "cover_minutes",
                                           "restarts", "sites_by_group"})) {
    d.multi_centre.sites_per_post = static_cast<std::uint32_t>(
        m->integer("sites_per_post", d.multi_centre.sites_per_post, 1, 50));
    d.multi_centre.location.objective =
        m->choice("objective", "max-cover", {"max-cover", "p-median"}) == "p-median"
            ? sim::Objective::p_median
            : sim::Objective::max_cover;
    d.multi_centre.location.cover_minutes =
        static_cast<float>(m->positive("cover_minutes", d.multi_centre.location.cover_minutes));
    d.multi_centre.location.restarts = static_cast<std::uint32_t>(
        m->integer("restarts", d.multi_centre.location.restarts, 0, 1000));
    for (const YamlSection& g : m->list("sites_by_group", {"grouping", "code", "sites"}))
      d.multi_centre.sites_by_group.push_back(
          {g.required_text("grouping"), g.required_text("code"),
           static_cast<std::uint32_t>(g.integer("sites", 1, 1, 1000))});
  }
  if (auto r = s->section("roaming", {"balance_tolerance", "session_hours"})) {
    d.roaming.balance_tolerance =
        r->in_range("balance_tolerance", d.roaming.balance_tolerance, 0, 1);
    d.roaming.session_hours = r->positive("session_hours", d.roaming.session_hours);
  }
}

void read_posts(const YamlSection& root, Scenario& out) {
  auto s = root.section("posts", {"file", "list"});
  if (!s) return;
  out.posts.where = s->where();
  out.posts.csv = s->path("file");
  for (const YamlSection& p : s->list("list", kPostKeys)) {
    InlinePost ip;
    ip.where = p.where();
    for (std::string_view key : kPostKeys) {
      if (!p.has(key)) continue;
      // "sites" may be a YAML list; the table format joins codes with ';'.
      std::string cell;
      for (const std::string& v : p.texts(key)) cell += (cell.empty() ? "" : ";") + v;
      ip.cells[std::string(key)] = cell;
    }
    out.posts.inline_posts.push_back(std::move(ip));
  }
}

void read_output(const YamlSection& root, Scenario& out) {
  OutputSettings& o = out.output;
  auto s = root.section("output", {"dir", "overwrite", "vector", "maps", "tables"});
  if (!s) {
    o.dir = (std::filesystem::path(root.base_dir()) / o.dir).lexically_normal();
    return;
  }
  o.dir = s->path("dir").value_or((root.base_dir() / o.dir).lexically_normal());
  o.overwrite = s->flag("overwrite", o.overwrite);
  if (s->has("vector")) {
    o.vector_formats = s->texts("vector");
    for (const std::string& f : o.vector_formats)
      if (f != "gpkg" && f != "geojson" && f != "shp")
        s->fail("vector", "'" + f + "' is not one of: gpkg, geojson, shp");
  }
  if (s->has("maps")) {
    o.map_formats = s->texts("maps");
    for (const std::string& f : o.map_formats)
      if (f != "png" && f != "svg" && f != "pdf")
        s->fail("maps", "'" + f + "' is not one of: png, svg, pdf");
  }
  o.tables = s->flag("tables", o.tables);
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& name,
                        const std::filesystem::path& base_dir) {
  const YamlSection root =
      YamlSection::load_string(text, name, base_dir,
                               {"name", "description", "territory", "travel", "coverage",
                                "deployment", "posts", "renewal", "sweep", "output"});
  Scenario s;
  s.file = name;
  s.yaml_text = text;
  s.name = root.text("name", std::filesystem::path(name).stem().string());
  s.description = root.text("description", "");
  read_territory(root, s);
  read_travel(root, s);
  read_coverage(root, s);
  read_deployment(root, s);
  read_posts(root, s);
  read_output(root, s);
  const float largest =
      std::max(s.coverage.thresholds_minutes.back(), s.coverage.catchment_minutes);
  if (largest > s.travel.cutoff_minutes)
    root.fail("coverage",
              "the largest threshold (" + std::to_string(largest) +
                  " min) or the catchment exceeds travel.cutoff_minutes; raise the cut-off");
  return s;
}

Scenario read_scenario(const std::filesystem::path& path) {
  return parse_scenario(read_text_file(path, "scenario file"), path.string(),
                        std::filesystem::absolute(path).parent_path());
}

}  // namespace covsim::app
