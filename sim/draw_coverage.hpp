// Coverage of a renewal draw on the base deployment, recomputed only where the draw changes it.
// A sweep draw that keeps the base plan (policy none) closes the sites and stops of the posts
// it loses: only the communes within the cut-off of those sites' table rows can change their
// access (E2SFCA's step-one denominator depends on populations only, so a lost site changes no
// other site's ratio), only those whose nearest site gave reach at a lost row their nearest
// site and reach, and only the communes hosting the lost posts their presence.
//
//   DrawCoverage draws(model, deployment);
//   draws.evaluate(active, scratch);      // the communes the draw recomputed, as records
//   draws.summarise(scratch, summary);    // the fields of model.summarise of the draw
//   draws.coverage(scratch);              // == model.compute(deployment, active), on demand
//
// A sweep reads the records (DrawChange: a commune's figures before and after, written in one
// sequential list) and never the per-commune arrays, which coverage() fills only when asked:
// a draw touches the communes it changes once, not again to undo them at the next draw.
//
// Identical, bit for bit, to the full computation, not merely close:
//  - access is a sum of fixed-point integers (sim/coverage.hpp): a draw adds, for each entry of
//    a row whose hours changed, its new term minus its baseline term (the whole term when the
//    row closes) to the commune's baseline sum, which is the sum compute() makes over the rows
//    left, in any order; each row's hours are pooled from its posts left in compute()'s order;
//  - the nearest site of a commune whose baseline nearest row stops giving reach is the first
//    row in (minutes, row) order that still gives it, as compute() finds it;
//  - group populations reached or in a gap move by ± population, exact when every population
//    and priority population is a whole number (sums of integers below 2^53 do not depend on
//    their order); otherwise summarise() runs the full summary;
//  - mean access and Gini of the whole territory walk every commune in (access, commune) order
//    with the same sums as CoverageModel::summarise (the sort is the part left per draw).
// Cost: the entries of the rows the lost posts held (merged by commune per post for the rows a
// post holds alone), the communes whose nearest row closes, and one sort of every commune by
// access; per-group access figures (mean, Gini), which a sweep does not report, are not
// computed.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sim/coverage.hpp"
#include "sim/deployment.hpp"
#include "sim/detail/radix_sort.hpp"

namespace covsim::sim {

// What a sweep reads of a draw's summary rows (GroupCoverage's layout and meaning).
struct DrawSummary {
  std::size_t thresholds = 0;
  std::vector<double> population;        // per row
  std::vector<double> reached;           // per row and threshold
  std::vector<double> priority_reached;  // per row and threshold
  std::vector<double> gap_population;    // per row
  std::vector<double> priority_gap_population;
  double mean_access = 0;  // whole territory (row 0)
  double gini_access = 0;

  void assign(const GroupCoverage& g);
  double reached_at(std::size_t row, std::size_t t) const { return reached[row * thresholds + t]; }
  double priority_reached_at(std::size_t row, std::size_t t) const {
    return priority_reached[row * thresholds + t];
  }
};

// A commune a draw recomputed: its nearest permanence, reach and permanence before renewal and
// in the draw (CommuneCoverage's fields and meaning).
struct DrawChange {
  geo::CommuneId commune = 0;
  float nearest_minutes = 0, base_nearest_minutes = 0;
  geo::CommuneId nearest_site = 0;
  std::uint8_t reached = 0, base_reached = 0;
  bool gap = false, base_gap = false;
  bool has_permanence = false, base_has_permanence = false;
  std::uint8_t recomputed = 0;  // bit 0 presence (DrawScratch::presence), 1 nearest and reach
  // Nearest minutes, reach or permanence differ from the baseline (a commune recomputed may end
  // as it was: another row at the same minutes, fewer hours of presence).
  bool moved = false;
};

// Per-thread state of one DrawCoverage, kept from draw to draw (a draw first clears the last's
// marks and rows; coverage() undoes what it filled).
struct DrawScratch {
  // Ascending: communes whose nearest site and reach, or presence, the last draw recomputed
  // (access is recomputed in every commune when a draw changes any row's hours).
  std::vector<geo::CommuneId> changed;
  std::span<const DrawChange> changes() const { return {change_buffer.data(), change_count}; }
  // The presence of the changes whose bit 0 is set, in their order.
  struct Presence {
    double hours_per_month, visits_per_month;
  };
  std::vector<Presence> presence;

  std::vector<std::int64_t> units;  // commune -> access in fixed point (access_units)
  bool access_moved = false;        // units and access differ from the baseline's
  // The buffer of changes(), written without a capacity check per commune.
  std::vector<DrawChange> change_buffer;
  std::size_t change_count = 0;
  // DrawCoverage::coverage(): every commune, filled for the last draw when `filled`; `applied`
  // lists what it holds of an earlier draw.
  CommuneCoverage coverage;
  bool filled = false;
  std::vector<DrawChange> applied;
  // Commune -> what the last draw recomputed: bit 0 presence, 1 nearest and reach.
  std::vector<std::uint8_t> mark;
  std::vector<PostId> lost;          // the last draw's lost posts, ascending
  std::vector<std::uint32_t> slots;  // base row slots the last draw changed
  std::vector<std::uint8_t> slot_mark;
  std::vector<double> slot_ratio;  // base row slot -> hours / demand in this draw, 0 when closed
  std::vector<float> slot_far;     // slot -> 0 when it gives reach in this draw, +infinity if not
  std::vector<std::uint64_t> keys, key_buffer;  // (access units, commune), for the Gini
  std::vector<std::uint32_t> key_count;
  CoverageScratch full;  // summarise() without exact deltas
  GroupCoverage groups;
};

class DrawCoverage {
 public:
  // Territories up to this many communes (France has 34,868); a sweep of a larger one
  // recomputes every commune in every draw.
  static constexpr int kCommuneBits = 20;
  static constexpr std::size_t kMaxCommunes = std::size_t{1} << kCommuneBits;

  // Keeps references to `model` and `base`. Throws covsim::Error when a site or stop of `base`
  // has no table row, or the territory has more than kMaxCommunes communes.
  DrawCoverage(const CoverageModel& model, const Deployment& base);

  // Coverage of `base` with the posts `active[p] != 0`: scratch.changes(), and the
  // access of every commune. Throws covsim::Error when `active` does not hold a flag for every
  // post `base` names.
  void evaluate(std::span<const std::uint8_t> active, DrawScratch& scratch) const;
  // The figures of CoverageModel::summarise of the last draw that DrawSummary holds.
  void summarise(DrawScratch& scratch, DrawSummary& out) const;
  // The last draw's coverage of every commune, as CoverageModel::compute makes it (filled at
  // the first call after evaluate()).
  const CommuneCoverage& coverage(DrawScratch& scratch) const;

  const CommuneCoverage& baseline() const { return baseline_; }
  // Whether summarise() moves group sums by deltas (whole-number populations, access keys
  // within 64 bits) or runs in full.
  bool exact_deltas() const { return exact_deltas_; }
  // Slots a lost post's merged entries move, and slots moved entry by entry (for tests).
  std::size_t merged_slots() const;
  std::size_t pooled_slots() const { return slot_merged_.size() - merged_slots(); }

 private:
  const CoverageModel& model_;
  const geo::Territory& territory_;
  const geo::TravelTable& table_;
  CommuneCoverage baseline_;
  DrawSummary baseline_summary_;
  bool exact_deltas_ = false;
  std::size_t posts_ = 0;  // 1 + the largest post id of the base deployment

  // Slots: the table rows the base deployment uses, ascending. Each slot's contributions in the
  // order compute() pools them (sites, then rounds' stops).
  std::vector<geo::RowId> slot_row_;
  std::vector<geo::CommuneId> slot_site_;
  std::vector<double> slot_demand_;
  std::vector<double> base_ratio_;
  std::vector<float> base_far_;
  std::vector<std::uint32_t> contribution_first_;  // slot -> its contributions
  std::vector<PostId> contribution_post_;
  std::vector<double> contribution_hours_;  // weekly
  std::vector<std::uint8_t> contribution_reach_;
  // Post -> the slots it contributes to, and the communes where it is present.
  std::vector<std::uint32_t> post_slot_first_;
  std::vector<std::uint32_t> post_slots_;
  std::vector<std::uint32_t> post_place_first_;
  std::vector<geo::CommuneId> post_places_;
  // Commune -> its presence contributions in compute()'s order.
  std::vector<std::uint32_t> presence_first_;
  std::vector<PostId> presence_post_;
  std::vector<double> presence_hours_;   // per month
  std::vector<double> presence_visits_;  // days per month (stops), 0 for sites
  // Slot -> its row's entries: (baseline access units << kCommuneBits) | commune, one 8-byte
  // word the loop over a lost row reads (units stay below 2^44, see CoverageModel::compute),
  // and their decay weights.
  std::vector<std::uint32_t> slot_entry_first_;
  std::vector<std::uint64_t> slot_entries_;
  std::vector<float> slot_weight_;
  std::vector<std::int64_t> base_units_;  // commune -> baseline access units
  // A slot whose hours all come from one post closes exactly when that post goes. Per post, the
  // entries of all its such slots merged by commune (terms summed, in the packed layout above):
  // a roaming post's stops and a multi-centre post's sites reach largely the same communes, so
  // a lost post updates each once (France: 324,000 merged entries for 599,000). The other
  // slots (posts pooling a row) move entry by entry.
  std::vector<std::uint8_t> slot_merged_;
  std::vector<std::uint32_t> post_entry_first_;
  std::vector<std::uint64_t> post_entries_;
  // Slot -> the communes whose baseline nearest site (giving reach) is that slot's.
  std::vector<std::uint32_t> slot_nearest_first_;
  std::vector<geo::CommuneId> slot_nearest_;
  // Commune -> the slots reaching it within the cut-off by (minutes, slot): the nearest is the
  // first that still gives reach.
  struct Nearest {
    float minutes;
    std::uint32_t slot;
  };
  std::vector<std::uint32_t> nearest_first_;
  std::vector<Nearest> by_minutes_;
  // Commune -> what a draw reads of it: its baseline nearest permanence, reach and permanence,
  // and the first slot after its baseline nearest that gives reach in the baseline, with where
  // it is in by_minutes_ (a draw looks there first: over France it is still open for half the
  // communes whose nearest closed), in one record read in commune order before the lists.
  struct Base {
    float nearest_minutes;
    geo::CommuneId nearest_site;
    std::uint8_t reached;
    bool gap, has_permanence;
    float fallback_minutes;
    std::uint32_t fallback_slot;  // none: no other slot gives reach
    std::uint32_t fallback_at;
  };
  std::vector<Base> base_;
  // The Gini's sort keys (units << commune_bits_) | commune: a draw only lowers access, so the
  // baseline's largest units bound them at unit_bits_ bits.
  int commune_bits_ = 0, unit_bits_ = 0;
};

}  // namespace covsim::sim
