#include "geo/speed_calibration.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include "geo/detail/bounded_search.hpp"
#include "geo/detail/commune_vertices.hpp"
#include "geo/detail/ogr_layer.hpp"
#include "geo/error.hpp"

namespace covsim::geo {

ReferenceTable read_reference_table(const Territory& territory, const OdOptions& o) {
  const std::array<std::string, 3> columns{o.origin_column, o.destination_column, o.minutes_column};
  const std::array<std::string, 3> roles{"origin column", "destination column", "minutes column"};
  const detail::StringTable rows =
      detail::read_string_table(o.file, o.layer, columns, roles, o.access);
  ReferenceTable ref;
  ref.source = rows.source;
  for (std::size_t r = 0; r < rows.rows(); ++r) {
    CommuneId end[2];
    for (int c = 0; c < 2; ++c) {
      const auto id = territory.find(rows.columns[c][r]);
      if (!id)
        throw InputError(rows.source, rows.where[r],
                         "unknown commune code '" + rows.columns[c][r] + "' in " + columns[c] +
                             " (territory " + territory.source + ")");
      end[c] = *id;
    }
    const auto minutes = detail::parse_quantity(rows.columns[2][r]);
    if (!minutes)
      throw InputError(
          rows.source, rows.where[r],
          columns[2] + " must be a finite non-negative number, got '" + rows.columns[2][r] + "'");
    if (end[0] == end[1]) {
      ++ref.self_pairs;
      continue;
    }
    ref.pairs.push_back({end[0], end[1], *minutes});
  }
  return ref;
}

namespace {

// Minutes of `graph` for each pair, +infinity when it has no route; one search per origin.
std::vector<float> model_minutes(const TravelGraph& graph, const ReferenceTable& ref) {
  const detail::CommuneVertices at(graph);
  std::vector<std::uint32_t> order(ref.pairs.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return ref.pairs[a].from < ref.pairs[b].from;
  });
  std::vector<std::size_t> group_start;  // runs of pairs sharing an origin
  for (std::size_t i = 0; i < order.size(); ++i)
    if (i == 0 || ref.pairs[order[i]].from != ref.pairs[order[i - 1]].from)
      group_start.push_back(i);
  group_start.push_back(order.size());

  std::vector<float> out(ref.pairs.size(), detail::kUnreached);
  struct Scratch {
    detail::BoundedSearch search;
    std::vector<std::uint32_t> targets;
  };
  tbb::enumerable_thread_specific<Scratch> scratch([&] {
    return Scratch{detail::BoundedSearch(graph.forward), {}};
  });
  // Each pair's slot is written by the one task owning its origin: no dependence on threads.
  tbb::parallel_for(std::size_t{0}, group_start.size() - 1, [&](std::size_t g) {
    Scratch& s = scratch.local();
    s.targets.clear();
    for (std::size_t i = group_start[g]; i < group_start[g + 1]; ++i)
      s.targets.push_back(at.vertex(ref.pairs[order[i]].to));
    const CommuneId origin = ref.pairs[order[group_start[g]]].from;
    s.search.run(at.vertex(origin), at.access(origin), detail::kUnreached, s.targets);
    for (std::size_t i = group_start[g]; i < group_start[g + 1]; ++i)
      out[order[i]] = at.minutes(s.search, origin, ref.pairs[order[i]].to);
  });
  return out;
}

Agreement compare(std::span<const float> model, const ReferenceTable& ref,
                  std::span<const float> thresholds) {
  Agreement a;
  a.thresholds.assign(thresholds.begin(), thresholds.end());
  a.same_verdict.assign(thresholds.size(), 0);
  std::vector<double> ratios;
  double abs_error = 0;
  for (std::size_t i = 0; i < ref.pairs.size(); ++i) {
    if (!std::isfinite(model[i])) {
      ++a.unreachable;
      continue;
    }
    const double m = model[i], r = ref.pairs[i].minutes;
    ++a.pairs;
    abs_error += std::abs(m - r);
    if (r > 0) ratios.push_back(m / r);
    for (std::size_t t = 0; t < thresholds.size(); ++t)
      a.same_verdict[t] += (m <= thresholds[t]) == (r <= thresholds[t]);
  }
  if (a.pairs == 0) return a;
  a.mean_abs_error = abs_error / static_cast<double>(a.pairs);
  for (double& s : a.same_verdict) s /= static_cast<double>(a.pairs);
  if (!ratios.empty()) {
    auto nth = [&](double q) {
      const auto k = static_cast<std::size_t>(q * static_cast<double>(ratios.size() - 1));
      std::nth_element(ratios.begin(), ratios.begin() + static_cast<std::ptrdiff_t>(k),
                       ratios.end());
      return ratios[k];
    };
    a.median_ratio = nth(0.5);
    a.p10_ratio = nth(0.1);
  }
  return a;
}

// The parameters searched: log rural speed, log class speeds..., long-trip start / 10 and log
// speedup, so that equal steps mean comparable relative changes.
constexpr double kMinKmh = 5, kMaxKmh = 150;

SpeedModel model_at(const SpeedModel& start, const std::vector<double>& x) {
  SpeedModel m = start;
  auto kmh = [](double v) { return std::clamp(std::exp(v), kMinKmh, kMaxKmh); };
  m.speed_kmh = kmh(x[0]);
  for (std::size_t i = 0; i < m.density_classes.size(); ++i)
    m.density_classes[i].speed_kmh = kmh(x[1 + i]);
  const std::size_t t = 1 + m.density_classes.size();
  m.long_trip_from_minutes = std::max(0.0, 10 * x[t]);
  m.long_trip_speedup = std::clamp(std::exp(x[t + 1]), 1.0, 5.0);
  return m;
}

}  // namespace

Agreement agreement(const TravelGraph& graph, const ReferenceTable& reference,
                    std::span<const float> thresholds) {
  return compare(model_minutes(graph, reference), reference, thresholds);
}

SpeedCalibration calibrate_speed_model(const Territory& territory, const Adjacency& adjacency,
                                       const ReferenceTable& ref, const SpeedModel& start,
                                       const CalibrationOptions& o, Progress& progress) {
  SpeedCalibration out;
  const std::size_t classes = start.density_classes.size();
  std::vector<double> x{std::log(start.speed_kmh)};
  for (const DensityClass& d : start.density_classes) x.push_back(std::log(d.speed_kmh));
  x.push_back(start.long_trip_from_minutes / 10);
  x.push_back(std::log(start.long_trip_speedup));
  std::vector<double> step(x.size(), 0.2);
  std::vector<std::uint8_t> free(x.size(), 1);
  for (std::size_t i = 0; i < classes; ++i) free[1 + i] = o.fit_density;
  free[1 + classes] = free[2 + classes] = o.fit_long_trips;
  step[1 + classes] = 0.5;  // 5 minutes

  // Leg minutes depend only on the speeds: searched once per set of speeds, the trip curve
  // applied to them afterwards.
  std::vector<double> raw_for;  // the speeds `raw` was computed for
  std::vector<float> raw;
  auto raw_minutes = [&](const SpeedModel& m) {
    std::vector<double> speeds{m.speed_kmh};
    for (const DensityClass& d : m.density_classes) speeds.push_back(d.speed_kmh);
    if (speeds != raw_for) {
      SpeedModel legs = m;
      legs.long_trip_speedup = 1;
      raw = model_minutes(adjacency_travel_graph(territory, adjacency, legs), ref);
      raw_for = speeds;
    }
    return std::span<const float>(raw);
  };
  auto curved = [&](const SpeedModel& m) {
    const TripCurve curve{static_cast<float>(m.long_trip_from_minutes),
                          static_cast<float>(m.long_trip_speedup)};
    std::vector<float> minutes(raw_minutes(m).begin(), raw_minutes(m).end());
    for (float& v : minutes) v = curve.apply(v);
    return minutes;
  };
  auto objective = [&](const std::vector<double>& at) {
    ++out.evaluations;
    const std::vector<float> m = curved(model_at(start, at));
    double sum = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < m.size(); ++i) {
      if (!std::isfinite(m[i]) || !(ref.pairs[i].minutes > 0) || !(m[i] > 0)) continue;
      const double d = std::log(m[i] / ref.pairs[i].minutes);
      sum += d * d;
      ++n;
    }
    if (n == 0)
      throw Error("calibration: no pair of " + ref.source + " can be routed by the model");
    return sum / static_cast<double>(n);
  };

  out.before = compare(curved(start), ref, o.thresholds);
  double best = objective(x);
  progress.start("calibration", o.max_rounds);
  for (std::size_t round = 0; round < o.max_rounds; ++round) {
    bool moved = false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!free[i]) continue;
      for (double sign : {1.0, -1.0}) {
        std::vector<double> y = x;
        y[i] += sign * step[i];
        const double v = objective(y);
        if (v < best) {
          best = v;
          x = std::move(y);
          moved = true;
          break;
        }
      }
    }
    progress.advance();
    if (!moved) {
      for (double& s : step) s /= 2;
      if (*std::max_element(step.begin(), step.end()) < 1e-4) break;
    }
  }
  progress.finish();
  out.fitted = model_at(start, x);
  out.after = compare(curved(out.fitted), ref, o.thresholds);
  return out;
}

}  // namespace covsim::geo
