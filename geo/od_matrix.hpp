// Travel from a supplied origin-destination table (minutes from a routing engine, a transport
// authority's survey...): one edge per row, directed. Minutes between two communes are
// shortest paths over those edges, so a travel table never shows more than the direct entry,
// and shows less when a chain of entries is faster (e.g. a router's minutes rounded row by row).
//
//   TravelGraph g = od_travel_graph(territory, {.file = "od.csv", .minutes_column = "duree"});
//   TravelTable t = build_travel_table(g, all_communes(territory), 30.0f);
#pragma once

#include <filesystem>
#include <string>

#include "geo/input_access.hpp"
#include "geo/territory.hpp"
#include "geo/travel_graph.hpp"

namespace covsim::geo {

struct OdOptions {
  std::filesystem::path file;  // CSV with a header line (or any OGR table)
  std::string layer = {};      // for multi-table sources only
  std::string origin_column = "origin";
  std::string destination_column = "destination";
  std::string minutes_column = "minutes";
  // Use each row in both directions (a table listing each pair once).
  bool symmetric = false;
  InputAccess access = {};  // what the path may be (geo/input_access.hpp)
};

// One vertex per commune (same id), access minutes 0; communes no row mentions are unreachable.
// Rows from a commune to itself are ignored (a commune is 0 minutes from itself in every
// table). Throws InputError naming the file and the line for: a missing column (the columns
// that exist are listed), an unknown commune code, minutes that are empty, not a number,
// negative or not finite, and a pair given twice with different minutes.
TravelGraph od_travel_graph(const Territory& territory, const OdOptions& options);

}  // namespace covsim::geo
