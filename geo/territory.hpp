// The territory: communes as parallel columns indexed by a dense CommuneId, in a metric CRS.
// Built once by a loader (load_territory, generate_territory), then read-only.
//
//   const Territory& t = ...;
//   for (CommuneId c = 0; c < t.size(); ++c) total += t.population[c];
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "geo/geometry.hpp"

namespace covsim::geo {

using CommuneId = std::uint32_t;
using GroupId = std::uint32_t;
inline constexpr GroupId kNoGroup = std::numeric_limits<GroupId>::max();

// A partition (possibly partial) of communes into named groups: department, EPCI...
struct Grouping {
  std::string key;                 // "department", "epci"
  std::vector<std::string> codes;  // group id -> code ("35", "243500139")
  std::vector<std::string> names;  // group id -> display name
  std::vector<GroupId> of;         // commune id -> group id, kNoGroup when unassigned
  // Group id -> communes the group has in all, as its source lists them (the COG); empty or 0
  // when unknown. More than the territory holds: the group is cut by the territory's edge.
  std::vector<std::uint32_t> full_size;

  std::size_t size() const { return codes.size(); }
  // Returns the id of `code`, adding the group if it is new.
  GroupId intern(std::string_view code, std::string_view name = {});
};

struct Territory {
  int epsg = 2154;     // metric CRS of every coordinate below
  std::string source;  // where it came from: file list or "synthetic(seed=…)"

  std::vector<std::string> code;  // INSEE code (or any unique id)
  std::vector<std::string> name;
  std::vector<double> population;
  // Inhabitants living in priority areas (QPV neighbourhoods, ZRR communes); 0 when unknown.
  std::vector<double> priority_population;
  std::vector<Point> demand;  // demand point, guaranteed inside the commune's polygon
  std::vector<double> area_km2;
  std::vector<MultiPolygon> shape;  // may be empty only for communes known without geometry
  std::vector<Grouping> groupings;

  std::size_t size() const { return code.size(); }
  const Grouping* grouping(std::string_view key) const;
  Grouping& grouping_or_add(std::string_view key);

  // Builds the code index; call after the columns are filled. Throws on duplicate codes.
  void index_codes();
  std::optional<CommuneId> find(std::string_view code) const;
  Box bounds() const;

  // Appends a commune with every column filled; returns its id.
  CommuneId add(std::string code, std::string name, double population, MultiPolygon shape,
                Point demand);

 private:
  std::unordered_map<std::string, CommuneId> by_code_;
};

}  // namespace covsim::geo
