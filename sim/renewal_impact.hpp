// What one deterministic renewal scenario does to coverage: which posts continue, the coverage
// before (every post active) and after (with the reallocation policy), and, per threshold, the
// communes that lose reach with their population and priority-area population, per commune
// and per group. The random posts a scenario leaves (probabilities, undecided posts) are read
// as renewed or as lost, as the options say; sweeps (sim/sweep.hpp) draw them instead.
//
//   RenewalImpact impact = assess_renewal(plan, reallocator, {.policy =
//   ReallocationPolicy::absorb}); write_csv(impact_losses_table(impact, reallocator), std::cout);
//
// A commune loses reach within T when it is reached within T before and not after. Figures
// "before" and "after" are D's coverage (sim/coverage.hpp) on the base deployment and on the
// deployment after renewal and reallocation, restricted to the posts that continue.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/reallocation.hpp"
#include "sim/renewal.hpp"
#include "sim/run_result.hpp"

namespace covsim::sim {

struct ImpactOptions {
  ReallocationPolicy policy = ReallocationPolicy::none;
  // The reach absorb restores; must be a coverage threshold, 0 takes the largest.
  float threshold_minutes = 0;
  // Random posts: true reads them as renewed (the status quo until a host decides), false as
  // lost (the worst case).
  bool random_kept = true;
};

struct RenewalImpact {
  ImpactOptions options;
  std::size_t threshold = 0;         // index of options.threshold_minutes
  std::vector<std::uint8_t> active;  // post -> continues
  std::uint32_t random_posts = 0;    // posts whose fate random_kept settled
  Deployment after_deployment;       // active posts only, after reallocation
  CommuneCoverage before, after;
  GroupCoverage before_groups, after_groups;
  // Reallocation.
  std::uint32_t orphans = 0;
  std::vector<Absorption> absorbed;
  double hours_moved = 0;
  std::uint32_t groups_replanned = 0;
  // Per summary row (CoverageModel::group_rows) and threshold, flat: row * thresholds + t.
  std::vector<double> population_losing;
  std::vector<double> priority_population_losing;
  std::vector<std::uint32_t> communes_losing;
  // Per summary row: communes whose own permanence closes, and their population.
  std::vector<double> population_losing_permanence;
  std::vector<std::uint32_t> communes_losing_permanence;
  std::vector<std::string> notes;  // the plan's, what was assumed, the re-planned deployment's
};

// Communes reached within the impact's threshold before and not after; communes whose own
// permanence closes. In CommuneId order.
std::vector<geo::CommuneId> communes_losing_reach(const RenewalImpact& impact);
std::vector<geo::CommuneId> communes_losing_permanence(const RenewalImpact& impact);

// Throws covsim::Error when the plan was made for another post table or the threshold is not
// one of the coverage model's.
RenewalImpact assess_renewal(const RenewalPlan& plan, const Reallocator& reallocator,
                             const ImpactOptions& options = {});

// One row per post: id, host, host type, weekly hours, fate, deciding rule, continues.
Table impact_posts_table(const RenewalImpact& impact, const RenewalPlan& plan,
                         const PostTable& posts);
// One row per (commune, loss): first reach lost within each threshold (thresholds ascending),
// then permanences lost, communes by id: loss ("reach" | "permanence"), code, name, the
// commune's group in every grouping, threshold (empty for a permanence), population, priority
// population, minutes to the nearest permanence and presence hours before and after.
Table impact_losses_table(const RenewalImpact& impact, const Reallocator& reallocator);
// One row per (summary row, threshold): population, reached before and after, population,
// priority population and communes losing reach; population and communes losing their
// permanence (the same on every threshold's row).
Table impact_groups_table(const RenewalImpact& impact, const Reallocator& reallocator);
// One row per absorbed commune: commune, absorbing post, minutes, weekly presence and travel.
Table impact_absorbed_table(const RenewalImpact& impact, const Reallocator& reallocator);

// {"policy", "threshold_minutes", "random_posts_read_as", "notes", "before": RunResult,
//  "after": RunResult, "tables": {"posts", "losses", "groups", "absorbed"}}
nlohmann::json to_json(const RenewalImpact& impact, const RenewalPlan& plan,
                       const Reallocator& reallocator);

}  // namespace covsim::sim
