#include "sim/coverage.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

#include "geo/error.hpp"
#include "sim/detail/radix_sort.hpp"
#include "sim/detail/summary_rows.hpp"

namespace covsim::sim {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A row's largest access term, h per 10,000 inhabitants (see compute()).
constexpr double kMaxRowAccess = 0x1p20;
constexpr std::int64_t kMaxAccessUnits = std::int64_t{1} << 53;  // access_hours() stays exact

// Gini accumulators of one summary row, laid out in CoverageScratch::group_sums.
enum Sum : std::size_t { kBefore, kWeighted, kAccess, kSums };

std::string minutes_text(float m) {
  std::string s = std::to_string(m);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

CoverageModel::CoverageModel(const geo::Territory& territory, const geo::TravelTable& table,
                             CoverageOptions options)
    : territory_(territory), table_(table), options_(std::move(options)) {
  const std::vector<float>& t = options_.thresholds_minutes;
  if (t.empty() || t.size() > 8)
    throw Error("coverage: between 1 and 8 thresholds are needed, got " + std::to_string(t.size()));
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!(t[i] > 0) || (i > 0 && !(t[i] > t[i - 1])))
      throw Error("coverage: thresholds must be positive and ascending");
    if (t[i] > table.cutoff_minutes)
      throw Error("coverage: threshold " + minutes_text(t[i]) +
                  " min exceeds the travel table's cut-off of " +
                  minutes_text(table.cutoff_minutes) + " min; rebuild the table with a larger one");
  }
  if (options_.catchment_minutes == 0) options_.catchment_minutes = t.back();
  if (!(options_.catchment_minutes > 0) || options_.catchment_minutes > table.cutoff_minutes)
    throw Error("coverage: the catchment of " + minutes_text(options_.catchment_minutes) +
                " min must be positive and within the travel table's cut-off of " +
                minutes_text(table.cutoff_minutes) + " min");
  if (!(options_.weeks_per_month > 0) || !(options_.min_visits_per_month >= 0))
    throw Error("coverage: weeks_per_month must be > 0 and min_visits_per_month >= 0");

  rows_.grouping.push_back("all");
  rows_.code.push_back("all");
  rows_.name.push_back(territory.source);
  for (const geo::Grouping& g : territory.groupings)
    for (geo::GroupId i = 0; i < g.size(); ++i) {
      rows_.grouping.push_back(g.key);
      rows_.code.push_back(g.codes[i]);
      rows_.name.push_back(g.names[i]);
    }

  // The decay of every entry and each row's weighted demand depend only on the table, so they
  // are paid once here rather than in every draw.
  weight_.resize(table.entries());
  row_demand_.assign(table.rows(), 0.0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, table.rows()), [&](const auto& range) {
    for (std::size_t r = range.begin(); r != range.end(); ++r) {
      double demand = 0;
      for (std::uint64_t e = table.first[r]; e < table.first[r + 1]; ++e) {
        const geo::Reach& reach = table.reach[e];
        weight_[e] = static_cast<float>(decay(reach.minutes));
        demand += territory.population[reach.commune] * weight_[e];
      }
      row_demand_[r] = demand;
    }
  });
}

double CoverageModel::decay(float minutes) const {
  const double d0 = options_.catchment_minutes;
  if (minutes > d0) return 0;
  const double edge = std::exp(-0.5);
  const double x = minutes / d0;
  return (std::exp(-0.5 * x * x) - edge) / (1 - edge);
}

void CoverageModel::compute(const Deployment& d, std::span<const std::uint8_t> post_active,
                            CoverageScratch& scratch, CommuneCoverage& out) const {
  const std::size_t n = territory_.size();
  const double weeks = options_.weeks_per_month;
  auto active = [&](PostId p) { return post_active.empty() || post_active[p] != 0; };
  out.nearest_minutes.resize(n);
  out.nearest_site.resize(n);
  out.reached.assign(n, 0);
  out.access.resize(n);
  out.visits_per_month.assign(n, 0.0);
  out.presence_hours_per_month.assign(n, 0.0);
  out.has_permanence.assign(n, 0);
  out.gap.assign(n, 0);

  // Pool the weekly hours of active sites and stops per table row, remembering which rows are
  // in use (bit 0) and which give reach (bit 1: fixed sites, stops held often enough).
  scratch.row_hours.resize(table_.rows(), 0.0);
  scratch.row_used.resize(table_.rows(), 0);
  scratch.active_rows.clear();
  auto pool = [&](geo::CommuneId commune, double weekly_hours, bool reach) {
    const geo::RowId r = table_.row_of(commune);
    if (r == geo::kNoRow) {
      for (geo::RowId used : scratch.active_rows)
        scratch.row_hours[used] = scratch.row_used[used] = 0;
      throw Error("coverage: a site or stop at commune " + territory_.code[commune] +
                  " has no row in the travel table");
    }
    if (!scratch.row_used[r]) scratch.active_rows.push_back(r);
    scratch.row_used[r] |= static_cast<std::uint8_t>(1u | (reach ? 2u : 0u));
    scratch.row_hours[r] += weekly_hours;
  };
  for (SiteId s = 0; s < d.sites(); ++s) {
    if (!active(d.site_post[s])) continue;
    pool(d.site_commune[s], d.site_weekly_hours[s], true);
    out.presence_hours_per_month[d.site_commune[s]] += d.site_weekly_hours[s] * weeks;
  }
  for (CircuitId c = 0; c < d.circuits(); ++c) {
    if (!active(d.circuit_post[c])) continue;
    for (std::uint32_t k = d.circuit_first[c]; k < d.circuit_first[c + 1]; ++k) {
      const geo::CommuneId at = d.stop_commune[k];
      pool(at, d.stop_presence_hours_per_month[k] / weeks,
           stop_gives_reach(d.stop_visits_per_month[k]));
      out.visits_per_month[at] += d.stop_visits_per_month[k];
      out.presence_hours_per_month[at] += d.stop_presence_hours_per_month[k];
    }
  }

  // The hot loop: one pass over the entries of active rows. What it updates per commune sits
  // in one 16-byte record, so each entry touches one cache line, not three; entries beyond
  // the catchment have weight 0, so no branch is needed for them. Rows go in ascending order:
  // each commune's access is then a sum in row order and its nearest site the lowest row among
  // the closest, whatever order the deployment lists its sites in, so a sweep draw that
  // recomputes only some communes (sim/draw_coverage.hpp) finds the very same bits.
  std::sort(scratch.active_rows.begin(), scratch.active_rows.end());
  // Fixed-point access stays exact and far from overflow when no term passes 2^20 h (2^44 units:
  // a commune would need 2^19 such sites in reach to pass 2^63).
  for (const geo::RowId r : scratch.active_rows) {
    if (!(row_demand_[r] > 0) || scratch.row_hours[r] / row_demand_[r] * 10'000 < kMaxRowAccess)
      continue;
    char figures[96];
    std::snprintf(figures, sizeof figures, "%.4g h a week to %.4g weighted inhabitants",
                  scratch.row_hours[r], row_demand_[r]);
    const std::string what = "coverage: the permanences at commune " +
                             territory_.code[table_.site[r]] + " offer " + figures +
                             " within the catchment, over " +
                             std::to_string(static_cast<int>(kMaxRowAccess / 10'000)) +
                             " h per inhabitant: check the populations around it";
    for (const geo::RowId used : scratch.active_rows)
      scratch.row_hours[used] = scratch.row_used[used] = 0;
    throw Error(what);
  }
  scratch.communes.assign(n, {kInf, kNoCommune, 0});
  CoverageScratch::Commune* state = scratch.communes.data();
  const geo::Reach* reach = table_.reach.data();
  const float* weight = weight_.data();
  for (geo::RowId r : scratch.active_rows) {
    const double ratio = row_demand_[r] > 0 ? scratch.row_hours[r] / row_demand_[r] : 0.0;
    const double scale = access_row_scale(ratio);
    const geo::CommuneId site = table_.site[r];
    if (scratch.row_used[r] & 2u) {
      for (std::uint64_t e = table_.first[r]; e < table_.first[r + 1]; ++e) {
        CoverageScratch::Commune& c = state[reach[e].commune];
        if (reach[e].minutes < c.minutes) {
          c.minutes = reach[e].minutes;
          c.site = site;
        }
        c.access += access_units(scale, weight[e]);
      }
    } else {
      for (std::uint64_t e = table_.first[r]; e < table_.first[r + 1]; ++e)
        state[reach[e].commune].access += access_units(scale, weight[e]);
    }
    scratch.row_hours[r] = 0;
    scratch.row_used[r] = 0;
  }

  const std::vector<float>& thresholds = options_.thresholds_minutes;
  const float catchment = options_.catchment_minutes;
  for (geo::CommuneId c = 0; c < n; ++c) {
    const float minutes = state[c].minutes;
    out.nearest_minutes[c] = minutes;
    out.nearest_site[c] = state[c].site;
    if (state[c].access >= kMaxAccessUnits)
      throw Error("coverage: commune " + territory_.code[c] +
                  " has more than 2^29 advisor-hours per 10,000 inhabitants in reach: check "
                  "the populations around it");
    out.access[c] = access_hours(state[c].access);
    std::uint8_t mask = 0;
    for (std::size_t t = 0; t < thresholds.size(); ++t)
      if (minutes <= thresholds[t]) mask |= std::uint8_t(1u << t);
    out.reached[c] = mask;
    out.gap[c] = !(minutes <= catchment);
    out.has_permanence[c] = out.presence_hours_per_month[c] > 0;
  }
}

std::vector<std::string> CoverageModel::rare_stop_notes(const Deployment& d,
                                                        const PostTable& posts) const {
  std::vector<std::string> notes;
  for (CircuitId c = 0; c < d.circuits(); ++c) {
    std::string rare;
    std::size_t count = 0;
    double most = 0;
    for (std::uint32_t k = d.circuit_first[c]; k < d.circuit_first[c + 1]; ++k) {
      if (stop_gives_reach(d.stop_visits_per_month[k])) continue;
      if (count++ < 8) (rare += rare.empty() ? "" : ", ") += territory_.code[d.stop_commune[k]];
      most = std::max(most, d.stop_visits_per_month[k]);
    }
    if (count == 0) continue;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", most);
    notes.push_back("post " + posts.posts[d.circuit_post[c]].id + ": " + std::to_string(count) +
                    " stop(s) held at most " + buf + " days a month, below min_visits_per_month (" +
                    minutes_text(static_cast<float>(options_.min_visits_per_month)) +
                    "): they add to access, not to reach (" + rare +
                    (count > 8 ? " and " + std::to_string(count - 8) + " more" : "") + ")");
  }
  return notes;
}

void CoverageModel::summarise(const CommuneCoverage& cc, CoverageScratch& scratch,
                              GroupCoverage& out) const {
  const std::size_t n = territory_.size();
  const std::size_t rows = rows_.grouping.size();
  const std::size_t nt = options_.thresholds_minutes.size();
  out.thresholds = nt;
  out.communes.assign(rows, 0);
  out.communes_no_reach.assign(rows, 0);
  out.population.assign(rows, 0.0);
  out.reached.assign(rows * nt, 0.0);
  out.gap_population.assign(rows, 0.0);
  out.priority_population.assign(rows, 0.0);
  out.priority_reached.assign(rows * nt, 0.0);
  out.priority_gap_population.assign(rows, 0.0);
  out.communes_with_permanence.assign(rows, 0);
  out.population_with_permanence.assign(rows, 0.0);
  out.mean_access.assign(rows, 0.0);
  out.gini_access.assign(rows, 0.0);

  // Every commune adds to row 0 and to one row per grouping it belongs to.
  const detail::SummaryRows summary_rows(territory_);

  for (geo::CommuneId c = 0; c < n; ++c) {
    const double pop = territory_.population[c];
    const double prio = territory_.priority_population[c];
    summary_rows.for_each(c, [&](std::size_t row) {
      ++out.communes[row];
      out.population[row] += pop;
      out.priority_population[row] += prio;
      if (cc.reached[c] == 0) ++out.communes_no_reach[row];
      if (cc.has_permanence[c]) {
        ++out.communes_with_permanence[row];
        out.population_with_permanence[row] += pop;
      }
      if (cc.gap[c]) {
        out.gap_population[row] += pop;
        out.priority_gap_population[row] += prio;
      }
      for (std::size_t t = 0; t < nt; ++t)
        if (cc.reached_within(c, t)) {
          out.reached[row * nt + t] += pop;
          out.priority_reached[row * nt + t] += prio;
        }
    });
  }

  // One sort by access serves the Gini of every row: walking communes in ascending access,
  // each row keeps the population seen so far (F) and its two sums.
  // Non-negative doubles order like their bit patterns, so (bits, commune) pairs sort as plain
  // integers.
  scratch.order.resize(n);
  for (geo::CommuneId c = 0; c < n; ++c)
    scratch.order[c] = {std::bit_cast<std::uint64_t>(cc.access[c] + 0.0), c};  // -0 -> +0
  detail::radix_sort(scratch.order, scratch.order_buffer);
  scratch.group_sums.assign(rows * kSums, 0.0);
  double* sums = scratch.group_sums.data();
  for (const auto& entry : scratch.order) {
    const geo::CommuneId c = entry.second;
    const double p = territory_.population[c];
    const double pa = p * cc.access[c];
    summary_rows.for_each(c, [&](std::size_t row) {
      double* s = sums + row * kSums;
      s[kWeighted] += pa * (2 * s[kBefore] + p);
      s[kAccess] += pa;
      s[kBefore] += p;
    });
  }
  for (std::size_t row = 0; row < rows; ++row) {
    const double* s = sums + row * kSums;
    const double pop = out.population[row];
    out.mean_access[row] = pop > 0 ? s[kAccess] / pop : kNaN;
    out.gini_access[row] =
        pop > 0 && s[kAccess] > 0 ? (s[kWeighted] - pop * s[kAccess]) / (pop * s[kAccess]) : kNaN;
  }
}

CoverageLoss coverage_loss(const CommuneCoverage& before, const CommuneCoverage& after) {
  CoverageLoss loss;
  loss.reach.resize(before.size());
  loss.permanence.resize(before.size());
  for (geo::CommuneId c = 0; c < before.size(); ++c) {
    loss.reach[c] = lost_reach(before, after, c);
    loss.permanence[c] = lost_permanence(before, after, c);
  }
  return loss;
}

std::vector<geo::CommuneId> CoverageLoss::losing_reach(std::size_t threshold) const {
  std::vector<geo::CommuneId> out;
  for (geo::CommuneId c = 0; c < reach.size(); ++c)
    if (loses_reach(c, threshold)) out.push_back(c);
  return out;
}

std::vector<geo::CommuneId> CoverageLoss::losing_permanence() const {
  std::vector<geo::CommuneId> out;
  for (geo::CommuneId c = 0; c < permanence.size(); ++c)
    if (permanence[c]) out.push_back(c);
  return out;
}

}  // namespace covsim::sim
