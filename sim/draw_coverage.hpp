// Coverage of a renewal draw on the base deployment, recomputed only where the draw changes it.
// A sweep draw that keeps the base plan (policy none) closes the sites and stops of the posts
// it loses: only the communes within the cut-off of those sites' table rows can change their
// nearest site, reach or access (E2SFCA's step-one denominator depends on populations only, so
// a lost site changes no other site's ratio), and only the communes hosting them their
// presence. Those are recomputed, the others keep the baseline's values; group figures move by
// the changed communes' deltas.
//
//   DrawCoverage draws(model, deployment);
//   draws.evaluate(active, scratch);     // scratch.coverage == model.compute(deployment, active)
//   draws.summarise(scratch, summary);   // the fields of model.summarise(scratch.coverage)
//
// Identical, bit for bit, to the full computation, not merely close:
//  - a recomputed commune sums its access over the active rows in ascending row order, as
//    CoverageModel::compute does, from each row's hours pooled in the deployment's order;
//  - group populations reached or in a gap move by ± population, exact when every population
//    and priority population is a whole number (sums of integers below 2^53 do not depend on
//    their order); otherwise summarise() runs the full summary;
//  - mean access and Gini of the whole territory walk every commune in (access, commune) order
//    with the same sums as CoverageModel::summarise (the sort is the part left per draw).
// Cost: the lost posts' table rows and the communes they reach, plus one sort of every
// commune's access; per-group access figures (mean, Gini), which a sweep does not report, are
// not computed.
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

// Per-thread state of one DrawCoverage, kept from draw to draw (a draw first undoes the last).
struct DrawScratch {
  CommuneCoverage coverage;             // the last draw's, every commune
  std::vector<geo::CommuneId> changed;  // ascending: communes recomputed by the last draw
  // Ascending, among `changed`: nearest minutes, reach or permanence differ from the baseline.
  std::vector<geo::CommuneId> moved;

  std::vector<std::uint8_t> mark;  // commune -> bit 0: recompute reach, bit 1: presence
  std::vector<std::uint32_t> slots;
  std::vector<geo::CommuneId> access_list;
  std::vector<std::uint8_t> slot_mark;
  std::vector<double> slot_ratio;  // base row slot -> hours / demand in this draw, 0 when closed
  std::vector<float> slot_far;     // slot -> 0 when it gives reach in this draw, +infinity if not
  std::vector<detail::KeyedCommune> order, order_buffer;
  CoverageScratch full;  // summarise() without exact deltas
  GroupCoverage groups;
};

class DrawCoverage {
 public:
  // Keeps references to `model` and `base`. Throws covsim::Error when a site or stop of `base`
  // has no table row.
  DrawCoverage(const CoverageModel& model, const Deployment& base);

  // Coverage of `base` with the posts `active[p] != 0`, as CoverageModel::compute. Throws
  // covsim::Error when `active` does not hold a flag for every post `base` names.
  void evaluate(std::span<const std::uint8_t> active, DrawScratch& scratch) const;
  // The figures of CoverageModel::summarise(scratch.coverage) that DrawSummary holds.
  void summarise(DrawScratch& scratch, DrawSummary& out) const;

  const CommuneCoverage& baseline() const { return baseline_; }
  // Whether summarise() moves group sums by deltas (whole-number populations) or runs in full.
  bool exact_deltas() const { return exact_deltas_; }

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
  std::vector<double> presence_hours_;             // per month
  std::vector<double> presence_visits_;            // days per month (stops), 0 for sites
  std::vector<std::uint32_t> base_nearest_;        // commune -> slot of its nearest site, or none
  std::vector<std::uint32_t> slot_commune_first_;  // slot -> the communes its row reaches
  std::vector<geo::CommuneId> slot_communes_;
  // Commune -> the slots reaching it within the cut-off, ascending: slot, decay weight, minutes.
  struct Entry {
    std::uint32_t slot;
    float weight;
    float minutes;
  };
  std::vector<std::uint32_t> entry_first_;
  std::vector<Entry> entries_;
  struct Nearest {
    float minutes;
    std::uint32_t slot;
  };
  std::vector<Nearest> by_minutes_;  // each commune's entries by (minutes, slot)
};

}  // namespace covsim::sim
