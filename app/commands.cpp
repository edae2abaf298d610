#include "app/commands.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "app/command_outputs.hpp"
#include "app/pipeline.hpp"
#include "app/plan_state.hpp"
#include "app/run_output.hpp"
#include "app/scenario_check.hpp"
#include "app/scenario_posts.hpp"
#include "app/sweep_shards.hpp"
#include "app/territory_label.hpp"
#include "app/wording.hpp"
#include "app/yaml_section.hpp"
#include "geo/error.hpp"
#include "geo/map_render.hpp"
#include "geo/output_transaction.hpp"
#include "geo/synthetic_territory.hpp"
#include "geo/text_input.hpp"
#include "geo/vector_export.hpp"

namespace covsim::app {

namespace fs = std::filesystem;

namespace {

Scenario load(const CommonOptions& o) { return load_scenario(o); }

// validate and inspect leave nothing behind unless a cache folder is named.
Scenario load_read_only(const CommonOptions& o) {
  Scenario s = load(o);
  s.territory.cache_write = s.territory.cache_dir.has_value();
  return s;
}

RenewalOutcome run_renewal(const Scenario& s, const Prepared& p, const Baseline& b,
                           Progress& progress) {
  RenewalOutcome r;
  r.plan = sim::plan_renewal(p.territory, b.posts, s.renewal->rules);
  sim::ReallocationOptions options = s.renewal->reallocation;
  // Absorb's grouping is read only when absorb can run: a territory without EPCIs (layers
  // without the COG) must not fail on the default key under `none` or `replan`.
  if (!absorb_can_run(s)) options.absorb.group_key.clear();
  r.reallocator = std::make_unique<sim::Reallocator>(deployment_inputs(p), b.posts, b.deployment,
                                                     *b.model, s.deployment, options, progress);
  r.impact = sim::assess_renewal(r.plan, *r.reallocator, s.renewal->impact);
  return r;
}

bool is_map_file(const fs::path& file) {
  std::string ext = file.extension().string();
  for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return ext == ".png" || ext == ".svg" || ext == ".pdf";
}

void print_files(std::ostream& log, const std::vector<fs::path>& files) {
  log << "wrote " << files.size() << " file(s):\n";
  for (const fs::path& f : files) log << "  " << f.string() << "\n";
}

// A whole run or sweep; with `shards`, a merge of their draws instead of a sweep.
int run_all(const CommonOptions& o, const SweepCommandOptions* sweep_options, std::ostream& log,
            Progress& progress, std::vector<ShardFile>* shards = nullptr) {
  Scenario s = load(o);
  if (sweep_options) {
    if (!s.sweep) throw InputError(s.file, "sweep", "the scenario has no 'sweep' section");
    if (!s.renewal)
      throw InputError(s.file, "renewal",
                       "a sweep needs a 'renewal' section (rules may be empty) to know the "
                       "reallocation options");
    if (sweep_options->draws) s.sweep->draws = *sweep_options->draws;
    if (sweep_options->seed) s.sweep->seed = *sweep_options->seed;
  }
  const bool renewal = s.renewal.has_value();
  const bool sweep = sweep_options != nullptr;
  const std::optional<ShardSpec> shard =
      sweep && sweep_options->shards > 0
          ? std::optional<ShardSpec>(ShardSpec{sweep_options->shard, sweep_options->shards})
          : std::nullopt;
  if (shards && scenario_checksum(s) != shards->front().scenario_checksum)
    throw InputError(s.file, "",
                     "the scenario changed since the shards ran (" +
                         shards->front().source.string() + "): run them again");
  // Shards of one array job write into one folder at the same moment: made here, so that no
  // shard's transaction sees it appear under its commit. A failure is the transaction's to say.
  if (shard) {
    std::error_code ignored;
    fs::create_directories(s.output.dir, ignored);
  }
  // Before any work, not after an hour of it: every output name, the directory, overwrite.
  const std::unique_ptr<geo::OutputTransaction> out =
      shard ? begin_command_outputs(s.output.dir, {shard_file_name(*shard)}, s.output.overwrite)
            : begin_outputs(s, renewal, sweep);
  log << "scenario: " << s.name;
  // The default's name already says it is embedded; a file is worth naming.
  if (s.file.find("embedded default") == std::string::npos) log << " (" << s.file << ")";
  log << "\n";

  Prepared p = prepare_territory(s, progress, log);
  // Everything `validate` checks, before the travel tables and the deployment.
  check_scenario(s, p.territory, scenario_posts(s, p.territory));
  prepare_travel(s, p, progress, log);
  const Baseline b = run_baseline(s, p, progress);
  const auto& g = b.groups;
  const std::set<geo::CommuneId> places(b.deployment.site_commune.begin(),
                                        b.deployment.site_commune.end());
  const auto n = [](std::size_t k) { return static_cast<double>(k); };
  log << "coverage: " << b.posts.size() << " " << noun(n(b.posts.size()), "post") << ", "
      << b.deployment.sites() << " " << noun(n(b.deployment.sites()), "post-site assignment")
      << " in " << places.size() << " " << noun(n(places.size()), "commune") << ", "
      << b.deployment.circuits() << " " << noun(n(b.deployment.circuits()), "roaming round")
      << " with " << b.deployment.stop_commune.size() << " "
      << noun(n(b.deployment.stop_commune.size()), "stop") << "; population reached within "
      << s.coverage.thresholds_minutes.back()
      << " min: " << static_cast<long long>(std::llround(g.reached_at(0, g.thresholds - 1)))
      << " of " << static_cast<long long>(std::llround(g.population[0])) << "\n";

  std::optional<RenewalOutcome> rn;
  if (renewal) {
    rn = run_renewal(s, p, b, progress);
    const std::size_t t = rn->impact.threshold;
    log << "renewal: population losing reach within " << s.coverage.thresholds_minutes[t]
        << " min: " << static_cast<long long>(std::llround(rn->impact.population_losing[t])) << " ("
        << rn->impact.communes_losing[t] << " "
        << noun(static_cast<double>(rn->impact.communes_losing[t]), "commune")
        << "); communes losing their permanence: " << rn->impact.communes_losing_permanence[0]
        << " (" << static_cast<long long>(std::llround(rn->impact.population_losing_permanence[0]))
        << " inhabitants)\n";
  }
  std::optional<sim::SweepResult> sw;
  if (shard) {
    ShardFile f;
    f.scenario = o.scenario ? fs::absolute(*o.scenario).lexically_normal() : fs::path();
    f.scenario_checksum = scenario_checksum(s);
    f.seed = s.sweep->seed;
    f.draws = s.sweep->draws;
    f.spec = *shard;
    f.baseline_checksum = baseline_checksum(p, b);
    const sim::DrawRange range = sim::shard_draws(f.draws, shard->index, shard->count);
    f.partial = sim::run_sweep_draws(rn->plan, *rn->reallocator, *s.sweep, range, progress);
    log << "sweep: shard " << shard->index << "/" << shard->count << ": draws " << range.first
        << " to " << range.end << " of " << f.draws << ", seed " << f.seed << "\n";
    write_shard_file(out->staged(shard_file_name(*shard)), f);
    commit_outputs(*out, log);
    return kOk;
  }
  if (shards) {
    for (const ShardFile& f : *shards)
      if (f.baseline_checksum != baseline_checksum(p, b))
        throw InputError(f.source.string(), "",
                         "made from other data than the scenario now gives (territory, posts "
                         "or coverage changed since the shards ran): run them again");
    std::vector<sim::SweepPartial> parts;
    for (ShardFile& f : *shards) parts.push_back(std::move(f.partial));
    sw = sim::merge_sweep(rn->plan, *rn->reallocator, *s.sweep, parts);
    log << "sweep: merged " << shards->size() << " shard(s)\n";
  } else if (sweep) {
    sw = sim::run_sweep(rn->plan, *rn->reallocator, *s.sweep, progress);
  }
  if (sweep) {
    log << "sweep: " << sw->cells.size() << " cell(s) x " << sw->draws << " draws, seed "
        << sw->seed << "\n";
    if (const auto flat = sim::sweep_without_randomness(*sw, rn->plan))
      log << "sweep: note: " << *flat << "\n";
  }
  RunOutputs outputs{s, p, b, rn ? &*rn : nullptr, sw ? &*sw : nullptr};
  print_files(log, write_run_outputs(outputs, *out, progress));
  write_pending_cache(p, log);
  return kOk;
}

}  // namespace

int command_run(const CommonOptions& o, std::ostream& log, Progress& progress) {
  return run_all(o, nullptr, log, progress);
}

int command_sweep(const CommonOptions& o, const SweepCommandOptions& s, std::ostream& log,
                  Progress& progress) {
  return run_all(o, &s, log, progress);
}

int command_merge(const MergeCommandOptions& m, std::ostream& log, Progress& progress) {
  std::vector<ShardFile> shards = read_shard_files(m.places);
  CommonOptions o;
  if (!shards.front().scenario.empty()) o.scenario = shards.front().scenario;
  o.out_dir = m.out_dir;
  o.overwrite = m.overwrite;
  o.cache_dir = m.cache_dir;
  SweepCommandOptions s;
  s.draws = shards.front().draws;
  s.seed = shards.front().seed;
  return run_all(o, &s, log, progress, &shards);
}

int command_validate(const CommonOptions& o, std::ostream& log, Progress& progress) {
  const Scenario s = load_read_only(o);
  planned_outputs(s, s.renewal.has_value(), s.sweep.has_value());  // two formats, one file
  Prepared p = prepare_territory(s, progress, log);
  const sim::PostTable posts = scenario_posts(s, p.territory);
  for (const std::string& n : check_scenario(s, p.territory, posts)) log << "note: " << n << "\n";
  prepare_travel_graph(s, p, progress, log);  // the road or OD file, read as `run` reads it
  log << s.file << ": valid — " << p.territory.size() << " "
      << noun(static_cast<double>(p.territory.size()), "commune") << ", " << posts.size() << " "
      << noun(static_cast<double>(posts.size()), "post")
      << (s.renewal ? ", a renewal scenario" : "") << (s.sweep ? ", a sweep" : "") << "\n";
  return kOk;
}

int command_inspect(const CommonOptions& o, std::ostream& log, Progress& progress) {
  const Scenario s = load_read_only(o);
  Prepared p = prepare_territory(s, progress, log);
  if (p.load_report) log << p.load_report->to_text();
  log << geo::synthetic_summary(p.territory);
  const geo::Adjacency& a = p.adjacency;
  log << "components: " << a.component_size.size() << " (main: " << a.component_size[0]
      << " communes)\n";
  for (geo::CommuneId c : a.outside_main)
    log << "  detached: " << p.territory.code[c] << " " << p.territory.name[c] << " (part "
        << a.component[c] << ", " << a.component_size[a.component[c]] << " commune(s))\n";
  return kOk;
}

int command_generate(const GenerateOptions& g, std::ostream& log) {
  geo::VectorLayer layer;
  layer.name = "communes";
  // Planned and checked first: an existing file stops the command before any work.
  const auto out = begin_file_output(
      g.out, geo::vector_output_files(g.out, std::vector<std::string>{layer.name}), g.overwrite);
  geo::SyntheticOptions options;
  options.seed = g.seed;
  options.communes = g.communes;
  const geo::Territory t = geo::generate_territory(options);
  log << geo::synthetic_summary(t);
  layer.description = "Synthetic communes (" + t.source + ")";
  layer.geometry = std::span<const geo::MultiPolygon>(t.shape);
  layer.columns = {geo::FieldColumn::text("code", t.code, "Commune code."),
                   geo::FieldColumn::text("name", t.name, "Commune name."),
                   geo::FieldColumn::real("population", t.population, "Population.", "inhabitants"),
                   geo::FieldColumn::real("priority_population", t.priority_population,
                                          "Population in priority areas.", "inhabitants")};
  for (const geo::Grouping& gr : t.groupings) {
    std::vector<std::string> code(t.size()), name(t.size());
    for (geo::CommuneId c = 0; c < t.size(); ++c)
      if (gr.of[c] != geo::kNoGroup) {
        code[c] = gr.codes[gr.of[c]];
        name[c] = gr.names[gr.of[c]];
      }
    layer.columns.push_back(geo::FieldColumn::text(gr.key, std::move(code), gr.key + " code."));
    layer.columns.push_back(
        geo::FieldColumn::text(gr.key + "_name", std::move(name), gr.key + " name."));
  }
  geo::VectorExportOptions vo;
  vo.epsg = t.epsg;
  geo::write_vector(out->staging() / g.out.filename(), std::vector{layer}, vo);
  print_files(log, out->commit());
  return kOk;
}

int command_export(const CommonOptions& o, const ExportOptions& e, std::ostream& log,
                   Progress& progress) {
  const Scenario s = load(o);
  // --to is exactly the file written; it is checked before any work and replaced only with
  // --overwrite (the scenario's output.overwrite concerns the outputs of `run`).
  const bool map = is_map_file(e.out);
  const auto out =
      begin_file_output(e.out,
                        map ? std::vector<geo::PlannedFile>{{e.out.filename().string(), true}}
                            : geo::vector_output_files(e.out, std::vector<std::string>{"communes"}),
                        o.overwrite);
  nlohmann::json doc;
  try {
    // nlohmann's parser checks UTF-8 itself and names the byte.
    doc = nlohmann::json::parse(
        read_text_file(e.result, "result file", geo::kDataMaxBytes, /*utf8=*/false));
  } catch (const nlohmann::json::exception& ex) {
    throw InputError(e.result.string(), "",
                     std::string("not a covsim result (JSON): ") + ex.what());
  }
  const nlohmann::json* table = nullptr;
  if (doc.contains("result") && doc["result"].contains("tables"))
    table = &doc["result"]["tables"]["communes"];
  if (!table || !table->contains("columns"))
    throw InputError(e.result.string(), "result.tables.communes",
                     "missing: is this the result.json of `covsim run`?");
  const nlohmann::json* codes = nullptr;
  const nlohmann::json* values = nullptr;
  std::string unit, description, numeric;
  for (const auto& col : (*table)["columns"]) {
    const std::string name = col.value("name", "");
    if (name == "code") codes = &col["values"];
    if (col.value("type", "") != "text") numeric += (numeric.empty() ? "" : ", ") + name;
    if (name == e.field) {
      if (col.value("type", "") == "text")
        throw InputError(e.result.string(), e.field, "is a text column, not a figure to map");
      values = &col["values"];
      unit = col.value("unit", "");
      description = col.value("description", "");
    }
  }
  if (!values) throw InputError(e.result.string(), e.field, "no such column; figures: " + numeric);
  if (!codes) throw InputError(e.result.string(), "code", "the communes table has no code column");

  Prepared p = prepare_territory(s, progress, log);
  const geo::Territory& t = p.territory;
  std::vector<double> v(t.size(), NAN);
  for (std::size_t i = 0; i < codes->size(); ++i) {
    const std::string code = (*codes)[i].get<std::string>();
    auto c = t.find(code);
    if (!c)
      throw InputError(e.result.string(), "row " + std::to_string(i),
                       "commune " + code +
                           " is not in the scenario's territory: was the result "
                           "made with another scenario?");
    const auto& x = (*values)[i];
    v[*c] = x.is_number() ? x.get<double>() : NAN;
  }
  const fs::path staged = out->staging() / e.out.filename();
  if (map) {
    geo::MapSpec spec;
    spec.polygons = t.shape;
    spec.title = s.name;
    spec.subtitle = description;
    spec.legend_title = field_label(e.field);
    spec.units = unit;
    spec.credits = "covsim · " + territory_label(t);
    spec.map.values = v;
    if (unit == "min") {
      spec.classes.method = geo::Classification::manual;
      spec.classes.manual_breaks.assign(s.coverage.thresholds_minutes.begin(),
                                        s.coverage.thresholds_minutes.end());
    } else {
      spec.classes.method = geo::Classification::natural_breaks;
      spec.classes.ramp = geo::Ramp::blues;
    }
    geo::render_map(spec, staged.string());
    print_files(log, out->commit());
    return kOk;
  }
  geo::VectorLayer layer;
  layer.name = "communes";
  layer.geometry = std::span<const geo::MultiPolygon>(t.shape);
  layer.columns = {geo::FieldColumn::text("code", t.code, "Commune code."),
                   geo::FieldColumn::text("name", t.name, "Commune name."),
                   geo::FieldColumn::real(e.field, v, description, unit)};
  geo::VectorExportOptions vo;
  vo.epsg = t.epsg;
  geo::write_vector(staged, std::vector{layer}, vo, progress);
  print_files(log, out->commit());
  return kOk;
}

}  // namespace covsim::app
