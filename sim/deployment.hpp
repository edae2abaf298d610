// Where and when advisors work: the posts of a scenario turned into fixed sites with weekly
// hours and roaming rounds of stops, team by team, as the field plans them (DOMAIN.md). Built
// once per scenario (and again when renewal re-plans a team), then read by coverage for every
// draw.
//
//   Deployment d = deploy({territory, table, adjacency, minutes_row_on(graph)}, posts, {});
//   for (SiteId s = 0; s < d.sites(); ++s) hours[d.site_commune[s]] += d.site_weekly_hours[s];
//
// The model, in the order deploy() applies it:
//  1. Fixed posts. A centrality post works all its hours at one site: its named site, else its
//     home. Pinned sites and explicit stops of every post are permanences from the start.
//  2. Teams. Posts sharing a coordinating group (group_key + group: an EPCI, a department) form a
//     team, planned in the order of their first post. The team's communes are the group's,
//     less the communes holding a permanence of a post outside the team ("already served";
//     TeamOptions::cover_served keeps them) and less the basins planners named (`communes`).
//     The rest is split into one basin per other post by sim/basins.hpp: contiguous, populations
//     in proportion to the posts' hours within balance_tolerance, each basin holding its post's
//     home and pinned sites (a commune claimed by two posts goes to the first).
//  3. Multi-centre posts, each in its basin: k sites (site_count, else sites_per_post, pinned
//     ones included) by solve_location over the basin's communes, every permanence already
//     placed (fixed posts, pinned sites, earlier posts' sites and stops) being an open facility
//     that covers its neighbours; no new site where a permanence already is. Hours: given hours
//     are kept exactly; the rest is split over the post's other sites, each first getting
//     min_site_hours (a half-day permanence), the remainder in proportion to the basin
//     population nearest to it among the post's own sites. When the hours cannot give each
//     site its minimum, the sites serving the fewest go (a note says so).
//  4. Roaming posts, each in its basin: stops chosen by the same location problem (max_stops of
//     them for a rotation; for campaigns, as many as it takes to cover the basin within
//     cover_minutes), among basin communes whose round trip from the home fits a day; explicit
//     stops kept. sim/roaming.hpp then orders them into a round and shares the hours out.
//  5. Centrality posts of a team keep their one site; they count in the split of basins.
// Every post's site or stop must have a row in the travel table.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "geo/adjacency.hpp"
#include "geo/progress.hpp"
#include "geo/travel_table.hpp"
#include "sim/basins.hpp"
#include "sim/location_allocation.hpp"
#include "sim/post_table.hpp"
#include "sim/roaming.hpp"

namespace covsim::geo {
struct TravelGraph;
}

namespace covsim::sim {

using SiteId = std::uint32_t;
using CircuitId = std::uint32_t;

struct Deployment {
  // Fixed sites, one row per (post, site); sites of a post are contiguous, posts in PostTable
  // order.
  std::vector<geo::CommuneId> site_commune;
  std::vector<PostId> site_post;
  std::vector<double> site_weekly_hours;

  // Rounds, one per roaming post (and one per advisor absorbing communes after renewal); round
  // c holds the stops [circuit_first[c], circuit_first[c + 1]) in visiting order.
  std::vector<PostId> circuit_post;
  std::vector<RoundKind> circuit_round;
  std::vector<double> circuit_period_weeks;      // one round; campaigns: the whole cycle
  std::vector<float> circuit_cycle_minutes;      // driving minutes of one round
  std::vector<double> circuit_rounds_per_month;  // weeks_per_month / period
  // Campaigns: shares of the basin's communes and population whose campaign starts within a
  // working year; NaN for rotations.
  std::vector<double> circuit_year_communes_share;
  std::vector<double> circuit_year_population_share;
  std::vector<std::uint32_t> circuit_first{0};
  std::vector<geo::CommuneId> stop_commune;
  std::vector<double> stop_sessions;  // half-day sessions per round (campaigns: per campaign)
  std::vector<double> stop_visits_per_month;          // days held per month (on average)
  std::vector<double> stop_presence_hours_per_month;  // hours held per month (on average)

  // Commune -> the post whose basin holds it, kNoPost outside every team's basins.
  std::vector<PostId> basin_post;

  // What the planner should know: capped k, unbalanced basins, unreachable communes, stops the
  // hours could not pay for... One line each, naming posts and communes by their codes.
  std::vector<std::string> notes;

  std::size_t sites() const { return site_commune.size(); }
  std::size_t circuits() const { return circuit_post.size(); }
  // Heap bytes held (every field above), for caches that keep many plans.
  std::size_t bytes() const;
  std::span<const geo::CommuneId> stops(CircuitId c) const {
    return {stop_commune.data() + circuit_first[c], stop_commune.data() + circuit_first[c + 1]};
  }
};

struct TeamOptions {
  // Basins hold their target population ± this share (sim/basins.hpp).
  double balance_tolerance = 0.15;
  // false: communes with a permanence of a post outside the team are left to it; true: the
  // team's basins still include them.
  bool cover_served = false;
};

struct MultiCentreOptions {
  // Sites of a post unless its site_count says otherwise. Three: most advisors work on 2 to 5
  // sites (DOMAIN.md).
  std::uint32_t sites_per_post = 3;
  LocationOptions location;
  // The least weekly hours a site gets: a half-day permanence ("a 3-hour morning at a town
  // hall", DOMAIN.md).
  double min_site_hours = 3;
  // Per-group sites for the group's multi-centre posts together (shared out evenly, the first
  // posts taking the remainder), replacing their own counts.
  struct GroupSites {
    std::string group_key;
    std::string group_code;
    std::uint32_t sites = 0;
  };
  std::vector<GroupSites> sites_by_group;
};

struct RoamingOptions {
  RoundOptions round;
  // Stops are chosen to cover the basin within these minutes; 0 takes the multi-centre
  // cover_minutes.
  float cover_minutes = 0;
};

struct DeploymentOptions {
  TeamOptions team;
  MultiCentreOptions multi_centre;
  RoamingOptions roaming;
};

// Exact minutes between `source` and each of `targets` (no cut-off): from the source, or to it
// when `towards`; +infinity without a route. A team plan asks it around a basin's centre, an
// advisor's home and among a round's stops: a few searches, never one per commune of a team.
using MinutesRow = std::function<std::vector<float>(
    geo::CommuneId source, std::span<const geo::CommuneId> targets, bool towards)>;
// geo::TravelRows on `graph` (kept by reference: it must outlive the result).
MinutesRow minutes_row_on(const geo::TravelGraph& graph);

// What deploy() reads besides the posts; everything must outlive the call.
struct DeploymentInputs {
  const geo::Territory& territory;
  const geo::TravelTable& table;    // a row for every commune that may hold a site or stop
  const geo::Adjacency& adjacency;  // contiguity of basins; empty: by travel time alone
  MinutesRow minutes;               // exact minutes around a team's centres, homes and stops
};

// Building deployments from others' pieces (renewal keeps some posts' sites and rounds).
void append_site(Deployment& to, geo::CommuneId commune, PostId post, double weekly_hours);
// Round c of `from` as a round of `post`, its visits and hours scaled by `scale`.
void append_circuit(Deployment& to, const Deployment& from, CircuitId c, PostId post,
                    double scale = 1);
// Sites and rounds of the posts with active[p] != 0; basins and notes kept.
Deployment active_only(const Deployment& d, std::span<const std::uint8_t> active);
// Every site and round removed (basins and notes too), capacity kept.
void clear(Deployment& d);

// Where a plan stands among posts planned elsewhere: renewal re-plans a team among the others
// (sim/reallocation.hpp), a recommendation adds a post among those left (sim/recommend.hpp).
struct PlanContext {
  // Communes holding a permanence of posts not in `posts`.
  std::span<const geo::CommuneId> existing{};
  // Commune -> 1 where a new site or stop may open; empty: anywhere. Pinned sites always stand.
  std::span<const std::uint8_t> may_open{};
};

// Throws covsim::Error naming the post when a site has no table row.
Deployment deploy(const DeploymentInputs& inputs, const PostTable& posts,
                  const DeploymentOptions& options, const PlanContext& context = {},
                  Progress& progress = null_progress());

}  // namespace covsim::sim
