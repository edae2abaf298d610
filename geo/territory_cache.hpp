// A binary snapshot of a loaded territory (read, reprojected, repaired, joined to the COG and
// the tables, Hilbert numbered) with its load report and adjacency, so that a second run skips
// the GeoJSON read and the GEOS work: France reloads in a fraction of a second instead of
// seconds. The key names every input file (path, size and modification time; a shapefile's
// sidecars and every file of the COG folder included), every load setting, the adjacency
// settings and the GDAL/GEOS versions: a changed input or setting misses, a short or altered
// file is reported as corrupt, and both are rebuilt, never trusted. Written atomically through
// the framing of geo/detail/binary_cache.hpp.
//
//   std::string why;
//   if (auto key = territory_cache_key(load, adjacency, why))
//     if (auto hit = load_territory_cache(dir / kTerritoryCacheName, *key, why)) use(*hit);
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "geo/adjacency.hpp"
#include "geo/load_report.hpp"
#include "geo/territory.hpp"
#include "geo/territory_loader.hpp"

namespace covsim::geo {

// The cache's file name in its folder (the scenario's output folder by default).
inline constexpr const char* kTerritoryCacheName = ".covsim-territory";

// nullopt with `why_not` set when the inputs cannot be keyed: a virtual (/vsi...) or network
// path, or a file that cannot be read (the load reports that one itself).
std::optional<std::string> territory_cache_key(const LoadOptions& load,
                                               const AdjacencyOptions& adjacency,
                                               std::string& why_not);

struct CachedTerritory {
  Territory territory;  // codes indexed
  LoadReport report;
  Adjacency adjacency;
};

// nullopt with `why_not` set ("no cache yet", "made for other inputs or settings",
// "corrupt (...)") when the cache cannot be used.
std::optional<CachedTerritory> load_territory_cache(const std::filesystem::path& path,
                                                    const std::string& key, std::string& why_not);

// Creates the folder when missing. Throws OutputError when the file cannot be written.
void save_territory_cache(const std::filesystem::path& path, const std::string& key,
                          const Territory& territory, const LoadReport& report,
                          const Adjacency& adjacency);

}  // namespace covsim::geo
