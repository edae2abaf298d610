#include "bench/synthetic_posts.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "geo/error.hpp"

namespace covsim::bench {

std::vector<std::uint32_t> apportion(std::span<const double> weights, std::uint32_t seats) {
  std::vector<std::uint32_t> out(weights.size(), 0);
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (!(total > 0) || seats == 0) return out;
  std::vector<double> remainder(weights.size());
  std::uint32_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double quota = static_cast<double>(seats) * weights[i] / total;
    out[i] = static_cast<std::uint32_t>(std::floor(quota));
    remainder[i] = quota - std::floor(quota);
    given += out[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t k = 0; given < seats && k < order.size(); ++k, ++given) ++out[order[k]];
  return out;
}

namespace {

const geo::Grouping& require_grouping(const geo::Territory& t, const std::string& key) {
  const geo::Grouping* g = t.grouping(key);
  if (g == nullptr) throw Error("synthetic posts: the territory has no grouping \"" + key + "\"");
  return *g;
}

// Apportionment units: the groups of `g` in id order, then each commune outside every group.
std::vector<std::vector<geo::CommuneId>> units_of(const geo::Grouping& g, std::size_t communes) {
  std::vector<std::vector<geo::CommuneId>> units(g.size());
  std::vector<geo::CommuneId> loose;
  for (geo::CommuneId c = 0; c < communes; ++c)
    (g.of[c] == geo::kNoGroup ? loose : units[g.of[c]]).push_back(c);
  for (geo::CommuneId c : loose) units.push_back({c});
  return units;
}

}  // namespace

sim::PostTable synthesise_posts(const geo::Territory& t, const PostMix& mix) {
  const geo::Grouping& groups = require_grouping(t, mix.group_key);
  const geo::Grouping& roaming = require_grouping(t, mix.roaming_key);
  double share_sum = 0;
  for (const HostShare& h : mix.hosts) share_sum += h.share;
  if (mix.hosts.empty() || std::abs(share_sum - 1) > 1e-9)
    throw Error("synthetic posts: host shares sum to " + std::to_string(share_sum) + ", not 1");

  const double population = std::accumulate(t.population.begin(), t.population.end(), 0.0);
  const auto total = static_cast<std::uint32_t>(std::lround(population / mix.inhabitants_per_post));
  const std::vector<std::vector<geo::CommuneId>> units = units_of(groups, t.size());
  std::vector<double> unit_population(units.size(), 0.0);
  for (std::size_t u = 0; u < units.size(); ++u)
    for (geo::CommuneId c : units[u]) unit_population[u] += t.population[c];
  const std::vector<std::uint32_t> unit_posts = apportion(unit_population, total);

  std::vector<double> given(mix.hosts.size(), 0.0);
  sim::PostTable table;
  table.posts.reserve(total);
  std::vector<double> weights;
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (unit_posts[u] == 0) continue;
    // Communes by population, largest first, so a unit's first posts go to its main towns.
    std::vector<geo::CommuneId> communes = units[u];
    std::stable_sort(communes.begin(), communes.end(), [&](geo::CommuneId a, geo::CommuneId b) {
      return t.population[a] > t.population[b];
    });
    weights.clear();
    for (geo::CommuneId c : communes) weights.push_back(t.population[c]);
    const std::vector<std::uint32_t> per_commune = apportion(weights, unit_posts[u]);
    for (std::size_t i = 0; i < communes.size(); ++i)
      for (std::uint32_t k = 0; k < per_commune[i]; ++k) {
        const double n = static_cast<double>(table.posts.size() + 1);
        std::size_t type = 0;
        for (std::size_t h = 1; h < mix.hosts.size(); ++h)
          if (mix.hosts[h].share * n - given[h] > mix.hosts[type].share * n - given[type]) type = h;
        given[type] += 1;

        sim::Post p;
        p.id.assign("S").append(std::to_string(table.posts.size() + 1));
        p.host_type = mix.hosts[type].type;
        p.host_name.assign(sim::name(p.host_type)).append(" ").append(t.code[communes[i]]);
        p.home = communes[i];
        p.weekly_hours = mix.weekly_hours;
        p.funding = sim::usual_funding(p.host_type).value_or(sim::Funding::public_body);
        const bool multi = p.host_type == sim::HostType::epci && groups.of[p.home] != geo::kNoGroup;
        const bool roams =
            p.host_type == sim::HostType::department && roaming.of[p.home] != geo::kNoGroup;
        if (multi) {
          p.strategy = sim::Strategy::multi_centre;
          p.group_key = mix.group_key;
          p.group = groups.of[p.home];
        } else if (roams) {
          p.strategy = sim::Strategy::roaming;
          p.group_key = mix.roaming_key;
          p.group = roaming.of[p.home];
        }
        table.posts.push_back(std::move(p));
      }
  }
  sim::validate(table.posts, t, "synthetic posts");
  return table;
}

sim::RenewalRules synthetic_renewal_rules(const std::string& transfer_key) {
  sim::RenewalRules r;
  r.file = "synthetic renewal rules";
  r.rules.push_back(
      {.name = "private hosts renew one time in two",
       .match = {.host_types = {sim::HostType::association, sim::HostType::social_centre}},
       .action = sim::RuleAction::probability,
       .probability = 0.5});
  r.rules.push_back({.name = "the department withdraws, each EPCI decides",
                     .match = {.host_types = {sim::HostType::department}},
                     .action = sim::RuleAction::transfer,
                     .probability = 0.6,
                     .transfer_key = transfer_key});
  r.default_probability = 0.75;
  return r;
}

}  // namespace covsim::bench
