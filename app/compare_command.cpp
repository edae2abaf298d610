// covsim compare: two plans side by side (scenarios or saved runs); writes comparison.csv,
// comparison_communes.csv, comparison.md and a difference map.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/commands.hpp"
#include "app/plan_state.hpp"
#include "app/territory_label.hpp"
#include "app/yaml_section.hpp"
#include "geo/detail/number_format.hpp"
#include "geo/error.hpp"
#include "geo/map_render.hpp"
#include "geo/table_writer.hpp"
#include "geo/text_file.hpp"
#include "geo/text_input.hpp"
#include "sim/compare.hpp"

namespace covsim::app {

namespace fs = std::filesystem;

namespace {

using geo::detail::grouped;

bool is_result(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".json";
}

// A side as read: per commune code, the figures of the state it reports.
struct Side {
  std::string label;
  std::vector<std::string> code;
  sim::PlanFigures figures;  // in the order of `code`
  std::vector<float> thresholds;
};

Side from_plan(const CurrentPlan& plan, const std::string& letter) {
  Side side;
  side.label = letter + ": " + plan.scenario.name +
               (plan.renewal ? " (after renewal, " +
                                   std::string(sim::name(plan.renewal->impact.options.policy)) + ")"
                             : " (every post)");
  side.code = plan.prepared.territory.code;
  side.figures = sim::plan_figures(side.label, plan.coverage());
  side.thresholds = plan.scenario.coverage.thresholds_minutes;
  return side;
}

const nlohmann::json* column(const nlohmann::json& table, const std::string& name) {
  for (const auto& c : table["columns"])
    if (c.value("name", "") == name) return &c["values"];
  return nullptr;
}

// The state a saved run reports last: after renewal when it had a round, else every post.
Side from_result(const fs::path& path, const std::string& letter) {
  const std::string file = path.string();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(
        read_text_file(path, "result file", geo::kDataMaxBytes, /*utf8=*/false));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file, "", std::string("not a covsim result (JSON): ") + e.what());
  }
  const bool after = doc.contains("renewal") && doc["renewal"].contains("after");
  const nlohmann::json* run = after                    ? &doc["renewal"]["after"]
                              : doc.contains("result") ? &doc["result"]
                                                       : nullptr;
  if (!run || !run->contains("tables") || !(*run)["tables"].contains("communes"))
    throw InputError(file, "result.tables.communes",
                     "missing: is this the result.json of `covsim run`?");
  const nlohmann::json& table = (*run)["tables"]["communes"];
  const nlohmann::json* code = column(table, "code");
  const nlohmann::json* minutes = column(table, "nearest_minutes");
  const nlohmann::json* access = column(table, "access");
  const nlohmann::json* permanence = column(table, "has_permanence");
  if (!code || !minutes || !access || !permanence)
    throw InputError(file, after ? "renewal.after.tables.communes" : "result.tables.communes",
                     "needs the columns code, nearest_minutes, access and has_permanence");
  Side side;
  side.label = letter + ": " + doc.value("scenario", file) + " (" + file +
               (after ? ", after renewal)" : ")");
  side.figures.label = side.label;
  try {
    for (std::size_t i = 0; i < code->size(); ++i) {
      side.code.push_back((*code)[i].get<std::string>());
      const auto& m = (*minutes)[i];
      side.figures.minutes.push_back(m.is_number() ? m.get<float>()
                                                   : std::numeric_limits<float>::infinity());
      const auto& a = (*access)[i];
      side.figures.access.push_back(a.is_number() ? a.get<double>() : NAN);
      side.figures.has_permanence.push_back((*permanence)[i].get<bool>());
    }
    for (const auto& t : doc["result"]["thresholds_minutes"])
      side.thresholds.push_back(t.get<float>());
    // Minutes are saved to 0.1 min; the reach flags are exact. A commune within 0.05 min above
    // a threshold reads as at it: place it just above, so reach counts as the run counted it.
    for (const float t : side.thresholds) {
      char label[32];
      std::snprintf(label, sizeof label, "reached_%g_min", static_cast<double>(t));
      const nlohmann::json* reached = column(table, label);
      if (!reached || reached->size() != code->size()) continue;
      for (std::size_t i = 0; i < code->size(); ++i)
        if (!(*reached)[i].get<bool>() && side.figures.minutes[i] <= t)
          side.figures.minutes[i] = std::nextafter(t, std::numeric_limits<float>::infinity());
    }
  } catch (const nlohmann::json::exception& e) {
    throw InputError(file, "result.tables.communes", std::string("unexpected value: ") + e.what());
  }
  if (side.thresholds.empty())
    throw InputError(file, "result.thresholds_minutes", "missing: is this a covsim result?");
  return side;
}

// `side` in the territory's commune order; every commune on both, or an InputError.
sim::PlanFigures on(const geo::Territory& t, const Side& side, const std::string& source) {
  sim::PlanFigures f;
  f.label = side.label;
  f.minutes.assign(t.size(), std::numeric_limits<float>::infinity());
  f.access.assign(t.size(), NAN);
  f.has_permanence.assign(t.size(), 0);
  std::vector<std::uint8_t> seen(t.size(), 0);
  for (std::size_t i = 0; i < side.code.size(); ++i) {
    const auto c = t.find(side.code[i]);
    if (!c)
      throw InputError(source, "commune " + side.code[i],
                       "not in the territory compared on (" + t.source +
                           "): both plans must cover the same communes");
    f.minutes[*c] = side.figures.minutes[i];
    f.access[*c] = side.figures.access[i];
    f.has_permanence[*c] = side.figures.has_permanence[i];
    seen[*c] = 1;
  }
  for (geo::CommuneId c = 0; c < t.size(); ++c)
    if (!seen[c])
      throw InputError(source, "commune " + t.code[c],
                       "missing: both plans must cover the same communes");
  return f;
}

std::string summary(const sim::Comparison& c, const geo::Territory& t) {
  std::ostringstream md;
  const std::size_t nt = c.thresholds();
  md << "# Comparison\n\n- " << c.label_a << "\n- " << c.label_b
     << "\n\nTerritory: " << territory_label(t) << ", " << grouped(c.population[0], 0)
     << " inhabitants.\n\n";
  if (c.identical()) md << "**No difference**: every commune and every figure is the same.\n\n";
  md << "| Threshold | Reached in A | Reached in B | Difference |\n|---|---:|---:|---:|\n";
  for (std::size_t k = 0; k < nt; ++k)
    md << "| " << minutes_text(c.thresholds_minutes[k]) << " min | " << grouped(c.reached_a[k], 0)
       << " | " << grouped(c.reached_b[k], 0) << " | "
       << (c.reached_b[k] >= c.reached_a[k] ? "+" : "")
       << grouped(c.reached_b[k] - c.reached_a[k], 0) << " |\n";
  md << "\nCommunes with a permanence: " << c.permanence_a[0] << " in A, " << c.permanence_b[0]
     << " in B (" << c.gained[0] << " gained, " << c.lost[0]
     << " lost). Mean access (weekly advisor-hours per 10,000 inhabitants): "
     << grouped(c.access_a[0], 2) << " in A, " << grouped(c.access_b[0], 2)
     << " in B. Communes nearer a permanence in B: " << c.better[0] << "; farther: " << c.worse[0]
     << "; unchanged: " << t.size() - c.better[0] - c.worse[0] << ".\n";
  std::ostringstream rows;
  for (std::size_t r = 1; r < c.rows(); ++r) {
    if (c.better[r] == 0 && c.worse[r] == 0 && c.gained[r] == 0 && c.lost[r] == 0 &&
        c.reached_a[r * nt + nt - 1] == c.reached_b[r * nt + nt - 1])
      continue;
    rows << "| " << c.row_name[r] << " (" << c.row_code[r] << ") | "
         << grouped(c.reached_a[r * nt + nt - 1], 0) << " | "
         << grouped(c.reached_b[r * nt + nt - 1], 0) << " | " << c.permanence_a[r] << " | "
         << c.permanence_b[r] << " | " << c.better[r] << " | " << c.worse[r] << " |\n";
  }
  if (!rows.str().empty())
    md << "\n## Groups where it changes\n\n| Group | Reached within "
       << minutes_text(c.thresholds_minutes.back())
       << " min in A | in B | Permanences in A | in B | Communes better | worse |\n"
          "|---|---:|---:|---:|---:|---:|---:|\n"
       << rows.str();
  md << "\nA commune is better (worse) when its nearest permanence is nearer (farther) in B; "
        "comparison.csv has every threshold and group, comparison_communes.csv every commune.\n";
  return md.str();
}

void render(const sim::Comparison& c, const geo::Territory& t, const sim::PlanFigures& a,
            const sim::PlanFigures& b, float cutoff, double tolerance, const fs::path& path) {
  geo::MapSpec spec;
  spec.polygons = t.shape;
  spec.title = "B against A";
  spec.subtitle = c.label_b + " vs " + c.label_a;
  spec.legend_title = "Minutes to the nearest permanence, B minus A";
  spec.units = "min";
  spec.credits = "covsim · " + territory_label(t);
  spec.classes.method = geo::Classification::manual;
  spec.classes.manual_breaks = {-10, -tolerance, tolerance, 10};
  spec.classes.ramp = geo::Ramp::rd_yl_gn;
  spec.classes.reversed = true;  // nearer (negative) in green
  spec.classes.centre = 0;
  for (geo::CommuneId i = 0; i < t.size(); ++i) {
    const double ma = std::isfinite(a.minutes[i]) ? a.minutes[i] : cutoff;
    const double mb = std::isfinite(b.minutes[i]) ? b.minutes[i] : cutoff;
    spec.map.values.push_back(mb - ma);
    if (c.permanence[i] > 0)
      spec.map.points.push_back(
          {t.demand[i], "", geo::Symbol::triangle, 11, {0.1, 0.55, 0.2}, "Permanence gained in B"});
    if (c.permanence[i] < 0)
      spec.map.points.push_back(
          {t.demand[i], "", geo::Symbol::diamond, 11, {0.8, 0.1, 0.1}, "Permanence lost in B"});
  }
  geo::render_map(spec, path.string());
}

}  // namespace

int command_compare(const CompareCommandOptions& cc, std::ostream& log, Progress& progress) {
  // Scenarios are read first (cheap) so the outputs can be checked before any work.
  std::optional<Scenario> sa, sb;
  if (!is_result(cc.a)) sa = read_scenario(cc.a);
  if (!is_result(cc.b)) sb = read_scenario(cc.b);
  const fs::path dir = cc.out_dir ? *cc.out_dir : sa ? sa->output.dir : fs::path("out");
  const bool overwrite = cc.overwrite || (sa && sa->output.overwrite);
  std::vector<std::string> outputs = {"comparison.csv", "comparison_communes.csv", "comparison.md"};
  for (const std::string& ext : sa ? sa->output.map_formats : std::vector<std::string>{"png"})
    outputs.push_back("comparison." + ext);
  const auto out = begin_command_outputs(dir, outputs, overwrite);  // before any work
  if (!(cc.tolerance_minutes >= 0))
    throw InputError(cc.a.string(), "--tolerance", "must be >= 0 minutes");

  // The territory compared on: A's scenario, else B's, else --scenario or the embedded default.
  std::unique_ptr<CurrentPlan> base;
  std::optional<Side> side_a, side_b;
  auto run = [&](Scenario s, const std::string& letter) {
    std::unique_ptr<CurrentPlan> plan = open_plan(std::move(s), progress, log);
    complete_plan(*plan, progress, log);
    Side side = from_plan(*plan, letter);
    if (!base) base = std::move(plan);  // kept: its territory is the one compared on
    return side;
  };
  side_a = sa ? run(std::move(*sa), "A") : from_result(cc.a, "A");
  side_b = sb ? run(std::move(*sb), "B") : from_result(cc.b, "B");
  if (!base) {
    base = open_plan(cc.scenario ? read_scenario(*cc.scenario) : default_scenario(), progress, log);
  }
  const geo::Territory& t = base->prepared.territory;
  const sim::PlanFigures a = on(t, *side_a, cc.a.string());
  const sim::PlanFigures b = on(t, *side_b, cc.b.string());
  sim::CompareOptions co;
  co.thresholds_minutes = side_a->thresholds;
  co.tolerance_minutes = cc.tolerance_minutes;
  co.group_key = t.grouping("epci") ? "epci" : "";
  const sim::Comparison c = sim::compare_plans(t, a, b, co);
  log << "compare: " << (c.identical() ? "no difference" : "B differs from A") << "; communes "
      << "better in B: " << c.better[0] << ", worse: " << c.worse[0]
      << "; permanences gained: " << c.gained[0] << ", lost: " << c.lost[0] << "\n";

  geo::write_csv(out->staged(outputs[0]), sim::comparison_table(c).columns, {});
  geo::write_csv(out->staged(outputs[1]), sim::comparison_communes_table(c, t, a, b).columns, {});
  geo::write_text_file(out->staged(outputs[2]), summary(c, t), false);
  const float cutoff = base->prepared.table.cutoff_minutes > 0
                           ? base->prepared.table.cutoff_minutes
                           : base->scenario.travel.cutoff_minutes;
  for (std::size_t k = 3; k < outputs.size(); ++k)
    render(c, t, a, b, cutoff, cc.tolerance_minutes, out->staged(outputs[k]));
  commit_outputs(*out, log);
  return kOk;
}

}  // namespace covsim::app
