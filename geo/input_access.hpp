// Which inputs GDAL may open beyond plain local files. By default only local files and
// directories, read with drivers that do not follow references to other files or servers:
// a GDAL virtual path (/vsizip/, /vsigzip/...) is refused, and so is anything on the network
// (/vsicurl/, /vsis3/..., http://). A scenario opts in with its `inputs` section; PROJ never
// downloads grids either way.
//
//   LoadOptions o;  o.access = {.virtual_paths = true};  // zipped shapefiles, nothing remote
//   check_input_path("/vsicurl/https://example.org/c.gpkg", o.access);  // throws InputError
#pragma once

#include <string>
#include <string_view>

namespace covsim::geo {

struct InputAccess {
  bool virtual_paths = false;  // /vsizip/, /vsigzip/, /vsitar/, /vsimem/ ... over local data
  // /vsicurl/, /vsis3/ ... and URLs, plus every GDAL driver (some read from servers or follow
  // links inside a file). Implies virtual_paths.
  bool network = false;
};

// A URL or a GDAL virtual path that reaches the network, anywhere in the chain
// ("/vsizip//vsicurl/https://...").
bool is_network_path(std::string_view path);
// Any GDAL virtual path ("/vsi..." at the start or chained).
bool is_virtual_path(std::string_view path);

// Throws InputError naming `path` (and `where`, e.g. the scenario key) when `access` refuses it,
// when a local path does not exist, or when it is neither a regular file nor a directory (a
// device such as /dev/zero, or a pipe, which a driver would read without end).
void check_input_path(const std::string& path, const InputAccess& access,
                      const std::string& where = "");

// GDAL drivers used without `network`: each reads local files only.
const char* const* local_vector_drivers();

}  // namespace covsim::geo
