// Where to add K new advisor posts, given the posts that remain: each candidate commune is
// tried as the home of a new post deployed by the team-plan rules (sim/deployment.hpp), picks
// are made by greedy marginal gain, then improved by interchange (a pick swapped for another
// commune while that raises the objective), restarted from other opening picks, and reported in
// rank order with each one's gain and the running total.
//
//   Recommendation r = recommend(inputs, model, {posts, active, deployment, coverage}, {},
//                                {.add = 3, .goal = PlacementGoal::reach, .threshold = 1});
//   for (std::size_t i = 0; i < r.picks.size(); ++i) print(r.picks[i], r.gain[i], r.cumulative[i]);
//
// The new posts (RecommendOptions::model gives their host type, hours and strategy; each pick is
// its home commune):
//  - centrality: the post works all its hours at the pick, adding it to the permanences left;
//    nothing else moves.
//  - multi_centre, roaming: the post joins the team of the pick's group in `model.group_key`
//    (the posts that remain there, if any, plus every new post picked in that group) and that
//    team is planned afresh by sim::deploy as the `replan` policy does: basins re-split, sites
//    or stops chosen anew, the posts' own pinned sites and named basins kept, the permanences
//    of every post outside the team respected. Protected hours of a renewal section are not
//    re-applied (the team's posts are planned from their table definitions).
// Objectives (goal), as functions of the coverage of the whole plan (sim/coverage.hpp); a pick's
// gain is the rise of the objective it brings to the picks before it:
//  - reach: population reached within thresholds_minutes[threshold].
//  - permanence: communes regaining a permanence: the number of communes of L holding one,
//    less the communes outside L that a re-planned team leaves without one (centrality posts
//    never do), L being the communes that lost their permanence in the renewal round (without
//    one: the communes with none). Equal counts are decided by the population of those communes.
//  - access: the population-weighted mean access (E2SFCA, weekly advisor-hours per 10,000
//    inhabitants) over the worst-served communes W, fixed before any pick: communes in
//    ascending access until worst_share of the population is reached, then every commune with
//    no more access than the last one taken (so a tie at 0 takes all communes without access).
//    Access is linear in a site's hours, so for centrality posts each pick's gain is its own
//    and greedy is exact.
// For centrality posts the engine keeps, per commune, the level each objective counts (reached
// or not, a permanence or not, access) and scores a candidate from its travel-table row alone;
// for team posts every evaluation re-plans the team and recomputes coverage (fine for a
// department, slow for France). One new post per commune; picking stops early when no
// candidate raises the objective (a note says so).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/progress.hpp"
#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/post_table.hpp"

namespace covsim::sim {

enum class PlacementGoal : std::uint8_t { reach, permanence, access };
std::string_view name(PlacementGoal g);  // "reach", "permanence", "access"
std::optional<PlacementGoal> parse_placement_goal(std::string_view text);
std::string allowed_placement_goals();

// The plan as it stands: the posts that remain and what they give. Everything must outlive the
// call.
struct PlanState {
  const PostTable& posts;                // the scenario's posts
  std::span<const std::uint8_t> active;  // post -> still works; empty: every post
  const Deployment& deployment;          // the plan evaluated (only active posts are read)
  const CommuneCoverage& coverage;       // its coverage
  // Commune -> lost its permanence in the renewal round; empty: no renewal round.
  std::span<const std::uint8_t> lost_permanence;
};

struct RecommendOptions {
  std::uint32_t add = 1;  // new posts, > 0
  PlacementGoal goal = PlacementGoal::reach;
  std::size_t threshold = 0;  // reach: index into the coverage thresholds
  double worst_share = 0.1;   // access: population share of the worst-served set
  // The new posts' host type, hours, strategy and, for team strategies, group_key; id, home and
  // group are set per pick.
  Post model{.host_type = HostType::commune};
  bool interchange = true;
  // Further greedy + interchange runs, run k opening with the k-th best single pick; the best
  // set is kept.
  std::uint32_t restarts = 8;
  // Candidate homes; empty: every commune with a travel-table row.
  std::vector<geo::CommuneId> candidates{};
};

struct Recommendation {
  PlacementGoal goal = PlacementGoal::reach;
  // Rank order: the pick that gains most first, each next one the most given those before.
  std::vector<geo::CommuneId> picks;
  std::vector<double> gain;           // objective gained by pick i given picks 0..i-1
  std::vector<double> cumulative;     // running total of gain
  std::vector<double> gain_tiebreak;  // permanence: population regaining it; else 0
  double value_before = 0;            // the objective with the plan as it stands
  double total = 0;                   // gained by every pick together
  std::uint32_t swaps = 0;            // interchanges applied
  std::uint64_t evaluations = 0;      // candidate scores computed
  PostTable posts;                    // the scenario's posts, then one per pick (ids NEW-1...)
  std::vector<std::uint8_t> active;   // over `posts`
  Deployment deployment;              // the plan with the new posts (active posts only)
  CommuneCoverage coverage;           // its coverage
  std::vector<std::uint8_t> counted;  // commune -> in W (access) or L (permanence)
  std::vector<std::string> notes;
};

// Throws covsim::Error when add is 0, the threshold is out of range, a team strategy has no
// group_key in the territory, or active / lost_permanence disagree with the posts / communes.
Recommendation recommend(const DeploymentInputs& inputs, const CoverageModel& model,
                         const PlanState& state, const DeploymentOptions& deploy_options,
                         const RecommendOptions& options, Progress& progress = null_progress());

// The best set of `add` picks by enumerating every subset of the candidates (the same
// evaluations, so tests measure the heuristic). Throws std::invalid_argument beyond
// `max_subsets` subsets.
Recommendation recommend_exhaustive(const DeploymentInputs& inputs, const CoverageModel& model,
                                    const PlanState& state, const DeploymentOptions& deploy_options,
                                    const RecommendOptions& options,
                                    std::uint64_t max_subsets = 200'000);

}  // namespace covsim::sim
