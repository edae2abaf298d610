// What-if sweeps: Monte Carlo draws of the renewal of every random post, over a grid of
// parameters (non-renewal rate, threshold, reallocation policy), summarised as distributions:
// every figure's mean and P5/P50/P95, per commune the probability of losing reach and the
// expected change of minutes, per group the distribution of population without reach.
//
//   SweepResult r = run_sweep(plan, reallocator, {.seed = 7, .draws = 1000, .grid = grid});
//   geo::write_csv(std::cout, sweep_figures_table(r).columns);
//
// Reproducible: draw d of every cell renews the posts by uniform(seed, d, post key) (see
// sim/renewal.hpp), so the same seed gives identical output whatever the thread count, and the
// cells share their random numbers (common random numbers: cells differ by their parameters,
// not by noise; with a non-renewal rate r a post is lost when u >= 1 - r, so a higher rate only
// ever loses more posts). Draws run in parallel (TBB) in blocks of a few hundred into per-draw
// slots, then are fed in draw order to streaming summaries; per-commune sums are integers
// (counts, minutes in fixed point of 2^-20 min), so no floating sum depends on scheduling.
//
// Memory does not grow with the number of draws: each figure and each (group, threshold) keeps
// up to summary_bytes / (8 × number of them) draws exactly (type-7 percentiles, as
// sim/distribution.hpp), then a histogram of as many bins (sim/streaming_summary.hpp) whose
// percentiles lie within Summary::resolution of the exact ones. The embedded default keeps
// about 600,000 draws per figure exactly; France (1,370 groups, 3 thresholds) about 8,000.
//
// Figures of a cell with threshold T, per draw, then summarised (sim/distribution.hpp):
//   posts_lost, hours_lost             posts not continuing, their weekly hours
//   gap_population, priority_gap_population   not reached within the catchment (coverage gap)
//   mean_access, gini_access           of the whole territory (sim/coverage.hpp)
//   mean_minutes_change                population-weighted mean change of minutes to the
//                                      nearest permanence counting as reach (see below)
//   absorbed_communes, hours_moved     absorb policy: new stops of the advisors left (0 otherwise)
//   groups_replanned                   teams planned again (absorb and replan; 0 under none)
//   population_losing_permanence, communes_losing_permanence: communes whose own permanence
//                                      closes (sim/coverage.hpp)
//   population_reached, priority_population_reached       within T
//   population_losing_reach, priority_population_losing_reach, communes_losing_reach:
//       reached within T before renewal (every post active), not after
// Minutes: a commune's minutes to its nearest permanence are capped at the travel table's
// cut-off (beyond it, the true time is unknown, so "no site within the cut-off" counts as the
// cut-off). The change is after − before: positive when a site is lost, negative when a re-plan
// brings one closer. A roaming stop held often enough counts as a permanence here too.
// Per group (every summary row of the coverage model): population not reached within T.
//
// Grid: the cartesian product rates × thresholds × policies, in that nesting order (rate
// outermost). Draws are shared between cells that differ only by T under policies none and
// replan (T does not change what they do), so those cost one run for every T. Absorb depends on
// T only outside teams (sim/reallocation.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "geo/progress.hpp"
#include "geo/territory.hpp"
#include "sim/coverage.hpp"
#include "sim/distribution.hpp"
#include "sim/reallocation.hpp"
#include "sim/renewal.hpp"
#include "sim/run_result.hpp"

namespace covsim::sim {

struct SweepGrid {
  // Each value replaces every random post's probability of not renewing; empty: each post
  // keeps its own probability (every one must then be known).
  std::vector<double> non_renewal_rates{};
  // Each must be one of the coverage model's thresholds; empty: the largest.
  std::vector<float> thresholds_minutes{};
  std::vector<ReallocationPolicy> policies{};  // empty: none
};

struct SweepOptions {
  std::uint64_t seed = 1;
  std::uint32_t draws = 1000;
  SweepGrid grid{};
  // Memory for the draws kept to compute percentiles, whatever their number (see above).
  std::size_t summary_bytes = std::size_t{256} << 20;
  // Draws that keep the base plan (policy none) recompute only the communes near the posts they
  // lose (sim/draw_coverage.hpp; territories of up to 2^20 communes), with identical figures;
  // false recomputes every commune in every draw, the reference the tests compare with.
  bool incremental = true;
};

struct SweepCell {
  std::optional<double> non_renewal_rate{};
  float threshold_minutes = 0;
  std::size_t threshold = 0;  // index in the coverage model's thresholds
  ReallocationPolicy policy = ReallocationPolicy::none;
};

// The cells of `grid` in the order above. Throws covsim::Error on a rate outside [0, 1] or a
// threshold that is not one of `coverage`'s.
std::vector<SweepCell> grid_cells(const SweepGrid& grid, const CoverageOptions& coverage);

struct FigureInfo {
  std::string name;
  std::string unit;
  std::string description;
};
// The figures of every cell, in the order of CellResult::figures.
const std::vector<FigureInfo>& sweep_figures();

struct CellResult {
  SweepCell cell;
  std::vector<Summary> figures;  // sweep_figures() order
  // Per commune: share of draws in which it is reached within T before renewal and not after;
  // expected change of capped minutes to the nearest permanence.
  std::vector<double> loss_probability;
  std::vector<double> expected_minutes_change;
  // Per commune: share of draws in which its own permanence closes.
  std::vector<double> permanence_loss_probability;
  // Per summary row (CoverageModel::group_rows): population without reach within T.
  std::vector<Summary> group_without_reach;
};

struct SweepResult {
  std::uint64_t seed = 0;
  std::uint32_t draws = 0;
  std::vector<float> thresholds_minutes;
  float cutoff_minutes = 0;
  GroupRows rows;
  // Before renewal (every post active), per summary row: population, and per threshold (flat,
  // row * thresholds + t) population reached.
  std::vector<double> row_population;
  std::vector<double> row_reached_before;
  std::vector<CellResult> cells;
};

// Throws covsim::Error when draws is 0, or a cell without a rate meets a post whose renewal
// probability is unknown (the message names the first).
SweepResult run_sweep(const RenewalPlan& plan, const Reallocator& reallocator,
                      const SweepOptions& options, Progress& progress = null_progress());

// Shards: a sweep's draws split into contiguous ranges computed apart (on the nodes of a batch
// scheduler) and merged into exactly the result of the whole sweep. Draw d is the same wherever
// it is computed (counter-based streams), the per-commune sums are integers, and merge feeds
// every shard's per-draw figures to the summaries in draw order, as the whole sweep does.
struct DrawRange {
  std::uint32_t first = 0;  // draws [first, end)
  std::uint32_t end = 0;
};
// Shard `shard` of `shards` (1-based): draws [draws (shard-1) / shards, draws shard / shards).
// Throws covsim::Error when shard is not in 1..shards.
DrawRange shard_draws(std::uint32_t draws, std::uint32_t shard, std::uint32_t shards);

// Per pass of the sweep (cells sharing their draws, in the order the sweep runs them).
struct SweepPassDraws {
  std::vector<double> figures;        // draw-major: (d - first) * figure_slots + slot
  std::vector<double> unreached;      // (d - first) * rows * thresholds + row * thresholds + t
  std::vector<std::uint64_t> losses;  // commune * thresholds + t: draws losing reach
  std::vector<std::int64_t> minutes;  // commune: Σ change of minutes, 2^-20 min
  std::vector<std::uint64_t> permanence_losses;  // commune: draws losing its permanence
};

// What the draws of one range leave: every per-draw figure (8 bytes × (figure slots + rows ×
// thresholds) per draw and pass) and the integer sums per commune.
struct SweepPartial {
  DrawRange range;
  std::uint64_t figure_slots = 0, rows = 0, thresholds = 0, communes = 0;
  std::vector<SweepPassDraws> passes;
};

// The draws of `range` only. Throws covsim::Error as run_sweep, or on a range past the draws.
SweepPartial run_sweep_draws(const RenewalPlan& plan, const Reallocator& reallocator,
                             const SweepOptions& options, DrawRange range,
                             Progress& progress = null_progress());

// The result of run_sweep from partial results covering draws [0, options.draws) in order,
// each made with the same plan, reallocator and options: identical to it, bit for bit. Throws
// covsim::Error on a gap, an overlap, or a partial of another shape.
SweepResult merge_sweep(const RenewalPlan& plan, const Reallocator& reallocator,
                        const SweepOptions& options, std::span<const SweepPartial> partials);

// When no randomness reaches the outputs (every figure of every cell has P5 = P95), a sentence
// saying so and why, for the summary and the command line; nullopt otherwise.
std::optional<std::string> sweep_without_randomness(const SweepResult& result,
                                                    const RenewalPlan& plan);

// One row per cell: its index and parameters.
Table sweep_cells_table(const SweepResult& result);
// One row per (cell, figure): parameters, figure, unit, count, mean, min, p5, p50, p95, max,
// resolution (0: exact percentiles).
Table sweep_figures_table(const SweepResult& result);
// Cell `cell`, one row per summary row: grouping, code, name, population, reached before, and
// the distribution of population without reach.
Table sweep_groups_table(const SweepResult& result, std::size_t cell);
// Cell `cell`, one row per commune (row = CommuneId): code, name, population, priority
// population, loss_probability, expected_minutes_change.
Table sweep_communes_table(const SweepResult& result, const geo::Territory& territory,
                           std::size_t cell);

// Cell `cell`'s loss_probability and permanence_loss_probability as columns of the run's
// commune table (row = CommuneId), their descriptions naming the cell's parameters.
void add_sweep_columns(Table& communes, const SweepResult& result, std::size_t cell);

// How the percentiles of every figure are read, for outputs to state.
inline constexpr std::string_view kPercentileMethod =
    "linear interpolation between closest ranks (Hyndman-Fan type 7); where a figure's "
    "resolution is not 0, read from a histogram of the draws and within that of the exact value";

}  // namespace covsim::sim
