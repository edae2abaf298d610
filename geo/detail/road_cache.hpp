// A binary snapshot of a built road network (largest component, chains contracted, Hilbert
// numbered) kept next to its OpenStreetMap extract, so a second run skips the import. The file
// starts with a key naming the extract's size and modification time, the CRS and every setting
// that shapes the graph, and ends with a checksum: a stale key, a short or altered file is
// reported and rebuilt, never trusted. Written atomically. Internal to geo/.
//
//   const std::string key = road_cache_key(options, territory.epsg);
//   if (auto hit = load_road_cache(road_cache_path(options), key, why)) use(hit->net);
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "geo/detail/road_build.hpp"

namespace covsim::geo::detail {

// `<extract>.covsim-roads` beside the extract, or in options.cache_dir when set.
std::filesystem::path road_cache_path(const RoadOptions& options);

// Extract size and modification time, EPSG code, speeds, ignored classes and one-way settings.
// Throws InputError when the extract cannot be read.
std::string road_cache_key(const RoadOptions& options, int epsg);

struct CachedRoads {
  RoadNetwork net;
  RoadReport report;  // what the import counted (snapping is redone for each territory)
};

// nullopt with `why_not` set ("no cache yet", "made for another extract or settings",
// "corrupt: ...") when the cache cannot be used.
std::optional<CachedRoads> load_road_cache(const std::filesystem::path& path,
                                           const std::string& key, std::string& why_not);

// Throws OutputError when the file cannot be written.
void save_road_cache(const std::filesystem::path& path, const std::string& key,
                     const RoadNetwork& net, const RoadReport& report);

}  // namespace covsim::geo::detail
