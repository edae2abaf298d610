#include "sim/renewal.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <tuple>

#include "geo/error.hpp"
#include "sim/rng.hpp"

namespace covsim::sim {

namespace {

constexpr std::array<std::string_view, 4> kActions = {"renewed", "not_renewed", "probability",
                                                      "transfer"};
constexpr std::array<std::string_view, 3> kFates = {"kept", "lost", "random"};
constexpr double kUnknownProbability = std::numeric_limits<double>::quiet_NaN();

template <typename T>
bool any_or_has(const std::vector<T>& allowed, const T& value) {
  return allowed.empty() || std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// A rule checked against the territory and posts, with names resolved to ids once.
struct CompiledRule {
  const RenewalRule* rule = nullptr;
  const geo::Grouping* home_grouping = nullptr;
  std::vector<geo::GroupId> home_groups;  // sorted
  std::vector<PostId> posts;              // sorted
  const geo::Grouping* transfer = nullptr;
};

const geo::Grouping* require_grouping(const geo::Territory& t, const std::string& key,
                                      const std::string& file, const std::string& where,
                                      const std::string& field) {
  const geo::Grouping* g = t.grouping(key);
  if (g == nullptr) {
    std::string known;
    for (const geo::Grouping& k : t.groupings) (known += known.empty() ? "" : ", ") += k.key;
    throw InputError(file, where + ", " + field,
                     "no grouping \"" + key +
                         "\" in the territory (known: " + (known.empty() ? "none" : known) + ")");
  }
  return g;
}

CompiledRule compile(const RenewalRule& r, const geo::Territory& t, const PostTable& posts,
                     const std::string& file, const std::string& where) {
  CompiledRule c;
  c.rule = &r;
  const bool random = r.action == RuleAction::probability || r.action == RuleAction::transfer;
  if (random && !(r.probability >= 0 && r.probability <= 1))
    throw InputError(file, where + ", probability", "must be within [0, 1]");
  if (!r.match.home_groups.empty() || !r.match.home_group_key.empty()) {
    if (r.match.home_group_key.empty())
      throw InputError(file, where + ", home_group_key", "home_groups needs a grouping key");
    c.home_grouping = require_grouping(t, r.match.home_group_key, file, where, "home_group_key");
    for (const std::string& code : r.match.home_groups) {
      const auto& codes = c.home_grouping->codes;
      const auto it = std::find(codes.begin(), codes.end(), code);
      if (it == codes.end())
        throw InputError(file, where + ", home_groups",
                         "no " + r.match.home_group_key + " with code \"" + code + "\"");
      c.home_groups.push_back(static_cast<geo::GroupId>(it - codes.begin()));
    }
    std::sort(c.home_groups.begin(), c.home_groups.end());
  }
  for (const std::string& id : r.match.post_ids) {
    const std::optional<PostId> p = posts.find(id);
    if (!p) throw InputError(file, where + ", post_ids", "no post with id \"" + id + "\"");
    c.posts.push_back(*p);
  }
  std::sort(c.posts.begin(), c.posts.end());
  if (r.action == RuleAction::transfer) {
    if (r.transfer_key.empty())
      throw InputError(file, where + ", transfer_key",
                       "a transfer needs the grouping that inherits the posts (\"epci\")");
    c.transfer = require_grouping(t, r.transfer_key, file, where, "transfer_key");
  }
  return c;
}

bool matches(const CompiledRule& c, const Post& post, PostId id) {
  const RuleMatch& m = c.rule->match;
  if (!any_or_has(m.host_types, post.host_type) || !any_or_has(m.fundings, post.funding) ||
      !any_or_has(m.statuses, post.renewal) || !any_or_has(m.strategies, post.strategy))
    return false;
  if (m.priority_bonus && *m.priority_bonus != post.priority_bonus) return false;
  if (m.contract_end_before && !(post.contract_end && *post.contract_end < *m.contract_end_before))
    return false;
  if (m.contract_end_from && !(post.contract_end && *post.contract_end >= *m.contract_end_from))
    return false;
  if (!m.post_ids.empty() && !std::binary_search(c.posts.begin(), c.posts.end(), id)) return false;
  if (c.home_grouping != nullptr) {
    const auto& of = c.home_grouping->of;
    const geo::GroupId g = post.home < of.size() ? of[post.home] : geo::kNoGroup;
    if (g == geo::kNoGroup) return false;
    if (!c.home_groups.empty() &&
        !std::binary_search(c.home_groups.begin(), c.home_groups.end(), g))
      return false;
  }
  return true;
}

std::string rule_where(const RenewalRule& r, std::size_t i) {
  std::string s = "rules[" + std::to_string(i) + "]";
  if (!r.name.empty()) s += " \"" + r.name + "\"";
  return s;
}

}  // namespace

std::string_view name(RuleAction a) { return kActions[static_cast<std::size_t>(a)]; }
std::string_view name(Fate f) { return kFates[static_cast<std::size_t>(f)]; }

std::optional<RuleAction> parse_rule_action(std::string_view text) {
  for (std::size_t i = 0; i < kActions.size(); ++i)
    if (kActions[i] == text) return static_cast<RuleAction>(i);
  return std::nullopt;
}

std::string allowed_rule_actions() {
  std::string s;
  for (std::string_view a : kActions) (s += s.empty() ? "" : ", ") += a;
  return s;
}

std::vector<std::string> RenewalPlan::unknown_units() const {
  std::vector<std::string> out;
  for (std::size_t u = 0; u < units(); ++u)
    if (std::isnan(unit_probability[u])) out.push_back(unit_label[u]);
  return out;
}

RenewalPlan plan_renewal(const geo::Territory& territory, const PostTable& posts,
                         const RenewalRules& rules) {
  if (rules.default_probability &&
      !(*rules.default_probability >= 0 && *rules.default_probability <= 1))
    throw InputError(rules.file, "default_probability", "must be within [0, 1]");
  std::vector<CompiledRule> compiled;
  for (std::size_t i = 0; i < rules.rules.size(); ++i)
    compiled.push_back(
        compile(rules.rules[i], territory, posts, rules.file, rule_where(rules.rules[i], i)));

  RenewalPlan plan;
  const std::size_t n = posts.size();
  plan.fate.assign(n, Fate::kept);
  plan.rule.assign(n, kNoRule);
  plan.unit.assign(n, kNoUnit);
  for (const RenewalRule& r : rules.rules) plan.rule_names.push_back(r.name);

  auto add_unit = [&](double p, std::uint64_t key, std::string label) {
    plan.unit_probability.push_back(p);
    plan.unit_key.push_back(key);
    plan.unit_label.push_back(std::move(label));
    return static_cast<std::uint32_t>(plan.units() - 1);
  };
  auto own_unit = [&](PostId p, double probability) {
    plan.fate[p] = Fate::random;
    plan.unit[p] =
        add_unit(probability, fnv1a("post:" + posts.posts[p].id), "post " + posts.posts[p].id);
  };
  // (rule, group) -> unit: the posts one group inherits from one rule share a decision.
  std::map<std::pair<std::size_t, geo::GroupId>, std::uint32_t> transfer_units;

  for (PostId p = 0; p < n; ++p) {
    const Post& post = posts.posts[p];
    const auto hit = std::find_if(compiled.begin(), compiled.end(),
                                  [&](const CompiledRule& c) { return matches(c, post, p); });
    if (hit == compiled.end()) {
      if (post.renewal == Renewal::renewed) continue;
      if (post.renewal == Renewal::not_renewed) {
        plan.fate[p] = Fate::lost;
        continue;
      }
      const double probability = post.renewal_probability    ? *post.renewal_probability
                                 : rules.default_probability ? *rules.default_probability
                                                             : kUnknownProbability;
      own_unit(p, probability);
      continue;
    }
    const std::size_t r = static_cast<std::size_t>(hit - compiled.begin());
    const RenewalRule& rule = *hit->rule;
    plan.rule[p] = static_cast<std::uint32_t>(r);
    switch (rule.action) {
      case RuleAction::renewed:
        break;
      case RuleAction::not_renewed:
        plan.fate[p] = Fate::lost;
        break;
      case RuleAction::probability:
        own_unit(p, rule.probability);
        break;
      case RuleAction::transfer: {
        const geo::Grouping& g = *hit->transfer;
        const geo::GroupId group = post.home < g.of.size() ? g.of[post.home] : geo::kNoGroup;
        if (group == geo::kNoGroup) {
          plan.notes.push_back(rule_where(rule, r) + ": post " + post.id + "'s home commune " +
                               territory.code[post.home] + " belongs to no " + g.key +
                               ", so the post decides alone");
          own_unit(p, rule.probability);
          break;
        }
        auto [it, inserted] = transfer_units.emplace(std::pair{r, group}, kNoUnit);
        if (inserted) {
          const std::string label = g.key + " " + g.codes[group];
          it->second =
              add_unit(rule.probability,
                       fnv1a("transfer:" + std::to_string(r) + ":" + g.key + ":" + g.codes[group]),
                       label + " (" + rule_where(rule, r) + ")");
        }
        plan.fate[p] = Fate::random;
        plan.unit[p] = it->second;
        break;
      }
    }
  }
  const std::vector<std::string> unknown = plan.unknown_units();
  if (!unknown.empty())
    plan.notes.push_back(std::to_string(unknown.size()) +
                         " undecided posts have no renewal probability (no rule, no "
                         "renewal_probability, no default_probability), first: " +
                         unknown.front());
  return plan;
}

void draw_renewal(const RenewalPlan& plan, std::uint64_t seed, std::uint64_t draw,
                  std::optional<double> non_renewal_rate, std::span<std::uint8_t> active) {
  if (active.size() != plan.posts())
    throw Error("draw_renewal: " + std::to_string(active.size()) + " flags for " +
                std::to_string(plan.posts()) + " posts");
  if (non_renewal_rate && !(*non_renewal_rate >= 0 && *non_renewal_rate <= 1))
    throw Error("draw_renewal: the non-renewal rate must be within [0, 1]");
  for (PostId p = 0; p < plan.posts(); ++p) {
    if (plan.fate[p] != Fate::random) {
      active[p] = plan.fate[p] == Fate::kept;
      continue;
    }
    const std::uint32_t u = plan.unit[p];
    const double renew = non_renewal_rate ? 1 - *non_renewal_rate : plan.unit_probability[u];
    if (std::isnan(renew))
      throw Error("renewal: " + plan.unit_label[u] +
                  " has no renewal probability; give one or set a non-renewal rate");
    // Posts of one transferred group hash the same key, so they fall together.
    active[p] = uniform(seed, draw, plan.unit_key[u]) < renew;
  }
}

void settle_renewal(const RenewalPlan& plan, bool random_kept, std::span<std::uint8_t> active) {
  if (active.size() != plan.posts())
    throw Error("settle_renewal: " + std::to_string(active.size()) + " flags for " +
                std::to_string(plan.posts()) + " posts");
  for (PostId p = 0; p < plan.posts(); ++p)
    active[p] = plan.fate[p] == Fate::kept || (plan.fate[p] == Fate::random && random_kept);
}

}  // namespace covsim::sim
