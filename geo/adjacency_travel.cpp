#include "geo/adjacency_travel.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "geo/error.hpp"

namespace covsim::geo {

namespace {

bool positive_speed(double kmh) { return kmh > 0 && std::isfinite(kmh); }

void check(const SpeedModel& m) {
  if (!(m.detour_factor >= 1) || !std::isfinite(m.detour_factor))
    throw Error("speed model: detour factor must be at least 1, got " +
                std::to_string(m.detour_factor));
  if (!positive_speed(m.speed_kmh))
    throw Error("speed model: speed must be positive, got " + std::to_string(m.speed_kmh) +
                " km/h");
  if (!(m.long_trip_from_minutes >= 0) || !std::isfinite(m.long_trip_from_minutes) ||
      !(m.long_trip_speedup >= 1) || !(m.long_trip_speedup <= 5))
    throw Error(
        "speed model: long trips need a start of at least 0 minutes and a speedup "
        "from 1 to 5, got " +
        std::to_string(m.long_trip_from_minutes) + " min and " +
        std::to_string(m.long_trip_speedup));
  for (const DensityClass& d : m.density_classes)
    if (!positive_speed(d.speed_kmh) || !(d.min_inhabitants_per_km2 >= 0))
      throw Error("speed model: density class from " + std::to_string(d.min_inhabitants_per_km2) +
                  " inhabitants/km2 needs a positive speed and threshold, got " +
                  std::to_string(d.speed_kmh) + " km/h");
}

std::string link_name(std::size_t i, const ExtraLink& l) {
  return "extra link " + std::to_string(i + 1) + " (" + l.from_code + " - " + l.to_code + ")";
}

}  // namespace

double SpeedModel::speed_in(const Territory& t, CommuneId c) const {
  check(*this);
  if (!(t.area_km2[c] > 0)) return speed_kmh;
  const double density = t.population[c] / t.area_km2[c];
  double best_threshold = -1, speed = speed_kmh;
  for (const DensityClass& d : density_classes) {
    if (density >= d.min_inhabitants_per_km2 && d.min_inhabitants_per_km2 > best_threshold) {
      best_threshold = d.min_inhabitants_per_km2;
      speed = d.speed_kmh;
    }
  }
  return speed;
}

TravelGraph adjacency_travel_graph(const Territory& territory, const Adjacency& adjacency,
                                   const SpeedModel& speeds) {
  check(speeds);
  const std::size_t n = territory.size();
  if (adjacency.size() != n)
    throw Error("adjacency of " + std::to_string(adjacency.size()) +
                " communes does not match the territory's " + std::to_string(n));
  std::vector<double> speed(n), radius(n);
  for (CommuneId c = 0; c < n; ++c) {
    speed[c] = speeds.speed_in(territory, c);
    radius[c] = territory.area_km2[c] > 0 ? std::sqrt(territory.area_km2[c] / std::numbers::pi) : 0;
  }

  std::vector<Edge> edges;
  edges.reserve(adjacency.neighbour.size() + 2 * speeds.extra_links.size());
  for (CommuneId a = 0; a < n; ++a) {
    for (CommuneId b : adjacency.neighbours(a)) {
      const double km = std::hypot(territory.demand[a].x - territory.demand[b].x,
                                   territory.demand[a].y - territory.demand[b].y) /
                        1000;
      const double radii = radius[a] + radius[b];
      const double share_a = radius[a] > 0 && radius[b] > 0 ? radius[a] / radii : 0.5;
      const double hours_per_km = share_a / speed[a] + (1 - share_a) / speed[b];
      const double minutes = km * speeds.detour_factor * hours_per_km * 60;
      if (!std::isfinite(minutes))
        throw InputError(territory.source, "commune " + territory.code[a],
                         "demand point is not finite");
      edges.push_back({a, b, static_cast<float>(minutes)});
    }
  }
  for (std::size_t i = 0; i < speeds.extra_links.size(); ++i) {
    const ExtraLink& l = speeds.extra_links[i];
    const auto from = territory.find(l.from_code), to = territory.find(l.to_code);
    for (const auto& [id, code] : {std::pair{from, l.from_code}, std::pair{to, l.to_code}})
      if (!id)
        throw InputError("travel model", link_name(i, l),
                         "unknown commune code '" + code + "' in " + territory.source);
    if (!(l.minutes >= 0) || !std::isfinite(l.minutes))
      throw InputError(
          "travel model", link_name(i, l),
          "minutes must be a finite non-negative number, got " + std::to_string(l.minutes));
    edges.push_back({*from, *to, static_cast<float>(l.minutes)});
    edges.push_back({*to, *from, static_cast<float>(l.minutes)});
  }

  TravelGraph g = commune_travel_graph("adjacency", n, std::move(edges));
  g.trip = {static_cast<float>(speeds.long_trip_from_minutes),
            static_cast<float>(speeds.long_trip_speedup)};
  return g;
}

}  // namespace covsim::geo
