// Two plans of one territory side by side (plan A and plan B: two scenarios, or two saved
// runs): per threshold and per group the population reached, communes holding a permanence and
// mean access of each, and their difference; per commune whether B is better, worse or the same
// as A, and whether it gains or loses a permanence.
//
//   Comparison c = compare_plans(territory, plan_figures("A", a), plan_figures("B", b), {});
//   if (c.identical()) std::cout << "no difference\n";
//
// Per commune, with m the minutes to the nearest permanence that gives reach (+infinity beyond
// the travel table's cut-off): B is better when m_B < m_A − tolerance_minutes (or A reaches no
// permanence within the cut-off and B does), worse in the mirror case, unchanged otherwise. A
// commune gains a permanence when it has one in B and not in A, loses it in the mirror case.
// A commune is reached within T when m ≤ T, as in sim/coverage.hpp. Mean access is
// population-weighted (NaN when a side does not give access, as a saved run's after-renewal
// state may not).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "geo/territory.hpp"
#include "sim/coverage.hpp"
#include "sim/run_result.hpp"

namespace covsim::sim {

// One side, per commune in the territory's order.
struct PlanFigures {
  std::string label;  // "A: scenario.yaml (after renewal)"
  std::vector<float> minutes;
  std::vector<double> access;  // weekly advisor-hours per 10,000 inhabitants; NaN: unknown
  std::vector<std::uint8_t> has_permanence;
};
PlanFigures plan_figures(std::string label, const CommuneCoverage& coverage);

struct CompareOptions {
  std::vector<float> thresholds_minutes{15, 20, 30};
  // Minutes closer or farther that count as a change; below, a commune is unchanged (saved runs
  // hold minutes to 0.1 and exact reach flags, so a plan compared with its saved run shows no
  // change at any tolerance of 0.05 min or more).
  double tolerance_minutes = 0.5;
  std::string group_key = "epci";  // the groups compared side by side ("" for none)
};

enum class Change : std::int8_t { worse = -1, unchanged = 0, better = 1 };

struct Comparison {
  std::vector<float> thresholds_minutes;
  std::string label_a, label_b;
  // Per commune.
  std::vector<Change> change;
  std::vector<std::int8_t> permanence;  // +1 gained in B, -1 lost in B, 0 same
  // Rows: 0 is the whole territory, then each group of group_key. Per-threshold figures are
  // flat: [row * thresholds + t].
  std::vector<std::string> row_code, row_name;
  std::vector<double> population;
  std::vector<double> reached_a, reached_b;
  std::vector<std::uint32_t> permanence_a, permanence_b;
  std::vector<double> access_a, access_b;
  std::vector<std::uint32_t> better, worse, gained, lost;  // communes

  std::size_t rows() const { return population.size(); }
  std::size_t thresholds() const { return thresholds_minutes.size(); }
  // No commune changes and every figure is equal.
  bool identical() const;
};

// Throws covsim::Error when a side's columns do not have one value per commune or group_key is
// not a grouping of the territory.
Comparison compare_plans(const geo::Territory& territory, const PlanFigures& a,
                         const PlanFigures& b, const CompareOptions& options = {});

// One row per (summary row, threshold): grouping, code, name, threshold, population, reached in
// A and B and the difference, communes with a permanence in A and B and the difference, mean
// access in A and B and the difference, communes better, worse, gaining and losing a
// permanence (these last the same on every threshold's row).
Table comparison_table(const Comparison& comparison);
// One row per commune: code, name, minutes in A and B, change (better, worse, unchanged),
// permanence in A and B, permanence change (gained, lost, "").
Table comparison_communes_table(const Comparison& comparison, const geo::Territory& territory,
                                const PlanFigures& a, const PlanFigures& b);

}  // namespace covsim::sim
