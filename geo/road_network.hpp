// Travel on a real road network: OpenStreetMap extracts (.osm.pbf) read with libosmium, at
// department or national scale, with `maxspeed` and one-way streets; or any OGR line layer
// (a GIS road layer with a class field, small XML .osm files through GDAL's OSM driver). Lines
// are split at junctions into edges timed by a speed per road class; the largest strongly
// connected component is kept and degree-2 chains contracted; each commune's demand point snaps
// to the nearest node, and the snap distance becomes access minutes at both ends of every trip.
// An imported .osm.pbf is cached beside it (geo/detail/road_cache.hpp): a second run reloads it.
//
//   RoadGraph r = road_travel_graph(territory, {.file = "bretagne.osm.pbf"}, progress);
//   std::cout << r.report.to_text();  // TravelTable t = build_travel_table(r.graph, ...)
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "geo/input_access.hpp"
#include "geo/progress.hpp"
#include "geo/territory.hpp"
#include "geo/travel_graph.hpp"

namespace covsim::geo {

// Average car speeds (km/h) per OSM highway class, rural France: below the legal limits to
// account for bends, junctions and towns crossed.
std::map<std::string, double> default_road_speeds();
// OSM highway classes that are not driven (paths, steps, platforms, roads under construction):
// skipped and counted.
std::set<std::string> default_ignored_classes();

struct RoadOptions {
  std::filesystem::path file;
  // Empty: "lines" for OSM files, otherwise the dataset's only line layer.
  std::string layer = {};
  // Road class field. Lines with no class (rivers and railways in OSM "lines") are skipped and
  // counted. Empty: the layer has no classes and every line is driven at
  // `unknown_class_speed_kmh`.
  std::string class_field = "highway";
  // yes/true/1: one way along the line's drawing; -1/reverse: against it; anything else (no,
  // empty, reversible...): both ways. Read from the field, else from OSM's other_tags. Empty:
  // every line is two-way.
  std::string oneway_field = "oneway";
  // OSM conventions: motorways and roundabouts (junction=roundabout) are one way unless
  // tagged otherwise.
  bool osm_implied_oneway = true;
  std::map<std::string, double> speed_kmh = default_road_speeds();
  std::set<std::string> ignored_classes = default_ignored_classes();
  // Speed for classes neither in `speed_kmh` nor ignored. Unset: such classes are an error
  // that lists them with their counts.
  std::optional<double> unknown_class_speed_kmh = std::nullopt;
  std::string source_crs = {};  // only for layers that declare no CRS
  InputAccess access = {};      // what the path may be (geo/input_access.hpp)
  // Coordinates are rounded to this grid (metres, in the territory CRS) before vertices are
  // matched, so lines meeting at "the same" point up to rounding are joined.
  double snap_grid_m = 0.1;
  // Access from a demand point to its road node: straight distance x detour at this speed.
  double access_detour = 1.3;
  double access_speed_kmh = 30;
  // Communes whose demand point is farther than this from the network are listed in the report.
  double far_snap_m = 2000;
  // OSM `maxspeed` (.osm.pbf): a way with a limit is driven at a share of it, below the limit
  // for junctions, bends and traffic; limits of 50 km/h or less are town streets (France's
  // urban default, "FR:urban"), higher ones roads between towns ("FR:rural" 80, motorways
  // 130). 0.6 x 50 = 30 and 0.85 x 80 = 68 km/h match the class defaults of residential and
  // primary roads. false: class speeds only.
  bool use_maxspeed = true;
  double urban_limit_share = 0.6;
  double rural_limit_share = 0.85;
  // Binary cache of an imported .osm.pbf, keyed on the extract's size and modification time,
  // the CRS and the settings above that shape the graph. A cache that cannot be written (a
  // read-only data folder) is reported, not an error.
  bool cache = true;
  std::filesystem::path cache_dir = {};  // empty: beside the extract
};

struct RoadReport {
  std::string reader;        // "libosmium" or "GDAL"
  std::string source;        // "file, layer 'lines'"
  std::size_t features = 0;  // features of the layer; OSM: ways tagged highway
  std::size_t lines_driven = 0;
  std::size_t lines_with_maxspeed = 0;  // OSM: driven at a share of their speed limit
  std::size_t lines_missing_nodes = 0;  // OSM: ways cut where they leave the extract
  std::map<std::string, std::size_t> ignored_by_class;  // "(no class)" for an empty one
  std::map<std::string, std::size_t> unknown_by_class;  // driven at unknown_class_speed_kmh
  std::size_t features_without_geometry = 0;
  std::size_t one_way_lines = 0;
  std::size_t nodes_read = 0;        // junctions and line ends, all components
  std::size_t nodes_kept = 0;        // in the largest strongly connected component
  std::size_t nodes_contracted = 0;  // of those, removed inside degree-2 chains
  std::size_t edges_kept = 0;        // directed
  double kilometres_kept = 0;        // of road in that component, a two-way road counted once
  double max_snap_m = 0;
  double mean_snap_m = 0;
  std::vector<CommuneId> far_snaps;  // demand point farther than far_snap_m from the network
  std::string cache;  // OSM: "loaded from ...", "written to ...", or why it was not used

  std::string to_text(const Territory& territory) const;
};

struct RoadGraph {
  TravelGraph graph;  // model "road"; vertices = kept junctions along a Hilbert curve
  RoadReport report;
};

// Files ending in .pbf are read with libosmium (and cached), others with GDAL.
// Reprojects the lines to the territory's CRS (EPSG `territory.epsg`). Throws InputError
// naming the file (and layer, feature and field where it applies) when the file cannot be
// read, has no line layer, lacks the class field (the fields that exist are listed), declares
// no CRS, has a non-finite coordinate, uses road classes with no speed (listed with counts),
// has a speed that is not positive, or yields no road at all. The territory must not be empty.
RoadGraph road_travel_graph(const Territory& territory, const RoadOptions& options,
                            Progress& progress = null_progress());

}  // namespace covsim::geo
