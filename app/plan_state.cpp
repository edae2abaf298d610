#include "app/plan_state.hpp"

#include <cstdio>

#include "app/scenario_posts.hpp"
#include "app/wording.hpp"
#include "geo/error.hpp"

namespace covsim::app {

namespace fs = std::filesystem;

Scenario load_scenario(const CommonOptions& o) {
  Scenario s = o.scenario ? read_scenario(*o.scenario) : default_scenario();
  if (o.out_dir) s.output.dir = *o.out_dir;
  if (o.overwrite) s.output.overwrite = true;
  if (o.cache_dir) {
    s.territory.cache = true;
    s.territory.cache_dir = *o.cache_dir;
  }
  return s;
}

std::size_t CurrentPlan::threshold() const {
  return renewal ? renewal->impact.threshold : scenario.coverage.thresholds_minutes.size() - 1;
}

const sim::CommuneCoverage& CurrentPlan::coverage() const {
  return renewal ? renewal->impact.after : baseline.communes;
}

sim::PlanState CurrentPlan::state() const {
  if (!renewal) return {baseline.posts, {}, baseline.deployment, baseline.communes, {}};
  const sim::RenewalImpact& im = renewal->impact;
  return {baseline.posts, im.active, im.after_deployment, im.after, lost_permanence};
}

std::unique_ptr<CurrentPlan> open_plan(Scenario scenario, Progress& progress, std::ostream& log) {
  auto plan = std::make_unique<CurrentPlan>();
  plan->scenario = std::move(scenario);
  const Scenario& s = plan->scenario;
  log << "scenario: " << s.name;
  if (s.file.find("embedded default") == std::string::npos) log << " (" << s.file << ")";
  log << "\n";
  plan->prepared = prepare_territory(s, progress, log);
  plan->posts = scenario_posts(s, plan->prepared.territory);
  return plan;
}

void complete_plan(CurrentPlan& plan, Progress& progress, std::ostream& log) {
  const Scenario& s = plan.scenario;
  prepare_travel(s, plan.prepared, progress, log);
  plan.baseline = run_baseline(s, plan.prepared, progress);
  if (!s.renewal) return;
  // The deterministic renewal round, as `covsim run` reads it.
  RenewalOutcome& r = plan.renewal.emplace();
  const Baseline& b = plan.baseline;
  r.plan = sim::plan_renewal(plan.prepared.territory, b.posts, s.renewal->rules);
  r.reallocator =
      std::make_unique<sim::Reallocator>(deployment_inputs(plan.prepared), b.posts, b.deployment,
                                         *b.model, s.deployment, s.renewal->reallocation, progress);
  r.impact = sim::assess_renewal(r.plan, *r.reallocator, s.renewal->impact);
  plan.lost_permanence = r.impact.loss.permanence;
  std::size_t kept = 0;
  for (std::uint8_t a : r.impact.active) kept += a;
  log << "renewal: " << kept << " of " << b.posts.size() << " "
      << noun(static_cast<double>(b.posts.size()), "post")
      << (kept == 1 ? " continues (" : " continue (") << sim::name(r.impact.options.policy)
      << ")\n";
}

std::size_t threshold_option(const Scenario& s, std::optional<float> minutes, std::size_t fallback,
                             const std::string& option) {
  if (!minutes) return fallback;
  const std::vector<float>& th = s.coverage.thresholds_minutes;
  for (std::size_t k = 0; k < th.size(); ++k)
    if (th[k] == *minutes) return k;
  std::string known;
  for (float t : th) known += (known.empty() ? "" : ", ") + minutes_text(t);
  throw InputError(s.file, option,
                   minutes_text(*minutes) +
                       " min is not one of the scenario's coverage thresholds (" + known + ")");
}

std::string minutes_text(float minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(minutes));
  return buf;
}

}  // namespace covsim::app
