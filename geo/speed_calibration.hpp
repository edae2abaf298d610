// Fitting the adjacency speed model (geo/adjacency_travel.hpp) to a reference table of car
// minutes a planner trusts (an OSRM or openrouteservice matrix, a QGIS network analysis, an
// official distance table), and measuring how well any travel graph agrees with such a table.
//
//   ReferenceTable ref = read_reference_table(territory, {.file = "osrm.csv"});
//   SpeedCalibration c = calibrate_speed_model(territory, adjacency, ref, SpeedModel{}, {});
//   // c.before, c.after: median ratio, mean absolute error, same verdict per threshold
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "geo/adjacency.hpp"
#include "geo/adjacency_travel.hpp"
#include "geo/od_matrix.hpp"
#include "geo/progress.hpp"
#include "geo/territory.hpp"
#include "geo/travel_graph.hpp"

namespace covsim::geo {

struct ReferencePair {
  CommuneId from = 0;
  CommuneId to = 0;
  double minutes = 0;
};

struct ReferenceTable {
  std::string source;
  std::vector<ReferencePair> pairs;  // origin != destination, in file order
  std::size_t self_pairs = 0;        // rows from a commune to itself, skipped
};

// Reads origin, destination and minutes columns named as for the od model (OdOptions; the
// symmetric flag is ignored: each row is one pair). Throws InputError naming the file and line
// for a missing column, an unknown commune code or minutes that are not a finite number >= 0.
ReferenceTable read_reference_table(const Territory& territory, const OdOptions& columns);

// How a model's minutes m compare with the reference's r over the pairs the model can route.
struct Agreement {
  std::size_t pairs = 0;        // compared
  std::size_t unreachable = 0;  // no route in the model (islands without a link)
  double median_ratio = 0;      // median of m / r (pairs with r > 0)
  double p10_ratio = 0;         // one pair in ten below this ratio
  double mean_abs_error = 0;    // mean |m - r|, minutes
  std::vector<float> thresholds;
  std::vector<double> same_verdict;  // per threshold: share of pairs with m <= T iff r <= T
};

// Minutes of `graph` for every pair (one search per distinct origin, stopped once its
// destinations are settled), compared with the table.
Agreement agreement(const TravelGraph& graph, const ReferenceTable& reference,
                    std::span<const float> thresholds);

struct CalibrationOptions {
  std::vector<float> thresholds = {15, 20, 30, 45};  // for the agreement figures
  bool fit_density = true;     // fit each density class's speed (thresholds are kept)
  bool fit_long_trips = true;  // fit long_trip_from_minutes and long_trip_speedup
  // Pattern-search rounds; a round that improves nothing halves the steps, and the search
  // stops once they are below 1e-4 (0.01 % of a speed).
  std::size_t max_rounds = 300;
};

struct SpeedCalibration {
  SpeedModel fitted;
  Agreement before;             // of the starting model
  Agreement after;              // of the fitted one
  std::size_t evaluations = 0;  // models tried
};

// Minimises the mean squared log ratio of model to reference minutes over the pairs the model
// routes, by pattern search over log speeds (rural and per density class), the long-trip start
// and log speedup. Minutes depend on the detour factor and the speeds only through their
// ratio, so the detour factor is kept and the speeds absorb it; extra links are kept. The
// search is deterministic. Throws covsim::Error when no pair can be compared.
SpeedCalibration calibrate_speed_model(const Territory& territory, const Adjacency& adjacency,
                                       const ReferenceTable& reference, const SpeedModel& start,
                                       const CalibrationOptions& options = {},
                                       Progress& progress = null_progress());

}  // namespace covsim::geo
