// Who can reach an advisor: per commune, minutes to the nearest active site, reach within each
// threshold, advisor-hours accessible per 10,000 inhabitants (enhanced two-step floating
// catchment), roaming visits and gaps; per group (every grouping of the territory) and overall,
// the population figures and equity of access. A CoverageModel is built once per territory and
// table; compute() then reads only the table rows of active sites, so a renewal sweep calls it
// for many draws with one CoverageScratch per thread.
//
//   CoverageModel model(territory, table, CoverageOptions{.thresholds_minutes = {20, 30}});
//   model.compute(deployment, active_posts, scratch, communes);  model.summarise(communes, scratch,
//   groups);
//
// Access (E2SFCA with a Gaussian decay, Dai 2010), catchment d0 = catchment_minutes:
//   w(d)  = (exp(-d² / (2 d0²)) − exp(-1/2)) / (1 − exp(-1/2))   for d ≤ d0, 0 beyond
//           (1 at the site, 0 at the catchment's edge)
//   R_j   = S_j / Σ_k P_k w(d_kj)        S_j weekly hours at site j, P_k population of commune k
//   A_i   = 10,000 × Σ_j R_j w(d_ij)     (weekly advisor-hours per 10,000 inhabitants)
// A roaming stop is a site too, supplying its presence hours per month / weeks_per_month a
// week. Several posts at one commune pool their hours. A_i is summed in fixed point (see
// access_units below): each term rounded to 2^-24 h, so a commune's figure is within 1e-4 h of
// the real-valued one even with a thousand sites in reach (outputs show 0.01 h), and the same
// whatever order its terms are added in.
//
// Reach and gaps: a commune is reached within threshold T when a permanence is at most T
// minutes away: a fixed site, or a roaming stop held at least min_visits_per_month days a
// month (a rarer stop adds to access only, and rare_stop_notes() says so). It is in a gap when
// it is not reached within catchment_minutes. "No reach": reached within no threshold at all.
//
// Presence: hours a month that advisors hold a permanence in the commune itself (fixed sites'
// weekly hours × weeks_per_month, plus roaming stops' hours); has_permanence when above 0. After
// renewal, a commune loses reach within T when reached before and not after, and loses its
// permanence when it had one before and none after (lost_reach, lost_permanence, CoverageLoss).
//
// Gini of access over a group (population-weighted; communes sorted by access, F_i the
// population of the communes before i, P the group's population, S = Σ P_i A_i):
//   G = Σ_i P_i A_i (2 F_i + P_i − P) / (P S)
// which equals Σ_i Σ_j P_i P_j |A_i − A_j| / (2 P² mean(A)): 0 when all have equal access,
// towards 1 when one commune holds it all. NaN when nobody in the group has any access (or it
// has no population); mean access is NaN for a group without population.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "geo/territory.hpp"
#include "geo/travel_table.hpp"
#include "sim/deployment.hpp"

namespace covsim::sim {

inline constexpr geo::CommuneId kNoCommune = std::numeric_limits<geo::CommuneId>::max();

// Access in fixed point: each term 10,000 R_j w(d_ij) of A_i is rounded to the nearest
// multiple of 2^-24 weekly advisor-hours per 10,000 inhabitants and the terms are added as
// integers. An integer sum does not depend on its order, so a sweep draw (sim/draw_coverage.hpp)
// takes the terms of the sites it loses away from the baseline's sums and lands exactly on the
// sum over the sites left, without adding up the others again. compute() and the draws both
// go through these two functions, so they round every term identically.
inline constexpr double kAccessUnits = 0x1p24;  // fixed-point units per advisor-hour
// Units of one hour of R_j (hours per weighted inhabitant) at weight 1, for access_units.
inline double access_row_scale(double ratio) { return ratio * (10'000 * kAccessUnits); }
inline std::int64_t access_units(double row_scale, float weight) {
  return static_cast<std::int64_t>(row_scale * weight + 0.5);  // terms are >= 0
}
inline double access_hours(std::int64_t units) {
  return static_cast<double>(units) / kAccessUnits;  // exact below 2^53 units (2^29 h)
}

struct CoverageOptions {
  // Ascending, each at most the travel table's cut-off; at most 8.
  std::vector<float> thresholds_minutes{15, 20, 30};
  // E2SFCA catchment and gap threshold; 0 means the largest threshold.
  float catchment_minutes = 0;
  // Roaming communes count as reached when visited at least this often.
  double min_visits_per_month = 1;
  double weeks_per_month = 52.0 / 12.0;
};

// Per commune, indexed by CommuneId.
struct CommuneCoverage {
  std::vector<float> nearest_minutes;            // +infinity: no active site within the cut-off
  std::vector<geo::CommuneId> nearest_site;      // commune of that site, kNoCommune
  std::vector<std::uint8_t> reached;             // bit t: reached within thresholds_minutes[t]
  std::vector<double> access;                    // weekly advisor-hours per 10,000 inhabitants
  std::vector<double> visits_per_month;          // days roaming stops are held, 0 when none
  std::vector<double> presence_hours_per_month;  // fixed sites and roaming stops
  std::vector<std::uint8_t> has_permanence;      // presence_hours_per_month > 0
  std::vector<std::uint8_t> gap;                 // 1: not reached within catchment_minutes

  std::size_t size() const { return nearest_minutes.size(); }
  bool reached_within(geo::CommuneId c, std::size_t threshold) const {
    return (reached[c] >> threshold) & 1u;
  }
};

// The two losses a renewal causes, defined once: bit t set when commune c is reached within
// threshold t before and not after; true when it had a permanence before and none after.
// Hot loops (a sweep's draws, a reallocation) call these per commune; every output reads the
// CoverageLoss below, computed once per renewal round.
inline std::uint8_t lost_reach(const CommuneCoverage& before, const CommuneCoverage& after,
                               geo::CommuneId c) {
  return before.reached[c] & static_cast<std::uint8_t>(~after.reached[c]);
}
inline bool lost_permanence(const CommuneCoverage& before, const CommuneCoverage& after,
                            geo::CommuneId c) {
  return before.has_permanence[c] && !after.has_permanence[c];
}

// Per commune (CommuneId), what a renewal round takes: lost_reach and lost_permanence of every
// commune.
struct CoverageLoss {
  std::vector<std::uint8_t> reach;       // bit t: loses reach within thresholds_minutes[t]
  std::vector<std::uint8_t> permanence;  // 1: loses its own permanence

  bool loses_reach(geo::CommuneId c, std::size_t threshold) const {
    return (reach[c] >> threshold) & 1u;
  }
  bool loses_permanence(geo::CommuneId c) const { return permanence[c] != 0; }
  // The communes losing reach within `threshold` (their permanence), by id.
  std::vector<geo::CommuneId> losing_reach(std::size_t threshold) const;
  std::vector<geo::CommuneId> losing_permanence() const;
};

CoverageLoss coverage_loss(const CommuneCoverage& before, const CommuneCoverage& after);

// Summary rows: row 0 is the whole territory, then every group of every grouping of the
// territory, in grouping order (CoverageModel::group_rows names them). Per-threshold figures
// are flat: [row * thresholds + t].
struct GroupCoverage {
  std::size_t thresholds = 0;
  std::vector<std::uint32_t> communes;
  std::vector<std::uint32_t> communes_no_reach;
  std::vector<double> population;
  std::vector<double> reached;  // population reached, per threshold
  std::vector<double> gap_population;
  std::vector<double> priority_population;
  std::vector<double> priority_reached;  // per threshold
  std::vector<double> priority_gap_population;
  std::vector<std::uint32_t> communes_with_permanence;
  std::vector<double> population_with_permanence;
  std::vector<double> mean_access;  // population-weighted
  std::vector<double> gini_access;

  std::size_t rows() const { return population.size(); }
  double reached_at(std::size_t row, std::size_t t) const { return reached[row * thresholds + t]; }
  double priority_reached_at(std::size_t row, std::size_t t) const {
    return priority_reached[row * thresholds + t];
  }
};

// Names of the summary rows: grouping key ("all" for row 0), group code and name.
struct GroupRows {
  std::vector<std::string> grouping;
  std::vector<std::string> code;
  std::vector<std::string> name;
};

// Per-thread buffers: sized on first use, reused by every later call.
struct CoverageScratch {
  std::vector<double> row_hours;       // table row -> pooled weekly hours, zero between calls
  std::vector<std::uint8_t> row_used;  // table row -> bit 0: in active_rows, bit 1: gives reach
  std::vector<geo::RowId> active_rows;
  struct Commune {  // what the hot loop updates, together in one cache line
    float minutes;
    geo::CommuneId site;
    std::int64_t access;  // access_units
  };
  std::vector<Commune> communes;
  std::vector<std::pair<std::uint64_t, geo::CommuneId>> order;  // (access bits, commune)
  std::vector<std::pair<std::uint64_t, geo::CommuneId>> order_buffer;
  std::vector<double> group_sums;
};

class CoverageModel {
 public:
  // Keeps references to `territory` and `table`: both must outlive the model. Throws
  // covsim::Error when a threshold or the catchment exceeds the table's cut-off, thresholds
  // are not ascending and positive, or there are none or more than 8.
  CoverageModel(const geo::Territory& territory, const geo::TravelTable& table,
                CoverageOptions options);

  const CoverageOptions& options() const { return options_; }
  float catchment_minutes() const { return options_.catchment_minutes; }
  const GroupRows& group_rows() const { return rows_; }

  // Coverage of the sites and circuits whose post is active (`post_active[p] != 0`; an empty
  // span means every post). Reads only the table rows of active sites. Throws covsim::Error
  // when a site has no table row, or offers more than 2^20 h per 10,000 weighted inhabitants
  // of its catchment (over 100 h a week per inhabitant: populations missing around it).
  void compute(const Deployment& deployment, std::span<const std::uint8_t> post_active,
               CoverageScratch& scratch, CommuneCoverage& out) const;
  void summarise(const CommuneCoverage& communes, CoverageScratch& scratch,
                 GroupCoverage& out) const;

  // The Gaussian decay above, for tests and reports.
  double decay(float minutes) const;
  // Per table entry, the decay of its minutes; per table row, step one's denominator
  // Σ_k P_k w(d_kj). What compute() reads, for code that recomputes part of it.
  std::span<const float> entry_weights() const { return weight_; }
  std::span<const double> row_demand() const { return row_demand_; }
  const geo::TravelTable& table() const { return table_; }
  const geo::Territory& territory() const { return territory_; }

  // Whether a roaming stop held `visits_per_month` days a month counts as reach.
  bool stop_gives_reach(double visits_per_month) const {
    return visits_per_month > 0 && visits_per_month >= options_.min_visits_per_month;
  }
  // One note per round whose stops are held too rarely to count as reach (access only).
  std::vector<std::string> rare_stop_notes(const Deployment& deployment,
                                           const PostTable& posts) const;

 private:
  const geo::Territory& territory_;
  const geo::TravelTable& table_;
  CoverageOptions options_;
  GroupRows rows_;
  // Table entry -> w(minutes), as float: half the memory traffic of a draw, and a relative
  // error below 1e-7, far under what travel times are known to.
  std::vector<float> weight_;
  std::vector<double> row_demand_;  // table row -> Σ_k P_k w(d_kj): step one's denominator
};

}  // namespace covsim::sim
