#include "app/scenario_check.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "geo/error.hpp"
#include "sim/renewal.hpp"
#include "sim/sweep.hpp"

namespace covsim::app {

namespace {

std::string indexed(const std::string& list, std::size_t i) {
  return list + "[" + std::to_string(i) + "]";
}

// A refusal pointing at `key`'s value in the scenario.
[[noreturn]] void fail(const Scenario& s, const std::string& key, const std::string& problem) {
  throw InputError(s.where(key), key, problem);
}

std::string grouping_keys(const geo::Territory& t) {
  std::string keys;
  for (const geo::Grouping& g : t.groupings) keys += (keys.empty() ? "" : ", ") + g.key;
  return keys.empty() ? "none" : keys;
}

// The grouping `key` of the territory; refused with the groupings it has. A territory loaded
// without the COG has no department, EPCI or region unless its layer gives them.
const geo::Grouping& grouping(const Scenario& s, const geo::Territory& t, const std::string& key,
                              const std::string& at) {
  if (const geo::Grouping* g = t.grouping(key)) return *g;
  fail(s, at,
       "no grouping \"" + key + "\" in the territory (it has: " + grouping_keys(t) + ")" +
           (s.territory.synthetic || s.territory.load.cog
                ? std::string()
                : "; territory.cog gives department, epci and region"));
}

void require_group(const Scenario& s, const geo::Grouping& g, const std::string& code,
                   const std::string& at) {
  if (std::find(g.codes.begin(), g.codes.end(), code) == g.codes.end())
    fail(s, at, "no " + g.key + " with code \"" + code + "\" in the territory");
}

void require_post(const Scenario& s, const sim::PostTable& posts, const std::string& id,
                  const std::string& at) {
  if (!posts.find(id)) fail(s, at, "no post with id \"" + id + "\"");
}

std::string hours_text(double h) {
  std::ostringstream os;
  os << h;
  return os.str();
}

// Every code of output.extent names a group of some grouping ("all" alone: the territory).
void check_extent(const Scenario& s, const geo::Territory& t) {
  const std::vector<std::string>& codes = s.output.extent;
  if (codes.size() == 1 && codes[0] == "all") return;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const bool known = std::any_of(t.groupings.begin(), t.groupings.end(), [&](const auto& g) {
      return std::find(g.codes.begin(), g.codes.end(), codes[i]) != g.codes.end();
    });
    if (!known)
      fail(s, indexed("output.extent", i),
           "no group with code \"" + codes[i] + "\" in any grouping of the territory (" +
               grouping_keys(t) + "); \"all\" shows the whole territory");
  }
}

void check_links(const Scenario& s, const geo::Territory& t) {
  const auto& links = s.travel.speeds.extra_links;
  for (std::size_t i = 0; i < links.size(); ++i) {
    const std::string at = indexed("travel.adjacency.links", i);
    for (const auto& [end, code] :
         {std::pair{"from", &links[i].from_code}, std::pair{"to", &links[i].to_code}})
      if (!t.find(*code))
        fail(s, at + "." + end, "commune \"" + *code + "\" is not in the territory");
  }
}

void check_sites_by_group(const Scenario& s, const geo::Territory& t) {
  const auto& groups = s.deployment.multi_centre.sites_by_group;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const std::string at = indexed("deployment.multi_centre.sites_by_group", i);
    const geo::Grouping& g = grouping(s, t, groups[i].group_key, at + ".grouping");
    require_group(s, g, groups[i].group_code, at + ".code");
  }
}

void check_rules(const Scenario& s, const geo::Territory& t, const sim::PostTable& posts) {
  const auto& rules = s.renewal->rules.rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::string at = indexed("renewal.rules", i);
    const sim::RuleMatch& m = rules[i].match;
    if (!m.home_group_key.empty()) {
      const geo::Grouping& g = grouping(s, t, m.home_group_key, at + ".home_group_key");
      for (std::size_t k = 0; k < m.home_groups.size(); ++k)
        require_group(s, g, m.home_groups[k], indexed(at + ".home_groups", k));
    }
    for (std::size_t k = 0; k < m.post_ids.size(); ++k)
      require_post(s, posts, m.post_ids[k], indexed(at + ".posts", k));
    if (rules[i].action == sim::RuleAction::transfer)
      grouping(s, t, rules[i].transfer_key, at + ".transfer_to");
  }
}

void check_protected_hours(const Scenario& s, const sim::PostTable& posts) {
  const auto& hours = s.renewal->reallocation.protected_hours;
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < hours.size(); ++i) {
    const std::string at = indexed("renewal.protected_hours", i);
    require_post(s, posts, hours[i].post_id, at + ".post");
    if (const auto [it, added] = seen.emplace(hours[i].post_id, i); !added)
      fail(s, at + ".post",
           "post \"" + hours[i].post_id + "\" already has protected hours (entry " +
               std::to_string(it->second) + ")");
    const double weekly = posts.posts[*posts.find(hours[i].post_id)].weekly_hours;
    if (hours[i].weekly_hours > weekly)
      fail(s, at + ".weekly_hours",
           hours_text(hours[i].weekly_hours) + " protected hours exceed the " + hours_text(weekly) +
               " weekly hours of post \"" + hours[i].post_id + "\"");
  }
}

}  // namespace

bool absorb_can_run(const Scenario& s) {
  if (!s.renewal) return false;
  if (s.renewal->impact.policy == sim::ReallocationPolicy::absorb) return true;
  if (!s.sweep) return false;
  const auto& p = s.sweep->grid.policies;
  return std::find(p.begin(), p.end(), sim::ReallocationPolicy::absorb) != p.end();
}

std::vector<std::string> check_scenario(const Scenario& s, const geo::Territory& t,
                                        const sim::PostTable& posts) {
  check_links(s, t);
  check_extent(s, t);
  check_sites_by_group(s, t);
  if (s.sweep && !s.renewal)
    fail(s, "sweep",
         "a sweep needs a 'renewal' section (rules may be empty) to know the reallocation "
         "options");
  if (!s.renewal) return {};
  check_rules(s, t, posts);
  check_protected_hours(s, posts);
  const std::string& absorb_key = s.renewal->reallocation.absorb.group_key;
  if (absorb_can_run(s) && !absorb_key.empty())
    grouping(s, t, absorb_key, "renewal.absorb.group_key");

  // What remains is the planner's own check, now sure to pass on what was checked above.
  const sim::RenewalPlan plan = sim::plan_renewal(t, posts, s.renewal->rules);
  if (s.sweep) {
    const std::vector<std::string> unknown = plan.unknown_units();
    if (s.sweep->grid.non_renewal_rates.empty() && !unknown.empty())
      fail(s, "sweep",
           std::to_string(unknown.size()) +
               " random post(s) have no renewal probability (first: " + unknown.front() +
               "): give them one (renewal_probability, renewal.default_probability) or sweep "
               "over non_renewal_rates");
    sim::grid_cells(s.sweep->grid, s.coverage);
  }
  return plan.notes;
}

}  // namespace covsim::app
