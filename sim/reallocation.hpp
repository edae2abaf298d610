// What happens to the communes a lost post leaves without reach: nothing (`none`), the nearest
// remaining advisor of their group takes them within an hours budget (`absorb`), or the
// multi-centre and roaming plans of groups that lost posts are re-run with the advisors left
// (`replan`). A Reallocator is built once per scenario (it computes the baseline coverage and
// caches roaming travel matrices), then apply() runs per draw with one scratch per thread and
// no graph search: only the travel table rows of active sites are read.
//
//   Reallocator realloc(territory, posts, table, deployment, model, deploy_options, minutes, {});
//   realloc.apply(ReallocationPolicy::absorb, active, /*threshold index*/ 1, scratch, after);
//
// Protected hours: a host that pays for its advisor may refuse to give up its days. Hours
// declared protected for a post never move: absorb takes only from the other hours, and
// replan leaves the protected share at the post's present sites (or circuit) and plans the rest.
//
// Absorb. Orphaned communes: reached within the threshold before renewal (every post active),
// not after. Largest population first (then lowest commune id), each goes to the nearest
// active advisor with fixed sites whose home commune is in the orphan's group of
// `group_key` (any advisor when the key is empty), nearest by table minutes from the commune to
// any of the advisor's sites; when that advisor's budget cannot pay, the next nearest is tried.
// Orphans no advisor reaches within the table's cut-off, or none can pay for, stay in the gap.
//   weekly cost of an absorbed commune = max(min_hours, hours_per_1000 × population / 1000)
//                                        + 2 × minutes / 60     (a weekly round trip)
//   budget of advisor p                = movable_share × (weekly_hours_p − protected_p)
// The absorbing advisor's sites lose the moved hours in proportion to their hours, and the
// orphan becomes a weekly stop of a circuit of that advisor (visits = weeks_per_month a month,
// presence = the cost without travel × weeks_per_month hours a month), which coverage counts
// as reached (see sim/coverage.hpp) and adds to access. Roaming advisors do not absorb under
// this policy: replan redraws their circuits.
//
// Replan. Every (strategy, group) of multi-centre or roaming posts that lost a post is
// re-deployed by sim::deploy with its remaining posts (hours minus protected hours); posts of
// other groups keep their sites. Results are cached per (group, set of remaining posts), so a
// sweep re-plans each distinct case once. The re-planned groups' deployment notes (sites
// wanted but not found...) are kept in the evaluated deployment's notes.
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
  std::string file = "reallocation";  // names the input in errors
};

// One commune taken by a remaining advisor.
struct Absorption {
  geo::CommuneId commune = 0;
  PostId post = kNoPost;
  float minutes = 0;          // from the commune to the advisor's nearest site
  double presence_hours = 0;  // per week
  double travel_hours = 0;    // per week, the round trip
};

// Per-thread buffers, and what the last apply() did.
struct ReallocationScratch {
  Deployment work;  // the deployment evaluated when the policy changed something
  CoverageScratch coverage;
  std::vector<double> budget;                // post -> hours left to give
  std::vector<double> moved;                 // post -> hours given
  std::vector<std::uint32_t> absorber_slot;  // post -> index in absorbers, or none
  std::vector<PostId> absorbers;
  std::vector<geo::CommuneId> orphan_list;
  std::vector<std::pair<float, PostId>> candidates;
  std::vector<std::uint8_t> replanned;  // replan group -> re-planned in this draw

  // Results of the last apply().
  std::uint32_t orphans = 0;         // communes orphaned (absorb), before absorption
  std::vector<Absorption> absorbed;  // absorb
  double hours_moved = 0;            // absorb: weekly hours moved to absorbed communes
  std::uint32_t groups_replanned = 0;
};

class Reallocator {
 public:
  // Keeps references to every argument but `options` and `minutes_among`: they must outlive
  // it. `minutes_among` is only needed to re-plan roaming groups (it is called here, once per
  // roaming group, and never during apply()); leave it empty otherwise. Throws InputError
  // (options.file) on an unknown post id or protected hours outside [0, weekly hours], and
  // covsim::Error when absorb's grouping is not in the territory.
  Reallocator(const geo::Territory& territory, const PostTable& posts,
              const geo::TravelTable& table, const Deployment& base, const CoverageModel& model,
              const DeploymentOptions& deploy_options, const MinutesAmong& minutes_among,
              ReallocationOptions options, Progress& progress = null_progress());
  ~Reallocator();
  Reallocator(const Reallocator&) = delete;
  Reallocator& operator=(const Reallocator&) = delete;

  // Coverage after renewal: `active[p]` says whether post p continues; `threshold` indexes the
  // model's thresholds (the reach absorb restores). Thread-safe with one scratch per thread.
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
  struct ReplanGroup;
  struct ReplanCache;

  void apply_absorb(std::span<const std::uint8_t> active, std::size_t threshold,
                    ReallocationScratch& scratch, CommuneCoverage& out) const;
  void apply_replan(std::span<const std::uint8_t> active, ReallocationScratch& scratch,
                    CommuneCoverage& out) const;
  std::shared_ptr<const Deployment> replan_group(std::size_t g,
                                                 std::span<const std::uint8_t> active) const;

  const geo::Territory& territory_;
  const PostTable& posts_;
  const geo::TravelTable& table_;
  const Deployment& base_;
  const CoverageModel& model_;
  const DeploymentOptions& deploy_options_;
  ReallocationOptions options_;
  CommuneCoverage baseline_;
  std::vector<double> protected_;  // post -> protected weekly hours
  // Absorb: each post's distinct table rows and hours at its fixed sites; advisors by group.
  std::vector<std::uint32_t> post_row_first_;
  std::vector<geo::RowId> post_rows_;
  std::vector<double> post_site_hours_;
  const geo::Grouping* absorb_grouping_ = nullptr;
  std::vector<std::uint32_t> group_post_first_;  // absorb group -> posts with sites
  std::vector<PostId> group_posts_;
  // Replan.
  std::vector<ReplanGroup> replan_groups_;
  std::vector<std::uint32_t> replan_group_of_;  // post -> replan group, or none
  std::unique_ptr<ReplanCache> cache_;
};

}  // namespace covsim::sim
