// What happens when posts go: nothing (`none`: their permanences close), the advisors left take
// over what they can (`absorb`), or the team is planned afresh with the posts left (`replan`).
// A Reallocator is built once per scenario (baseline coverage), then apply() runs per draw with
// one scratch per thread: team plans come from sim::deploy, cached per (team, posts left; a
// bounded number, so memory does not grow with draws), on
// minutes rows kept once a first draw asked for them (so searches happen once per commune,
// never per draw), and coverage reads only the table rows of active sites and stops.
//
//   Reallocator realloc({territory, table, adjacency, minutes}, posts, deployment, model, {}, {});
//   realloc.apply(ReallocationPolicy::absorb, active, /*threshold index*/ 1, scratch, after);
//
// Teams (sim/deployment.hpp) that lose a post and keep at least one are planned again by
// sim::deploy with their posts left, every permanence of the active posts outside the team
// being respected (an open facility, a commune already served):
//  - replan: the posts left are deployed as at the start, on basins re-balanced among them;
//    a post whose home commune held one of its sites or stops keeps it there (the host's
//    premises), the others are chosen anew.
//    Protected hours (a host that pays for its advisor refuses to give up its days) stay where
//    they are: the post keeps that share at its present sites or stops (pinned hours), the
//    rest is planned anew; a centrality post with part of its hours protected holds the
//    protected days at its site and rotates the rest through stops of its new basin ("three
//    fixed days a week plus one day rotating elsewhere", DOMAIN.md).
//  - absorb: every post left keeps its present sites and stops with its kept hours, and
//    rotates its movable hours weekly through new stops in what the lost posts leave (their
//    basins and places, split among the posts left with the re-balanced basins):
//      movable hours of post p = min(site hours, movable_share × (weekly_hours_p − protected_p))
//    Communes outside every re-planned team (a fixed post went, or a team lost all its posts)
//    that lose their permanence, then those that lose reach within the threshold and that no
//    stop taken before reaches again, are then taken, largest population first (then lowest
//    commune id), by the nearest active advisor with fixed sites in their group
//    of `group_key` (any advisor when the key is empty) outside the re-planned teams, nearest by
//    table minutes from the commune to any of its sites, while its budget pays:
//      weekly cost of an absorbed commune = max(min_hours, hours_per_1000 × population / 1000)
//                                           + 2 × minutes / 60     (a weekly round trip)
//      budget of advisor p                = its movable hours as above
//    The advisor's sites lose the moved hours in proportion to their hours and the commune
//    becomes a weekly stop of a round of that advisor.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/progress.hpp"
#include "geo/territory.hpp"
#include "geo/travel_table.hpp"
#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/post_table.hpp"

namespace covsim::sim {

enum class ReallocationPolicy : std::uint8_t { none, absorb, replan };
std::string_view name(ReallocationPolicy p);  // "none", "absorb", "replan"
std::optional<ReallocationPolicy> parse_reallocation_policy(std::string_view text);
std::string allowed_reallocation_policies();

// Index of `minutes` in the coverage thresholds (0 takes the largest), as apply() wants it.
// Throws covsim::Error when it is not one of them.
std::size_t threshold_index(const CoverageOptions& coverage, float minutes);

struct ProtectedHours {
  std::string post_id;
  double weekly_hours = 0;  // in [0, the post's weekly hours]
};

struct AbsorbOptions {
  // Grouping whose groups coordinate advisors (the EPCI that shares its advisors out).
  std::string group_key = "epci";
  // A weekly half-day permanence is the least an advisor can offer a commune (DOMAIN.md:
  // half-day slots), plus an hour a week per 1,000 inhabitants for larger communes.
  double min_hours = 3.5;
  double hours_per_1000 = 1.0;
  // An advisor keeps at least half of its movable hours at its own sites.
  double movable_share = 0.5;
};

struct ReallocationOptions {
  AbsorbOptions absorb{};
  std::vector<ProtectedHours> protected_hours{};
  // Memory for team plans kept for draws that repeat a team's case. They repeat for small
  // teams; under many random losses nearly every case is new, and an unbounded cache grew by
  // about 15 MB a draw on France (a plan holds a basin entry per commune: 1.8 GB after 100
  // absorb draws). Past this the cache starts afresh; plans are deterministic, so no figure
  // depends on what was kept.
  std::size_t plan_cache_bytes = std::size_t{256} << 20;
  std::string file = "reallocation";  // names the input in errors
};

// One commune taken by a remaining advisor (a new stop of its round).
struct Absorption {
  geo::CommuneId commune = 0;
  PostId post = kNoPost;
  float minutes = 0;          // from the commune to the advisor's nearest kept site
  double presence_hours = 0;  // per week
  double travel_hours = 0;    // per week
};

// Per-thread buffers, and what the last apply() did.
struct ReallocationScratch {
  Deployment work;  // the deployment evaluated when the policy changed something
  bool changed = false;
  CoverageScratch coverage;
  std::vector<double> budget;                // post -> hours left to give
  std::vector<double> moved;                 // post -> hours given
  std::vector<std::uint32_t> absorber_slot;  // post -> index in absorbers, or none
  std::vector<PostId> absorbers;
  std::vector<geo::CommuneId> orphan_list;
  std::vector<std::pair<float, PostId>> candidates;
  std::vector<std::uint8_t> replanned;  // team -> planned again in this draw

  // Results of the last apply().
  std::uint32_t orphans = 0;           // absorb: communes outside teams orphaned, before absorption
  std::vector<Absorption> absorbed;    // absorb: new stops of the advisors left
  double hours_moved = 0;              // absorb: weekly hours moved to new stops
  std::uint32_t groups_replanned = 0;  // teams planned again (absorb and replan)
};

class Reallocator {
 public:
  // Keeps references to `inputs`' territory, table and adjacency, to `posts`, `base` and
  // `model`: they must outlive it; inputs.minutes is kept (absorb and replan ask it, once per
  // commune and team). Throws InputError (options.file) on an unknown post id or protected
  // hours outside [0, weekly hours], and covsim::Error when absorb's grouping is not in the
  // territory.
  Reallocator(const DeploymentInputs& inputs, const PostTable& posts, const Deployment& base,
              const CoverageModel& model, const DeploymentOptions& deploy_options,
              ReallocationOptions options, Progress& progress = null_progress());
  ~Reallocator();
  Reallocator(const Reallocator&) = delete;
  Reallocator& operator=(const Reallocator&) = delete;

  // Coverage after renewal: `active[p]` says whether post p continues; `threshold` indexes the
  // model's thresholds (the reach absorb restores outside teams). Thread-safe with one scratch
  // per thread.
  void apply(ReallocationPolicy policy, std::span<const std::uint8_t> active, std::size_t threshold,
             ReallocationScratch& scratch, CommuneCoverage& out) const;
  // The deployment apply() evaluated last with this scratch (the base one or scratch.work).
  const Deployment& evaluated(const ReallocationScratch& scratch) const;

  // Coverage with every post active on the base deployment: "before renewal".
  const CommuneCoverage& baseline() const { return baseline_; }
  const geo::Territory& territory() const { return territory_; }
  const PostTable& posts() const { return posts_; }
  const geo::TravelTable& table() const { return table_; }
  const Deployment& base() const { return base_; }
  const CoverageModel& model() const { return model_; }
  std::span<const double> protected_hours() const { return protected_; }

 private:
  struct Team;
  struct Cache;
  struct Places;

  std::shared_ptr<const Deployment> team_plan(ReallocationPolicy policy, std::size_t team,
                                              std::span<const std::uint8_t> active) const;
  // The base deployment with every affected team planned again under `policy`.
  void replan_teams(ReallocationPolicy policy, std::span<const std::uint8_t> active,
                    ReallocationScratch& scratch) const;
  // Minutes between `source` and `targets`, from rows over team k's communes kept once computed.
  std::vector<float> team_minutes(std::size_t k, geo::CommuneId source,
                                  std::span<const geo::CommuneId> targets, bool towards) const;
  void absorb_outside_teams(std::span<const std::uint8_t> active, std::size_t threshold,
                            ReallocationScratch& scratch, CommuneCoverage& out) const;
  double movable_hours(PostId p) const;

  const geo::Territory& territory_;
  const geo::TravelTable& table_;
  const geo::Adjacency& adjacency_;
  MinutesRow minutes_;
  const PostTable& posts_;
  const Deployment& base_;
  const CoverageModel& model_;
  DeploymentOptions deploy_options_;
  ReallocationOptions options_;
  CommuneCoverage baseline_;
  std::vector<double> protected_;  // post -> protected weekly hours
  // Absorb outside teams: each post's distinct table rows and hours at its fixed sites;
  // advisors by absorb group.
  std::vector<std::uint32_t> post_row_first_;
  std::vector<geo::RowId> post_rows_;
  std::vector<double> post_site_hours_;
  const geo::Grouping* absorb_grouping_ = nullptr;
  std::vector<std::uint32_t> group_post_first_;  // absorb group -> posts with sites
  std::vector<PostId> group_posts_;
  // Teams.
  std::vector<Team> teams_;
  std::vector<std::uint32_t> team_of_;  // post -> team, or none
  std::unique_ptr<Cache> cache_;
  std::unique_ptr<Places> places_;
};

}  // namespace covsim::sim
