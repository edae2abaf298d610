// Which posts survive a renewal round. Renewal rules are plain data (the scenario loader fills
// them from YAML); plan_renewal() evaluates them once on the post table and settles each post as
// kept, lost or random; draw_renewal() then decides the random ones for one seeded draw.
//
//   RenewalPlan plan = plan_renewal(territory, posts, {.rules = {{.name = "associations",
//       .match = {.host_types = {HostType::association}}, .action = RuleAction::not_renewed}}});
//   draw_renewal(plan, seed, draw, std::nullopt, active);  // active[p] = 1: post p continues
//
// Evaluation, post by post:
//   1. The rules in order; the first whose every condition holds decides (first match wins).
//      A condition left empty matches every post. Rules override the post table, so a rule
//      meant only for undecided posts says so with `statuses`.
//   2. No rule matches: the post table decides. renewed -> kept, not_renewed -> lost,
//      undecided -> random with the post's renewal_probability, else the rules'
//      default_probability, else an unknown probability (NaN: a sweep must then set a
//      non-renewal rate, and a deterministic scenario says what it assumes).
// Actions: renewed / not_renewed settle the post; probability makes it random on its own;
// transfer passes the post to the group of its home commune in `transfer_key` (the department
// withdraws and each EPCI decides): one decision per group, every post it inherited follows it.
//
// Draws: random post (or transferred group) u is renewed in draw d when
//   uniform(seed, d, key_u) < p_u
// with key_u a hash of the post id (or of rule, grouping and group code), so a post keeps its
// random numbers when others are added or the table is reordered, and every draw is a pure
// function of (seed, d): no shared engine (sim/rng.hpp).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/territory.hpp"
#include "sim/post.hpp"
#include "sim/post_table.hpp"

namespace covsim::sim {

// Conditions of a rule; all given ones must hold. A vector matches when it is empty or holds
// the post's value.
struct RuleMatch {
  std::vector<HostType> host_types{};
  std::vector<Funding> fundings{};
  std::optional<bool> priority_bonus{};
  // Contract end strictly before / on or after these days. A post without a contract end
  // matches neither.
  std::optional<Date> contract_end_before{};
  std::optional<Date> contract_end_from{};
  std::vector<Renewal> statuses{};
  std::vector<Strategy> strategies{};
  std::vector<std::string> post_ids{};
  // The home commune belongs to one of `home_groups` (codes) of grouping `home_group_key`.
  std::string home_group_key{};
  std::vector<std::string> home_groups{};
};

enum class RuleAction : std::uint8_t { renewed, not_renewed, probability, transfer };
std::string_view name(RuleAction a);  // "renewed", "not_renewed", "probability", "transfer"
std::optional<RuleAction> parse_rule_action(std::string_view text);
std::string allowed_rule_actions();

struct RenewalRule {
  std::string name{};  // shown in reports and errors: "associations do not renew"
  RuleMatch match{};
  RuleAction action = RuleAction::not_renewed;
  double probability = 1;      // probability, transfer: chance that the post (the group) renews
  std::string transfer_key{};  // transfer: grouping that inherits the posts ("epci")
};

struct RenewalRules {
  std::vector<RenewalRule> rules{};
  // Renewal probability of undecided posts that neither a rule nor the table settles.
  std::optional<double> default_probability{};
  std::string file = "renewal rules";  // names the input in errors
};

enum class Fate : std::uint8_t { kept, lost, random };
std::string_view name(Fate f);  // "kept", "lost", "random"

inline constexpr std::uint32_t kNoRule = std::numeric_limits<std::uint32_t>::max();
inline constexpr std::uint32_t kNoUnit = std::numeric_limits<std::uint32_t>::max();

struct RenewalPlan {
  // Per post (PostId order).
  std::vector<Fate> fate;
  std::vector<std::uint32_t> rule;  // deciding rule, kNoRule when the post table decided
  std::vector<std::uint32_t> unit;  // decision unit of a random post, kNoUnit otherwise
  // Per decision unit: a random post alone, or the posts a transfer rule passed to one group.
  std::vector<double> unit_probability;  // chance of renewal; NaN when unknown
  std::vector<std::uint64_t> unit_key;   // random stream key
  std::vector<std::string> unit_label;   // "post P12", "epci 200067049 (rule 2)"
  std::vector<std::string> rule_names;   // copied from the rules, for reports
  // What the planner should know: posts a transfer could not place, unknown probabilities...
  std::vector<std::string> notes;

  std::size_t posts() const { return fate.size(); }
  std::size_t units() const { return unit_probability.size(); }
  // Labels of units whose probability is unknown.
  std::vector<std::string> unknown_units() const;
};

// Throws InputError(rules.file, "rules[i] \"name\"", problem) on a probability outside [0, 1],
// an unknown grouping key, group code or post id, or a transfer without a key.
RenewalPlan plan_renewal(const geo::Territory& territory, const PostTable& posts,
                         const RenewalRules& rules);

// Decides draw `draw`: active[p] = 1 when post p continues. `non_renewal_rate`, when given,
// replaces every unit's probability by 1 - rate (a sweep's grid parameter). `active` must hold
// one entry per post. Throws covsim::Error when a unit's probability is unknown and no rate is
// given, or the rate is outside [0, 1].
void draw_renewal(const RenewalPlan& plan, std::uint64_t seed, std::uint64_t draw,
                  std::optional<double> non_renewal_rate, std::span<std::uint8_t> active);

// Deterministic reading: kept and lost posts as planned, random ones as `random_kept` says.
void settle_renewal(const RenewalPlan& plan, bool random_kept, std::span<std::uint8_t> active);

}  // namespace covsim::sim
