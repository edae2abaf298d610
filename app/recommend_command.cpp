// covsim recommend: where K new posts gain most given the posts that remain; writes
// recommendations.csv, recommendations.md and a map (recommendations.png...).
#include <cmath>
#include <sstream>

#include "app/commands.hpp"
#include "app/plan_state.hpp"
#include "app/territory_label.hpp"
#include "app/wording.hpp"
#include "geo/detail/number_format.hpp"
#include "geo/error.hpp"
#include "geo/map_render.hpp"
#include "geo/table_writer.hpp"
#include "geo/text_file.hpp"

namespace covsim::app {

namespace fs = std::filesystem;

namespace {

using geo::detail::grouped;

std::string unit_of(sim::PlacementGoal g) {
  switch (g) {
    case sim::PlacementGoal::reach:
      return "inhabitants";
    case sim::PlacementGoal::permanence:
      return "communes";
    case sim::PlacementGoal::access:
      return "h/week per 10,000 inhabitants";
  }
  return "";
}

int decimals_of(sim::PlacementGoal g) { return g == sim::PlacementGoal::access ? 2 : 0; }

// What the objective counts, in a sentence for the summary and the CSV's descriptions.
std::string objective_text(sim::PlacementGoal g, float minutes, double share, bool renewal) {
  switch (g) {
    case sim::PlacementGoal::reach:
      return "population newly reached within " + minutes_text(minutes) + " min";
    case sim::PlacementGoal::permanence:
      return renewal ? "communes regaining the permanence they lost in the renewal round"
                     : "communes gaining a permanence";
    case sim::PlacementGoal::access:
      return "rise of the mean access (E2SFCA, weekly advisor-hours per 10,000 inhabitants) of "
             "the worst-served " +
             grouped(100 * share, 0) + " % of the population";
  }
  return "";
}

sim::Post new_post_model(const CurrentPlan& plan, const RecommendCommandOptions& r) {
  sim::Post m;
  const std::string& file = plan.scenario.file;
  m.strategy = *sim::parse_strategy(r.strategy);  // main.cpp checked the spelling
  const std::string host =
      r.host_type.value_or(m.strategy == sim::Strategy::centrality     ? "commune"
                           : m.strategy == sim::Strategy::multi_centre ? "epci"
                                                                       : "department");
  m.host_type = *sim::parse_host_type(host);
  m.host_name = "new post";
  m.funding = sim::usual_funding(m.host_type).value_or(sim::Funding::public_body);
  if (!(r.weekly_hours > 0 && r.weekly_hours <= 168))
    throw InputError(file, "--hours", "weekly hours must be within (0, 168]");
  m.weekly_hours = r.weekly_hours;
  if (m.strategy != sim::Strategy::centrality) {
    m.group_key = r.group_key.value_or(plan.scenario.posts.defaults.group_key.empty()
                                           ? "epci"
                                           : plan.scenario.posts.defaults.group_key);
    if (plan.prepared.territory.grouping(m.group_key) == nullptr)
      throw InputError(file, "--group-key",
                       "the territory has no grouping \"" + m.group_key +
                           "\": a new team post joins the team of its commune's group");
  }
  return m;
}

sim::Table recommendation_table(const sim::Recommendation& r, const geo::Territory& t,
                                const std::string& objective) {
  const std::string unit = unit_of(r.goal);
  const geo::Grouping* epci = t.grouping("epci");
  std::vector<double> rank, population, gain, cumulative, tiebreak, tiebreak_total, hours;
  std::vector<std::string> post, code, name, epci_code, epci_name, strategy, host;
  double running = 0;
  for (std::size_t i = 0; i < r.picks.size(); ++i) {
    const geo::CommuneId c = r.picks[i];
    const sim::Post& p = r.posts.posts[r.posts.size() - r.picks.size() + i];
    rank.push_back(static_cast<double>(i + 1));
    post.push_back(p.id);
    code.push_back(t.code[c]);
    name.push_back(t.name[c]);
    const geo::GroupId g = epci ? epci->of[c] : geo::kNoGroup;
    epci_code.push_back(g == geo::kNoGroup ? "" : epci->codes[g]);
    epci_name.push_back(g == geo::kNoGroup ? "" : epci->names[g]);
    population.push_back(t.population[c]);
    gain.push_back(r.gain[i]);
    cumulative.push_back(r.cumulative[i]);
    running += r.gain_tiebreak[i];
    tiebreak.push_back(r.gain_tiebreak[i]);
    tiebreak_total.push_back(running);
    strategy.emplace_back(sim::name(p.strategy));
    host.emplace_back(sim::name(p.host_type));
    hours.push_back(p.weekly_hours);
  }
  sim::Table table;
  table.name = "recommendations";
  sim::add_numbers(table, "rank", geo::FieldKind::integer, "",
                   "Order of the picks: each gains most given those before it.", std::move(rank));
  sim::add_texts(table, "post", "Id of the new post.", std::move(post));
  sim::add_texts(table, "code", "Commune code of the new post's home.", std::move(code));
  sim::add_texts(table, "name", "Commune name.", std::move(name));
  sim::add_texts(table, "epci", "EPCI code of the commune.", std::move(epci_code));
  sim::add_texts(table, "epci_name", "EPCI name.", std::move(epci_name));
  sim::add_numbers(table, "population", geo::FieldKind::real, "inhabitants",
                   "Population of the commune.", std::move(population));
  sim::add_numbers(table, "gain", geo::FieldKind::real, unit,
                   "Gain of this pick given the picks before it: " + objective + ".",
                   std::move(gain));
  sim::add_numbers(table, "cumulative", geo::FieldKind::real, unit,
                   "Gain of the picks up to this one.", std::move(cumulative));
  if (r.goal == sim::PlacementGoal::permanence) {
    sim::add_numbers(table, "population_regaining", geo::FieldKind::real, "inhabitants",
                     "Population of the communes this pick gives a permanence.",
                     std::move(tiebreak));
    sim::add_numbers(table, "cumulative_population", geo::FieldKind::real, "inhabitants",
                     "Population of the communes the picks up to this one give a permanence.",
                     std::move(tiebreak_total));
  }
  sim::add_texts(table, "strategy", "Strategy of the new post.", std::move(strategy));
  sim::add_texts(table, "host_type", "Host type of the new post.", std::move(host));
  sim::add_numbers(table, "weekly_hours", geo::FieldKind::real, "h/week",
                   "Weekly hours of the new post.", std::move(hours));
  return table;
}

// Communes whose objective improved: newly reached, permanence regained, access raised in W.
std::vector<std::uint32_t> improved(const sim::Recommendation& r, const sim::CommuneCoverage& now,
                                    std::size_t threshold) {
  std::vector<std::uint32_t> out;
  for (geo::CommuneId c = 0; c < now.size(); ++c) {
    bool up = false;
    switch (r.goal) {
      case sim::PlacementGoal::reach:
        up = r.coverage.reached_within(c, threshold) && !now.reached_within(c, threshold);
        break;
      case sim::PlacementGoal::permanence:
        up = r.counted[c] && r.coverage.has_permanence[c] && !now.has_permanence[c];
        break;
      case sim::PlacementGoal::access:
        up = r.counted[c] && r.coverage.access[c] > now.access[c] + 1e-12;
        break;
    }
    if (up) out.push_back(c);
  }
  return out;
}

void render(const CurrentPlan& plan, const sim::Recommendation& r, std::size_t threshold,
            const std::string& objective, const fs::path& path) {
  const geo::Territory& t = plan.prepared.territory;
  const Scenario& s = plan.scenario;
  geo::MapSpec spec;
  spec.polygons = t.shape;
  spec.title = s.name + ": where to add " + std::to_string(r.picks.size()) + " post(s)";
  spec.subtitle = "Objective: " + objective +
                  "; stars: new posts by rank; outlined: communes "
                  "that gain";
  spec.legend_title = "Minutes to the nearest permanence, with the new posts";
  spec.units = "min";
  spec.credits =
      "covsim · " + territory_label(t) + " · travel: " + plan.prepared.graph.model + " model";
  spec.classes.method = geo::Classification::manual;
  spec.classes.manual_breaks.assign(s.coverage.thresholds_minutes.begin(),
                                    s.coverage.thresholds_minutes.end());
  spec.highlight_label = "Gains";
  spec.highlight_color = {0.0, 0.35, 0.1};
  const float cutoff = plan.prepared.table.cutoff_minutes;
  for (float m : r.coverage.nearest_minutes)
    spec.map.values.push_back(std::isfinite(m) ? m : cutoff);
  spec.map.highlighted = improved(r, plan.coverage(), threshold);
  const std::size_t first_new = r.posts.size() - r.picks.size();
  std::vector<std::uint8_t> seen(t.size(), 0);
  for (sim::SiteId k = 0; k < r.deployment.sites(); ++k) {
    const geo::CommuneId c = r.deployment.site_commune[k];
    if (r.deployment.site_post[k] >= first_new || seen[c]++) continue;
    spec.map.points.push_back(
        {t.demand[c], "", geo::Symbol::circle, 9, {0.1, 0.1, 0.1}, "Permanence (fixed site)"});
  }
  for (const geo::CommuneId c : r.deployment.stop_commune)
    if (!seen[c]++)
      spec.map.points.push_back(
          {t.demand[c], "", geo::Symbol::triangle, 9, {0.55, 0.1, 0.55}, "Roaming stop"});
  for (std::size_t i = 0; i < r.picks.size(); ++i)
    spec.map.points.push_back({t.demand[r.picks[i]],
                               std::to_string(i + 1),
                               geo::Symbol::star,
                               18,
                               {0.0, 0.55, 0.2},
                               "New post (rank)"});
  geo::render_map(spec, path.string());
}

std::string summary(const CurrentPlan& plan, const sim::Recommendation& r, std::size_t threshold,
                    const std::string& objective) {
  const geo::Territory& t = plan.prepared.territory;
  const geo::Grouping* epci = t.grouping("epci");
  const int dec = decimals_of(r.goal);
  const std::string unit = unit_of(r.goal);
  std::ostringstream md;
  md << "# Where to add " << r.picks.size() << " post(s): " << plan.scenario.name << "\n\n";
  if (plan.renewal) {
    std::size_t kept = 0;
    for (std::uint8_t a : plan.renewal->impact.active) kept += a;
    md << "Starting from the posts the renewal round leaves: " << kept << " of "
       << plan.baseline.posts.size()
       << " continue (reallocation: " << sim::name(plan.renewal->impact.options.policy) << ").";
  } else {
    md << "Starting from the scenario's " << plan.baseline.posts.size() << " "
       << noun(static_cast<double>(plan.baseline.posts.size()), "post") << ".";
  }
  const sim::Post& m = r.posts.posts.back();
  md << " New posts: " << sim::name(m.strategy) << ", " << sim::name(m.host_type) << ", "
     << grouped(m.weekly_hours, 1) << " h a week"
     << (m.strategy == sim::Strategy::centrality
             ? " at the commune picked."
             : ", joining the team of the commune's " + m.group_key + " (re-planned with it).")
     << "\n\nObjective: " << objective << " (" << unit
     << "); with the plan as it stands: " << grouped(r.value_before, dec)
     << ". Picks by greedy marginal gain, then " << r.swaps << " interchange(s); " << r.evaluations
     << " candidate evaluations.\n\n";
  md << "| Rank | Commune | EPCI | Gain | Running total |\n|---:|---|---|---:|---:|\n";
  for (std::size_t i = 0; i < r.picks.size(); ++i) {
    const geo::CommuneId c = r.picks[i];
    const geo::GroupId g = epci ? epci->of[c] : geo::kNoGroup;
    md << "| " << i + 1 << " | " << t.name[c] << " (" << t.code[c] << ") | "
       << (g == geo::kNoGroup ? "" : epci->names[g]) << " | " << grouped(r.gain[i], dec) << " | "
       << grouped(r.cumulative[i], dec) << " |\n";
  }
  md << "\nTogether: +" << grouped(r.total, dec) << " " << unit << " (from "
     << grouped(r.value_before, dec) << " to " << grouped(r.value_before + r.total, dec) << ").";
  if (r.goal == sim::PlacementGoal::reach) {
    double pop = 0;
    for (double p : t.population) pop += p;
    md << " Share of the population reached within "
       << minutes_text(plan.scenario.coverage.thresholds_minutes[threshold])
       << " min: " << grouped(100 * r.value_before / pop, 1) << " % -> "
       << grouped(100 * (r.value_before + r.total) / pop, 1) << " %.";
  }
  md << "\n";
  if (!r.notes.empty()) {
    md << "\n## Notes\n\n";
    for (const std::string& n : r.notes) md << "- " << n << "\n";
  }
  return md.str();
}

}  // namespace

int command_recommend(const CommonOptions& o, const RecommendCommandOptions& rc, std::ostream& log,
                      Progress& progress) {
  Scenario s = load_scenario(o);
  const fs::path dir = s.output.dir;
  std::vector<std::string> outputs = {"recommendations.csv", "recommendations.md"};
  for (const std::string& ext : s.output.map_formats) outputs.push_back("recommendations." + ext);
  const auto out = begin_command_outputs(dir, outputs, s.output.overwrite);  // before any work

  const std::unique_ptr<CurrentPlan> plan = open_plan(std::move(s), progress, log);
  const Scenario& sc = plan->scenario;
  sim::RecommendOptions ro;
  ro.add = rc.add;
  ro.goal = *sim::parse_placement_goal(rc.objective);
  ro.worst_share = rc.worst_share;
  if (!(rc.worst_share > 0 && rc.worst_share <= 1))
    throw InputError(sc.file, "--worst-share", "must be within (0, 1]");
  ro.model = new_post_model(*plan, rc);
  complete_plan(*plan, progress, log);
  ro.threshold = threshold_option(sc, rc.threshold, plan->threshold(), "--threshold");

  const sim::Recommendation r =
      sim::recommend(deployment_inputs(plan->prepared), *plan->baseline.model, plan->state(),
                     sc.deployment, ro, progress);
  const std::string objective =
      objective_text(ro.goal, sc.coverage.thresholds_minutes[ro.threshold], ro.worst_share,
                     plan->renewal.has_value());
  const int dec = decimals_of(ro.goal);
  log << "recommend: " << r.picks.size() << " new post(s), objective " << sim::name(ro.goal)
      << ": +" << grouped(r.total, dec) << " " << unit_of(ro.goal) << "\n";
  for (std::size_t i = 0; i < r.picks.size(); ++i)
    log << "  " << i + 1 << ". " << plan->prepared.territory.name[r.picks[i]] << " ("
        << plan->prepared.territory.code[r.picks[i]] << "): +" << grouped(r.gain[i], dec)
        << ", total " << grouped(r.cumulative[i], dec) << "\n";

  geo::write_csv(out->staged(outputs[0]),
                 recommendation_table(r, plan->prepared.territory, objective).columns, {});
  geo::write_text_file(out->staged(outputs[1]), summary(*plan, r, ro.threshold, objective), false);
  for (std::size_t k = 2; k < outputs.size(); ++k)
    render(*plan, r, ro.threshold, objective, out->staged(outputs[k]));
  commit_outputs(*out, log);
  return kOk;
}

}  // namespace covsim::app
