#include "sim/renewal_impact.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "geo/error.hpp"
#include "sim/detail/summary_rows.hpp"

namespace covsim::sim {

namespace {

double minutes_or_nan(float m) { return std::isfinite(m) ? m : std::nan(""); }

}  // namespace

RenewalImpact assess_renewal(const RenewalPlan& plan, const Reallocator& realloc,
                             const ImpactOptions& options) {
  const CoverageModel& model = realloc.model();
  const geo::Territory& territory = realloc.territory();
  if (plan.posts() != realloc.posts().size())
    throw Error("renewal impact: the renewal plan was made for another post table");
  RenewalImpact im;
  im.options = options;
  im.threshold = threshold_index(model.options(), options.threshold_minutes);
  im.active.assign(plan.posts(), 0);
  settle_renewal(plan, options.random_kept, im.active);
  for (const Fate f : plan.fate) im.random_posts += f == Fate::random;

  ReallocationScratch scratch;
  realloc.apply(options.policy, im.active, im.threshold, scratch, im.after);
  im.after_deployment = active_only(realloc.evaluated(scratch), im.active);
  im.orphans = scratch.orphans;
  im.absorbed = scratch.absorbed;
  im.hours_moved = scratch.hours_moved;
  im.groups_replanned = scratch.groups_replanned;
  im.before = realloc.baseline();
  model.summarise(im.before, scratch.coverage, im.before_groups);
  model.summarise(im.after, scratch.coverage, im.after_groups);

  const std::size_t nt = model.options().thresholds_minutes.size();
  const detail::SummaryRows rows(territory);
  im.population_losing.assign(rows.size() * nt, 0.0);
  im.priority_population_losing.assign(rows.size() * nt, 0.0);
  im.communes_losing.assign(rows.size() * nt, 0);
  for (geo::CommuneId c = 0; c < territory.size(); ++c) {
    const std::uint8_t lost = im.before.reached[c] & ~im.after.reached[c];
    if (lost == 0) continue;
    rows.for_each(c, [&](std::size_t row) {
      for (std::size_t t = 0; t < nt; ++t)
        if ((lost >> t) & 1u) {
          im.population_losing[row * nt + t] += territory.population[c];
          im.priority_population_losing[row * nt + t] += territory.priority_population[c];
          ++im.communes_losing[row * nt + t];
        }
    });
  }

  im.population_losing_permanence.assign(rows.size(), 0.0);
  im.communes_losing_permanence.assign(rows.size(), 0);
  for (geo::CommuneId c = 0; c < territory.size(); ++c)
    if (loses_permanence(im.before, im.after, c))
      rows.for_each(c, [&](std::size_t row) {
        im.population_losing_permanence[row] += territory.population[c];
        ++im.communes_losing_permanence[row];
      });

  im.notes = plan.notes;
  if (im.random_posts > 0)
    im.notes.push_back(std::to_string(im.random_posts) +
                       (im.random_posts == 1 ? " post whose renewal is random is read as "
                                             : " posts whose renewal is random are read as ") +
                       (options.random_kept ? "renewed" : "lost") + "; a sweep draws them instead");
  for (const std::string& n : im.after_deployment.notes)
    if (std::find(realloc.base().notes.begin(), realloc.base().notes.end(), n) ==
        realloc.base().notes.end())
      im.notes.push_back("after reallocation: " + n);
  return im;
}

Table impact_posts_table(const RenewalImpact& im, const RenewalPlan& plan, const PostTable& posts) {
  std::vector<std::string> id, host, type, fate, rule;
  std::vector<double> hours, continues;
  for (PostId p = 0; p < posts.size(); ++p) {
    const Post& post = posts.posts[p];
    id.push_back(post.id);
    host.push_back(post.host_name);
    type.emplace_back(name(post.host_type));
    hours.push_back(post.weekly_hours);
    fate.emplace_back(name(plan.fate[p]));
    rule.push_back(plan.rule[p] == kNoRule ? "" : plan.rule_names[plan.rule[p]]);
    continues.push_back(im.active[p]);
  }
  Table t;
  t.name = "posts";
  add_texts(t, "id", "Post id.", std::move(id));
  add_texts(t, "host_name", "Host structure.", std::move(host));
  add_texts(t, "host_type", "Host type.", std::move(type));
  add_numbers(t, "weekly_hours", ColumnType::real, "h/week", "Contract hours.", std::move(hours));
  add_texts(t, "fate", "kept or lost by the rules or post table; random: decided by a probability.",
            std::move(fate));
  add_texts(t, "rule", "Name of the first matching rule; empty when the post table decided.",
            std::move(rule));
  add_numbers(t, "continues", ColumnType::flag, "", "1 when the post works after renewal.",
              std::move(continues));
  return t;
}

Table impact_losses_table(const RenewalImpact& im, const Reallocator& realloc) {
  const geo::Territory& territory = realloc.territory();
  const std::vector<float>& th = realloc.model().options().thresholds_minutes;
  const std::size_t ng = territory.groupings.size();
  std::vector<std::string> code, cname;
  std::vector<std::vector<std::string>> groups(ng);
  std::vector<std::string> loss;
  std::vector<double> threshold, population, priority, before, after, presence_before,
      presence_after;
  for (std::size_t k = 0; k <= th.size(); ++k)
    for (geo::CommuneId c = 0; c < territory.size(); ++c) {
      // Reach within each threshold, then the permanence (k == th.size()).
      const bool permanence = k == th.size();
      if (permanence ? !loses_permanence(im.before, im.after, c)
                     : !loses_reach(im.before, im.after, c, k))
        continue;
      loss.push_back(permanence ? "permanence" : "reach");
      threshold.push_back(permanence ? NAN : th[k]);
      presence_before.push_back(im.before.presence_hours_per_month[c]);
      presence_after.push_back(im.after.presence_hours_per_month[c]);
      code.push_back(territory.code[c]);
      cname.push_back(territory.name[c]);
      for (std::size_t g = 0; g < ng; ++g) {
        const geo::Grouping& grouping = territory.groupings[g];
        const bool has = c < grouping.of.size() && grouping.of[c] != geo::kNoGroup;
        groups[g].push_back(has ? grouping.codes[grouping.of[c]] : "");
      }
      population.push_back(territory.population[c]);
      priority.push_back(territory.priority_population[c]);
      before.push_back(minutes_or_nan(im.before.nearest_minutes[c]));
      after.push_back(minutes_or_nan(im.after.nearest_minutes[c]));
    }
  Table t;
  t.name = "losses";
  add_texts(t, "code", "Commune code (INSEE).", std::move(code));
  add_texts(t, "name", "Commune name.", std::move(cname));
  for (std::size_t g = 0; g < ng; ++g)
    add_texts(t, territory.groupings[g].key,
              "Code of the commune's " + territory.groupings[g].key + ".", std::move(groups[g]));
  add_texts(t, "loss",
            "reach: no permanence within the threshold any more; permanence: the commune's own "
            "permanence closes.",
            std::move(loss));
  add_numbers(t, "threshold_minutes", ColumnType::real, "min",
              "Reach threshold lost; empty for a lost permanence.", std::move(threshold));
  add_numbers(t, "population", ColumnType::real, "inhabitants", "Population.",
              std::move(population));
  add_numbers(t, "priority_population", ColumnType::real, "inhabitants",
              "Inhabitants of priority areas (QPV, ZRR).", std::move(priority));
  add_numbers(t, "minutes_before", ColumnType::real, "min",
              "Minutes to the nearest permanence counting as reach before renewal; empty beyond "
              "the cut-off.",
              std::move(before));
  add_numbers(t, "minutes_after", ColumnType::real, "min",
              "The same after renewal; empty beyond the cut-off.", std::move(after));
  add_numbers(t, "presence_hours_before", ColumnType::real, "h/month",
              "Advisor hours held in the commune before renewal.", std::move(presence_before));
  add_numbers(t, "presence_hours_after", ColumnType::real, "h/month",
              "Advisor hours held in the commune after renewal.", std::move(presence_after));
  return t;
}

Table impact_groups_table(const RenewalImpact& im, const Reallocator& realloc) {
  const std::vector<float>& th = realloc.model().options().thresholds_minutes;
  const GroupRows& rows = realloc.model().group_rows();
  const std::size_t nt = th.size();
  std::vector<std::string> grouping, code, gname;
  std::vector<double> threshold, population, before, after, losing, priority, communes,
      permanence_population, permanence_communes;
  for (std::size_t r = 0; r < rows.grouping.size(); ++r)
    for (std::size_t k = 0; k < nt; ++k) {
      grouping.push_back(rows.grouping[r]);
      code.push_back(rows.code[r]);
      gname.push_back(rows.name[r]);
      threshold.push_back(th[k]);
      population.push_back(im.before_groups.population[r]);
      before.push_back(im.before_groups.reached_at(r, k));
      after.push_back(im.after_groups.reached_at(r, k));
      losing.push_back(im.population_losing[r * nt + k]);
      priority.push_back(im.priority_population_losing[r * nt + k]);
      communes.push_back(im.communes_losing[r * nt + k]);
      permanence_population.push_back(im.population_losing_permanence[r]);
      permanence_communes.push_back(im.communes_losing_permanence[r]);
    }
  Table t;
  t.name = "group_losses";
  add_texts(t, "grouping", "Grouping key; \"all\" for the territory.", std::move(grouping));
  add_texts(t, "code", "Group code.", std::move(code));
  add_texts(t, "name", "Group name.", std::move(gname));
  add_numbers(t, "threshold_minutes", ColumnType::real, "min", "Reach threshold.",
              std::move(threshold));
  add_numbers(t, "population", ColumnType::real, "inhabitants", "Population.",
              std::move(population));
  add_numbers(t, "reached_before", ColumnType::real, "inhabitants",
              "Population reached within the threshold before renewal.", std::move(before));
  add_numbers(t, "reached_after", ColumnType::real, "inhabitants",
              "Population reached within the threshold after renewal and reallocation.",
              std::move(after));
  add_numbers(t, "population_losing_reach", ColumnType::real, "inhabitants",
              "Population reached before and not after.", std::move(losing));
  add_numbers(t, "priority_population_losing_reach", ColumnType::real, "inhabitants",
              "Priority-area population reached before and not after.", std::move(priority));
  add_numbers(t, "communes_losing_reach", ColumnType::integer, "communes",
              "Communes reached before and not after.", std::move(communes));
  add_numbers(t, "population_losing_permanence", ColumnType::real, "inhabitants",
              "Population of communes whose own permanence closes (any threshold).",
              std::move(permanence_population));
  add_numbers(t, "communes_losing_permanence", ColumnType::integer, "communes",
              "Communes whose own permanence closes (any threshold).",
              std::move(permanence_communes));
  return t;
}

Table impact_absorbed_table(const RenewalImpact& im, const Reallocator& realloc) {
  const geo::Territory& territory = realloc.territory();
  std::vector<std::string> code, cname, post;
  std::vector<double> minutes, presence, travel;
  for (const Absorption& a : im.absorbed) {
    code.push_back(territory.code[a.commune]);
    cname.push_back(territory.name[a.commune]);
    post.push_back(realloc.posts().posts[a.post].id);
    minutes.push_back(a.minutes);
    presence.push_back(a.presence_hours);
    travel.push_back(a.travel_hours);
  }
  Table t;
  t.name = "absorbed";
  add_texts(t, "code", "Absorbed commune code.", std::move(code));
  add_texts(t, "name", "Absorbed commune name.", std::move(cname));
  add_texts(t, "post", "Id of the absorbing post.", std::move(post));
  add_numbers(t, "minutes", ColumnType::real, "min",
              "From the commune to the absorbing advisor's nearest kept place.",
              std::move(minutes));
  add_numbers(t, "presence_hours", ColumnType::real, "h/week", "Weekly presence in the commune.",
              std::move(presence));
  add_numbers(t, "travel_hours", ColumnType::real, "h/week",
              "Weekly driving of the advisor for it.", std::move(travel));
  return t;
}

nlohmann::json to_json(const RenewalImpact& im, const RenewalPlan& plan,
                       const Reallocator& realloc) {
  const CoverageModel& model = realloc.model();
  const RunResult before = make_run_result(realloc.territory(), realloc.posts(), realloc.base(),
                                           model, im.before, im.before_groups);
  const RunResult after = make_run_result(realloc.territory(), realloc.posts(), im.after_deployment,
                                          model, im.after, im.after_groups);
  nlohmann::json j;
  j["policy"] = name(im.options.policy);
  j["threshold_minutes"] = model.options().thresholds_minutes[im.threshold];
  j["random_posts_read_as"] = im.options.random_kept ? "renewed" : "lost";
  j["random_posts"] = im.random_posts;
  j["orphans"] = im.orphans;
  j["hours_moved"] = im.hours_moved;
  j["groups_replanned"] = im.groups_replanned;
  j["notes"] = im.notes;
  j["before"] = to_json(before);
  j["after"] = to_json(after);
  j["tables"] = {{"posts", to_json(impact_posts_table(im, plan, realloc.posts()))},
                 {"losses", to_json(impact_losses_table(im, realloc))},
                 {"groups", to_json(impact_groups_table(im, realloc))},
                 {"absorbed", to_json(impact_absorbed_table(im, realloc))}};
  return j;
}

std::vector<geo::CommuneId> communes_losing_reach(const RenewalImpact& impact) {
  std::vector<geo::CommuneId> out;
  for (geo::CommuneId c = 0; c < impact.before.size(); ++c)
    if (loses_reach(impact.before, impact.after, c, impact.threshold)) out.push_back(c);
  return out;
}

std::vector<geo::CommuneId> communes_losing_permanence(const RenewalImpact& impact) {
  std::vector<geo::CommuneId> out;
  for (geo::CommuneId c = 0; c < impact.before.size(); ++c)
    if (loses_permanence(impact.before, impact.after, c)) out.push_back(c);
  return out;
}

}  // namespace covsim::sim
