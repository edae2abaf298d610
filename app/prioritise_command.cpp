// covsim prioritise: which posts to renew when only N (or a budget of weekly hours) can be;
// writes priorities.csv and priorities.md.
#include <algorithm>
#include <sstream>

#include "app/commands.hpp"
#include "app/plan_state.hpp"
#include "app/wording.hpp"
#include "geo/detail/number_format.hpp"
#include "geo/error.hpp"
#include "geo/table_writer.hpp"
#include "geo/text_file.hpp"
#include "sim/prioritise.hpp"

namespace covsim::app {

namespace fs = std::filesystem;

namespace {

using geo::detail::grouped;

// Posts by standalone value, the most valuable first (ties: table order).
std::vector<sim::PostId> by_value(const sim::Priorities& pr) {
  std::vector<sim::PostId> order(pr.standalone.size());
  for (sim::PostId p = 0; p < order.size(); ++p) order[p] = p;
  std::stable_sort(order.begin(), order.end(), [&](sim::PostId a, sim::PostId b) {
    if (pr.standalone[a] != pr.standalone[b]) return pr.standalone[a] > pr.standalone[b];
    return pr.standalone_permanence[a] > pr.standalone_permanence[b];
  });
  return order;
}

sim::Table priorities_table(const sim::Priorities& pr, const sim::PostTable& posts,
                            std::span<const std::uint8_t> scenario_keep, const std::string& t) {
  std::vector<double> rank, hours, value, permanence, kept, kept_scenario;
  std::vector<std::string> id, host, type, strategy;
  const std::vector<sim::PostId> order = by_value(pr);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const sim::PostId p = order[i];
    const sim::Post& post = posts.posts[p];
    rank.push_back(static_cast<double>(i + 1));
    id.push_back(post.id);
    host.push_back(post.host_name);
    type.emplace_back(sim::name(post.host_type));
    strategy.emplace_back(sim::name(post.strategy));
    hours.push_back(post.weekly_hours);
    value.push_back(pr.standalone[p]);
    permanence.push_back(pr.standalone_permanence[p]);
    kept.push_back(pr.keep[p]);
    kept_scenario.push_back(scenario_keep.empty() ? 1.0 : scenario_keep[p]);
  }
  sim::Table table;
  table.name = "priorities";
  sim::add_numbers(table, "rank", geo::FieldKind::integer, "", "Rank by standalone value.",
                   std::move(rank));
  sim::add_texts(table, "post", "Post id.", std::move(id));
  sim::add_texts(table, "host", "Host structure.", std::move(host));
  sim::add_texts(table, "host_type", "Host type.", std::move(type));
  sim::add_texts(table, "strategy", "Strategy.", std::move(strategy));
  sim::add_numbers(table, "weekly_hours", geo::FieldKind::real, "h/week", "Contract hours.",
                   std::move(hours));
  sim::add_numbers(table, "value", geo::FieldKind::real, "inhabitants",
                   "Population losing reach within " + t + " min if this post alone goes.",
                   std::move(value));
  sim::add_numbers(table, "permanence_value", geo::FieldKind::integer, "communes",
                   "Communes losing their permanence if this post alone goes.",
                   std::move(permanence));
  sim::add_numbers(table, "kept_in_plan", geo::FieldKind::boolean, "",
                   "1 when the recommended keep-set renews the post.", std::move(kept));
  sim::add_numbers(table, "kept_in_scenario", geo::FieldKind::boolean, "",
                   "1 when the scenario's renewal round renews the post.",
                   std::move(kept_scenario));
  return table;
}

std::string summary(const CurrentPlan& plan, const sim::Priorities& pr,
                    const std::optional<sim::KeepFigures>& decided, const std::string& t,
                    const std::string& limit) {
  const sim::PostTable& posts = plan.baseline.posts;
  const auto posts_text = [](auto k) {
    return std::to_string(k) + " " + noun(static_cast<double>(k), "post");
  };
  const auto with_permanence = [](auto k) {
    return std::to_string(k) + " " + noun(static_cast<double>(k), "commune") + " with a permanence";
  };
  std::ostringstream md;
  md << "# Which posts to renew: " << plan.scenario.name << "\n\n"
     << "Limit: " << limit << ". Objective: population reached within " << t
     << " min with the posts kept, reallocation `" << sim::name(pr.policy)
     << "` (equal populations: more communes holding a permanence). With every post: "
     << grouped(pr.all.population_reached, 0) << " inhabitants, "
     << with_permanence(pr.all.communes_with_permanence) << ".\n\n"
     << "Recommended keep-set (greedy removal, then " << pr.swaps
     << " swap(s)): " << posts_text(pr.kept.posts) << ", " << grouped(pr.kept.weekly_hours, 1)
     << " h a week, " << grouped(pr.kept.population_reached, 0) << " inhabitants reached within "
     << t << " min, " << with_permanence(pr.kept.communes_with_permanence) << ".\n";
  if (decided) {
    const double more = pr.kept.population_reached - decided->population_reached;
    md << "\nThe renewal round's decisions: " << posts_text(decided->posts) << ", "
       << grouped(decided->weekly_hours, 1) << " h a week, "
       << grouped(decided->population_reached, 0) << " inhabitants reached, "
       << with_permanence(decided->communes_with_permanence) << ".\n\n**Renewing these "
       << pr.kept.posts << " instead of the " << decided->posts << " decided keeps "
       << grouped(std::abs(more), 0) << (more >= 0 ? " more" : " fewer") << " people within " << t
       << " min** ("
       << (static_cast<long>(pr.kept.communes_with_permanence) -
           static_cast<long>(decided->communes_with_permanence))
       << " communes with a permanence).\n";
    const std::span<const std::uint8_t> round = plan.renewal->impact.active;
    auto list = [&](const char* what, bool plan_keeps) {
      std::string ids;
      for (sim::PostId p = 0; p < posts.size(); ++p)
        if (pr.keep[p] == plan_keeps && round[p] != plan_keeps)
          ids += (ids.empty() ? "" : ", ") + posts.posts[p].id;
      if (!ids.empty()) md << "\n" << what << ": " << ids << ".\n";
    };
    list("Kept here, not by the round", true);
    list("Kept by the round, not here", false);
  }
  md << "\n## Posts by standalone value\n\nWhat is lost if the post alone goes, every other post "
        "working (negative: the reallocation "
     << sim::name(pr.policy)
     << " more than makes up for it).\n\n| Rank | Post | Host | Hours | Population losing reach | "
        "Communes losing "
        "their permanence | Kept here | Kept by the round "
        "|\n|---:|---|---|---:|---:|---:|:-:|:-:|\n";
  const std::vector<sim::PostId> order = by_value(pr);
  const std::size_t shown = std::min<std::size_t>(order.size(), 60);
  for (std::size_t i = 0; i < shown; ++i) {
    const sim::PostId p = order[i];
    const sim::Post& post = posts.posts[p];
    md << "| " << i + 1 << " | " << post.id << " | " << post.host_name << " | "
       << grouped(post.weekly_hours, 1) << " | " << grouped(pr.standalone[p], 0) << " | "
       << pr.standalone_permanence[p] << " | " << (pr.keep[p] ? "yes" : "no") << " | "
       << (plan.renewal ? (plan.renewal->impact.active[p] ? "yes" : "no") : "–") << " |\n";
  }
  if (shown < order.size())
    md << "\n(" << order.size() - shown << " more posts in priorities.csv.)\n";
  if (!pr.notes.empty()) {
    md << "\n## Notes\n\n";
    for (const std::string& n : pr.notes) md << "- " << n << "\n";
  }
  return md.str();
}

}  // namespace

int command_prioritise(const CommonOptions& o, const PrioritiseCommandOptions& pc,
                       std::ostream& log, Progress& progress) {
  Scenario s = load_scenario(o);
  const fs::path dir = s.output.dir;
  const auto out =
      begin_command_outputs(dir, {"priorities.csv", "priorities.md"}, s.output.overwrite);
  if (!pc.keep && !pc.budget_hours && !s.renewal)
    throw InputError(s.file, "--keep",
                     "the scenario has no renewal round to take the number of posts from: say "
                     "how many can be kept (--keep N) or their weekly hours (--budget H)");

  const std::unique_ptr<CurrentPlan> plan = open_plan(std::move(s), progress, log);
  const Scenario& sc = plan->scenario;
  if (pc.keep && *pc.keep > plan->posts.size())
    throw InputError(sc.file, "--keep",
                     "cannot keep " + std::to_string(*pc.keep) + " posts: the scenario has " +
                         std::to_string(plan->posts.size()));
  complete_plan(*plan, progress, log);

  sim::PrioritiseOptions po;
  po.policy = pc.policy       ? *sim::parse_reallocation_policy(*pc.policy)
              : plan->renewal ? plan->renewal->impact.options.policy
                              : sim::ReallocationPolicy::none;
  po.threshold = threshold_option(sc, pc.threshold, plan->threshold(), "--threshold");
  po.budget_hours = pc.budget_hours;
  po.keep = pc.keep;
  std::vector<std::uint8_t> decided_keep;
  if (plan->renewal) decided_keep = plan->renewal->impact.active;
  if (!po.keep && !po.budget_hours)
    po.keep = static_cast<std::uint32_t>(std::count(decided_keep.begin(), decided_keep.end(), 1));

  std::unique_ptr<sim::Reallocator> own;  // without a renewal round, one with default options
  if (!plan->renewal)
    own = std::make_unique<sim::Reallocator>(
        deployment_inputs(plan->prepared), plan->baseline.posts, plan->baseline.deployment,
        *plan->baseline.model, sc.deployment, sim::ReallocationOptions{.file = sc.file}, progress);
  const sim::Reallocator& realloc = plan->renewal ? *plan->renewal->reallocator : *own;
  const sim::Priorities pr = sim::prioritise(realloc, po, progress);
  std::optional<sim::KeepFigures> decided;
  if (plan->renewal) decided = sim::evaluate_keep(realloc, po.policy, decided_keep, po.threshold);

  const std::string t = minutes_text(sc.coverage.thresholds_minutes[po.threshold]);
  std::string limit;
  if (po.keep) limit = "keep " + std::to_string(*po.keep) + " of " + std::to_string(pr.keep.size());
  if (po.budget_hours)
    limit += (limit.empty() ? "" : ", ") + grouped(*po.budget_hours, 1) + " weekly hours at most";
  log << "prioritise: " << limit << "; keep-set reaches " << grouped(pr.kept.population_reached, 0)
      << " inhabitants within " << t << " min";
  if (decided) log << " (the round's decisions: " << grouped(decided->population_reached, 0) << ")";
  log << "\n";

  geo::write_csv(out->staged("priorities.csv"),
                 priorities_table(pr, plan->baseline.posts, decided_keep, t).columns, {});
  geo::write_text_file(out->staged("priorities.md"), summary(*plan, pr, decided, t, limit), false);
  commit_outputs(*out, log);
  return kOk;
}

}  // namespace covsim::app
