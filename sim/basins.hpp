// Team basins: the communes a coordinating group's posts serve, split into one basin per post,
// contiguous, each holding about the population its post's hours call for ("each advisor has
// about the same mass of population", DOMAIN.md) and containing the communes locked to it (its
// home, its pinned sites).
//
//   BasinProblem pb{.population = pop, .round_trip = round_trip_of(travel), .neighbours = pairs,
//                   .weight = {35, 35, 28}, .locked = locked};
//   Basins b = partition_basins(pb, {.balance_tolerance = 0.15});  // b.of[i]: basin of commune i
//
// Method, deterministic for equal inputs (local indices throughout):
//  1. Contiguity graph: the given neighbour pairs (communes sharing a border). Parts of the pool
//     that touch no other (an island, communes cut off by a commune left out of the pool) are
//     linked, smallest first, to the nearest other part by travel (round trip), until one part
//     is left: "contiguous" means connected by land or by the shortest crossing.
//  2. Targets: T_b = P × w_b / Σ w, P the pool's population and w_b the post's weekly hours
//     (equal hours: equal populations).
//  3. Seeds and centres: a basin's locked communes are its own from the start and the first is
//     its centre; a basin with none starts at the commune farthest (round trip) from every seed
//     placed so far (the most populous commune when no basin has one).
//  4. Growth: the basin furthest below its target, (P_b − T_b) / T_b least, takes its
//     unassigned neighbour nearest (round trip) to its centre among those that keep it within
//     (1 + tolerance) × T_b; when no basin can grow so, the neighbour that overshoots least
//     is taken: a town too big for one basin's room goes to a basin with room for it.
//  5. Balance: while a basin lies outside ±tolerance of its target, a border commune moves to a
//     neighbouring basin: among the moves that lower Σ_b (P_b − T_b)² / T_b and involve a basin
//     outside the tolerance, the one that lengthens trips to the centres least, provided the
//     giving basin stays connected. When no single move helps, a chain of two (a commune into
//     a basin, one of that basin's out of it, possibly back: a swap) that lowers the sum.
//     Indivisible communes can make the tolerance unreachable: worst_deviation says by how much.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "sim/roaming.hpp"

namespace covsim::sim {

inline constexpr std::uint32_t kNoBasin = std::numeric_limits<std::uint32_t>::max();

// Round-trip minutes between local communes a and b (+infinity without a route). The
// partition asks it with `a` a basin's centre or seed, or a commune of a part the borders leave
// detached, so a caller can compute rows lazily around those few communes.
using RoundTrip = std::function<double(std::uint32_t a, std::uint32_t b)>;
// The round trips of a dense matrix.
RoundTrip round_trip_of(const TravelMinutes& travel);

struct BasinProblem {
  std::span<const double> population;  // local commune -> inhabitants
  RoundTrip round_trip;
  // Local communes sharing a border, each pair in either or both directions.
  std::span<const std::pair<std::uint32_t, std::uint32_t>> neighbours;
  std::span<const double> weight;         // basin -> weekly hours (> 0); targets follow them
  std::span<const std::uint32_t> locked;  // local commune -> basin it must stay in, or kNoBasin
};

struct BasinOptions {
  // Basins are balanced until each holds its target population ± this share of it.
  double balance_tolerance = 0.15;
};

struct Basins {
  std::vector<std::uint32_t> of;         // local commune -> basin; kNoBasin when none reaches it
  std::vector<std::uint32_t> centre;     // basin -> the commune its trips are measured from
  std::vector<double> population;        // basin -> inhabitants
  std::vector<double> target;            // basin -> T_b
  std::vector<std::uint8_t> contiguous;  // basin -> 1 when connected in the contiguity graph
  double worst_deviation = 0;            // max over basins with a target of |P_b / T_b − 1|
  // Communes no basin can reach (no finite route to or from any of them).
  std::vector<std::uint32_t> unreachable;
  std::uint32_t moves = 0;  // balancing steps applied (a move or a chain of two)
};

// Throws std::invalid_argument when the spans disagree in size, a weight is not > 0 or a
// locked basin is out of range.
Basins partition_basins(const BasinProblem& problem, const BasinOptions& options);

}  // namespace covsim::sim
