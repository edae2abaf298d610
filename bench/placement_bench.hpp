// Multi-centre placement at national scale: one maximal-covering instance per group (EPCI) with
// k = sites_per_post × its posts (one post per inhabitants_per_post, at least one), capped at
// its communes, solved by sim::solve_location on a travel table; every instance is written as
// a JSON line so bench/peers/cbc_peer.py solves the very same one exactly (MILP with CBC).
//
//   PlacementRun r = run_placement(territory, table30, PlacementSpec{}, out / "placement.jsonl");
//   double share = r.covered / r.population;
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "geo/territory.hpp"
#include "geo/travel_table.hpp"

namespace covsim::bench {

struct PlacementSpec {
  double inhabitants_per_post = 10000;
  std::uint32_t sites_per_post = 3;
  float cover_minutes = 20;
  std::string group_key = "epci";
};

struct PlacementRun {
  std::size_t instances = 0;
  std::size_t trivial = 0;  // k >= candidates: every candidate is a site, nothing to choose
  std::size_t sites = 0;    // Σ k
  double seconds = 0;       // Σ solve_location wall time (instance building excluded)
  double slowest_seconds = 0;
  double population = 0;  // of every instance's communes
  double covered = 0;     // within cover_minutes of a chosen site
};

// Throws covsim::Error when the territory lacks `group_key` or a commune of a group has no row
// in `table` (build it with every commune as candidate).
PlacementRun run_placement(const geo::Territory& territory, const geo::TravelTable& table,
                           const PlacementSpec& spec, const std::filesystem::path& instances_out);

}  // namespace covsim::bench
