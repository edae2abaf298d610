#include "sim/sweep.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <span>

#include "geo/error.hpp"
#include "sim/draw_coverage.hpp"
#include "sim/streaming_summary.hpp"

namespace covsim::sim {

namespace {

// Figures that do not depend on the threshold, then the per-threshold block.
enum Fixed : std::size_t {
  kPostsLost,
  kHoursLost,
  kGapPopulation,
  kPriorityGapPopulation,
  kMeanAccess,
  kGiniAccess,
  kMeanMinutesChange,
  kAbsorbedCommunes,
  kHoursMoved,
  kGroupsReplanned,
  kPopulationLosingPermanence,
  kCommunesLosingPermanence,
  kFixedCount
};
enum PerThreshold : std::size_t {
  kReached,
  kPriorityReached,
  kPopulationLosing,
  kPriorityLosing,
  kCommunesLosing,
  kPerThresholdCount
};

constexpr double kFixedPoint = 1 << 20;  // per-commune minutes are summed in 2^-20 min units

// std::llround, without its library call in the loop over communes: x minus its truncation is
// exact for |x| < 2^52 (here |x| is below the cut-off's minutes × 2^20).
std::int64_t round_half_away(double x) {
  const auto i = static_cast<std::int64_t>(x);
  const double rest = x - static_cast<double>(i);
  return i + (rest >= 0.5) - (rest <= -0.5);
}

// Draws computed together before their figures are summarised: large enough to keep every
// thread busy, small enough that the per-draw slots stay a few megabytes on France.
constexpr std::size_t kBlock = 512;

// A set of draws: the cells sharing it read their threshold's figures.
struct Pass {
  std::optional<double> rate;
  ReallocationPolicy policy = ReallocationPolicy::none;
  std::size_t threshold = 0;  // the reach absorb restores
};

struct Worker {
  std::vector<std::uint8_t> active;
  ReallocationScratch realloc;
  CommuneCoverage after;
  GroupCoverage groups;
  DrawScratch draw;
  DrawSummary summary;
  std::vector<std::uint32_t> losses;             // commune * thresholds + t: draws losing reach
  std::vector<std::int64_t> minutes;             // commune: Σ change, fixed point
  std::vector<std::uint32_t> permanence_losses;  // commune: draws losing its permanence
};

std::string number_text(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

// "60 % non-renewal, 20 min, absorb": the words a planner reads in a legend or a table.
std::string cell_label(const SweepCell& c) {
  char rate[32];
  if (c.non_renewal_rate) std::snprintf(rate, sizeof rate, "%g", 100 * *c.non_renewal_rate);
  return (c.non_renewal_rate ? std::string(rate) + " % non-renewal" : "posts' own probabilities") +
         ", " + number_text(c.threshold_minutes) + " min, " + std::string(name(c.policy));
}

// The count and six statistics of each Summary as columns.
void add_summary_columns(Table& t, const std::string& unit, const std::string& of,
                         const std::vector<const Summary*>& summaries) {
  struct Stat {
    const char* name;
    double Summary::*field;
    const char* what;
  };
  static constexpr Stat kStats[] = {
      {"mean", &Summary::mean, "Mean over draws of "},
      {"min", &Summary::min, "Least over draws of "},
      {"p5", &Summary::p5, "5th percentile over draws of "},
      {"p50", &Summary::p50, "Median over draws of "},
      {"p95", &Summary::p95, "95th percentile over draws of "},
      {"max", &Summary::max, "Largest over draws of "},
  };
  std::vector<double> count;
  for (const Summary* s : summaries) count.push_back(static_cast<double>(s->count));
  add_numbers(t, "count", geo::FieldKind::integer, "draws",
              "Draws with a value (NaN ones are left out).", std::move(count));
  for (const Stat& st : kStats) {
    std::vector<double> values;
    for (const Summary* s : summaries) values.push_back(s->*st.field);
    add_numbers(t, st.name, geo::FieldKind::real, unit, st.what + of + ".", std::move(values));
  }
  std::vector<double> resolution;
  for (const Summary* s : summaries) resolution.push_back(s->resolution);
  add_numbers(t, "resolution", geo::FieldKind::real, unit,
              "0: exact percentiles; otherwise p5, p50 and p95 were read from a histogram of the "
              "draws and lie within this of the exact ones.",
              std::move(resolution));
}

}  // namespace

const std::vector<FigureInfo>& sweep_figures() {
  static const std::vector<FigureInfo> kFigures = {
      {"posts_lost", "posts", "Posts that do not continue."},
      {"hours_lost", "h/week", "Weekly hours of the posts that do not continue."},
      {"gap_population", "inhabitants", "Population not reached within the catchment."},
      {"priority_gap_population", "inhabitants",
       "Priority-area population not reached within the catchment."},
      {"mean_access", "h/week per 10,000 inhabitants", "Population-weighted mean access (E2SFCA)."},
      {"gini_access", "", "Gini coefficient of access over the population."},
      {"mean_minutes_change", "min",
       "Population-weighted mean change of minutes to the nearest permanence counting as "
       "reach, capped at the travel table's cut-off."},
      {"absorbed_communes", "communes", "Communes taken as new stops by the advisors left."},
      {"hours_moved", "h/week", "Weekly hours moved to those new stops."},
      {"groups_replanned", "teams", "Teams planned again with the posts left."},
      {"population_losing_permanence", "inhabitants",
       "Population of the communes whose own permanence closes."},
      {"communes_losing_permanence", "communes", "Communes whose own permanence closes."},
      {"population_reached", "inhabitants", "Population reached within the threshold."},
      {"priority_population_reached", "inhabitants",
       "Priority-area population reached within the threshold."},
      {"population_losing_reach", "inhabitants",
       "Population reached within the threshold before renewal and not after."},
      {"priority_population_losing_reach", "inhabitants",
       "Priority-area population reached within the threshold before renewal and not after."},
      {"communes_losing_reach", "communes",
       "Communes reached within the threshold before renewal and not after."},
  };
  return kFigures;
}

std::vector<SweepCell> grid_cells(const SweepGrid& grid, const CoverageOptions& coverage) {
  if (coverage.thresholds_minutes.empty())
    throw Error("sweep: the coverage model has no threshold");
  std::vector<std::optional<double>> rates;
  for (const double r : grid.non_renewal_rates) {
    if (!(r >= 0 && r <= 1))
      throw Error("sweep: non-renewal rate " + number_text(r) + " is outside [0, 1]");
    rates.emplace_back(r);
  }
  if (rates.empty()) rates.emplace_back(std::nullopt);
  std::vector<float> thresholds = grid.thresholds_minutes;
  if (thresholds.empty()) thresholds.push_back(0);  // the largest
  std::vector<ReallocationPolicy> policies = grid.policies;
  if (policies.empty()) policies.push_back(ReallocationPolicy::none);

  std::vector<SweepCell> cells;
  for (const std::optional<double>& r : rates)
    for (const float t : thresholds) {
      const std::size_t index = threshold_index(coverage, t);
      for (const ReallocationPolicy p : policies)
        cells.push_back({r, coverage.thresholds_minutes[index], index, p});
    }
  return cells;
}

namespace {

// The draws `drawn` of every pass. Without `keep` nor `from`, a whole sweep: figures stream
// into the summaries and the cells are filled. With `keep`, the per-draw figures and integer
// sums are kept instead (a shard). With `from`, nothing is drawn: the shards' figures are fed
// to the summaries in draw order and their sums added, which is what the whole sweep computes,
// bit for bit.
SweepResult sweep_core(const RenewalPlan& plan, const Reallocator& realloc,
                       const SweepOptions& options, DrawRange drawn, SweepPartial* keep,
                       std::span<const SweepPartial> from, Progress& progress) {
  const CoverageModel& model = realloc.model();
  const geo::Territory& territory = realloc.territory();
  const PostTable& posts = realloc.posts();
  if (options.draws == 0) throw Error("sweep: at least one draw is needed");
  if (plan.posts() != posts.size())
    throw Error("sweep: the renewal plan was made for another post table");
  const std::vector<SweepCell> cells = grid_cells(options.grid, model.options());
  const std::vector<std::string> unknown = plan.unknown_units();
  for (const SweepCell& c : cells)
    if (!c.non_renewal_rate && !unknown.empty())
      throw Error("sweep: " + std::to_string(unknown.size()) +
                  " random posts have no renewal probability (first: " + unknown.front() +
                  "); give them one or sweep over non_renewal_rates");

  const std::size_t n = territory.size();
  const std::size_t nt = model.options().thresholds_minutes.size();
  const std::size_t draws = options.draws;
  const std::size_t slots = kFixedCount + nt * kPerThresholdCount;
  const CommuneCoverage& before = realloc.baseline();
  CoverageScratch base_scratch;
  GroupCoverage before_groups;
  model.summarise(before, base_scratch, before_groups);
  const std::size_t rows = before_groups.rows();
  const float cap = realloc.table().cutoff_minutes;
  // Each post's hours as one column: the loop over a draw's lost posts reads no Post record.
  std::vector<double> weekly_hours(posts.size());
  for (PostId p = 0; p < posts.size(); ++p) weekly_hours[p] = posts.posts[p].weekly_hours;
  double total_population = 0;
  for (const double p : territory.population) total_population += p;

  SweepResult result;
  result.seed = options.seed;
  result.draws = options.draws;
  result.thresholds_minutes = model.options().thresholds_minutes;
  result.cutoff_minutes = cap;
  result.rows = model.group_rows();
  result.row_population = before_groups.population;
  result.row_reached_before = before_groups.reached;
  result.cells.resize(cells.size());

  // Passes: absorb depends on T, none and replan do not.
  std::vector<Pass> passes;
  std::vector<std::size_t> pass_of(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const SweepCell& c = cells[i];
    const std::size_t t = c.policy == ReallocationPolicy::absorb ? c.threshold : nt - 1;
    auto it = std::find_if(passes.begin(), passes.end(), [&](const Pass& p) {
      return p.rate == c.non_renewal_rate && p.policy == c.policy && p.threshold == t;
    });
    pass_of[i] = static_cast<std::size_t>(it - passes.begin());
    if (it == passes.end()) passes.push_back({c.non_renewal_rate, c.policy, t});
  }

  // Draws on the base plan recompute only what they change; the others every commune.
  std::optional<DrawCoverage> draws_on_base;
  if (options.incremental && n <= DrawCoverage::kMaxCommunes &&
      std::any_of(passes.begin(), passes.end(),
                  [](const Pass& p) { return p.policy == ReallocationPolicy::none; }))
    draws_on_base.emplace(model, realloc.base());

  // Percentiles from streaming summaries fed in draw order, block after block: memory does not
  // grow with the number of draws, and no summary depends on which thread computed a draw.
  const std::size_t streams = slots + rows * nt;
  const std::size_t exact =
      std::max<std::size_t>(64, options.summary_bytes / (streams * sizeof(double)));
  const std::size_t block = std::min<std::size_t>(drawn.end - drawn.first, kBlock);
  if (keep) {
    keep->range = drawn;
    keep->figure_slots = slots;
    keep->rows = rows;
    keep->thresholds = nt;
    keep->communes = n;
    keep->passes.assign(passes.size(), {});
  }
  for (const SweepPartial& part : from)
    if (part.figure_slots != slots || part.rows != rows || part.thresholds != nt ||
        part.communes != n || part.passes.size() != passes.size())
      throw Error("sweep merge: a partial result was made with another territory, posts or grid");
  progress.start("renewal sweep", from.empty() ? passes.size() * (drawn.end - drawn.first) : 0);
  tbb::enumerable_thread_specific<Worker> workers;
  std::vector<double> figures(from.empty() ? block * slots : 0);
  std::vector<double> unreached(from.empty() ? block * rows * nt : 0);
  std::vector<std::uint64_t> loss_total(n * nt);
  std::vector<std::int64_t> minutes_total(n);
  std::vector<std::uint64_t> permanence_total(n);

  for (std::size_t pi = 0; pi < passes.size(); ++pi) {
    const Pass& pass = passes[pi];
    std::vector<StreamingSummary> figure_stream(slots, StreamingSummary(exact));
    std::vector<StreamingSummary> row_stream(rows * nt, StreamingSummary(exact));
    SweepPassDraws* kept = keep ? &keep->passes[pi] : nullptr;
    for (const SweepPartial& part : from) {
      const SweepPassDraws& d = part.passes[pi];
      const std::size_t count = part.range.end - part.range.first;
      if (d.figures.size() != count * slots || d.unreached.size() != count * rows * nt)
        throw Error("sweep merge: a partial result holds another number of draws");
      for (std::size_t i = 0; i < count; ++i) {
        for (std::size_t k = 0; k < slots; ++k) figure_stream[k].add(d.figures[i * slots + k]);
        for (std::size_t k = 0; k < rows * nt; ++k)
          row_stream[k].add(d.unreached[i * rows * nt + k]);
      }
    }
    for (std::size_t first = from.empty() ? drawn.first : drawn.end; first < drawn.end;
         first += block) {
      const std::size_t count = std::min<std::size_t>(block, drawn.end - first);
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count), [&](const auto& range) {
        Worker& w = workers.local();
        if (w.active.size() != posts.size()) w.active.assign(posts.size(), 0);
        if (w.losses.size() != n * nt) w.losses.assign(n * nt, 0);
        if (w.minutes.size() != n) w.minutes.assign(n, 0);
        if (w.permanence_losses.size() != n) w.permanence_losses.assign(n, 0);
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
          draw_renewal(plan, options.seed, first + i, pass.rate, w.active);
          const bool on_base = draws_on_base && pass.policy == ReallocationPolicy::none;
          if (on_base) {
            draws_on_base->evaluate(w.active, w.draw);
            draws_on_base->summarise(w.draw, w.summary);
            w.realloc.absorbed.clear();
            w.realloc.hours_moved = 0;
            w.realloc.groups_replanned = 0;
          } else {
            realloc.apply(pass.policy, w.active, pass.threshold, w.realloc, w.after);
            model.summarise(w.after, w.realloc.coverage, w.groups);
            w.summary.assign(w.groups);
          }

          double* f = figures.data() + i * slots;
          std::fill(f, f + slots, 0.0);
          for (PostId p = 0; p < posts.size(); ++p)
            if (!w.active[p]) {
              f[kPostsLost] += 1;
              f[kHoursLost] += weekly_hours[p];
            }
          f[kGapPopulation] = w.summary.gap_population[0];
          f[kPriorityGapPopulation] = w.summary.priority_gap_population[0];
          f[kMeanAccess] = w.summary.mean_access;
          f[kGiniAccess] = w.summary.gini_access;
          f[kAbsorbedCommunes] = static_cast<double>(w.realloc.absorbed.size());
          f[kHoursMoved] = w.realloc.hours_moved;
          f[kGroupsReplanned] = w.realloc.groups_replanned;
          // A commune's change of minutes, and its reach and permanence lost.
          double weighted_change = 0;
          auto tally = [&](geo::CommuneId c, float minutes_before, float minutes_after,
                           std::uint8_t lost, bool permanence_lost) {
            const float change = std::min(minutes_after, cap) - std::min(minutes_before, cap);
            weighted_change += territory.population[c] * change;
            w.minutes[c] += round_half_away(change * kFixedPoint);
            if (permanence_lost) {
              f[kPopulationLosingPermanence] += territory.population[c];
              f[kCommunesLosingPermanence] += 1;
              ++w.permanence_losses[c];
            }
            for (std::size_t t = 0; t < nt; ++t) {
              if (!((lost >> t) & 1u)) continue;
              double* ft = f + kFixedCount + t * kPerThresholdCount;
              ft[kPopulationLosing] += territory.population[c];
              ft[kPriorityLosing] += territory.priority_population[c];
              ft[kCommunesLosing] += 1;
              ++w.losses[c * nt + t];
            }
          };
          // A draw on the base plan flags the communes whose minutes, reach or permanence moved;
          // the others change by +0 and lose nothing, so the sums are the same as over every
          // commune, in the same order.
          if (on_base) {
            for (const DrawChange& x : w.draw.changes())
              if (x.moved)
                tally(x.commune, x.base_nearest_minutes, x.nearest_minutes,
                      x.base_reached & static_cast<std::uint8_t>(~x.reached),
                      x.base_has_permanence && !x.has_permanence);
          } else {
            for (geo::CommuneId c = 0; c < n; ++c)
              tally(c, before.nearest_minutes[c], w.after.nearest_minutes[c],
                    lost_reach(before, w.after, c), lost_permanence(before, w.after, c));
          }
          f[kMeanMinutesChange] =
              total_population > 0 ? weighted_change / total_population : std::nan("");
          for (std::size_t t = 0; t < nt; ++t) {
            double* ft = f + kFixedCount + t * kPerThresholdCount;
            ft[kReached] = w.summary.reached_at(0, t);
            ft[kPriorityReached] = w.summary.priority_reached_at(0, t);
          }
          double* u = unreached.data() + i * rows * nt;
          for (std::size_t r = 0; r < rows; ++r)
            for (std::size_t t = 0; t < nt; ++t)
              u[r * nt + t] = w.summary.population[r] - w.summary.reached_at(r, t);
          progress.advance();
        }
      });
      if (kept) {
        kept->figures.insert(kept->figures.end(), figures.begin(),
                             figures.begin() + static_cast<std::ptrdiff_t>(count * slots));
        kept->unreached.insert(kept->unreached.end(), unreached.begin(),
                               unreached.begin() + static_cast<std::ptrdiff_t>(count * rows * nt));
        continue;
      }
      // Each summary takes its block's draws in draw order, whichever thread feeds it.
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, slots + rows * nt, 256),
                        [&](const auto& range) {
                          for (std::size_t i = 0; i < count; ++i)
                            for (std::size_t k = range.begin(); k != range.end(); ++k)
                              if (k < slots)
                                figure_stream[k].add(figures[i * slots + k]);
                              else
                                row_stream[k - slots].add(unreached[i * rows * nt + k - slots]);
                        });
    }

    // Integer sums: the same whichever thread counted what.
    std::fill(loss_total.begin(), loss_total.end(), 0);
    std::fill(minutes_total.begin(), minutes_total.end(), 0);
    std::fill(permanence_total.begin(), permanence_total.end(), 0);
    for (Worker& w : workers) {
      for (std::size_t i = 0; i < w.losses.size(); ++i) loss_total[i] += w.losses[i];
      for (std::size_t i = 0; i < w.minutes.size(); ++i) minutes_total[i] += w.minutes[i];
      for (std::size_t i = 0; i < w.permanence_losses.size(); ++i)
        permanence_total[i] += w.permanence_losses[i];
      std::fill(w.losses.begin(), w.losses.end(), 0);
      std::fill(w.minutes.begin(), w.minutes.end(), 0);
      std::fill(w.permanence_losses.begin(), w.permanence_losses.end(), 0);
    }
    for (const SweepPartial& part : from) {
      const SweepPassDraws& d = part.passes[pi];
      if (d.losses.size() != n * nt || d.minutes.size() != n || d.permanence_losses.size() != n)
        throw Error("sweep merge: a partial result's sums are of another territory");
      for (std::size_t i = 0; i < loss_total.size(); ++i) loss_total[i] += d.losses[i];
      for (std::size_t i = 0; i < minutes_total.size(); ++i) minutes_total[i] += d.minutes[i];
      for (std::size_t i = 0; i < permanence_total.size(); ++i)
        permanence_total[i] += d.permanence_losses[i];
    }
    if (kept) {
      kept->losses = loss_total;
      kept->minutes = minutes_total;
      kept->permanence_losses = permanence_total;
      continue;
    }

    for (std::size_t ci = 0; ci < cells.size(); ++ci) {
      if (pass_of[ci] != pi) continue;
      CellResult& cr = result.cells[ci];
      cr.cell = cells[ci];
      const std::size_t t = cr.cell.threshold;
      for (std::size_t k = 0; k < kFixedCount; ++k)
        cr.figures.push_back(figure_stream[k].summary());
      for (std::size_t k = 0; k < kPerThresholdCount; ++k)
        cr.figures.push_back(figure_stream[kFixedCount + t * kPerThresholdCount + k].summary());
      cr.loss_probability.resize(n);
      cr.expected_minutes_change.resize(n);
      cr.permanence_loss_probability.resize(n);
      for (geo::CommuneId c = 0; c < n; ++c) {
        cr.loss_probability[c] =
            static_cast<double>(loss_total[c * nt + t]) / static_cast<double>(draws);
        cr.permanence_loss_probability[c] =
            static_cast<double>(permanence_total[c]) / static_cast<double>(draws);
        cr.expected_minutes_change[c] =
            static_cast<double>(minutes_total[c]) / kFixedPoint / static_cast<double>(draws);
      }
      for (std::size_t r = 0; r < rows; ++r)
        cr.group_without_reach.push_back(row_stream[r * nt + t].summary());
    }
  }
  progress.finish();
  return result;
}

}  // namespace

DrawRange shard_draws(std::uint32_t draws, std::uint32_t shard, std::uint32_t shards) {
  if (shards == 0 || shard == 0 || shard > shards)
    throw Error("sweep: shard " + std::to_string(shard) + " of " + std::to_string(shards) +
                " does not exist (shards are numbered 1 to N)");
  const auto at = [&](std::uint64_t i) {
    return static_cast<std::uint32_t>(std::uint64_t{draws} * i / shards);
  };
  return {at(shard - 1), at(shard)};
}

SweepResult run_sweep(const RenewalPlan& plan, const Reallocator& realloc,
                      const SweepOptions& options, Progress& progress) {
  return sweep_core(plan, realloc, options, {0, options.draws}, nullptr, {}, progress);
}

SweepPartial run_sweep_draws(const RenewalPlan& plan, const Reallocator& realloc,
                             const SweepOptions& options, DrawRange range, Progress& progress) {
  if (range.first > range.end || range.end > options.draws)
    throw Error("sweep: draws " + std::to_string(range.first) + " to " + std::to_string(range.end) +
                " are not within the sweep's " + std::to_string(options.draws));
  SweepPartial partial;
  sweep_core(plan, realloc, options, range, &partial, {}, progress);
  return partial;
}

SweepResult merge_sweep(const RenewalPlan& plan, const Reallocator& realloc,
                        const SweepOptions& options, std::span<const SweepPartial> partials) {
  std::uint32_t next = 0;
  for (const SweepPartial& part : partials) {
    if (part.range.first != next)
      throw Error("sweep merge: draws " + std::to_string(next) + " to " +
                  std::to_string(part.range.first) + " are missing or given twice");
    next = part.range.end;
  }
  if (next != options.draws)
    throw Error("sweep merge: the partial results end at draw " + std::to_string(next) + " of " +
                std::to_string(options.draws));
  return sweep_core(plan, realloc, options, {0, options.draws}, nullptr, partials, null_progress());
}

std::optional<std::string> sweep_without_randomness(const SweepResult& result,
                                                    const RenewalPlan& plan) {
  for (const CellResult& c : result.cells)
    for (const Summary& s : c.figures)
      if (s.count > 0 && s.p5 != s.p95) return std::nullopt;
  std::size_t random = 0;
  for (const Fate f : plan.fate) random += f == Fate::random;
  std::string why;
  if (random == 0)
    why = "no post's renewal is random: the rules and the post table settle every post";
  else if (result.draws <= 1)
    why = "one draw per cell";
  else
    why = std::to_string(random) +
          " post(s) are random but no draw changes any figure (their loss is absorbed or "
          "changes nothing measured)";
  return "every figure of every cell is the same in all " + std::to_string(result.draws) +
         " draws (P5 = P95): " + why;
}

Table sweep_cells_table(const SweepResult& result) {
  std::vector<double> index, rate, threshold;
  std::vector<std::string> policy;
  for (std::size_t i = 0; i < result.cells.size(); ++i) {
    const SweepCell& c = result.cells[i].cell;
    index.push_back(static_cast<double>(i));
    rate.push_back(c.non_renewal_rate ? *c.non_renewal_rate : std::nan(""));
    threshold.push_back(c.threshold_minutes);
    policy.emplace_back(name(c.policy));
  }
  Table t;
  t.name = "sweep_cells";
  add_numbers(t, "cell", geo::FieldKind::integer, "", "Cell index.", std::move(index));
  add_numbers(t, "non_renewal_rate", geo::FieldKind::real, "",
              "Probability that a random post does not renew; empty: each post's own "
              "probability.",
              std::move(rate));
  add_numbers(t, "threshold_minutes", geo::FieldKind::real, "min", "Reach threshold T.",
              std::move(threshold));
  add_texts(t, "policy", "Reallocation policy: " + allowed_reallocation_policies() + ".",
            std::move(policy));
  return t;
}

Table sweep_figures_table(const SweepResult& result) {
  const std::vector<FigureInfo>& info = sweep_figures();
  std::vector<double> cell;
  std::vector<std::string> label, figure, unit;
  std::vector<const Summary*> summaries;
  for (std::size_t i = 0; i < result.cells.size(); ++i)
    for (std::size_t k = 0; k < info.size(); ++k) {
      cell.push_back(static_cast<double>(i));
      label.push_back(cell_label(result.cells[i].cell));
      figure.push_back(info[k].name);
      unit.push_back(info[k].unit);
      summaries.push_back(&result.cells[i].figures[k]);
    }
  Table t;
  t.name = "sweep_figures";
  add_numbers(t, "cell", geo::FieldKind::integer, "", "Cell index.", std::move(cell));
  add_texts(t, "parameters", "Non-renewal rate, threshold and policy of the cell.",
            std::move(label));
  add_texts(t, "figure", "Figure name.", std::move(figure));
  add_texts(t, "unit", "Unit of the figure.", std::move(unit));
  add_summary_columns(t, "", "the figure", summaries);
  return t;
}

Table sweep_groups_table(const SweepResult& result, std::size_t cell) {
  const CellResult& cr = result.cells.at(cell);
  const std::size_t nt = result.thresholds_minutes.size();
  std::vector<double> before;
  std::vector<const Summary*> summaries;
  for (std::size_t r = 0; r < cr.group_without_reach.size(); ++r) {
    before.push_back(result.row_population[r] -
                     result.row_reached_before[r * nt + cr.cell.threshold]);
    summaries.push_back(&cr.group_without_reach[r]);
  }
  Table t;
  t.name = "sweep_groups";
  add_texts(t, "grouping", "Grouping key; \"all\" for the territory.", result.rows.grouping);
  add_texts(t, "code", "Group code.", result.rows.code);
  add_texts(t, "name", "Group name.", result.rows.name);
  add_numbers(t, "population", geo::FieldKind::real, "inhabitants", "Population.",
              result.row_population);
  add_numbers(t, "without_reach_before", geo::FieldKind::real, "inhabitants",
              "Population without reach within T before renewal.", std::move(before));
  add_summary_columns(t, "inhabitants", "the population without reach within T", summaries);
  return t;
}

Table sweep_communes_table(const SweepResult& result, const geo::Territory& territory,
                           std::size_t cell) {
  const CellResult& cr = result.cells.at(cell);
  Table t;
  t.name = "sweep_communes";
  add_texts(t, "code", "Commune code (INSEE).", territory.code);
  add_texts(t, "name", "Commune name.", territory.name);
  add_numbers(t, "population", geo::FieldKind::real, "inhabitants", "Population.",
              territory.population);
  add_numbers(t, "priority_population", geo::FieldKind::real, "inhabitants",
              "Inhabitants of priority areas (QPV, ZRR).", territory.priority_population);
  add_numbers(t, "loss_probability", geo::FieldKind::real, "",
              "Share of draws in which the commune is reached within T before renewal "
              "and not after.",
              cr.loss_probability);
  add_numbers(t, "permanence_loss_probability", geo::FieldKind::real, "",
              "Share of draws in which the commune's own permanence closes.",
              cr.permanence_loss_probability);
  add_numbers(t, "expected_minutes_change", geo::FieldKind::real, "min",
              "Mean over draws of the change of minutes to the nearest permanence, both "
              "capped at the travel table's cut-off of " +
                  number_text(result.cutoff_minutes) + " min.",
              cr.expected_minutes_change);
  return t;
}

void add_sweep_columns(Table& communes, const SweepResult& result, std::size_t cell) {
  const CellResult& cr = result.cells.at(cell);
  const std::string draws = "Share of sweep draws (" + cell_label(cr.cell) + ") in which ";
  add_numbers(communes, "loss_probability", geo::FieldKind::real, "",
              draws + "the commune loses reach.", cr.loss_probability);
  add_numbers(communes, "permanence_loss_probability", geo::FieldKind::real, "",
              draws + "the commune loses its permanence.", cr.permanence_loss_probability);
}

}  // namespace covsim::sim
