#include "sim/compare.hpp"

#include <cmath>
#include <limits>

#include "geo/error.hpp"

namespace covsim::sim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Equal within `tolerance`, NaN included: a figure unknown on both sides is no difference.
bool same(double a, double b, double tolerance = 0) {
  return a == b || std::abs(a - b) <= tolerance || (std::isnan(a) && std::isnan(b));
}

// Saved runs hold access to 0.01 (geo::decimals_of its unit): a mean of values each within
// 0.005 of the exact ones is within 0.005 of the exact mean.
constexpr double kSavedAccess = 0.005 + 1e-9;

Change change_of(float a, float b, double tolerance) {
  const bool ra = std::isfinite(a), rb = std::isfinite(b);
  if (!ra && !rb) return Change::unchanged;
  if (!ra) return Change::better;
  if (!rb) return Change::worse;
  if (static_cast<double>(b) < static_cast<double>(a) - tolerance) return Change::better;
  if (static_cast<double>(b) > static_cast<double>(a) + tolerance) return Change::worse;
  return Change::unchanged;
}

double finite_or_nan(float m) { return std::isfinite(m) ? m : kNaN; }

}  // namespace

PlanFigures plan_figures(std::string label, const CommuneCoverage& coverage) {
  return {std::move(label), coverage.nearest_minutes, coverage.access, coverage.has_permanence};
}

bool Comparison::identical() const {
  for (std::size_t c = 0; c < change.size(); ++c)
    if (change[c] != Change::unchanged || permanence[c] != 0) return false;
  for (std::size_t i = 0; i < reached_a.size(); ++i)
    if (!same(reached_a[i], reached_b[i])) return false;
  for (std::size_t r = 0; r < rows(); ++r)
    if (permanence_a[r] != permanence_b[r] || !same(access_a[r], access_b[r], kSavedAccess))
      return false;
  return true;
}

Comparison compare_plans(const geo::Territory& t, const PlanFigures& a, const PlanFigures& b,
                         const CompareOptions& o) {
  const std::size_t n = t.size();
  for (const PlanFigures* side : {&a, &b})
    if (side->minutes.size() != n || side->access.size() != n || side->has_permanence.size() != n)
      throw Error("compare: " + side->label + " does not give one figure per commune");
  const geo::Grouping* grouping = nullptr;
  if (!o.group_key.empty()) {
    grouping = t.grouping(o.group_key);
    if (grouping == nullptr)
      throw Error("compare: the territory has no grouping \"" + o.group_key + "\"");
  }
  Comparison cmp;
  cmp.thresholds_minutes = o.thresholds_minutes;
  cmp.label_a = a.label;
  cmp.label_b = b.label;
  const std::size_t rows = 1 + (grouping ? grouping->size() : 0);
  const std::size_t nt = o.thresholds_minutes.size();
  cmp.row_code.push_back("all");
  cmp.row_name.push_back(t.source);
  if (grouping)
    for (geo::GroupId g = 0; g < grouping->size(); ++g) {
      cmp.row_code.push_back(grouping->codes[g]);
      cmp.row_name.push_back(grouping->names[g]);
    }
  cmp.population.assign(rows, 0.0);
  cmp.reached_a.assign(rows * nt, 0.0);
  cmp.reached_b.assign(rows * nt, 0.0);
  cmp.permanence_a.assign(rows, 0);
  cmp.permanence_b.assign(rows, 0);
  cmp.access_a.assign(rows, 0.0);
  cmp.access_b.assign(rows, 0.0);
  cmp.better.assign(rows, 0);
  cmp.worse.assign(rows, 0);
  cmp.gained.assign(rows, 0);
  cmp.lost.assign(rows, 0);
  cmp.change.resize(n);
  cmp.permanence.resize(n);
  for (geo::CommuneId c = 0; c < n; ++c) {
    const double pop = t.population[c];
    cmp.change[c] = change_of(a.minutes[c], b.minutes[c], o.tolerance_minutes);
    cmp.permanence[c] =
        static_cast<std::int8_t>(int{b.has_permanence[c] != 0} - int{a.has_permanence[c] != 0});
    auto add = [&](std::size_t r) {
      cmp.population[r] += pop;
      for (std::size_t k = 0; k < nt; ++k) {
        if (a.minutes[c] <= o.thresholds_minutes[k]) cmp.reached_a[r * nt + k] += pop;
        if (b.minutes[c] <= o.thresholds_minutes[k]) cmp.reached_b[r * nt + k] += pop;
      }
      cmp.permanence_a[r] += a.has_permanence[c] != 0;
      cmp.permanence_b[r] += b.has_permanence[c] != 0;
      cmp.access_a[r] += pop * a.access[c];  // a NaN makes the mean NaN: unknown
      cmp.access_b[r] += pop * b.access[c];
      cmp.better[r] += cmp.change[c] == Change::better;
      cmp.worse[r] += cmp.change[c] == Change::worse;
      cmp.gained[r] += cmp.permanence[c] > 0;
      cmp.lost[r] += cmp.permanence[c] < 0;
    };
    add(0);
    if (grouping && grouping->of[c] != geo::kNoGroup) add(1 + grouping->of[c]);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    const double pop = cmp.population[r];
    cmp.access_a[r] = pop > 0 ? cmp.access_a[r] / pop : kNaN;
    cmp.access_b[r] = pop > 0 ? cmp.access_b[r] / pop : kNaN;
  }
  return cmp;
}

Table comparison_table(const Comparison& cmp) {
  const std::size_t nt = cmp.thresholds();
  std::vector<std::string> grouping, code, name;
  std::vector<double> threshold, population, ra, rb, rd, pa, pb, pd, aa, ab, ad, better, worse,
      gained, lost;
  for (std::size_t r = 0; r < cmp.rows(); ++r)
    for (std::size_t k = 0; k < nt; ++k) {
      grouping.push_back(r == 0 ? "all" : "group");
      code.push_back(cmp.row_code[r]);
      name.push_back(cmp.row_name[r]);
      threshold.push_back(cmp.thresholds_minutes[k]);
      population.push_back(cmp.population[r]);
      ra.push_back(cmp.reached_a[r * nt + k]);
      rb.push_back(cmp.reached_b[r * nt + k]);
      rd.push_back(rb.back() - ra.back());
      pa.push_back(cmp.permanence_a[r]);
      pb.push_back(cmp.permanence_b[r]);
      pd.push_back(pb.back() - pa.back());
      aa.push_back(cmp.access_a[r]);
      ab.push_back(cmp.access_b[r]);
      ad.push_back(ab.back() - aa.back());
      better.push_back(cmp.better[r]);
      worse.push_back(cmp.worse[r]);
      gained.push_back(cmp.gained[r]);
      lost.push_back(cmp.lost[r]);
    }
  Table t;
  t.name = "comparison";
  const std::string access = "h/week per 10,000 inhabitants";
  add_texts(t, "grouping", "\"all\" for the whole territory, \"group\" for a group.",
            std::move(grouping));
  add_texts(t, "code", "Group code.", std::move(code));
  add_texts(t, "name", "Group name.", std::move(name));
  add_numbers(t, "threshold_minutes", geo::FieldKind::real, "min", "Threshold.",
              std::move(threshold));
  add_numbers(t, "population", geo::FieldKind::real, "inhabitants", "Population.",
              std::move(population));
  add_numbers(t, "reached_a", geo::FieldKind::real, "inhabitants",
              "Reached within the threshold in A.", std::move(ra));
  add_numbers(t, "reached_b", geo::FieldKind::real, "inhabitants",
              "Reached within the threshold in B.", std::move(rb));
  add_numbers(t, "reached_difference", geo::FieldKind::real, "inhabitants", "B minus A.",
              std::move(rd));
  add_numbers(t, "permanence_a", geo::FieldKind::integer, "communes",
              "Communes holding a permanence in A.", std::move(pa));
  add_numbers(t, "permanence_b", geo::FieldKind::integer, "communes",
              "Communes holding a permanence in B.", std::move(pb));
  add_numbers(t, "permanence_difference", geo::FieldKind::integer, "communes", "B minus A.",
              std::move(pd));
  add_numbers(t, "access_a", geo::FieldKind::real, access,
              "Mean access in A (population-weighted).", std::move(aa));
  add_numbers(t, "access_b", geo::FieldKind::real, access,
              "Mean access in B (population-weighted).", std::move(ab));
  add_numbers(t, "access_difference", geo::FieldKind::real, access, "B minus A.", std::move(ad));
  add_numbers(t, "communes_better", geo::FieldKind::integer, "communes",
              "Communes nearer a permanence in B.", std::move(better));
  add_numbers(t, "communes_worse", geo::FieldKind::integer, "communes",
              "Communes farther from a permanence in B.", std::move(worse));
  add_numbers(t, "permanence_gained", geo::FieldKind::integer, "communes",
              "Communes with a permanence in B and not in A.", std::move(gained));
  add_numbers(t, "permanence_lost", geo::FieldKind::integer, "communes",
              "Communes with a permanence in A and not in B.", std::move(lost));
  return t;
}

Table comparison_communes_table(const Comparison& cmp, const geo::Territory& territory,
                                const PlanFigures& a, const PlanFigures& b) {
  std::vector<double> ma, mb, pa, pb;
  std::vector<std::string> change, permanence;
  for (geo::CommuneId c = 0; c < territory.size(); ++c) {
    ma.push_back(finite_or_nan(a.minutes[c]));
    mb.push_back(finite_or_nan(b.minutes[c]));
    pa.push_back(a.has_permanence[c]);
    pb.push_back(b.has_permanence[c]);
    change.emplace_back(cmp.change[c] == Change::better  ? "better"
                        : cmp.change[c] == Change::worse ? "worse"
                                                         : "unchanged");
    permanence.emplace_back(cmp.permanence[c] > 0 ? "gained" : cmp.permanence[c] < 0 ? "lost" : "");
  }
  Table t;
  t.name = "comparison_communes";
  add_texts(t, "code", "Commune code.", territory.code);
  add_texts(t, "name", "Commune name.", territory.name);
  add_numbers(t, "minutes_a", geo::FieldKind::real, "min",
              "Minutes to the nearest permanence in A (empty beyond the cut-off).", std::move(ma));
  add_numbers(t, "minutes_b", geo::FieldKind::real, "min",
              "Minutes to the nearest permanence in B (empty beyond the cut-off).", std::move(mb));
  add_texts(t, "change", "better, worse or unchanged in B.", std::move(change));
  add_numbers(t, "permanence_a", geo::FieldKind::boolean, "", "A permanence in the commune in A.",
              std::move(pa));
  add_numbers(t, "permanence_b", geo::FieldKind::boolean, "", "A permanence in the commune in B.",
              std::move(pb));
  add_texts(t, "permanence_change", "gained or lost in B; empty when the same.",
            std::move(permanence));
  return t;
}

}  // namespace covsim::sim
