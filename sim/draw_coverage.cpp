#include "sim/draw_coverage.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "geo/error.hpp"
#include "sim/detail/summary_rows.hpp"

namespace covsim::sim {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kCommuneMask = DrawCoverage::kMaxCommunes - 1;
constexpr float kInf = std::numeric_limits<float>::infinity();

// Compressed rows from (key, value) pairs: first[k]..first[k + 1] hold key k's values, in the
// order the pairs came.
template <typename T>
void group_by(std::size_t keys, const std::vector<std::uint32_t>& key, const std::vector<T>& value,
              std::vector<std::uint32_t>& first, std::vector<T>& out) {
  first.assign(keys + 1, 0);
  for (const std::uint32_t k : key) ++first[k + 1];
  for (std::size_t k = 0; k < keys; ++k) first[k + 1] += first[k];
  out.resize(value.size());
  std::vector<std::uint32_t> next(first.begin(), first.end() - 1);
  for (std::size_t i = 0; i < key.size(); ++i) out[next[key[i]]++] = value[i];
}

bool whole(double v) { return std::isfinite(v) && v == std::floor(v); }

// out = the ids i < count, ascending, for which keep(i): written without a capacity check per
// id (these lists are rebuilt every draw). Returns out.size().
template <typename Id, typename Keep>
std::size_t select(std::size_t count, Keep keep, std::vector<Id>& out) {
  out.resize(count);
  Id* const at = out.data();
  std::size_t k = 0;
  for (std::size_t i = 0; i < count; ++i) {
    at[k] = static_cast<Id>(i);
    k += keep(i) ? 1 : 0;
  }
  out.resize(k);
  return k;
}

}  // namespace

void DrawSummary::assign(const GroupCoverage& g) {
  thresholds = g.thresholds;
  population = g.population;
  reached = g.reached;
  priority_reached = g.priority_reached;
  gap_population = g.gap_population;
  priority_gap_population = g.priority_gap_population;
  mean_access = g.mean_access.empty() ? 0 : g.mean_access[0];
  gini_access = g.gini_access.empty() ? 0 : g.gini_access[0];
}

DrawCoverage::DrawCoverage(const CoverageModel& model, const Deployment& base)
    : model_(model), territory_(model.territory()), table_(model.table()) {
  const std::size_t n = territory_.size();
  if (n > kMaxCommunes)
    throw Error("draw coverage: " + std::to_string(n) + " communes, more than the " +
                std::to_string(kMaxCommunes) + " a draw can recompute in part");
  CoverageScratch scratch;
  model.compute(base, {}, scratch, baseline_);
  GroupCoverage groups;
  model.summarise(baseline_, scratch, groups);
  baseline_summary_.assign(groups);

  // Group sums move by ± populations: exact when they are whole numbers whose total stays
  // below 2^53, where every partial sum of doubles is exact.
  double total = 0;
  exact_deltas_ = true;
  for (geo::CommuneId c = 0; c < n; ++c) {
    const double p = territory_.population[c], q = territory_.priority_population[c];
    exact_deltas_ = exact_deltas_ && whole(p) && whole(q) && p >= 0 && q >= 0;
    total += std::abs(p) + std::abs(q);
  }
  exact_deltas_ = exact_deltas_ && total < 0x1p53;

  // Contributions in compute()'s pooling order: fixed sites, then every round's stops.
  const double weeks = model.options().weeks_per_month;
  struct Contribution {
    geo::RowId row;
    PostId post;
    double weekly_hours;
    bool reach;
  };
  std::vector<Contribution> pooled;
  std::vector<std::uint32_t> presence_commune;
  std::vector<PostId> presence_post;
  std::vector<double> presence_hours, presence_visits;
  auto row_of = [&](geo::CommuneId c) {
    const geo::RowId r = table_.row_of(c);
    if (r == geo::kNoRow)
      throw Error("coverage: a site or stop at commune " + territory_.code[c] +
                  " has no row in the travel table");
    return r;
  };
  for (SiteId s = 0; s < base.sites(); ++s) {
    const geo::CommuneId c = base.site_commune[s];
    pooled.push_back({row_of(c), base.site_post[s], base.site_weekly_hours[s], true});
    presence_commune.push_back(c);
    presence_post.push_back(base.site_post[s]);
    presence_hours.push_back(base.site_weekly_hours[s] * weeks);
    presence_visits.push_back(0);
  }
  for (CircuitId k = 0; k < base.circuits(); ++k)
    for (std::uint32_t i = base.circuit_first[k]; i < base.circuit_first[k + 1]; ++i) {
      const geo::CommuneId c = base.stop_commune[i];
      pooled.push_back({row_of(c), base.circuit_post[k],
                        base.stop_presence_hours_per_month[i] / weeks,
                        model.stop_gives_reach(base.stop_visits_per_month[i])});
      presence_commune.push_back(c);
      presence_post.push_back(base.circuit_post[k]);
      presence_hours.push_back(base.stop_presence_hours_per_month[i]);
      presence_visits.push_back(base.stop_visits_per_month[i]);
    }
  for (const Contribution& x : pooled) posts_ = std::max<std::size_t>(posts_, x.post + 1);

  // Slots: the rows in use, ascending.
  std::vector<std::uint32_t> slot_of(table_.rows(), kNone);
  for (const Contribution& x : pooled) slot_of[x.row] = 0;
  for (geo::RowId r = 0; r < table_.rows(); ++r)
    if (slot_of[r] != kNone) {
      slot_of[r] = static_cast<std::uint32_t>(slot_row_.size());
      slot_row_.push_back(r);
      slot_site_.push_back(table_.site[r]);
      slot_demand_.push_back(model.row_demand()[r]);
    }
  const std::size_t slots = slot_row_.size();
  {
    std::vector<std::uint32_t> key;
    std::vector<std::uint32_t> index;
    for (std::uint32_t i = 0; i < pooled.size(); ++i) {
      key.push_back(slot_of[pooled[i].row]);
      index.push_back(i);
    }
    std::vector<std::uint32_t> ordered;
    group_by(slots, key, index, contribution_first_, ordered);
    for (const std::uint32_t i : ordered) {
      contribution_post_.push_back(pooled[i].post);
      contribution_hours_.push_back(pooled[i].weekly_hours);
      contribution_reach_.push_back(pooled[i].reach);
    }
  }
  base_ratio_.assign(slots, 0.0);
  base_far_.assign(slots, kInf);
  for (std::uint32_t s = 0; s < slots; ++s) {
    double hours = 0;
    for (std::uint32_t i = contribution_first_[s]; i < contribution_first_[s + 1]; ++i) {
      hours += contribution_hours_[i];
      if (contribution_reach_[i]) base_far_[s] = 0;
    }
    base_ratio_[s] = slot_demand_[s] > 0 ? hours / slot_demand_[s] : 0.0;
  }

  // Per post: its slots and places, each once.
  {
    std::vector<std::uint32_t> key, value;
    std::vector<std::uint32_t> place_key;
    std::vector<geo::CommuneId> place_value;
    for (const Contribution& x : pooled) {
      key.push_back(x.post);
      value.push_back(slot_of[x.row]);
    }
    for (std::size_t i = 0; i < presence_commune.size(); ++i) {
      place_key.push_back(presence_post[i]);
      place_value.push_back(presence_commune[i]);
    }
    group_by(posts_, key, value, post_slot_first_, post_slots_);
    group_by(posts_, place_key, place_value, post_place_first_, post_places_);
    auto unique_per_key = [](std::vector<std::uint32_t>& first, auto& values) {
      std::size_t out = 0;
      for (std::size_t k = 0; k + 1 < first.size(); ++k) {
        const std::size_t begin = out;
        for (std::uint32_t i = first[k]; i < first[k + 1]; ++i)
          if (std::find(values.begin() + static_cast<std::ptrdiff_t>(begin),
                        values.begin() + static_cast<std::ptrdiff_t>(out),
                        values[i]) == values.begin() + static_cast<std::ptrdiff_t>(out))
            values[out++] = values[i];
        first[k] = static_cast<std::uint32_t>(begin);
      }
      first.back() = static_cast<std::uint32_t>(out);
      values.resize(out);
    };
    unique_per_key(post_slot_first_, post_slots_);
    unique_per_key(post_place_first_, post_places_);
  }
  {
    std::vector<std::uint32_t> index(presence_commune.size());
    for (std::uint32_t i = 0; i < index.size(); ++i) index[i] = i;
    std::vector<std::uint32_t> ordered;
    group_by(n, presence_commune, index, presence_first_, ordered);
    for (const std::uint32_t i : ordered) {
      presence_post_.push_back(presence_post[i]);
      presence_hours_.push_back(presence_hours[i]);
      presence_visits_.push_back(presence_visits[i]);
    }
  }

  // Slot -> its row's entries, packed: a draw reads them without the table.
  const std::span<const float> weight = model.entry_weights();
  slot_entry_first_.assign(slots + 1, 0);
  base_units_.assign(n, 0);
  for (std::uint32_t s = 0; s < slots; ++s) {
    const geo::RowId r = slot_row_[s];
    const double scale = access_row_scale(base_ratio_[s]);
    for (std::uint64_t e = table_.first[r]; e < table_.first[r + 1]; ++e) {
      const geo::CommuneId c = table_.reach[e].commune;
      const std::int64_t units = access_units(scale, weight[e]);
      if (units >= std::int64_t{1} << (64 - kCommuneBits))
        throw Error("draw coverage: an access term beyond what compute() allows");
      slot_entries_.push_back(static_cast<std::uint64_t>(units) << kCommuneBits | c);
      slot_weight_.push_back(weight[e]);
      base_units_[c] += units;
    }
    slot_entry_first_[s + 1] = static_cast<std::uint32_t>(slot_entries_.size());
  }
  // Per post, its single-post slots' entries merged by commune; a post whose merged terms would
  // not fit the packed layout keeps its slots moving entry by entry.
  slot_merged_.assign(slots, 0);
  post_entry_first_.assign(posts_ + 1, 0);
  {
    std::vector<std::int64_t> sum(n, 0);
    std::vector<geo::CommuneId> touched;
    std::vector<std::uint32_t> own;
    for (PostId p = 0; p < posts_; ++p) {
      own.clear();
      for (std::uint32_t i = post_slot_first_[p]; i < post_slot_first_[p + 1]; ++i) {
        const std::uint32_t s = post_slots_[i];
        const auto first = contribution_post_.begin() + contribution_first_[s];
        const auto end = contribution_post_.begin() + contribution_first_[s + 1];
        if (std::all_of(first, end, [&](PostId q) { return q == p; })) own.push_back(s);
      }
      touched.clear();
      for (const std::uint32_t s : own)
        for (std::uint32_t e = slot_entry_first_[s]; e < slot_entry_first_[s + 1]; ++e) {
          const geo::CommuneId c = slot_entries_[e] & kCommuneMask;
          const std::int64_t units = static_cast<std::int64_t>(slot_entries_[e] >> kCommuneBits);
          if (units == 0) continue;
          if (sum[c] == 0) touched.push_back(c);
          sum[c] += units;
        }
      std::sort(touched.begin(), touched.end());
      const bool fits = std::all_of(touched.begin(), touched.end(), [&](geo::CommuneId c) {
        return sum[c] < std::int64_t{1} << (64 - kCommuneBits);
      });
      for (const geo::CommuneId c : touched) {
        if (fits) post_entries_.push_back(static_cast<std::uint64_t>(sum[c]) << kCommuneBits | c);
        sum[c] = 0;
      }
      if (fits)
        for (const std::uint32_t s : own) slot_merged_[s] = 1;
      post_entry_first_[p + 1] = static_cast<std::uint32_t>(post_entries_.size());
    }
  }

  for (geo::CommuneId c = 0; c < n; ++c)
    if (access_hours(base_units_[c]) != baseline_.access[c])
      throw Error("draw coverage: the baseline's access of commune " + territory_.code[c] +
                  " is not the sum of its rows' terms");  // a change in compute() not made here

  // Slot -> the communes whose baseline nearest site is at that slot's row.
  {
    std::vector<std::uint32_t> key;
    std::vector<geo::CommuneId> value;
    for (geo::CommuneId c = 0; c < n; ++c)
      if (baseline_.nearest_site[c] != kNoCommune) {
        key.push_back(slot_of[table_.row_of(baseline_.nearest_site[c])]);
        value.push_back(c);
      }
    group_by(slots, key, value, slot_nearest_first_, slot_nearest_);
  }

  // Commune -> slots reaching it, by (minutes, slot): the nearest is the first that still
  // gives reach.
  nearest_first_.assign(n + 1, 0);
  for (const std::uint64_t entry : slot_entries_) ++nearest_first_[(entry & kCommuneMask) + 1];
  for (std::size_t c = 0; c < n; ++c) nearest_first_[c + 1] += nearest_first_[c];
  by_minutes_.resize(slot_entries_.size());
  std::vector<std::uint32_t> next(nearest_first_.begin(), nearest_first_.end() - 1);
  for (std::uint32_t s = 0; s < slots; ++s) {
    const geo::RowId r = slot_row_[s];
    for (std::uint64_t e = table_.first[r]; e < table_.first[r + 1]; ++e)
      by_minutes_[next[table_.reach[e].commune]++] = {table_.reach[e].minutes, s};
  }
  for (geo::CommuneId c = 0; c < n; ++c)
    std::sort(by_minutes_.begin() + nearest_first_[c], by_minutes_.begin() + nearest_first_[c + 1],
              [](const Nearest& a, const Nearest& b) {
                return a.minutes != b.minutes ? a.minutes < b.minutes : a.slot < b.slot;
              });
  // Commune -> its first row after the baseline nearest that gives reach in the baseline: the
  // first candidate when the nearest stops giving reach (the rows in between gave none, and a
  // draw only takes hours away).
  base_.resize(n);
  for (geo::CommuneId c = 0; c < n; ++c) {
    Base& x = base_[c];
    x.nearest_minutes = baseline_.nearest_minutes[c];
    x.nearest_site = baseline_.nearest_site[c];
    x.reached = baseline_.reached[c];
    x.gap = baseline_.gap[c];
    x.has_permanence = baseline_.has_permanence[c];
    std::uint32_t i = nearest_first_[c];
    const std::uint32_t end = nearest_first_[c + 1];
    for (int found = 0; i < end; ++i)
      if (base_far_[by_minutes_[i].slot] == 0 && ++found == 2) break;
    x.fallback_at = i;
    x.fallback_minutes = i < end ? by_minutes_[i].minutes : kInf;
    x.fallback_slot = i < end ? by_minutes_[i].slot : kNone;
  }

  // The Gini's sort keys: a draw only lowers access, so the baseline's largest bounds them.
  const std::int64_t most = n == 0 ? 0 : *std::max_element(base_units_.begin(), base_units_.end());
  commune_bits_ = std::bit_width(n == 0 ? std::size_t{0} : n - 1);
  unit_bits_ = std::bit_width(static_cast<std::uint64_t>(most));
  // Keys wider than 64 bits would take access figures beyond 2^24 h per 10,000 inhabitants
  // in a large territory: summarise() then runs the full summary.
  exact_deltas_ = exact_deltas_ && commune_bits_ + unit_bits_ <= 64;
}

namespace {
// DrawScratch::mark bits.
constexpr std::uint8_t kPresence = 1, kNearest = 2;
}  // namespace

void DrawCoverage::evaluate(std::span<const std::uint8_t> active, DrawScratch& w) const {
  if (active.size() < posts_)
    throw Error("draw coverage: " + std::to_string(active.size()) + " flags for a deployment of " +
                std::to_string(posts_) + " posts");
  const std::size_t n = territory_.size();
  const std::size_t slots = slot_row_.size();
  if (w.mark.size() != n || w.slot_ratio.size() != slots) {
    w.units = base_units_;
    w.access_moved = false;
    w.changed.clear();
    w.slots.clear();
    w.mark.assign(n, 0);
    w.slot_mark.assign(slots, 0);
    w.slot_ratio = base_ratio_;
    w.slot_far = base_far_;
    w.change_buffer.resize(n);
    w.coverage = CommuneCoverage{};
    w.applied.clear();
  }
  w.filled = false;
  // The previous draw back to the baseline: its slots and marks.
  for (const std::uint32_t s : w.slots) {
    w.slot_ratio[s] = base_ratio_[s];
    w.slot_far[s] = base_far_[s];
  }
  w.slots.clear();
  // Access moves in most communes of a draw that loses posts (91 % of France's when a third
  // go): the whole array is restored, with no per-commune bookkeeping in the loop over the
  // lost rows' entries.
  if (std::exchange(w.access_moved, false))
    std::copy(base_units_.begin(), base_units_.end(), w.units.begin());
  std::uint8_t* const mark = w.mark.data();
  for (const geo::CommuneId c : w.changed) mark[c] = 0;
  w.presence.clear();

  // The rows and places of the posts lost; the terms of the rows only they held.
  std::int64_t* const units = w.units.data();
  const std::uint64_t* const merged = post_entries_.data();
  const std::size_t lost = select(
      posts_, [&](std::size_t p) { return active[p] == 0; }, w.lost);
  for (std::size_t k = 0; k < lost; ++k) {
    const PostId p = w.lost[k];
    // Each lost post's list starts somewhere new: fetch the next ones' first lines meanwhile.
    if (k + 2 < lost) {
      const std::uint64_t* ahead = merged + post_entry_first_[w.lost[k + 2]];
      __builtin_prefetch(ahead);
      __builtin_prefetch(ahead + 8);
    }
    const std::uint32_t first = post_entry_first_[p], end = post_entry_first_[p + 1];
    for (std::uint32_t i = first; i < end; ++i)
      units[merged[i] & kCommuneMask] -= static_cast<std::int64_t>(merged[i] >> kCommuneBits);
    w.access_moved = w.access_moved || first != end;
    for (std::uint32_t i = post_slot_first_[p]; i < post_slot_first_[p + 1]; ++i)
      w.slot_mark[post_slots_[i]] = 1;
    for (std::uint32_t i = post_place_first_[p]; i < post_place_first_[p + 1]; ++i)
      mark[post_places_[i]] |= kPresence;
  }
  // In ascending order, so the loop below reads the rows' entries forwards through memory.
  select(
      slots, [&](std::size_t s) { return w.slot_mark[s] != 0; }, w.slots);
  // Each such row's hours pooled again from the posts left; its entries' access terms moved
  // from the baseline's to the new ones (taken away when it closes); the communes whose nearest
  // permanence it was marked when it no longer gives reach.
  const std::uint64_t* const entries = slot_entries_.data();
  for (const std::uint32_t s : w.slots) {
    w.slot_mark[s] = 0;
    double hours = 0;
    std::uint8_t flags = 0;
    for (std::uint32_t i = contribution_first_[s]; i < contribution_first_[s + 1]; ++i)
      if (active[contribution_post_[i]]) {
        hours += contribution_hours_[i];
        flags |= static_cast<std::uint8_t>(1u | (contribution_reach_[i] ? 2u : 0u));
      }
    const float far = flags & 2u ? 0.0f : kInf;
    const double ratio = flags != 0 && slot_demand_[s] > 0 ? hours / slot_demand_[s] : 0.0;
    w.slot_far[s] = far;
    w.slot_ratio[s] = ratio;
    const std::uint32_t first = slot_entry_first_[s], end = slot_entry_first_[s + 1];
    if (slot_merged_[s]) {
      // Closed with its post, whose merged entries took its terms away above.
    } else if (ratio == 0 && base_ratio_[s] != 0) {
      for (std::uint32_t i = first; i < end; ++i)
        units[entries[i] & kCommuneMask] -= static_cast<std::int64_t>(entries[i] >> kCommuneBits);
      w.access_moved = true;
    } else if (ratio != base_ratio_[s]) {
      const double scale = access_row_scale(ratio);
      for (std::uint32_t i = first; i < end; ++i)
        units[entries[i] & kCommuneMask] += access_units(scale, slot_weight_[i]) -
                                            static_cast<std::int64_t>(entries[i] >> kCommuneBits);
      w.access_moved = true;
    }
    if (base_far_[s] == 0 && far != 0)
      for (std::uint32_t i = slot_nearest_first_[s]; i < slot_nearest_first_[s + 1]; ++i)
        mark[slot_nearest_[i]] |= kNearest;
  }
  select(
      n, [&](std::size_t c) { return mark[c] != 0; }, w.changed);

  const std::vector<float>& thresholds = model_.options().thresholds_minutes;
  const float catchment = model_.catchment_minutes();
  const float* const slot_far = w.slot_far.data();
  const Nearest* const by_minutes = by_minutes_.data();
  const std::size_t changed = w.changed.size();
  DrawChange* const changes = w.change_buffer.data();
  for (std::size_t k = 0; k < changed; ++k) {
    const geo::CommuneId c = w.changed[k];
    const std::uint8_t m = mark[c];
    const Base& base = base_[c];
    // The scans below start at scattered places of a table too large for the caches: fetch
    // a few communes ahead so the misses overlap.
    if (k + 8 < changed) {
      const Base& ahead = base_[w.changed[k + 8]];
      if (ahead.fallback_slot != kNone && slot_far[ahead.fallback_slot] != 0)
        __builtin_prefetch(by_minutes + ahead.fallback_at + 1);
    }
    DrawChange x{.commune = c,
                 .nearest_minutes = base.nearest_minutes,
                 .base_nearest_minutes = base.nearest_minutes,
                 .nearest_site = base.nearest_site,
                 .reached = base.reached,
                 .base_reached = base.reached,
                 .gap = base.gap,
                 .base_gap = base.gap,
                 .has_permanence = base.has_permanence,
                 .base_has_permanence = base.has_permanence,
                 .recomputed = m};
    if (m & kNearest) {
      // Its nearest row closed or no longer gives reach: the first that still does, in
      // (minutes, slot) order, is the lowest row among the closest, as compute() finds it.
      x.nearest_minutes = kInf;
      x.nearest_site = kNoCommune;
      if (base.fallback_slot != kNone && slot_far[base.fallback_slot] == 0) {
        x.nearest_minutes = base.fallback_minutes;
        x.nearest_site = slot_site_[base.fallback_slot];
      } else if (base.fallback_slot != kNone) {
        for (std::uint32_t i = base.fallback_at + 1; i < nearest_first_[c + 1]; ++i)
          if (slot_far[by_minutes[i].slot] == 0) {
            x.nearest_minutes = by_minutes[i].minutes;
            x.nearest_site = slot_site_[by_minutes[i].slot];
            break;
          }
      }
      std::uint8_t mask = 0;
      for (std::size_t t = 0; t < thresholds.size(); ++t)
        if (x.nearest_minutes <= thresholds[t]) mask |= std::uint8_t(1u << t);
      x.reached = mask;
      x.gap = !(x.nearest_minutes <= catchment);
    }
    if (m & kPresence) {
      double presence = 0, visits = 0;
      for (std::uint32_t i = presence_first_[c]; i < presence_first_[c + 1]; ++i)
        if (active[presence_post_[i]]) {
          presence += presence_hours_[i];
          visits += presence_visits_[i];  // 0 for sites: adds nothing
        }
      w.presence.push_back({presence, visits});
      x.has_permanence = presence > 0;
    }
    x.moved = x.nearest_minutes != x.base_nearest_minutes || x.reached != x.base_reached ||
              x.has_permanence != x.base_has_permanence;
    changes[k] = x;
  }
  w.change_count = changed;
}

const CommuneCoverage& DrawCoverage::coverage(DrawScratch& w) const {
  if (w.filled) return w.coverage;
  if (w.units.size() != territory_.size())
    throw Error("draw coverage: coverage() asked before any draw was evaluated");
  CommuneCoverage& out = w.coverage;
  const CommuneCoverage& b = baseline_;
  if (out.size() != b.size()) {
    out = b;
    w.applied.clear();
  }
  // What the array holds of an earlier draw back to the baseline, then this draw's changes.
  for (const DrawChange& x : w.applied) {
    const geo::CommuneId c = x.commune;
    if (x.recomputed & kNearest) {
      out.nearest_minutes[c] = b.nearest_minutes[c];
      out.nearest_site[c] = b.nearest_site[c];
      out.reached[c] = b.reached[c];
      out.gap[c] = b.gap[c];
    }
    if (x.recomputed & kPresence) {
      out.visits_per_month[c] = b.visits_per_month[c];
      out.presence_hours_per_month[c] = b.presence_hours_per_month[c];
      out.has_permanence[c] = b.has_permanence[c];
    }
  }
  std::size_t p = 0;
  for (const DrawChange& x : w.changes()) {
    const geo::CommuneId c = x.commune;
    if (x.recomputed & kNearest) {
      out.nearest_minutes[c] = x.nearest_minutes;
      out.nearest_site[c] = x.nearest_site;
      out.reached[c] = x.reached;
      out.gap[c] = x.gap;
    }
    if (x.recomputed & kPresence) {
      out.presence_hours_per_month[c] = w.presence[p].hours_per_month;
      out.visits_per_month[c] = w.presence[p].visits_per_month;
      out.has_permanence[c] = x.has_permanence;
      ++p;
    }
  }
  w.applied.assign(w.changes().begin(), w.changes().end());
  for (geo::CommuneId c = 0; c < b.size(); ++c) out.access[c] = access_hours(w.units[c]);
  w.filled = true;
  return out;
}

std::size_t DrawCoverage::merged_slots() const {
  return static_cast<std::size_t>(std::count(slot_merged_.begin(), slot_merged_.end(), 1));
}

void DrawCoverage::summarise(DrawScratch& w, DrawSummary& out) const {
  if (!exact_deltas_) {
    model_.summarise(coverage(w), w.full, w.groups);
    out.assign(w.groups);
    return;
  }
  const DrawSummary& base = baseline_summary_;
  const std::size_t nt = base.thresholds;
  out.thresholds = nt;
  out.population = base.population;
  out.reached = base.reached;
  out.priority_reached = base.priority_reached;
  out.gap_population = base.gap_population;
  out.priority_gap_population = base.priority_gap_population;
  const detail::SummaryRows rows(territory_);
  for (const DrawChange& x : w.changes()) {
    if (x.reached == x.base_reached && x.gap == x.base_gap) continue;
    const double pop = territory_.population[x.commune];
    const double prio = territory_.priority_population[x.commune];
    rows.for_each(x.commune, [&](std::size_t row) {
      for (std::size_t t = 0; t < nt; ++t) {
        const int d = int((x.reached >> t) & 1u) - int((x.base_reached >> t) & 1u);
        if (d == 0) continue;
        out.reached[row * nt + t] += d > 0 ? pop : -pop;
        out.priority_reached[row * nt + t] += d > 0 ? prio : -prio;
      }
      if (x.gap != x.base_gap) {
        out.gap_population[row] += x.gap ? pop : -pop;
        out.priority_gap_population[row] += x.gap ? prio : -prio;
      }
    });
  }

  // Mean access and Gini of the whole territory: CoverageModel::summarise's walk, row 0 only,
  // in the same (access, commune) order: access is its units scaled by a power of two, so
  // sorting the units sorts the access figures, and the keys are listed in commune order.
  const std::size_t n = territory_.size();
  w.keys.resize(n);
  for (geo::CommuneId c = 0; c < n; ++c)
    w.keys[c] = (static_cast<std::uint64_t>(w.units[c]) << commune_bits_) | c;
  detail::radix_sort_bits(w.keys, w.key_buffer, w.key_count, commune_bits_,
                          commune_bits_ + unit_bits_);
  const std::uint64_t commune_mask = (std::uint64_t{1} << commune_bits_) - 1;
  const double* const population = territory_.population.data();
  const std::uint64_t* const keys = w.keys.data();
  double before = 0, weighted = 0, access = 0;
  for (std::size_t i = 0; i < n; ++i) {
    // Communes come in access order, their populations from all over: fetch ahead.
    if (i + 16 < n) __builtin_prefetch(population + (keys[i + 16] & commune_mask));
    const double p = population[keys[i] & commune_mask];
    const double pa = p * access_hours(static_cast<std::int64_t>(keys[i] >> commune_bits_));
    weighted += pa * (2 * before + p);
    access += pa;
    before += p;
  }
  const double pop = out.population.empty() ? 0 : out.population[0];
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.mean_access = pop > 0 ? access / pop : nan;
  out.gini_access = pop > 0 && access > 0 ? (weighted - pop * access) / (pop * access) : nan;
}

}  // namespace covsim::sim
