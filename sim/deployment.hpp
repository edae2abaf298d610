// Where and when advisors work: the posts of a scenario turned, strategy by strategy, into fixed
// sites with weekly hours and roaming circuits with visit frequencies. Built once per scenario
// (and again when renewal re-plans), then read by coverage for every draw.
//
//   Deployment d = deploy(territory, posts, table, minutes_among_on(graph), DeploymentOptions{});
//   for (SiteId s = 0; s < d.sites(); ++s) hours[d.site_commune[s]] += d.site_weekly_hours[s];
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "geo/progress.hpp"
#include "geo/travel_table.hpp"
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
  // Fixed sites, one row per (post, site): a multi-centre post has a row at each site of its
  // group. Sites of a post are contiguous; posts in PostTable order.
  std::vector<geo::CommuneId> site_commune;
  std::vector<PostId> site_post;
  std::vector<double> site_weekly_hours;

  // Roaming circuits, one per roaming post; circuit c visits, in order, the stops
  // [circuit_first[c], circuit_first[c + 1]) and returns to the first.
  std::vector<PostId> circuit_post;
  std::vector<float> circuit_cycle_minutes;      // driving minutes of one round
  std::vector<double> circuit_rounds_per_month;  // rounds driven per month
  std::vector<std::uint32_t> circuit_first{0};
  std::vector<geo::CommuneId> stop_commune;
  std::vector<double> stop_visits_per_month;
  std::vector<double> stop_presence_hours_per_month;

  // What the planner should know: capped k, unreachable communes, unstaffed sites... One line
  // each, naming posts and communes by their codes.
  std::vector<std::string> notes;

  std::size_t sites() const { return site_commune.size(); }
  std::size_t circuits() const { return circuit_post.size(); }
  std::span<const geo::CommuneId> stops(CircuitId c) const {
    return {stop_commune.data() + circuit_first[c], stop_commune.data() + circuit_first[c + 1]};
  }
};

struct MultiCentreOptions {
  // Sites each post adds to its group's k unless its site_count says otherwise. Three: most
  // advisors work on 2 to 5 sites (DOMAIN.md).
  std::uint32_t sites_per_post = 3;
  LocationOptions location;
  // Per-group k, replacing the sum over its posts.
  struct GroupSites {
    std::string group_key;
    std::string group_code;
    std::uint32_t sites = 0;
  };
  std::vector<GroupSites> sites_by_group;
};

struct DeploymentOptions {
  MultiCentreOptions multi_centre;
  RoamingOptions roaming;
};

// Dense minutes among the given communes, row-major, +infinity when unreachable: the shape of
// geo::minutes_among(graph, communes). Only called for groups with roaming posts.
using MinutesAmong = std::function<std::vector<float>(std::span<const geo::CommuneId>)>;
// geo::minutes_among on `graph` (kept by reference: it must outlive the result).
MinutesAmong minutes_among_on(const geo::TravelGraph& graph);

// Centrality: one site (the named site, else the home commune) with all the post's hours.
// Multi-centre: per group, k sites by solve_location over the group's communes that have a
// table row (plus the posts' fixed sites); each post's hours are split over the group's sites in
// proportion to the population each site is nearest to (evenly when none). Roaming: per group,
// plan_roaming over all the group's communes. Every post's site must have a row in `table`
// (build the table with them as candidates): otherwise throws covsim::Error naming the post.
Deployment deploy(const geo::Territory& territory, const PostTable& posts,
                  const geo::TravelTable& table, const MinutesAmong& minutes_among,
                  const DeploymentOptions& options, Progress& progress = null_progress());

}  // namespace covsim::sim
