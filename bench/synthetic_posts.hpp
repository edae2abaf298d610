// Posts synthesised from real communes at the scale of the national programme (about 4,000
// posts over France), deterministically, so renewal draws and sweeps can be measured without a
// real post list. Every choice is a rule on the territory's own columns, not a random draw:
//   1. N = round(population / inhabitants_per_post) posts (17,000: ~4,000 for France).
//   2. Apportioned to the groups of `group_key` (EPCIs; a commune in none is its own unit), then
//      within a group to its communes, by population: largest remainder (Hamilton), ties to
//      the lower index.
//   3. Host types follow DOMAIN.md's shares, spread evenly along the post list (post i takes the
//      type furthest behind its share: share × (i + 1) − given so far, ties to the first type).
//   4. EPCI hosts are multi-centre over their EPCI; department hosts roam over their department;
//      every other host works from its home commune (centrality). 35 h a week.
//
//   sim::PostTable posts = synthesise_posts(territory, PostMix{});
//   sim::RenewalPlan plan = sim::plan_renewal(territory, posts, synthetic_renewal_rules());
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "geo/territory.hpp"
#include "sim/post_table.hpp"
#include "sim/renewal.hpp"

namespace covsim::bench {

struct HostShare {
  sim::HostType type;
  double share;
};

struct PostMix {
  double inhabitants_per_post = 17000;
  // DOMAIN.md: public 71% (cities 27%, communities of communes 21%, departments 13%, the rest
  // France Services and other public bodies), private 28% (associations, social centres); the
  // 1% it leaves unassigned goes to "other" (public funding, as for every "other" host here).
  std::vector<HostShare> hosts{
      {sim::HostType::commune, 0.27},      {sim::HostType::epci, 0.21},
      {sim::HostType::department, 0.13},   {sim::HostType::france_services, 0.09},
      {sim::HostType::other, 0.02},        {sim::HostType::association, 0.18},
      {sim::HostType::social_centre, 0.10}};
  std::string group_key = "epci";          // apportionment units and multi-centre groups
  std::string roaming_key = "department";  // territory of department-hosted roaming posts
  double weekly_hours = 35;
};

// Largest-remainder apportionment of `seats` in proportion to `weights` (non-negative). All
// zeros when the weights sum to 0.
std::vector<std::uint32_t> apportion(std::span<const double> weights, std::uint32_t seats);

// Throws covsim::Error when the territory lacks `group_key` or `roaming_key`, or the shares do
// not sum to 1.
sim::PostTable synthesise_posts(const geo::Territory& territory, const PostMix& mix = {});

// Renewal after DOMAIN.md's metropolitan case (about two thirds renewed, mostly associations
// and social centres not): private hosts renew with probability 0.5; the department withdraws
// and each EPCI decides for the posts it inherits (0.6); every other post 0.75. Expected share
// renewed with PostMix's shares: 0.28 × 0.5 + 0.13 × 0.6 + 0.59 × 0.75 ≈ 0.66.
sim::RenewalRules synthetic_renewal_rules(const std::string& transfer_key = "epci");

}  // namespace covsim::bench
