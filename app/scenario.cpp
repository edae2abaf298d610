#include "app/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "app/yaml_section.hpp"
#include "geo/error.hpp"
#include "geo/text_input.hpp"

namespace covsim::app {

namespace {

// Columns of the post table (sim/post_table.hpp): inline posts use the same names.
const std::initializer_list<std::string_view> kPostKeys = {
    "id",       "host_type",      "home_commune", "host_name", "weekly_hours",
    "strategy", "sites",          "group_key",    "group",     "site_count",
    "funding",  "priority_bonus", "contract_end", "renewal",   "renewal_probability",
    "communes", "round",          "max_stops"};

// Travel minutes are stored as float; a day bounds every sensible one and keeps 1e39 from
// becoming an infinite cut-off that passes every comparison. Below 6 seconds no travel time is
// meant (1e-300 would become a float 0, a threshold nothing reaches).
constexpr double kMaxMinutes = 24 * 60;
constexpr double kMinMinutes = 0.1;

// The shortest text that reads back as exactly `v`.
std::string shortest(double v) {
  char buf[32];
  return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

std::string minutes_range_problem(double v) {
  if (v > kMaxMinutes) return "must be at most 1440 minutes (a day), got " + shortest(v);
  if (v < kMinMinutes) return "must be at least 0.1 minute (6 seconds), got " + shortest(v);
  return {};
}

float minutes(const YamlSection& s, std::string_view key, double fallback) {
  const double v = s.positive(key, fallback);
  if (const std::string problem = minutes_range_problem(v); !problem.empty()) s.fail(key, problem);
  return static_cast<float>(v);
}

std::vector<float> minutes_list(const YamlSection& s, std::string_view key,
                                std::vector<double> fallback) {
  std::vector<float> out;
  for (double v : s.positives(key, std::move(fallback))) {
    if (const std::string problem = minutes_range_problem(v); !problem.empty())
      s.fail(key, "every value " + problem);
    out.push_back(static_cast<float>(v));
  }
  return out;
}

// Speeds of a means of travel, from walking to a motorway: outside, a typo (1e-300 km/h made
// every edge infinite).
double speed(const YamlSection& s, std::string_view key, double fallback) {
  const double v = s.number(key, fallback);
  if (!(v >= 1 && v <= 300)) s.fail(key, "must be a speed from 1 to 300 km/h, got " + shortest(v));
  return v;
}

std::string known_thresholds(const std::vector<float>& th) {
  std::string out;
  for (float t : th) out += (out.empty() ? "" : ", ") + shortest(t);
  return out;
}

bool is_threshold(const std::vector<float>& th, double v) {
  return std::find(th.begin(), th.end(), static_cast<float>(v)) != th.end();
}

geo::GroupField group_field(const YamlSection& s) {
  geo::GroupField g;
  g.key = s.required_text("key");
  g.field = s.required_text("field");
  g.name_field = s.text("name_field", "");
  return g;
}

void read_territory(const YamlSection& root, Scenario& out) {
  auto t = root.section("territory",
                        {"synthetic", "layers", "layer", "fields", "groups", "crs", "source_crs",
                         "repair", "cog", "code_mapping", "tables", "cache", "cache_dir"});
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
    o.seed = static_cast<std::uint64_t>(s->integer("seed", 1, 0, kMaxSeed));
    o.communes = static_cast<int>(s->integer("communes", o.communes, 20, 900));
    o.towns = static_cast<int>(s->integer("towns", o.towns, 3, 5));
    o.islands = static_cast<int>(s->integer("islands", o.islands, 0, 2));
    o.departments = static_cast<int>(s->integer("departments", o.departments, 1, 2));
    o.epcis = static_cast<int>(s->integer("epcis", o.epcis, 3, 12));
    o.width_km = s->in_range("width_km", o.width_km, 10, 500);
    o.height_km = s->in_range("height_km", o.height_km, 10, 500);
    out.territory.synthetic = o;
    return;
  }
  out.territory.cache = t->flag("cache", out.territory.cache);
  if (auto dir = t->path("cache_dir")) out.territory.cache_dir = *dir;
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
  try {
    geo::target_crs_epsg(l.target_crs);  // here, to name the line
  } catch (const InputError& e) {
    t->fail("crs", e.problem());
  }
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
    cog.border_tolerance_m = c->in_range("border_tolerance_m", cog.border_tolerance_m, 0.01, 1000);
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
  tr.cutoff_minutes = minutes(*t, "cutoff_minutes", tr.cutoff_minutes);
  if (auto a =
          t->section("adjacency", {"tolerance_m", "detour_factor", "speed_kmh", "density_speeds",
                                   "links", "long_trip_from_minutes", "long_trip_speedup"})) {
    // Neighbours' borders run a few metres apart; a kilometre is no longer adjacency (and a huge
    // tolerance makes every pair of communes neighbours).
    tr.adjacency.tolerance_m = a->in_range("tolerance_m", tr.adjacency.tolerance_m, 0, 1000);
    tr.speeds.detour_factor = a->in_range("detour_factor", tr.speeds.detour_factor, 1.0, 5.0);
    tr.speeds.speed_kmh = speed(*a, "speed_kmh", tr.speeds.speed_kmh);
    // Listed classes replace the defaults; an empty list drives every commune at speed_kmh.
    if (a->has("density_speeds")) tr.speeds.density_classes.clear();
    for (const YamlSection& d : a->list("density_speeds", {"min_density", "speed_kmh"})) {
      if (!d.has("speed_kmh")) d.fail("speed_kmh", "is required");
      tr.speeds.density_classes.push_back(
          {d.in_range("min_density", 0, 0, 1e6), speed(d, "speed_kmh", 1)});
    }
    tr.speeds.long_trip_from_minutes =
        minutes(*a, "long_trip_from_minutes", tr.speeds.long_trip_from_minutes);
    tr.speeds.long_trip_speedup =
        a->in_range("long_trip_speedup", tr.speeds.long_trip_speedup, 1.0, 5.0);
    for (const YamlSection& k : a->list("links", {"from", "to", "minutes"}))
      tr.speeds.extra_links.push_back(
          {k.required_text("from"), k.required_text("to"), minutes(k, "minutes", 1)});
  }
  if (auto r = t->section("road", {"file", "layer", "class_field", "oneway_field", "speeds",
                                   "unknown_class_speed_kmh", "access_speed_kmh", "source_crs",
                                   "maxspeed", "cache", "cache_dir"})) {
    geo::RoadOptions& road = tr.road;
    auto file = r->path("file");
    if (!file) r->fail("file", "is required for the road model");
    road.file = *file;
    road.layer = r->text("layer", "");
    road.class_field = r->text("class_field", road.class_field);
    road.oneway_field = r->text("oneway_field", road.oneway_field);
    // Listed classes replace or extend the defaults, so a planner tunes only what differs.
    for (const auto& [cls, kmh] : r->number_map("speeds")) {
      if (!(kmh >= 1 && kmh <= 300))
        r->fail("speeds",
                "speed of '" + cls + "' must be from 1 to 300 km/h, got " + shortest(kmh));
      road.speed_kmh[cls] = kmh;
      road.ignored_classes.erase(cls);
    }
    if (r->has("unknown_class_speed_kmh"))
      road.unknown_class_speed_kmh = speed(*r, "unknown_class_speed_kmh", 1);
    road.access_speed_kmh = speed(*r, "access_speed_kmh", road.access_speed_kmh);
    road.source_crs = r->text("source_crs", "");
    road.use_maxspeed = r->flag("maxspeed", road.use_maxspeed);
    road.cache = r->flag("cache", road.cache);
    if (auto dir = r->path("cache_dir")) road.cache_dir = *dir;
  }
  if (auto o =
          t->section("od", {"file", "layer", "origin", "destination", "minutes", "symmetric"})) {
    auto file = o->path("file");
    if (!file) o->fail("file", "is required for the od model");
    tr.od.file = *file;
    tr.od.layer = o->text("layer", "");
    tr.od.origin_column = o->text("origin", tr.od.origin_column);
    tr.od.destination_column = o->text("destination", tr.od.destination_column);
    tr.od.minutes_column = o->text("minutes", tr.od.minutes_column);
    tr.od.symmetric = o->flag("symmetric", tr.od.symmetric);
  }
  if (tr.model == "road" && tr.road.file.empty())
    t->fail("road", "the road model needs a 'road' section with a 'file'");
  if (tr.model == "od" && tr.od.file.empty())
    t->fail("od", "the od model needs an 'od' section with a 'file'");
}

void read_coverage(const YamlSection& root, Scenario& out) {
  sim::CoverageOptions& c = out.coverage;
  auto s = root.section("coverage", {"thresholds", "catchment_minutes", "min_visits_per_month"});
  if (!s) return;
  std::vector<double> def(c.thresholds_minutes.begin(), c.thresholds_minutes.end());
  std::vector<float> th = minutes_list(*s, "thresholds", def);
  if (th.size() > 8) s->fail("thresholds", "at most 8 thresholds");
  std::sort(th.begin(), th.end());
  if (std::adjacent_find(th.begin(), th.end()) != th.end())
    s->fail("thresholds", "thresholds must be distinct");
  c.thresholds_minutes = th;
  // 0 (the default) means the largest threshold: see sim/coverage.hpp.
  const double catchment = s->non_negative("catchment_minutes", 0);
  if (catchment != 0)
    if (const std::string problem = minutes_range_problem(catchment); !problem.empty())
      s->fail("catchment_minutes", problem + " (or 0 for the largest threshold)");
  c.catchment_minutes = static_cast<float>(catchment);
  c.min_visits_per_month = s->in_range("min_visits_per_month", c.min_visits_per_month, 0.01, 100);
}

void read_deployment(const YamlSection& root, Scenario& out) {
  sim::DeploymentOptions& d = out.deployment;
  auto s = root.section("deployment", {"team", "multi_centre", "roaming"});
  if (!s) return;
  if (auto t = s->section("team", {"balance_tolerance", "cover_served"})) {
    d.team.balance_tolerance = t->in_range("balance_tolerance", d.team.balance_tolerance, 0, 1);
    d.team.cover_served = t->flag("cover_served", d.team.cover_served);
  }
  if (auto m = s->section("multi_centre", {"sites_per_post", "objective", "cover_minutes",
                                           "restarts", "sites_by_group", "min_site_hours"})) {
    d.multi_centre.sites_per_post = static_cast<std::uint32_t>(
        m->integer("sites_per_post", d.multi_centre.sites_per_post, 1, 50));
    d.multi_centre.location.objective =
        m->choice("objective", "max-cover", {"max-cover", "p-median"}) == "p-median"
            ? sim::Objective::p_median
            : sim::Objective::max_cover;
    d.multi_centre.location.cover_minutes =
        minutes(*m, "cover_minutes", d.multi_centre.location.cover_minutes);
    d.multi_centre.location.restarts = static_cast<std::uint32_t>(
        m->integer("restarts", d.multi_centre.location.restarts, 0, 1000));
    d.multi_centre.min_site_hours =
        m->in_range("min_site_hours", d.multi_centre.min_site_hours, 0, 168);
    for (const YamlSection& g : m->list("sites_by_group", {"grouping", "code", "sites"}))
      d.multi_centre.sites_by_group.push_back(
          {g.required_text("grouping"), g.required_text("code"),
           static_cast<std::uint32_t>(g.integer("sites", 1, 1, 1000))});
  }
  if (auto r = s->section("roaming", {"round", "max_stops", "session_hours", "cover_minutes",
                                      "max_day_driving_minutes", "campaign_weeks",
                                      "sessions_per_1000", "working_weeks_per_year"})) {
    sim::RoundOptions& ro = d.roaming.round;
    const std::string round = r->choice("round", std::string(sim::name(ro.round)),
                                        {"weekly", "fortnightly", "monthly", "campaigns"});
    ro.round = *sim::parse_round(round);
    ro.max_stops = static_cast<std::uint32_t>(r->integer("max_stops", ro.max_stops, 1, 100));
    ro.session_hours = r->in_range("session_hours", ro.session_hours, 0.25, ro.day_hours);
    if (r->has("cover_minutes")) d.roaming.cover_minutes = minutes(*r, "cover_minutes", 0);
    ro.max_day_driving_minutes = minutes(*r, "max_day_driving_minutes", ro.max_day_driving_minutes);
    ro.campaign_weeks = r->in_range("campaign_weeks", ro.campaign_weeks, 0, 52);
    ro.sessions_per_1000 = r->in_range("sessions_per_1000", ro.sessions_per_1000, 0.01, 1000);
    ro.working_weeks_per_year =
        r->in_range("working_weeks_per_year", ro.working_weeks_per_year, 1, 52);
  }
}

void read_posts(const YamlSection& root, Scenario& out) {
  auto s = root.section("posts", {"file", "list", "strategy_by_host_type", "group_key"});
  if (!s) return;
  out.posts.where = s->where();
  out.posts.csv = s->path("file");
  for (const auto& [host, strategy] : s->text_map("strategy_by_host_type")) {
    const auto h = sim::parse_host_type(host);
    if (!h)
      s->fail("strategy_by_host_type",
              "unknown host type '" + host + "'; one of: " + sim::allowed_host_types());
    const auto st = sim::parse_strategy(strategy);
    if (!st)
      s->fail("strategy_by_host_type",
              "unknown strategy '" + strategy + "'; one of: " + sim::allowed_strategies());
    out.posts.defaults.strategy_by_host_type.emplace_back(*h, *st);
  }
  out.posts.defaults.group_key = s->text("group_key", "");
  for (const YamlSection& p : s->list("list", kPostKeys)) {
    InlinePost ip;
    ip.where = p.where();
    for (std::string_view key : kPostKeys) {
      if (!p.has(key)) continue;
      // Lists join with ';' as in the table format; a site may be {commune, weekly_hours},
      // which the table writes "commune:hours".
      std::string cell;
      if (key == "sites" && p.node()["sites"].IsSequence()) {
        std::size_t i = 0;
        for (const YAML::Node& item : p.node()["sites"]) {
          std::string text;
          if (item.IsMap()) {
            const YamlSection site(item, p.file(), p.base_dir(),
                                   p.key_path() + ".sites[" + std::to_string(i) + "]",
                                   {"commune", "weekly_hours"});
            text = site.required_text("commune");
            if (site.has("weekly_hours")) text += ":" + shortest(site.positive("weekly_hours", 0));
          } else {
            text = item.IsScalar() ? item.Scalar() : "";
            if (text.empty())
              p.fail("sites", "each site is a commune code or {commune, weekly_hours}");
          }
          cell += (cell.empty() ? "" : ";") + text;
          ++i;
        }
      } else {
        for (const std::string& v : p.texts(key)) cell += (cell.empty() ? "" : ";") + v;
      }
      ip.cells[std::string(key)] = cell;
    }
    out.posts.inline_posts.push_back(std::move(ip));
  }
}

template <typename E>
std::vector<E> enums(const YamlSection& s, std::string_view key,
                     std::optional<E> (*parse)(std::string_view), const std::string& allowed) {
  std::vector<E> out;
  for (const std::string& t : s.texts(key)) {
    auto v = parse(t);
    if (!v) s.fail(key, "'" + t + "' is not one of: " + allowed);
    out.push_back(*v);
  }
  return out;
}

std::optional<sim::Date> date(const YamlSection& s, std::string_view key) {
  auto t = s.text(key);
  if (!t) return std::nullopt;
  auto d = sim::parse_date(*t);
  if (!d) s.fail(key, "'" + *t + "' is not a date of the form YYYY-MM-DD");
  return d;
}

sim::RenewalRule read_rule(const YamlSection& r) {
  sim::RenewalRule rule;
  rule.name = r.text("name", r.key_path());
  sim::RuleMatch& m = rule.match;
  m.host_types = enums(r, "host_types", sim::parse_host_type, sim::allowed_host_types());
  m.fundings = enums(r, "fundings", sim::parse_funding, sim::allowed_fundings());
  if (r.has("priority_bonus")) m.priority_bonus = r.flag("priority_bonus", false);
  m.contract_end_before = date(r, "contract_end_before");
  m.contract_end_from = date(r, "contract_end_from");
  m.statuses = enums(r, "statuses", sim::parse_renewal, sim::allowed_renewals());
  m.strategies = enums(r, "strategies", sim::parse_strategy, sim::allowed_strategies());
  m.post_ids = r.texts("posts");
  m.home_group_key = r.text("home_group_key", "");
  m.home_groups = r.texts("home_groups");
  if (m.home_groups.empty() != m.home_group_key.empty())
    r.fail("home_groups", "home_group_key and home_groups go together");
  const std::string action = r.required_text("action");
  auto a = sim::parse_rule_action(action);
  if (!a) r.fail("action", "'" + action + "' is not one of: " + sim::allowed_rule_actions());
  rule.action = *a;
  if (rule.action == sim::RuleAction::probability || rule.action == sim::RuleAction::transfer) {
    if (!r.has("probability")) r.fail("probability", "is required by the action " + action);
    rule.probability = r.in_range("probability", 1, 0, 1);
  } else if (r.has("probability")) {
    r.fail("probability", "only the actions probability and transfer take a probability");
  }
  if (rule.action == sim::RuleAction::transfer)
    rule.transfer_key = r.text("transfer_to", "epci");
  else if (r.has("transfer_to"))
    r.fail("transfer_to", "only the action transfer passes posts to a group");
  return rule;
}

sim::ReallocationPolicy policy(const YamlSection& s, std::string_view key, std::string fallback) {
  const std::string v = s.text(key, std::move(fallback));
  auto p = sim::parse_reallocation_policy(v);
  if (!p) s.fail(key, "'" + v + "' is not one of: " + sim::allowed_reallocation_policies());
  return *p;
}

void read_renewal(const YamlSection& root, Scenario& out) {
  auto s = root.section("renewal", {"rules", "default_probability", "reallocation", "threshold",
                                    "random_posts", "absorb", "protected_hours"});
  if (!s) return;
  RenewalSettings r;
  r.rules.file = out.file;
  for (const YamlSection& rule :
       s->list("rules", {"name", "host_types", "fundings", "priority_bonus", "contract_end_before",
                         "contract_end_from", "statuses", "strategies", "posts", "home_group_key",
                         "home_groups", "action", "probability", "transfer_to"}))
    r.rules.rules.push_back(read_rule(rule));
  if (s->has("default_probability"))
    r.rules.default_probability = s->in_range("default_probability", 0, 0, 1);
  r.impact.policy = policy(*s, "reallocation", "none");
  // 0 is the largest threshold; anything else must be one of them (1e-300 was read as 0).
  const double threshold = s->non_negative("threshold", 0);
  if (threshold != 0 && !is_threshold(out.coverage.thresholds_minutes, threshold))
    s->fail("threshold", "must be one of coverage.thresholds (" +
                             known_thresholds(out.coverage.thresholds_minutes) +
                             "), or 0 for the largest; got " + shortest(threshold));
  r.impact.threshold_minutes = static_cast<float>(threshold);
  r.impact.random_kept = s->choice("random_posts", "renewed", {"renewed", "lost"}) == "renewed";
  r.reallocation.file = out.file;
  if (auto a =
          s->section("absorb", {"group_key", "min_hours", "hours_per_1000", "movable_share"})) {
    sim::AbsorbOptions& o = r.reallocation.absorb;
    o.group_key = a->text("group_key", o.group_key);
    o.min_hours = a->in_range("min_hours", o.min_hours, 0, 168);  // a week has 168 hours
    o.hours_per_1000 = a->in_range("hours_per_1000", o.hours_per_1000, 0, 168);
    o.movable_share = a->in_range("movable_share", o.movable_share, 0, 1);
  }
  for (const YamlSection& h : s->list("protected_hours", {"post", "weekly_hours"}))
    r.reallocation.protected_hours.push_back(
        {h.required_text("post"), h.in_range("weekly_hours", 0, 0, 168)});
  out.renewal = std::move(r);
}

void read_sweep(const YamlSection& root, Scenario& out) {
  auto s = root.section("sweep", {"draws", "seed", "non_renewal_rates", "thresholds", "policies"});
  if (!s) return;
  sim::SweepOptions o;
  o.draws = static_cast<std::uint32_t>(s->integer("draws", o.draws, 1, kMaxDraws));
  o.seed = static_cast<std::uint64_t>(s->integer("seed", 1, 0, kMaxSeed));
  if (s->has("non_renewal_rates") && s->node()["non_renewal_rates"].IsMap()) {
    auto range = s->section("non_renewal_rates", {"from", "to", "step"});
    const double from = range->in_range("from", 0, 0, 1);
    const double to = range->in_range("to", 0.6, 0, 1);
    const double step = range->positive("step", 0.1);
    if (to < from) range->fail("to", "must not be below 'from'");
    // Each rate is a full set of draws: a grid past a few hundred rates is a typo, not a plan.
    constexpr double kMaxRates = 1000;
    if ((to - from) / step + 1 > kMaxRates)
      range->fail("step", "gives more than 1000 rates between 'from' and 'to'; take a larger step");
    // Rounded to 1e-9 so 0.1 steps land on 0.3, not 0.30000000000000004.
    for (int i = 0; from + i * step <= to + 1e-9; ++i)
      o.grid.non_renewal_rates.push_back(std::round((from + i * step) * 1e9) / 1e9);
  } else {
    o.grid.non_renewal_rates = s->numbers_in_range("non_renewal_rates", 0, 1);
  }
  o.grid.thresholds_minutes = minutes_list(*s, "thresholds", {});
  const std::vector<float>& th = out.coverage.thresholds_minutes;
  for (std::size_t i = 0; i < o.grid.thresholds_minutes.size(); ++i)
    if (!is_threshold(th, o.grid.thresholds_minutes[i]))
      throw InputError(out.where("sweep.thresholds[" + std::to_string(i) + "]"), "sweep.thresholds",
                       "every value must be one of coverage.thresholds (" + known_thresholds(th) +
                           "), got " + shortest(o.grid.thresholds_minutes[i]));
  o.grid.policies =
      enums(*s, "policies", sim::parse_reallocation_policy, sim::allowed_reallocation_policies());
  out.sweep = o;
}

void read_inputs(const YamlSection& root, Scenario& out) {
  auto s = root.section("inputs", {"virtual_paths", "network"});
  if (!s) return;
  out.inputs.virtual_paths = s->flag("virtual_paths", false);
  out.inputs.network = s->flag("network", false);
}

// GDAL virtual and network paths only where `inputs` allows them, refused here with the line
// rather than when a loader meets them; the posts table and the outputs are never virtual.
void check_paths(const Scenario& s) {
  auto at = [&](const std::string& key, const std::filesystem::path& p) {
    const std::string text = p.string();
    if (!geo::is_virtual_path(text) && !geo::is_network_path(text)) return;  // loaders check
    try {
      geo::check_input_path(text, s.inputs);
    } catch (const InputError& e) {
      throw InputError(s.where(key), key, e.problem());
    }
  };
  const geo::LoadOptions& l = s.territory.load;
  for (std::size_t i = 0; i < l.inputs.size(); ++i)
    at("territory.layers[" + std::to_string(i) + "]", l.inputs[i]);
  if (!l.code_mapping.empty()) at("territory.code_mapping", l.code_mapping);
  for (std::size_t i = 0; i < l.tables.size(); ++i)
    at("territory.tables[" + std::to_string(i) + "].file", l.tables[i].path);
  if (!s.travel.road.file.empty()) at("travel.road.file", s.travel.road.file);
  if (!s.travel.od.file.empty()) at("travel.od.file", s.travel.od.file);
  auto local_only = [&](const std::string& key, const std::filesystem::path& p) {
    if (geo::is_virtual_path(p.string()) || geo::is_network_path(p.string()))
      throw InputError(s.where(key), key,
                       "must be a local path, not a GDAL virtual or network one");
  };
  if (l.cog) local_only("territory.cog.dir", l.cog->dir);
  if (s.posts.csv) local_only("posts.file", *s.posts.csv);
  local_only("output.dir", s.output.dir);
}

void read_output(const YamlSection& root, Scenario& out) {
  OutputSettings& o = out.output;
  auto s =
      root.section("output", {"dir", "overwrite", "vector", "maps", "tables", "report", "extent"});
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
  o.report = s->flag("report", o.report);
  if (s->has("extent")) {
    o.extent = s->texts("extent");
    if (o.extent.empty()) s->fail("extent", "lists no group code (omit it for the study area)");
  }
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& name,
                        const std::filesystem::path& base_dir) {
  Scenario s;
  const YamlSection root =
      YamlSection::load_string(text, name, base_dir,
                               {"name", "description", "inputs", "territory", "travel", "coverage",
                                "deployment", "posts", "renewal", "sweep", "output"},
                               &s.where);
  s.file = name;
  s.yaml_text = text;
  s.name = root.text("name", std::filesystem::path(name).stem().string());
  s.description = root.text("description", "");
  read_territory(root, s);
  read_travel(root, s);
  read_coverage(root, s);
  read_deployment(root, s);
  read_posts(root, s);
  read_renewal(root, s);
  read_sweep(root, s);
  read_output(root, s);
  read_inputs(root, s);
  check_paths(s);
  s.territory.load.access = s.inputs;
  for (geo::AttributeTableOptions& t : s.territory.load.tables) t.access = s.inputs;
  s.travel.road.access = s.inputs;
  s.travel.od.access = s.inputs;
  const float largest =
      std::max(s.coverage.thresholds_minutes.back(), s.coverage.catchment_minutes);
  if (largest > s.travel.cutoff_minutes)
    root.fail("coverage",
              "the largest threshold (" + std::to_string(largest) +
                  " min) or the catchment exceeds travel.cutoff_minutes; raise the cut-off");
  return s;
}

Scenario read_scenario(const std::filesystem::path& path) {
  // UTF-8 is checked by the YAML reader, which names the line and column.
  return parse_scenario(read_text_file(path, "scenario file", geo::kScenarioMaxBytes, false),
                        path.string(), std::filesystem::absolute(path).parent_path());
}

}  // namespace covsim::app
